"""What a query may cost, checked after validation and before any resolver runs.

The estimate is the number of fields the query would resolve at most: every field counts once per
object it is resolved on, and a connection (a paged list) multiplies what it selects by its
`first` (the maximum page size when it is not given). Another list of objects multiplies by
LIST_ESTIMATE: those lists are bounded elsewhere (seeded facts, a decision's own caps).

Variables are bounded too: a list variable is not counted by the token limit, so the scalars the
variables hold are counted against their own limit (a bulk registration of 1,000 inputs holds
some 10,000)."""

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_list_type,
    is_non_null_type,
)
from graphql.execution import ExecutionResult
from graphql.type import GraphQLField, GraphQLOutputType
from strawberry.extensions import SchemaExtension

LIST_ESTIMATE = 10
CONNECTION_FIELDS = frozenset({"edges", "nodes"})


def variable_values(value: Any) -> int:
    """How many scalars a variable value holds."""
    if isinstance(value, Mapping):
        return sum(variable_values(item) for item in value.values()) or 1
    if isinstance(value, list):
        return sum(variable_values(item) for item in value) or 1
    return 1


def is_connection(type_: GraphQLOutputType) -> bool:
    named = get_named_type(type_)
    return isinstance(named, GraphQLObjectType) and "pageInfo" in named.fields


def is_list(type_: GraphQLOutputType) -> bool:
    return is_list_type(type_.of_type if is_non_null_type(type_) else type_)


class Estimate:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        page_size: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.page_size = page_size

    def fields(
        self, parent: GraphQLObjectType, selections: SelectionSetNode
    ) -> Iterator[tuple[GraphQLObjectType, FieldNode]]:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                yield parent, selection
                continue
            condition: NamedTypeNode | None
            if isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None:
                    continue
                condition, inner = fragment.type_condition, fragment.selection_set
            else:
                assert isinstance(selection, InlineFragmentNode)
                condition, inner = selection.type_condition, selection.selection_set
            # a fragment on an interface or union costs as much as its costliest object type
            named = parent if condition is None else self.schema.get_type(condition.name.value)
            targets = (
                [named]
                if isinstance(named, GraphQLObjectType)
                else list(self.schema.get_possible_types(named))  # type: ignore[arg-type]
            )
            best: list[tuple[GraphQLObjectType, FieldNode]] = []
            for target in targets:
                found = list(self.fields(target, inner))
                if self.cost_of(found) > self.cost_of(best):
                    best = found
            yield from best

    def cost_of(self, fields: list[tuple[GraphQLObjectType, FieldNode]]) -> int:
        return sum(self.field(parent, node) for parent, node in fields)

    def selection(self, type_: GraphQLOutputType, selections: SelectionSetNode | None) -> int:
        if selections is None:
            return 0
        named = get_named_type(type_)
        if isinstance(named, GraphQLObjectType):
            return self.cost_of(list(self.fields(named, selections)))
        # an interface or union: its costliest implementation
        return max(
            (
                self.cost_of(list(self.fields(target, selections)))
                for target in self.schema.get_possible_types(named)  # type: ignore[arg-type]
            ),
            default=0,
        )

    def rows(self, node: FieldNode) -> int:
        """The `first` a connection field is given, or the default page size."""
        given = next((a.value for a in node.arguments or () if a.name.value == "first"), None)
        if isinstance(given, VariableNode):
            value = self.variables.get(given.name.value)
        elif isinstance(given, IntValueNode):
            value = int(given.value)
        else:
            value = None
        return value if isinstance(value, int) and value >= 0 else self.page_size

    def field(self, parent: GraphQLObjectType, node: FieldNode) -> int:
        definition: GraphQLField | None = parent.fields.get(node.name.value)
        if definition is None:
            return 1
        inner = self.selection(definition.type, node.selection_set)
        if is_connection(definition.type):
            return 1 + self.rows(node) * inner
        if node.name.value in CONNECTION_FIELDS and is_connection(parent):
            return 1 + inner  # the connection's `first` counted its rows
        if is_list(definition.type) and node.selection_set is not None:
            return 1 + LIST_ESTIMATE * inner
        return 1 + inner


def refusal(message: str, limit: str, **extensions: int) -> ExecutionResult:
    return ExecutionResult(
        data=None, errors=[GraphQLError(message, extensions={"limit": limit, **extensions})]
    )


class QueryCost(SchemaExtension):
    """Refuse an operation whose estimated cost, or whose variables, are over the limits."""

    def __init__(self, *, max_cost: int, max_variable_values: int, page_size: int) -> None:
        self.max_cost = max_cost
        self.max_variable_values = max_variable_values
        self.page_size = page_size

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        variables = context.variables or {}
        carried = variable_values(variables) if variables else 0
        if carried > self.max_variable_values:
            context.result = refusal(
                f"the variables hold {carried} values, over the limit of "
                f"{self.max_variable_values} (DATAMAP_MAX_VARIABLE_VALUES)",
                "DATAMAP_MAX_VARIABLE_VALUES",
                maximum=self.max_variable_values,
            )
            yield
            return
        document = context.graphql_document
        operation = next(
            (
                definition
                for definition in (document.definitions if document else ())
                if isinstance(definition, OperationDefinitionNode)
                and (
                    context.operation_name is None
                    or (definition.name and definition.name.value == context.operation_name)
                )
            ),
            None,
        )
        if document is not None and operation is not None:
            schema = context.schema._schema
            root = schema.get_root_type(operation.operation)
            fragments = {
                definition.name.value: definition
                for definition in document.definitions
                if isinstance(definition, FragmentDefinitionNode)
            }
            estimate = Estimate(schema, fragments, variables, self.page_size)
            try:
                cost = estimate.selection(root, operation.selection_set)  # type: ignore[arg-type]
            except (GraphQLError, TypeError, ValueError):
                cost = 0  # a variable the execution itself will refuse, with its own error
            if cost > self.max_cost:
                context.result = refusal(
                    f"the query's estimated cost {cost} is over the limit of {self.max_cost} "
                    "(DATAMAP_MAX_QUERY_COST); ask nested lists for fewer rows with `first`",
                    "DATAMAP_MAX_QUERY_COST",
                    cost=cost,
                    maximum=self.max_cost,
                )
        yield
