"""Completion of plain answer subtrees without graphql-core's per-field machinery.

An answer type is *plain* when every field of it reads an attribute (strawberry's basic
resolver: no resolver function, no arguments, no permission or extension) and returns a scalar,
an enum, or another plain type, with lists and non-nulls around them, and when it has no type
check (`is_type_of`, which strawberry gives the types that implement an interface). Lineage
nodes and their paths, data-map nodes and edges and the plans' rows are plain: most of a large
answer. Such a subtree has nothing to await and no side effect, so its values are read and
coerced in one recursive pass, without the resolve info, path and awaitable checks graphql-core
builds for every field (about half of a large answer's time).

Anything the pass does not take as it is (a null in a non-null field, a value an enum or
scalar refuses, an attribute it lacks, a deferred fragment) sends the whole object back
to graphql-core, which completes it from the start and reports the error with its path,
exactly as it would have without this pass."""

from collections.abc import Callable
from functools import cache
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    get_named_type,
    is_leaf_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter


class NotPlain(Exception):
    """A value the plain pass leaves to graphql-core."""


@cache
def plain_types(schema: GraphQLSchema) -> frozenset[str]:
    """The names of the plain object types of `schema` (see the module's docstring)."""
    candidates: dict[str, GraphQLObjectType] = {
        name: type_
        for name, type_ in schema.type_map.items()
        if is_object_type(type_)
        and not name.startswith("__")
        and type_.is_type_of is None
        and all(
            getattr(field.resolve, "_is_default", False) and not field.args
            for field in type_.fields.values()
        )
    }
    changed = True
    while changed:
        changed = False
        for name, type_ in list(candidates.items()):
            for field in type_.fields.values():
                inner = get_named_type(field.type)
                if not is_leaf_type(inner) and inner.name not in candidates:
                    del candidates[name]
                    changed = True
                    break
    return frozenset(candidates)


Complete = Callable[["PlainExecutionContext", Any, FieldDetailsList], Any]
"""Completes one value of a known type in the plain pass; raises NotPlain to give it back."""


def getter(field: GraphQLField) -> Callable[[Any], Any]:
    """What the field's basic resolver reads, without its wrappers."""
    definition = field.extensions[GraphQLCoreConverter.DEFINITION_BACKREF]
    if definition.default_resolver is getattr:
        return attrgetter(definition.python_name)
    return lambda source: definition.get_result(source, None, [], {})


@cache
def completer(type_: GraphQLOutputType) -> Complete:
    """How the plain pass completes a value of `type_`, decided once per type."""
    if isinstance(type_, GraphQLNonNull):
        inner = completer(type_.of_type)

        def non_null(executor: PlainExecutionContext, value: Any, details: FieldDetailsList) -> Any:
            completed = inner(executor, value, details)
            if completed is None:
                raise NotPlain("null in a non-null field")
            return completed

        return non_null
    if isinstance(type_, GraphQLList):
        item = completer(type_.of_type)

        def items(executor: PlainExecutionContext, value: Any, details: FieldDetailsList) -> Any:
            if value is None:
                return None
            if not isinstance(value, list | tuple):
                raise NotPlain("not a list")
            return [item(executor, each, details) for each in value]

        return items
    if type_ in (GraphQLString, GraphQLID):

        def text(executor: PlainExecutionContext, value: Any, details: FieldDetailsList) -> Any:
            if value is None or type(value) is str:
                return value
            return executor.complete_leaf_value(type_, value)

        return text
    if is_leaf_type(type_):
        leaf = type_

        def coerced(executor: PlainExecutionContext, value: Any, details: FieldDetailsList) -> Any:
            return None if value is None else executor.complete_leaf_value(leaf, value)

        return coerced
    if isinstance(type_, GraphQLObjectType):
        object_type = type_

        def plain(executor: PlainExecutionContext, value: Any, details: FieldDetailsList) -> Any:
            if value is None:
                return None
            grouped_field_set, defer_usages, _ = executor.collect_subfields(object_type, details)
            if defer_usages:
                raise NotPlain("deferred")
            return executor.plain_object(object_type, value, grouped_field_set)

        return plain

    def abstract(executor: PlainExecutionContext, value: Any, details: FieldDetailsList) -> Any:
        raise NotPlain("abstract type")

    return abstract


Plan = list[tuple[str, Callable[[Any], Any] | None, Complete, FieldDetailsList]]
"""Per response key of a selection: what to read (None for `__typename`) and how to complete it."""


class PlainExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans: dict[int, tuple[GroupedFieldSet, Plan]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        middleware = self.middleware_manager
        if (middleware is None or not middleware.middlewares) and parent_type.name in plain_types(
            self.schema
        ):
            try:
                return self.plain_object(parent_type, source_value, grouped_field_set)
            except Exception:  # graphql-core completes it again, and reports what it finds
                pass
        return super().execute_fields(
            parent_type, source_value, path, grouped_field_set, position_context
        )

    def plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Plan:
        """The plan of a selection, made once per request: the selection sets graphql-core
        collects are memoized, so every item of a list shares one (kept alive with its plan,
        so that its id is not reused)."""
        known = self.plans.get(id(grouped_field_set))
        if known is not None:
            return known[1]
        plan: Plan = []
        for response_name, field_details_list in grouped_field_set.items():
            field_name = field_details_list[0].node.name.value
            if field_name == "__typename":
                plan.append((response_name, None, completer(GraphQLString), field_details_list))
                continue
            field = parent_type.fields.get(field_name)
            if field is None:
                raise NotPlain(field_name)
            plan.append((response_name, getter(field), completer(field.type), field_details_list))
        self.plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan

    def plain_object(
        self, parent_type: GraphQLObjectType, source: Any, grouped_field_set: GroupedFieldSet
    ) -> dict[str, Any]:
        return {
            response_name: parent_type.name
            if read is None
            else complete(self, read(source), field_details_list)
            for response_name, read, complete, field_details_list in self.plan(
                parent_type, grouped_field_set
            )
        }
