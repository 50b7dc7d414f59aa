"""Completion of plain answer subtrees without graphql-core's per-field machinery.

A selection is *plain* when the pass can read every field it selects without awaiting: an
attribute (strawberry's basic resolver: no resolver function, no arguments), a method of the
value that takes neither `info` nor arguments, or a relationship field that its loader has
already answered (`shared_reads.LOADED_FIELDS`: a shared read primed the loader, so the
resolver's coroutine returns at its first step). No field may have a permission or extension.
Lineage nodes and their paths, data-map nodes and edges, the plans' rows, the nested levels
of a shared read and a bulk mutation's payloads selected without their computed fields are
plain: most of a large answer. Such a subtree has no side effect, so its
values are read and coerced in one recursive pass, without the resolve info, path and awaitable
checks graphql-core builds for every field (about half of a large answer's time).

Anything the pass does not take as it is (a null in a non-null field, a value an enum or
scalar refuses, an attribute it lacks, a deferred fragment, a field of an abstract or other
type, an error a resolver raises) sends the whole object back to graphql-core, which completes
it from the start and reports the error with its path, exactly as it would have without this
pass. A relationship field whose loader has not answered yet gives its selection back for the
rest of the request: its loads are under way, and graphql-core awaits them."""

from collections.abc import Callable
from functools import cache
from operator import attrgetter
from typing import Any, NamedTuple

