"""The nested levels of a root field's selection, planned for its one statement.

A root list or lookup reads the nodes it answers and, in the same statement, what the
relationship fields of its selection will ask their loaders for (`graph.queries.shared`); the
loaders are primed with it, so those fields find their rows and run no statement. The fields
still resolve as always: a field the plan does not know, or an argument it cannot read, only
costs that field its own statement."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    get_argument_values,
    get_named_type,
    is_abstract_type,
)
from graphql.execution.values import VariableValues
from strawberry.types import Info

from graph.queries.nodes import KEY_OF
from graph.queries.shared import Branch
from resolvers.errors import DatamapError
from resolvers.read.pagination import window
from schema.context import Context


@dataclass(frozen=True)
class Nested:
    """What a relationship field reads: the neighbours along `relation` (a connection, or one
    neighbour when `one`), or with `relation` None the node whose key the parent's property
    `by` holds; `label` is its nodes' label and GraphQL type, `via` the field of a connection
    row that holds the node (None: the row is the node)."""

    relation: str | None
    label: str
    by: str = ""
    via: str | None = None
    one: bool = False


NESTED: dict[tuple[str, str], Nested] = {
    ("Regime", "area"): Nested("regime.area", "Country"),
    ("AdequacyDecision", "regime"): Nested("adequacy_decision.regime", "Regime", one=True),
    ("AdequacyDecision", "countries"): Nested("adequacy_decision.countries", "Country"),
    ("Country", "adequacy"): Nested("country.adequacy", "Regime", via="regime"),
    ("DataCategory", "parent"): Nested(None, "DataCategory", by="parent_key"),
    ("DataCategory", "children"): Nested("data_category.children", "DataCategory"),
    ("DataCategory", "systems"): Nested("data_category.systems", "System"),
    ("DataUse", "parent"): Nested(None, "DataUse", by="parent_key"),
    ("DataUse", "children"): Nested("data_use.children", "DataUse"),
    ("DataSubject", "systems"): Nested("data_subject.systems", "System"),
    ("Organisation", "establishedIn"): Nested(None, "Country", by="country"),
    ("Organisation", "countries"): Nested("organisation.countries", "Country", via="country"),
    ("Organisation", "systems"): Nested("organisation.systems", "System", via="system"),
    ("Organisation", "subProcessors"): Nested(
        "organisation.sub_processors", "Organisation", via="engaged"
    ),
    ("Organisation", "engagedBy"): Nested("organisation.engaged_by", "Organisation", via="engager"),
    ("Organisation", "safeguards"): Nested("organisation.safeguards", "Safeguard"),
    ("Organisation", "dpfCertifications"): Nested(
        "organisation.dpf_certifications", "DpfCertification"
    ),
    ("Safeguard", "exporter"): Nested("safeguard.exporter", "Organisation", one=True),
    ("Safeguard", "importer"): Nested("safeguard.importer", "Organisation", one=True),
    ("Safeguard", "sccModule"): Nested("safeguard.scc_module", "SccModule", one=True),
    ("Storage", "system"): Nested("storage.system", "System", one=True),
    ("Storage", "subject"): Nested("storage.subject", "DataSubject", one=True),
    ("Storage", "categories"): Nested("storage.categories", "DataCategory"),
    ("Storage", "retentionObligations"): Nested(
        "storage.retention_obligations", "RetentionObligation"
    ),
    ("System", "categories"): Nested("system.categories", "DataCategory"),
    ("System", "subjects"): Nested("system.subjects", "DataSubject"),
    ("System", "storages"): Nested("system.storages", "Storage"),
    ("System", "organisations"): Nested("system.operators", "Organisation", via="organisation"),
    ("System", "securityMeasures"): Nested("system.security_measures", "SecurityMeasure"),
    ("System", "hostingCountries"): Nested("system.hosting_countries", "Country"),
    ("System", "accessedFrom"): Nested("system.accessed_from", "Country", via="country"),
    ("System", "backups"): Nested("system.backups", "System"),
    ("System", "backupOf"): Nested("system.backup_of", "System"),
    ("System", "activities"): Nested("system.activities", "ProcessingActivity"),
    ("ProcessingActivity", "purposes"): Nested("activity.purposes", "DataUse"),
    ("ProcessingActivity", "subjects"): Nested("activity.subjects", "DataSubject"),
    ("ProcessingActivity", "categories"): Nested("activity.categories", "DataCategory"),
    ("ProcessingActivity", "systems"): Nested("activity.systems", "System"),
    ("ProcessingActivity", "controllers"): Nested("activity.controllers", "Organisation"),
    ("ProcessingActivity", "recipients"): Nested(
        "activity.recipients", "Organisation", via="organisation"
    ),
    ("ProcessingActivity", "legalBases"): Nested("activity.legal_bases", "LegalBasis"),
}
"""The relationship fields a shared read answers, by GraphQL type (its nodes' label) and field.
Flows (`upstream`, `downstream`) are left to their loaders: their far end is a system or an
organisation."""

LOADED_FIELDS: frozenset[tuple[str, str]] = frozenset(
    {*NESTED, ("System", "upstream"), ("System", "downstream")}
)
"""The relationship fields whose resolvers await nothing but their loaders: the plain pass
(`schema.execution`) reads them when a shared read has answered their loader."""


Sets = list[SelectionSetNode]


@dataclass(frozen=True)
class Walk:
    """What planning a selection reads besides it: the schema, the document's fragments, the
    coerced variables and the page size a connection defaults to."""

    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: VariableValues
    max_page_size: int

    @classmethod
    def of(cls, info: Info[Context, None]) -> "Walk":
        raw = info._raw_info
        variables: Any = raw.variable_values
        if not isinstance(variables, VariableValues):  # strawberry hands over the plain dict
            variables = VariableValues({}, variables)
        return cls(raw.schema, raw.fragments, variables, info.context.settings.max_page_size)


def connection_plan(info: Info[Context, None]) -> tuple[Branch, ...]:
    """The branches below the rows of the connection the current root field returns."""
    connection = get_named_type(info._raw_info.return_type)
    assert isinstance(connection, GraphQLObjectType)
    walk = Walk.of(info)
    rows, row_type = connection_rows(selection_sets(info._raw_info.field_nodes), connection, walk)
    return plan(rows, row_type, walk)


def node_plan(info: Info[Context, None], label: str) -> tuple[Branch, ...]:
    """The branches below the `label` node the current root field returns."""
    walk = Walk.of(info)
    node_type = walk.schema.get_type(label)
    assert isinstance(node_type, GraphQLObjectType)
    return plan(selection_sets(info._raw_info.field_nodes), node_type, walk)


def plan(sets: Sets, node_type: GraphQLObjectType, walk: Walk) -> tuple[Branch, ...]:
    """The branches the fields selected in `sets` on a `node_type` node read."""
    branches: list[Branch] = []
    for field in fields(sets, node_type, walk):
        nested = NESTED.get((node_type.name, field.name.value))
        if nested is None:
            continue
        definition = node_type.fields[field.name.value]
        target = get_named_type(definition.type)
        assert isinstance(target, GraphQLObjectType)
        rows, row_type = selection_sets([field]), target
        if nested.relation is None:
            branch = Branch(None, nested.label, nested.by)
        elif nested.one:
            branch = Branch(nested.relation, nested.label, KEY_OF[node_type.name], 0, 1)
        else:
            arguments = get_argument_values(definition, field, walk.variables)
            try:
                rows_window = window(
                    arguments.get("first"), arguments.get("after"), walk.max_page_size
                )
            except DatamapError:
                continue
            branch = Branch(
                nested.relation,
                nested.label,
                KEY_OF[node_type.name],
                rows_window.offset,
                rows_window.limit,
            )
            rows, row_type = connection_rows(rows, target, walk)
        if nested.via is not None:
            rows, row_type = step(rows, row_type, nested.via, walk)
        branches.append(replace(branch, branches=plan(rows, row_type, walk)))
    return merged(branches)


def merged(branches: list[Branch]) -> tuple[Branch, ...]:
    """The branches with those reading the same thing (the same field twice, under aliases or
    in fragments) made one, with their branches together."""
    by_read: dict[Branch, list[Branch]] = {}
    for branch in branches:
        by_read.setdefault(replace(branch, branches=()), []).extend(branch.branches)
    return tuple(replace(read, branches=merged(below)) for read, below in by_read.items())


def connection_rows(
    sets: Sets, connection: GraphQLObjectType, walk: Walk
) -> tuple[Sets, GraphQLObjectType]:
    """The selections on the rows of a connection, under `nodes` and under `edges { node }`,
    and the rows' type."""
    nodes, row_type = step(sets, connection, "nodes", walk)
    edges, edge_type = step(sets, connection, "edges", walk)
    under_edges, _ = step(edges, edge_type, "node", walk)
    return nodes + under_edges, row_type


def step(
    sets: Sets, parent: GraphQLObjectType, name: str, walk: Walk
) -> tuple[Sets, GraphQLObjectType]:
    """The selections under the fields `name` of `parent` selected in `sets`, and their type."""
    target = get_named_type(parent.fields[name].type)
    assert isinstance(target, GraphQLObjectType)
    found = [field for field in fields(sets, parent, walk) if field.name.value == name]
    return selection_sets(found), target


def selection_sets(nodes: Iterable[FieldNode]) -> Sets:
    return [node.selection_set for node in nodes if node.selection_set is not None]


def fields(sets: Sets, parent: GraphQLObjectType, walk: Walk) -> Iterator[FieldNode]:
    """The fields selected in `sets` on an object of type `parent`, with those of the fragments
    that apply to it."""
    for selection_set in sets:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or applies(condition.name.value, parent, walk):
                    yield from fields([selection.selection_set], parent, walk)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = walk.fragments[selection.name.value]
                if applies(fragment.type_condition.name.value, parent, walk):
                    yield from fields([fragment.selection_set], parent, walk)


def applies(condition: str, parent: GraphQLObjectType, walk: Walk) -> bool:
    if condition == parent.name:
        return True
    abstract = walk.schema.get_type(condition)
    return is_abstract_type(abstract) and walk.schema.is_sub_type(abstract, parent)
