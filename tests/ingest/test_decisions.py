"""Which flows an OpenLineage event shows, decided on plain data."""

import json
from datetime import UTC, datetime

from resolvers.ingest.decisions import (
    Facts,
    FlowFacts,
    NamespaceMapping,
    drift,
    movements,
    system_of,
)
from resolvers.ingest.events import Dataset, received

MAPPINGS = (
    NamespaceMapping("pg://a", "", "sys-a"),
    NamespaceMapping("bq", "events.", "sys-b"),
    NamespaceMapping("bq", "events.raw.", "sys-c"),
)
FACTS = Facts(
    mappings=MAPPINGS,
    field_categories={
        ("sys-a", "email"): frozenset({"user.contact.email"}),
        ("sys-a", "name"): frozenset({"user.name"}),
    },
    held={"sys-a": frozenset({"user.contact.email", "user.name", "user.device"})},
    known_categories=frozenset({"user.contact.email", "user.name", "user.device.ip_address"}),
)


def run(
    inputs: list[dict[str, object]], outputs: list[dict[str, object]], state: str = "COMPLETE"
) -> bytes:
    return json.dumps(
        {
            "eventType": state,
            "eventTime": "2026-11-30T10:00:00Z",
            "producer": "https://example.test/producer",
            "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
            "run": {"runId": "0195e5a2-0000-7000-8000-000000000001"},
            "job": {"namespace": "jobs", "name": "copy"},
            "inputs": inputs,
            "outputs": outputs,
        }
    ).encode()


def schema(*names: str) -> dict[str, object]:
    return {"schema": {"fields": [{"name": name} for name in names]}}


def test_the_longest_matching_prefix_names_the_system() -> None:
    assert system_of(Dataset(namespace="bq", name="events.raw.clicks"), MAPPINGS) == "sys-c"
    assert system_of(Dataset(namespace="bq", name="events.daily"), MAPPINGS) == "sys-b"
    assert system_of(Dataset(namespace="bq", name="other.daily"), MAPPINGS) is None


def test_column_lineage_carries_the_input_fields_categories_but_not_masked_ones() -> None:
    output = {
        "namespace": "bq",
        "name": "events.users",
        "facets": {
            "columnLineage": {
                "fields": {
                    "email": {
                        "inputFields": [
                            {
                                "namespace": "pg://a",
                                "name": "users",
                                "field": "email",
                                "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}],
                            }
                        ]
                    },
                    "name_hash": {
                        "inputFields": [
                            {
                                "namespace": "pg://a",
                                "name": "users",
                                "field": "name",
                                "transformations": [
                                    {"type": "DIRECT", "subtype": "TRANSFORMATION", "masking": True}
                                ],
                            }
                        ]
                    },
                }
            }
        },
    }
    [moved] = movements(received(run([{"namespace": "pg://a", "name": "users"}], [output])), FACTS)
    assert (moved.from_system, moved.to_system) == ("sys-a", "sys-b")
    assert moved.categories == {"user.contact.email"}
    assert moved.inferred is False


def test_without_column_lineage_the_input_schema_and_its_tags_name_the_categories() -> None:
    source = {
        "namespace": "pg://a",
        "name": "users",
        "facets": {
            **schema("email", "ip"),
            "tags": {
                "tags": [
                    {"key": "datamap.category", "value": "user.device.ip_address", "field": "ip"},
                    {"key": "datamap.category", "value": "not.a.category", "field": "ip"},
                ]
            },
        },
    }
    [moved] = movements(received(run([source], [{"namespace": "bq", "name": "events.x"}])), FACTS)
    assert moved.categories == {"user.contact.email", "user.device.ip_address"}


def test_an_input_that_names_no_field_carries_what_its_system_holds_as_inferred() -> None:
    event = received(
        run([{"namespace": "pg://a", "name": "users"}], [{"namespace": "bq", "name": "events.x"}])
    )
    [moved] = movements(event, FACTS)
    assert moved.inferred is True
    assert moved.categories == {"user.contact.email", "user.name", "user.device"}


def test_only_a_completed_run_moves_data_and_unmapped_or_same_system_pairs_are_no_flow() -> None:
    io = ([{"namespace": "pg://a", "name": "users"}], [{"namespace": "bq", "name": "events.x"}])
    assert movements(received(run(*io, state="START")), FACTS) == []
    assert movements(received(run(io[0], [{"namespace": "pg://a", "name": "copy"}])), FACTS) == []
    assert movements(received(run(io[0], [{"namespace": "s3://?", "name": "x"}])), FACTS) == []


def flow(
    provenance: str, categories: tuple[str, ...], observed: tuple[str, ...], seen: datetime | None
) -> FlowFacts:
    return FlowFacts("f", "sys-a", "sys-b", provenance, categories, observed, seen, ())


def test_drift_sorts_flows_by_what_was_observed() -> None:
    since = datetime(2026, 11, 1, tzinfo=UTC)
    recent = datetime(2026, 11, 20, tzinfo=UTC)
    old = datetime(2026, 10, 1, tzinfo=UTC)
    observed = flow("OBSERVED", ("user.name",), ("user.name",), recent)
    stale = flow("DECLARED", ("user.contact",), (), old)
    beyond = flow("DECLARED", ("user.contact",), ("user.contact.email", "user.name"), recent)
    uninstrumented = FlowFacts("g", "sys-x", "sys-b", "DECLARED", ("user",), (), None, ())
    found = drift([observed, stale, beyond, uninstrumented], frozenset({"sys-a", "sys-b"}), since)
    assert found.undeclared == [observed]
    assert found.unobserved == [stale]
    assert found.undeclared_categories == [(beyond, ["user.name"])]
