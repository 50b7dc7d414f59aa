"""What an OpenLineage event says about flows, decided over plain data: which system each dataset
is (by the namespace mapping), and which categories a completed run moved from one system to
another (by column lineage where the event has it, else by the input's fields, else by what the
source system holds, which is then marked as inferred).

And drift: observed flows that nothing declares, declared flows never observed in a window, and
observed categories a declared flow does not carry."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from resolvers.categories import relevant
from resolvers.ingest.events import Dataset, Received, RunEvent, RunState

CATEGORY_TAGS = frozenset({"datamap.category", "data_category", "category", "fides_category"})
"""Schema-field tag keys whose value names a data category."""


@dataclass(frozen=True)
class NamespaceMapping:
    """One entry of the namespace mapping: datasets of `namespace` whose name starts with
    `name_prefix` are in `system`."""

    namespace: str
    name_prefix: str
    system: str


def system_of(dataset: Dataset, mappings: Sequence[NamespaceMapping]) -> str | None:
    """The system of a dataset: the mapping of its namespace with the longest matching prefix."""
    matching = [
        entry
        for entry in mappings
        if entry.namespace == dataset.namespace and dataset.name.startswith(entry.name_prefix)
    ]
    if not matching:
        return None
    return max(matching, key=lambda entry: len(entry.name_prefix)).system


@dataclass
class Movement:
    """Data a completed run moved from one system's dataset to another's."""

    from_system: str
    to_system: str
    categories: set[str] = field(default_factory=set)
    inferred: bool = False


@dataclass(frozen=True)
class Facts:
    """What the graph says about the systems an event names."""

    mappings: tuple[NamespaceMapping, ...]
    field_categories: Mapping[tuple[str, str], frozenset[str]]
    """(system, lower-cased field name) -> the categories a storage field of that name holds."""
    held: Mapping[str, frozenset[str]]
    """system -> every category its storages hold (for an input that names no field)."""
    known_categories: frozenset[str]


def tagged(dataset: Dataset, field_name: str, known: frozenset[str]) -> set[str]:
    return {
        tag.value
        for tag in dataset.tags_of(field_name)
        if tag.key in CATEGORY_TAGS and tag.value in known
    }


def field_categories(system: str, dataset: Dataset, field_name: str, facts: Facts) -> set[str]:
    return tagged(dataset, field_name, facts.known_categories) | set(
        facts.field_categories.get((system, field_name.lower()), ())
    )


def movements(event: Received, facts: Facts) -> list[Movement]:
    """The flows a completed run shows; none for any other event."""
    run = event.event
    if not isinstance(run, RunEvent) or run.eventType is not RunState.COMPLETE:
        return []
    inputs, outputs = run.inputs, run.outputs
    by_key = {dataset.key: dataset for dataset in inputs}
    found: dict[tuple[str, str], Movement] = {}

    def move(source: str, target: str) -> Movement:
        return found.setdefault((source, target), Movement(source, target))

    for output in outputs:
        target = system_of(output, facts.mappings)
        if target is None:
            continue
        lineage = output.facets.columnLineage
        if lineage is not None and lineage.fields:
            for column in lineage.fields.values():
                for source_field in column.inputFields:
                    dataset = by_key.get(
                        f"{source_field.namespace}/{source_field.name}"
                    ) or Dataset(namespace=source_field.namespace, name=source_field.name)
                    source = system_of(dataset, facts.mappings)
                    if source is None or source == target:
                        continue
                    movement = move(source, target)
                    if not source_field.masked:
                        movement.categories |= field_categories(
                            source, dataset, source_field.field, facts
                        )
            continue
        for dataset in inputs:
            source = system_of(dataset, facts.mappings)
            if source is None or source == target:
                continue
            movement = move(source, target)
            named = set().union(
                *(field_categories(source, dataset, name, facts) for name in dataset.field_names)
            )
            if named:
                movement.categories |= named
            else:
                movement.categories |= facts.held.get(source, frozenset())
                movement.inferred = True
    return sorted(found.values(), key=lambda m: (m.from_system, m.to_system))


def unmapped(event: Received, mappings: Sequence[NamespaceMapping]) -> list[Dataset]:
    return [dataset for dataset in event.datasets if system_of(dataset, mappings) is None]


@dataclass(frozen=True)
class FlowFacts:
    """A flow between two systems, declared or observed, with what has been observed of it."""

    id: str
    from_system: str
    to_system: str
    provenance: str
    categories: tuple[str, ...]
    observed_categories: tuple[str, ...]
    last_observed_at: datetime | None
    events: tuple[str, ...]


@dataclass(frozen=True)
class Drift:
    undeclared: list[FlowFacts]
    unobserved: list[FlowFacts]
    undeclared_categories: list[tuple[FlowFacts, list[str]]]


def drift(flows: Iterable[FlowFacts], instrumented: frozenset[str], since: datetime) -> Drift:
    """Observed flows nothing declares; declared flows between two instrumented systems (the
    namespace mapping covers both) not observed since `since`; and, per declared flow, the observed
    categories none of its declared categories covers (the prefix rule)."""
    undeclared: list[FlowFacts] = []
    unobserved: list[FlowFacts] = []
    extra: list[tuple[FlowFacts, list[str]]] = []
    for flow in flows:
        if flow.provenance == "OBSERVED":
            undeclared.append(flow)
            continue
        both_instrumented = flow.from_system in instrumented and flow.to_system in instrumented
        if both_instrumented and (flow.last_observed_at is None or flow.last_observed_at < since):
            unobserved.append(flow)
        beyond = sorted(
            key
            for key in flow.observed_categories
            if not any(relevant(key, declared) for declared in flow.categories)
        )
        if beyond:
            extra.append((flow, beyond))
    return Drift(undeclared, unobserved, extra)