from graphql import (
    GraphQLField,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    get_argument_values,
    get_named_type,
    is_leaf_type,
    is_scalar_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.fields.resolver import StrawberryResolver

from schema.shared_reads import LOADED_FIELDS


class NotPlain(Exception):
    """A value the plain pass leaves to graphql-core."""


def readable(type_name: str, name: str, field: GraphQLField) -> bool:
    """Whether the plain pass can read the field `name` of `type_name` (see the docstring)."""
    definition = field.extensions[GraphQLCoreConverter.DEFINITION_BACKREF]
    if definition.extensions or definition.permission_classes:
        return False
    resolver = definition.base_resolver
    if (type_name, name) in LOADED_FIELDS:
        return (
            resolver is not None
            and resolver.is_async
            and resolver.info_parameter is not None
            and set(field.args) == {argument.python_name for argument in resolver.arguments}
            and all(is_scalar_type(get_named_type(a.type)) for a in field.args.values())
        )
    if field.args:
        return False
    if getattr(field.resolve, "_is_default", False):
        return True
    return (
        resolver is not None
        and not resolver.is_async
        and resolver.self_parameter is not None
        and resolver.info_parameter is None
        and not resolver.arguments
    )


@cache
def readable_fields(schema: GraphQLSchema) -> frozenset[tuple[str, str]]:
    """The fields (type name, field name) the plain pass can read, those of the operation types
    aside (their fields do the work of a request)."""
    roots = {
        root.name
        for root in (schema.query_type, schema.mutation_type, schema.subscription_type)
        if root is not None
    }
    return frozenset(
        (name, field_name)
        for name, type_ in schema.type_map.items()
        if isinstance(type_, GraphQLObjectType) and not name.startswith("__") and name not in roots
        for field_name, field in type_.fields.items()
        if readable(name, field_name, field)
    )


@cache
def plain_types(schema: GraphQLSchema) -> frozenset[str]:
    """The object types the plain pass tries: those with a field it can read. A selection of
    one is plain when every field it selects is (a mutation's payload selected without its
    computed fields, say)."""
    return frozenset(name for name, _ in readable_fields(schema))


@cache
def resolver_of(resolver: StrawberryResolver[Any]) -> tuple[Callable[..., Any], str]:
    """A loaded field's resolver function and the name of its `info` parameter (which
    strawberry finds by inspecting the signature: once per resolver here)."""
    function, info = resolver.wrapped_func, resolver.info_parameter
    assert not isinstance(function, staticmethod | classmethod) and info is not None
    return function, info.name


class Waits(NotPlain):
    """A relationship field whose loader has not answered yet."""


class Refused(NotPlain):
    """A selection left to graphql-core for the rest of the request: one of its fields is not
    readable, or one of its objects' selections is not."""


class Ready(NamedTuple):
    """What a loaded field's resolver reads of `info` when the plain pass steps it: the
    request's context (its loaders and settings)."""

    context: Any


Complete = Callable[["PlainExecutionContext", Any, FieldDetailsList], Any]
"""Completes one value of a known type in the plain pass; raises NotPlain to give it back."""


def getter(field: GraphQLField) -> Callable[[Any], Any]:
    """What the field reads of a value: its attribute, or what its method returns."""
    definition = field.extensions[GraphQLCoreConverter.DEFINITION_BACKREF]
    if definition.base_resolver is None:
        return attrgetter(definition.python_name)
    method = definition.base_resolver.wrapped_func
    return lambda source: method(source)


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
        is_type_of = object_type.is_type_of

        def plain(executor: PlainExecutionContext, value: Any, details: FieldDetailsList) -> Any:
            if value is None:
                return None
            # strawberry's is_type_of (an isinstance check) reads no resolve info
            if is_type_of is not None and not is_type_of(value, None):  # type: ignore[arg-type]
                raise NotPlain("not of the type")
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
        self.plans: dict[int, tuple[GroupedFieldSet, Plan | None]] = {}
        """Each selection's plan, or None for a selection graphql-core completes."""

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
            if known[1] is None:
                raise Refused("left to graphql-core")
            return known[1]
        try:
            plan = self.new_plan(parent_type, grouped_field_set)
        except NotPlain as refused:
            self.plans[id(grouped_field_set)] = (grouped_field_set, None)
            raise Refused(str(refused)) from None
        self.plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan

    def new_plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Plan:
        plan: Plan = []
        readable_here, plain = readable_fields(self.schema), plain_types(self.schema)
        for response_name, field_details_list in grouped_field_set.items():
            field_name = field_details_list[0].node.name.value
            if field_name == "__typename":
                plan.append((response_name, None, completer(GraphQLString), field_details_list))
                continue
            field = parent_type.fields.get(field_name)
            if field is None or (parent_type.name, field_name) not in readable_here:
                raise NotPlain(field_name)
            inner = get_named_type(field.type)
            if not is_leaf_type(inner) and inner.name not in plain:
                raise NotPlain(f"{field_name}: {inner.name}")
            read = (
                self.stepped(field, field_details_list)
                if (parent_type.name, field_name) in LOADED_FIELDS
                else getter(field)
            )
            plan.append((response_name, read, completer(field.type), field_details_list))
        return plan

    def stepped(self, field: GraphQLField, details: FieldDetailsList) -> Callable[[Any], Any]:
        """Reads a loaded field by running its resolver's coroutine one step: with its loader
        primed it returns there (a done future is awaited without suspending); Waits when not."""
        resolve, info = resolver_of(
            field.extensions[GraphQLCoreConverter.DEFINITION_BACKREF].base_resolver
        )
        arguments = get_argument_values(field, details[0].node, self.variable_values)
        arguments[info] = Ready(self.context_value)

        def read(source: Any) -> Any:
            running = resolve(source, **arguments)
            try:
                running.send(None)
            except StopIteration as done:
                return done.value
            running.close()
            raise Waits("a load is pending")

        return read

    def plain_object(
        self, parent_type: GraphQLObjectType, source: Any, grouped_field_set: GroupedFieldSet
    ) -> dict[str, Any]:
        plan = self.plan(parent_type, grouped_field_set)
        try:
            return {
                response_name: parent_type.name
                if read is None
                else complete(self, read(source), field_details_list)
                for response_name, read, complete, field_details_list in plan
            }
        except (Waits, Refused):
            self.plans[id(grouped_field_set)] = (grouped_field_set, None)
            raise
