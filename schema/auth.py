"""Every field of every operation is checked here, centrally, before anything resolves: the role
each field needs comes from one table, so new root fields are covered without touching this file.
Query root fields need `viewer` unless listed, Mutation root fields `integration` unless listed,
and any other operation type the stricter of the two. A request whose key lacks a role for any
field it selects gets one FORBIDDEN error and no resolver runs."""

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    visit,
)
from graphql.execution import ExecutionResult
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.types import Info

from resolvers.auth.principal import Principal, Role
from resolvers.errors import DatamapError, Forbidden, Unauthenticated
from schema.context import Context

FIELD_ROLES: dict[tuple[str, str], Role] = {
    ("Query", "lineage"): Role.ANALYST,
    ("Query", "accessPlan"): Role.ANALYST,
    ("Query", "accessPlanDocument"): Role.ANALYST,
    ("Query", "deletionPlan"): Role.ANALYST,
    ("Query", "breachImpact"): Role.ANALYST,
    ("Query", "transferAssessment"): Role.ANALYST,
    ("Query", "transfers"): Role.ANALYST,
    ("Query", "transferCheck"): Role.ANALYST,
    ("Query", "recordsOfProcessing"): Role.ANALYST,
    ("Query", "auditLog"): Role.ANALYST,
    ("Query", "policyCheck"): Role.ANALYST,
    ("Query", "drift"): Role.ANALYST,
    ("Query", "fidesManifest"): Role.ANALYST,
    ("Query", "apiKeys"): Role.ADMIN,
    ("Mutation", "createApiKey"): Role.ADMIN,
    ("Mutation", "revokeApiKey"): Role.ADMIN,
    ("Mutation", "restoreRetired"): Role.ADMIN,
}
ROOT_DEFAULTS: dict[str, Role] = {"Query": Role.VIEWER, "Mutation": Role.INTEGRATION}
STRICTEST_DEFAULT = max(ROOT_DEFAULTS.values(), key=lambda role: role.rank)


def required_role(parent_type: str, field: str, root_types: frozenset[str]) -> Role | None:
    """The role a field needs, or None when it needs no more than its parent."""
    listed = FIELD_ROLES.get((parent_type, field))
    if listed is not None:
        return listed
    if parent_type in root_types and not field.startswith("__"):
        return ROOT_DEFAULTS.get(parent_type, STRICTEST_DEFAULT)
    return None


def used_fragments(
    node: OperationDefinitionNode | FragmentDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    seen: set[str],
) -> Iterator[FragmentDefinitionNode]:
    names: list[str] = []

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: object) -> None:
            names.append(spread.name.value)

    visit(node, Spreads())
    for name in names:
        if name not in seen and name in fragments:
            seen.add(name)
            yield fragments[name]
            yield from used_fragments(fragments[name], fragments, seen)


class RoleCheck(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        document = self.execution_context.graphql_document
        if isinstance(context, Context) and document is not None:
            denial = self.denial(context.principal, document)
            if denial is not None:
                self.execution_context.result = ExecutionResult(
                    data=None, errors=[GraphQLError(denial.message, original_error=denial)]
                )
        yield

    def denial(self, principal: Principal | None, document: DocumentNode) -> DatamapError | None:
        operation = get_operation_ast(document, self.execution_context.operation_name)
        if operation is None:
            return None
        if principal is None:
            return Unauthenticated("send an API key as `Authorization: Bearer <key>`")
        schema = self.execution_context.schema._schema
        text = self.execution_context.query
        needs = (
            needed_roles(schema, document, operation)
            if text is None
            else cached_needs(schema, text, self.execution_context.operation_name, document)
        )
        for role, field in needs:
            if not principal.role.allows(role):
                return Forbidden(
                    f"{field} needs the {role.value} role; this key has {principal.role.value}",
                    field=field,
                )
        return None


Needs = tuple[tuple[Role, str], ...]
NEEDS: dict[tuple[int, str, str | None], Needs] = {}
"""The roles each document's fields need, by schema, text and operation name: a document's
text decides them, so a client repeating its queries pays the walk once."""
MAX_NEEDS = 1024


def cached_needs(
    schema: GraphQLSchema, text: str, operation_name: str | None, document: DocumentNode
) -> Needs:
    key = (id(schema), text, operation_name)
    found = NEEDS.get(key)
    if found is None:
        operation = get_operation_ast(document, operation_name)
        assert operation is not None
        found = needed_roles(schema, document, operation)
        if len(NEEDS) >= MAX_NEEDS:
            NEEDS.clear()
        NEEDS[key] = found
    return found


def needed_roles(
    schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
) -> Needs:
    """The role each field of `operation` that needs one needs, with the field's name."""
    root_types = frozenset(
        root.name
        for root in (schema.query_type, schema.mutation_type, schema.subscription_type)
        if root is not None
    )
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    type_info = TypeInfo(schema)
    needs: list[tuple[Role, str]] = []

    class Fields(Visitor):
        def enter_field(self, node: FieldNode, *_: object) -> None:
            parent = type_info.get_parent_type()
            if parent is None:
                return
            role = required_role(get_named_type(parent).name, node.name.value, root_types)
            if role is not None:
                needs.append((role, node.name.value))

    for node in (operation, *used_fragments(operation, fragments, set())):
        visit(node, TypeInfoVisitor(type_info, Fields()))
    return tuple(needs)


def actor(info: Info[Context, None]) -> Principal:
    """The principal of a request that passed RoleCheck."""
    principal = info.context.principal
    if principal is None:
        raise Unauthenticated("send an API key as `Authorization: Bearer <key>`")
    return principal
