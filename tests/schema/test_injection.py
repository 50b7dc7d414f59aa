"""Cypher-injection strings and oversized values in every string input: each is either stored
verbatim or refused with a coded error, and never executed. A refused write leaves the node and
relationship counts as they were; an accepted one changes them exactly as a clean write does, and
the stored value equals the input."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from graph.database import Database
from tests.conftest import GraphQL

PAYLOADS = {
    "quote": "' OR 1=1 //",
    "detach": '"}) MATCH (n) DETACH DELETE n //',
    "nul": "\u0000",
    "parameter": "$id`}) WITH 1 AS x CALL db.labels() YIELD label RETURN label //",
    "unicode": "Zürich 東京 🚀 \U0001f9ea",
    "long": "x" * 200_000,
    "plain": "t-inj_plain.1",
}
REFUSED = frozenset({"BAD_USER_INPUT", "NOT_FOUND"})


@dataclass(frozen=True)
class Write:
    """One mutation with a valid input; `stored` reads back every property of what it wrote."""

    document: str
    argument: str
    base: Callable[[str, dict[str, str]], dict[str, Any]]
    stored: str


def _value_lists(rows: list[dict[str, Any]]) -> list[Any]:
    values: list[Any] = []
    for row in rows:
        for props in [row["node"], *row["edges"]]:
            for value in props.values():
                values.extend(value if isinstance(value, list) else [value])
    return values


ORGANISATION_PROPS = (
    "MATCH (n:Organisation {id: $id}) OPTIONAL MATCH (n)-[r]-() "
    "RETURN properties(n) AS node, collect(properties(r)) AS edges"
)
WRITES = {
    "registerProcessor": Write(
        "mutation($input: ProcessorInput!) { registerProcessor(input: $input) { id: key } }",
        "input",
        lambda source, refs: {
            "source": source,
            "externalId": "vendor",
            "legalName": "Vendor Ltd",
            "country": "GB",
            "engagedBy": refs["controller"],
            "website": "https://vendor.test",
            "subjectTo": ["PIPEDA"],
            "service": "hosting",
            "categories": ["user.contact.email"],
        },
        ORGANISATION_PROPS,
    ),
    "registerProcessors": Write(
        "mutation($input: [ProcessorInput!]!) { registerProcessors(inputs: $input) { id: key } }",
        "input",
        lambda source, refs: [
            {
                "source": source,
                "externalId": "bulk",
                "legalName": "Bulk Ltd",
                "country": "FR",
                "engagedBy": refs["controller"],
                "service": "mail",
            }
        ],
        ORGANISATION_PROPS,
    ),
    "registerSubProcessor": Write(
        "mutation($input: SubProcessorInput!) { registerSubProcessor(input: $input) { id: key } }",
        "input",
        lambda source, refs: {
            "source": source,
            "externalId": "sub",
            "legalName": "Sub Inc",
            "country": "US",
            "processorId": refs["processor"],
            "authorisation": "GENERAL",
            "authorisedOn": "2024-01-02",
            "website": "http://sub.test",
            "service": "storage",
        },
        ORGANISATION_PROPS,
    ),
    "registerSystem": Write(
        "mutation($input: SystemInput!) { registerSystem(input: $input) { id: key } }",
        "input",
        lambda source, refs: {
            "source": source,
            "externalId": "app",
            "name": "App",
            "kind": "APPLICATION",
            "operatorId": refs["controller"],
            "operatorRole": "CONTROLLER",
            "hostedIn": ["DE"],
            "description": "the app",
            "ownerTeam": "core",
            "retrievalMethod": "export",
            "identifiers": ["email"],
        },
        "MATCH (n:System {id: $id}) OPTIONAL MATCH (n)-[r]-() "
        "RETURN properties(n) AS node, collect(properties(r)) AS edges",
    ),
    "registerDataFlow": Write(
        "mutation($input: DataFlowInput!) { registerDataFlow(input: $input) { id: key } }",
        "input",
        lambda source, refs: {
            "source": source,
            "externalId": "flow",
            "fromSystemId": refs["system"],
            "toOrganisationId": refs["processor"],
            "categories": ["user.contact.email"],
            "purpose": "marketing",
            "mode": "PUSH",
        },
        "MATCH ()-[r:FLOWS_TO {id: $id}]->() RETURN properties(r) AS node, [] AS edges",
    ),
    "registerSafeguard": Write(
        "mutation($input: SafeguardInput!) { registerSafeguard(input: $input) { id: key } }",
        "input",
        lambda source, refs: {
            "source": source,
            "externalId": "bcr",
            "type": "BCR",
            "regimes": ["EU"],
            "signedOn": "2023-06-01",
            "exporterId": refs["controller"],
            "importerId": refs["processor"],
            "supplementaryMeasures": ["encryption"],
        },
        "MATCH (n:Safeguard {id: $id}) OPTIONAL MATCH (n)-[r]-() "
        "RETURN properties(n) AS node, collect(properties(r)) AS edges",
    ),
}


def string_paths(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """The path of every string in `value`, list elements included."""
    if isinstance(value, str):
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in string_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in string_paths(item, (*path, index))]
    return []


def replaced(value: Any, path: tuple[str | int, ...], new: str) -> Any:
    if not path:
        return new
    head, *rest = path
    if isinstance(value, dict):
        return {**value, str(head): replaced(value[str(head)], tuple(rest), new)}
    items = list(value)
    items[int(head)] = replaced(items[int(head)], tuple(rest), new)
    return items


async def counts(db: Database) -> tuple[int, int]:
    nodes = await db.read("MATCH (n) RETURN count(n) AS n")
    edges = await db.read("MATCH ()-[r]->() RETURN count(r) AS n")
    return nodes[0]["n"], edges[0]["n"]


def unique_source() -> str:
    return f"t-inj-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
async def refs(graphql: GraphQL, db: Database) -> dict[str, str]:
    """A controller, a processor it engages and a system it operates, for the writes to name."""
    controller = f"t-inj-{uuid.uuid4().hex[:10]}"
    await db.write(
        "CREATE (:Organisation {id: $id, legal_name: 'Injection controller', country: 'DE', "
        "source: 'test'})",
        {"id": controller},
    )
    made = {"controller": controller}
    for name in ("registerProcessor", "registerSystem"):
        write = WRITES[name]
        body = await graphql(write.document, {write.argument: write.base(unique_source(), made)})
        made["processor" if name == "registerProcessor" else "system"] = body["data"][name]["id"]
    return made


async def post(graphql: GraphQL, write: Write, value: Any) -> dict[str, Any]:
    body: dict[str, Any] = await graphql(write.document, {write.argument: value})
    return body


@pytest.mark.parametrize("name", list(WRITES))
async def test_every_string_input_of_a_write_is_stored_verbatim_or_refused(
    graphql: GraphQL, db: Database, refs: dict[str, str], name: str
) -> None:
    write = WRITES[name]
    before = await counts(db)
    clean = await post(graphql, write, write.base(unique_source(), refs))
    assert "errors" not in clean, clean
    after = await counts(db)
    delta = (after[0] - before[0], after[1] - before[1])

    stored = refused = 0
    for path in string_paths(write.base("", refs)):
        for payload in PAYLOADS.values():
            source = unique_source()
            value = replaced(write.base(source, refs), path, payload)
            before = await counts(db)
            body = await post(graphql, write, value)
            after = await counts(db)
            if "errors" in body:
                refused += 1
                assert {error["extensions"]["code"] for error in body["errors"]} <= REFUSED, body
                assert after == before, (path, payload[:40])
                continue
            stored += 1
            assert (after[0] - before[0], after[1] - before[1]) == delta, (path, payload[:40])
            result = body["data"][name]
            entity_id = (result[0] if isinstance(result, list) else result)["id"]
            if path[-1] == "externalId":
                assert entity_id == f"{source}:{payload}"
            else:
                assert payload in _value_lists(await db.read(write.stored, {"id": entity_id}))
    assert stored > 0 and refused > 0


QUERIES = [
    ("query($v: ID!) { system(id: $v) { id } }", "system"),
    ("query($v: ID!) { organisation(id: $v) { id } }", "organisation"),
    ("query($v: String!) { country(code: $v) { code } }", "country"),
    ("query($v: String!) { dataCategory(key: $v) { key } }", "dataCategory"),
    ("query($v: ID!) { node(id: $v) { id } }", "node"),
    ("query($v: ID!) { deletionPlan(subject: $v) { subject } }", "deletionPlan"),
    ("query($v: ID!) { transfers(systemId: $v) { paths { id } } }", "transfers"),
    ("query($v: String!) { systems(after: $v) { totalCount } }", "systems"),
    ("query($v: ID!) { auditLog(filter: {entityId: $v}) { id } }", "auditLog"),
    ("mutation($v: ID!) { retireSystem(id: $v) { id } }", "retireSystem"),
    ("mutation($v: ID!) { revokeApiKey(id: $v) { id } }", "revokeApiKey"),
]
EMPTY_ANSWERS: list[Any] = [None, []]


@pytest.mark.parametrize(("document", "field"), QUERIES, ids=[field for _, field in QUERIES])
async def test_string_arguments_find_nothing_and_change_nothing(
    graphql: GraphQL, db: Database, document: str, field: str
) -> None:
    for payload in PAYLOADS.values():
        before = await counts(db)
        body = await graphql(document, {"v": payload})
        assert await counts(db) == before
        if "errors" in body:
            assert {error["extensions"]["code"] for error in body["errors"]} <= REFUSED, body
        else:
            assert body["data"][field] in EMPTY_ANSWERS, (field, payload[:40], body)


@pytest.mark.parametrize(
    "filter_field", ["search", "country", "category", "subject", "organisation"]
)
async def test_filter_strings_match_only_themselves(
    graphql: GraphQL, db: Database, filter_field: str
) -> None:
    """A search finds only names that contain the string (this module stores some); the other
    filters name keys no node has."""
    for payload in PAYLOADS.values():
        before = await counts(db)
        body = await graphql(
            "query($f: MapFilter) { systems(filter: $f, first: 100) { nodes { name } } }",
            {"f": {filter_field: payload}},
        )
        assert await counts(db) == before
        if "errors" in body:
            assert {error["extensions"]["code"] for error in body["errors"]} <= REFUSED, body
            continue
        names = [system["name"] for system in body["data"]["systems"]["nodes"]]
        if filter_field == "search":
            assert all(payload.lower() in name.lower() for name in names), names
        else:
            assert names == [], (filter_field, payload[:40])


async def test_a_variable_value_its_type_cannot_take_is_bad_user_input(graphql: GraphQL) -> None:
    write = WRITES["registerSafeguard"]
    refs = {"controller": "t-inj-a", "processor": "t-inj-b"}
    value = replaced(write.base(unique_source(), refs), ("type",), PAYLOADS["detach"])
    body = await post(graphql, write, value)
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.type"}
    dated = await graphql(
        'query($on: Date) { country(code: "DE") { adequacy(on: $on) { nodes { status } } } }',
        {"on": "2024-13-45"},
    )
    assert dated["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "on"}


async def test_an_api_key_name_is_stored_verbatim(graphql: GraphQL, db: Database) -> None:
    for payload in PAYLOADS.values():
        before = await counts(db)
        body = await graphql(
            "mutation($name: String!) { createApiKey(role: VIEWER, name: $name) "
            "{ apiKey { id name } } }",
            {"name": payload},
        )
        if "errors" in body:
            assert {error["extensions"]["code"] for error in body["errors"]} <= REFUSED, body
            assert await counts(db) == before
            continue
        created = body["data"]["createApiKey"]["apiKey"]
        assert created["name"] == payload
        rows = await db.read(
            "MATCH (k:ApiKey {id: $id}) RETURN k.name AS name", {"id": created["id"]}
        )
        assert rows == [{"name": payload}]
        assert (await counts(db))[0] > before[0]


async def test_an_oversized_body_is_refused_before_it_is_read(
    graphql: GraphQL, db: Database
) -> None:
    before = await counts(db)
    body = await graphql(
        "mutation($name: String!) { createApiKey(role: VIEWER, name: $name) { key } }",
        {"name": "x" * 2_000_000},
        status=413,
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "body"}
    assert await counts(db) == before
