"""Answers a user can trust, on Preemptly's seeded map: one id scheme end to end, strict inputs
with the nearest valid keys, and no silent empty answer."""

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from app.settings import Settings
from resolvers.global_id import encode
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture(scope="module")
async def whole_map(
    neo4j_server: Settings, admin_headers: dict[str, str]
) -> AsyncIterator[GraphQL]:
    """The service with a data-map cap above every node the shared test graph holds (other
    tests' synthetic maps included), so an unfiltered map is never cut."""
    from app.main import create_app

    application: FastAPI = create_app(
        neo4j_server.model_copy(update={"datamap_max_nodes": 1_000_000})
    )
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://datamap.test", headers=admin_headers
        ) as http:

            async def post(query: str, variables: dict[str, Any] | None = None) -> Any:
                response = await http.post(
                    "/graphql", json={"query": query, "variables": variables or {}}
                )
                return response.json()

            yield post


def error_of(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    extensions: dict[str, Any] = body["errors"][0]["extensions"]
    return extensions


async def test_every_lookup_takes_the_global_id_and_the_key(graphql: GraphQL) -> None:
    system, organisation = encode("System", "accounts-db"), encode("Organisation", "nimbus-inc")
    body = await graphql(
        """query($s: ID!, $o: ID!) {
             byId: system(id: $s) { key } byKey: system(id: "accounts-db") { id }
             org: organisation(id: $o) { key } orgKey: organisation(id: "nimbus-inc") { id }
             country(code: "de") { code } }""",
        {"s": system, "o": organisation},
    )
    assert "errors" not in body, body
    data = body["data"]
    assert data["byId"]["key"] == "accounts-db" and data["byKey"]["id"] == system
    assert data["org"]["key"] == "nimbus-inc" and data["orgKey"]["id"] == organisation
    assert data["country"]["code"] == "DE"


async def test_a_lookup_naming_nothing_is_not_found_with_the_nearest_keys(
    graphql: GraphQL,
) -> None:
    body = await graphql('{ system(id: "accounts-bd") { key } }')
    extensions = error_of(body)
    assert (extensions["code"], extensions["field"]) == ("NOT_FOUND", "id")
    assert "accounts-db" in extensions["suggestions"]
    body = await graphql(
        "query($id: ID!) { system(id: $id) { key } }", {"id": encode("Country", "DE")}
    )
    assert (error_of(body)["code"], error_of(body)["field"]) == ("BAD_USER_INPUT", "id")


async def test_lineage_and_transfers_take_the_global_id(graphql: GraphQL) -> None:
    body = await graphql(
        """query($s: ID!) {
             lineage(from: $s) { startId nodes { id } }
             transfers(systemId: $s) { totalCount } }""",
        {"s": encode("System", "accounts-db")},
    )
    assert "errors" not in body, body
    assert body["data"]["lineage"]["startId"] == "accounts-db"
    assert body["data"]["lineage"]["nodes"]
    by_key = await graphql('{ transfers(systemId: "accounts-db") { totalCount } }')
    assert by_key["data"]["transfers"]["totalCount"] == body["data"]["transfers"]["totalCount"]
    assert by_key["data"]["transfers"]["totalCount"] > 0


async def test_transfers_through_nothing_is_not_found(graphql: GraphQL) -> None:
    body = await graphql('{ transfers(systemId: "no-such-system") { totalCount } }')
    extensions = error_of(body)
    assert (extensions["code"], extensions["field"]) == ("NOT_FOUND", "systemId")


async def test_flows_and_engagements_are_nodes_with_one_edge_id_everywhere(
    whole_map: GraphQL,
) -> None:
    graphql = whole_map
    body = await graphql(
        """{ system(id: "accounts-db") { downstream { nodes { id key mode } } }
             organisation(id: "nimbus-inc") { subProcessors { nodes { id key engager { key }
               engaged { key } } } }
             dataMap { edges { id kind } }
             lineage(from: "accounts-db") { nodes { paths { hops { edgeId relationship } } } } }"""
    )
    assert "errors" not in body, body
    data = body["data"]
    flows = data["system"]["downstream"]["nodes"]
    engagements = data["organisation"]["subProcessors"]["nodes"]
    assert flows and engagements
    map_edges = {edge["id"]: edge["kind"] for edge in data["dataMap"]["edges"]}
    for flow in flows:
        assert flow["id"] == encode("Flow", flow["key"])
        assert map_edges[flow["id"]] == "FLOWS_TO"
    for engagement in engagements:
        assert engagement["engager"]["key"] == "nimbus-inc"
        assert map_edges[engagement["id"]] == "ENGAGES"
    hops = [
        hop for node in data["lineage"]["nodes"] for path in node["paths"] for hop in path["hops"]
    ]
    assert hops and all(hop["edgeId"] in map_edges for hop in hops)
    assert any(hop["relationship"] == "OPERATED_BY" for hop in hops)

    node = await graphql(
        """query($f: ID!, $e: ID!) {
             f: node(id: $f) { id ... on Flow { key source { key } } }
             e: node(id: $e) { id ... on Engagement { engaged { key } } } }""",
        {"f": flows[0]["id"], "e": engagements[0]["id"]},
    )
    assert "errors" not in node, node
    assert node["data"]["f"] == {
        "id": flows[0]["id"],
        "key": flows[0]["key"],
        "source": {"key": "accounts-db"},
    }
    assert node["data"]["e"]["engaged"] == engagements[0]["engaged"]


async def test_upstream_hops_run_in_the_direction_the_data_flows(graphql: GraphQL) -> None:
    body = await graphql(
        """{ lineage(from: "accounts-db", direction: UPSTREAM) {
               nodes { id paths { nodeIds hops { fromId toId relationship } } } } }"""
    )
    assert "errors" not in body, body
    nodes = body["data"]["lineage"]["nodes"]
    assert nodes
    for node in nodes:
        for path in node["paths"]:
            last = path["hops"][-1]
            assert last["fromId"] == node["id"], path
            assert path["nodeIds"][-1] == node["id"]
            first = path["hops"][0]
            assert first["toId"] == "accounts-db", path


async def test_unknown_categories_subjects_and_countries_name_the_nearest_keys(
    graphql: GraphQL,
) -> None:
    cases = [
        (
            '{ accessPlan(subject: "preemptly.account_user", categories: ["user.contact.emial"]) '
            "{ regime } }",
            "categories[0]",
            "user.contact.email",
        ),
        (
            '{ lineage(from: "accounts-db", categories: ["user.contact.emial"]) { startId } }',
            "categories[0]",
            "user.contact.email",
        ),
        (
            '{ transferAssessment(filter: {country: "usa"}) { totalCount } }',
            "filter.country",
            None,
        ),
        (
            '{ transferCheck(input: {exporterId: "preemptly", importerCountry: "Switzerland", '
            "exporterRole: CONTROLLER, importerRole: PROCESSOR}) { verdict } }",
            "input.importerCountry",
            "CH",
        ),
        ('{ systems(filter: {country: "Germany"}) { totalCount } }', "filter.country", "DE"),
        (
            '{ dataSubjects(filter: {category: "user.contact.emial"}) { totalCount } }',
            "filter.category",
            "user.contact.email",
        ),
    ]
    for document, field, nearest in cases:
        extensions = error_of(await graphql(document))
        assert (extensions["code"], extensions["field"]) == ("BAD_USER_INPUT", field), document
        if nearest is not None:
            assert nearest in extensions["suggestions"], (document, extensions)


async def test_country_codes_are_taken_in_any_case(graphql: GraphQL) -> None:
    body = await graphql(
        """{ lower: systems(filter: {country: "us"}) { totalCount }
             upper: systems(filter: {country: "US"}) { totalCount }
             low: transferAssessment(filter: {country: "us"}) { totalCount }
             up: transferAssessment(filter: {country: "US"}) { totalCount } }"""
    )
    assert "errors" not in body, body
    data = body["data"]
    assert data["lower"] == data["upper"] and data["upper"]["totalCount"] > 0
    assert data["low"] == data["up"] and data["up"]["totalCount"] > 0


async def test_max_hops_over_the_limit_is_refused_as_first_is(graphql: GraphQL) -> None:
    hops = error_of(await graphql('{ lineage(from: "accounts-db", maxHops: 50) { maxHops } }'))
    first = error_of(await graphql("{ systems(first: 5000) { totalCount } }"))
    assert (hops["code"], hops["field"]) == ("BAD_USER_INPUT", "maxHops")
    assert (first["code"], first["field"]) == ("BAD_USER_INPUT", "first")


async def test_dpa_signed_is_a_date_for_every_processor(graphql: GraphQL) -> None:
    body = await graphql("{ processors(first: 50) { nodes { key dpaSigned } } }")
    assert "errors" not in body, body
    dates = [node["dpaSigned"] for node in body["data"]["processors"]["nodes"]]
    assert any(dates)
    assert all(d is None or len(d) == 10 for d in dates)


async def test_processors_are_processors_and_organisations_are_all(graphql: GraphQL) -> None:
    body = await graphql(
        """{ processors(first: 100) { nodes { key isSelf kind } }
             organisations(first: 100) { totalCount nodes { key } }
             customers: organisations(first: 100, filter: {kind: CUSTOMER_CONTROLLER}) {
               nodes { key kind } }
             subs: organisations(first: 100, filter: {role: SUB_PROCESSOR}) { nodes { key } } }"""
    )
    assert "errors" not in body, body
    data = body["data"]
    processors = data["processors"]["nodes"]
    assert processors
    assert not [p for p in processors if p["isSelf"] or p["kind"] == "CUSTOMER_CONTROLLER"]
    every = {node["key"] for node in data["organisations"]["nodes"]}
    assert {p["key"] for p in processors} < every
    assert "preemptly" in every
    customers = data["customers"]["nodes"]
    assert customers and all(c["kind"] == "CUSTOMER_CONTROLLER" for c in customers)
    assert {"nimbus-india"} <= {node["key"] for node in data["subs"]["nodes"]}


MISSING_FROM_THE_MAP = {
    "nimbus-inc",
    "nimbus-india",
    "mapleinsight-ca",
    "paystream-inc",
    "surveyly-au",
    "hale-whitcombe-us",
    "acme-logistics",
}


async def test_the_data_map_holds_every_organisation_lineage_reaches(whole_map: GraphQL) -> None:
    graphql = whole_map
    body = await graphql(
        """{ dataMap { truncated nodes { key kind } }
             systems(first: 100) { nodes { key } } }"""
    )
    assert "errors" not in body, body
    assert body["data"]["dataMap"]["truncated"] is False
    on_map = {(node["kind"], node["key"]) for node in body["data"]["dataMap"]["nodes"]}
    assert {("Organisation", key) for key in MISSING_FROM_THE_MAP} <= on_map
    for system in body["data"]["systems"]["nodes"]:
        reached = await graphql(
            """query($s: ID!) { lineage(from: $s, direction: BOTH) { nodes { id kind } } }""",
            {"s": system["key"]},
        )
        assert "errors" not in reached, reached
        for node in reached["data"]["lineage"]["nodes"]:
            assert (node["kind"], node["id"]) in on_map, (system["key"], node)


async def test_names_sort_case_insensitively(graphql: GraphQL) -> None:
    body = await graphql("{ organisations(first: 100) { nodes { legalName } } }")
    names = [node["legalName"] for node in body["data"]["organisations"]["nodes"]]
    named = [name for name in names if name is not None]
    assert named == names[: len(named)]
    assert named == sorted(named, key=str.lower)


async def test_a_server_data_fault_is_internal(graphql: GraphQL, seeded: Any) -> None:
    """A stored value its enum lacks, and one its scalar cannot serialise (graphql-core's own
    error, with no original exception): both the server's fault."""
    await seeded.write(
        "MERGE (o:Organisation {id: 't-trust-broken'}) "
        "SET o.legal_name = 't-trust broken', o.kind = 'NOT_A_KIND', o.country = 'DE' "
        "MERGE (c:Country {code: 'T-TRUST'}) SET c.name = 't-trust', c.eu = 'yes'"
    )
    try:
        kind = await graphql('{ organisation(id: "t-trust-broken") { kind } }')
        eu = await graphql('{ country(code: "t-trust") { eu } }')
    finally:
        await seeded.write(
            "MATCH (n) WHERE n.id = 't-trust-broken' OR n.code = 'T-TRUST' DETACH DELETE n"
        )
    assert error_of(kind)["code"] == "INTERNAL"
    assert error_of(eu)["code"] == "INTERNAL"
    assert error_of(eu)["requestId"]


async def test_a_user_error_logs_one_line_and_only_internal_a_traceback(
    graphql: GraphQL, seeded: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="datamap.errors")
    await graphql('{ system(id: "accounts-bd") { key } }')
    [line] = [r for r in caplog.records if r.name == "datamap.errors"]
    assert line.exc_info is None
    assert line.getMessage().startswith("NOT_FOUND request ")
    assert " field id: " in line.getMessage() and "\n" not in line.getMessage()
    caplog.clear()
    await seeded.write("MERGE (c:Country {code: 'T-TRUST-LOG'}) SET c.eu = 'yes'")
    try:
        body = await graphql('{ country(code: "t-trust-log") { eu } }')
    finally:
        await seeded.write("MATCH (c:Country {code: 'T-TRUST-LOG'}) DETACH DELETE c")
    [fault] = [r for r in caplog.records if r.name == "datamap.errors"]
    assert fault.exc_info is not None
    assert error_of(body)["requestId"] in fault.getMessage()


async def test_a_subject_that_holds_nothing_says_so(graphql: GraphQL, seeded: Any) -> None:
    await seeded.write("MERGE (s:DataSubject {key: 't-trust-nobody'}) SET s.name = 'Nobody'")
    try:
        body = await graphql(
            """{ empty: accessPlan(subject: "t-trust-nobody") { holdsData locations { systemId } }
                 held: accessPlan(subject: "preemptly.account_user") { holdsData } }"""
        )
    finally:
        await seeded.write("MATCH (s:DataSubject {key: 't-trust-nobody'}) DETACH DELETE s")
    assert "errors" not in body, body
    assert body["data"]["empty"] == {"holdsData": False, "locations": []}
    assert body["data"]["held"] == {"holdsData": True}


async def test_the_newer_domains_name_the_nearest_valid_keys(graphql: GraphQL) -> None:
    """Regimes, records, policies and plan subjects follow the rule of every other field."""
    cases = [
        ("{ transferAssessment(regime: CCPA) { totalCount } }", "BAD_USER_INPUT", "regime", "EU"),
        (
            '{ transferCheck(input: {regime: CCPA, exporterId: "preemptly", '
            'importerCountry: "US", exporterRole: CONTROLLER, importerRole: PROCESSOR}) '
            "{ verdict } }",
            "BAD_USER_INPUT",
            "input.regime",
            "EU",
        ),
        (
            '{ recordsOfProcessing(profile: "GPDR") { regime } }',
            "BAD_USER_INPUT",
            "profile",
            "GDPR",
        ),
        ("{ recordsOfProcessing(regime: CCPA) { regime } }", "BAD_USER_INPUT", "regime", "UK"),
        (
            '{ policyCheck(policy: "preemptli") { contradicted } }',
            "NOT_FOUND",
            "policy",
            "preemptly",
        ),
        (
            '{ deletionPlan(subject: "preemptly.acount_user") { subject } }',
            "NOT_FOUND",
            "subject",
            "preemptly.account_user",
        ),
        (
            '{ accessPlan(subject: "preemptly.acount_user") { subject } }',
            "NOT_FOUND",
            "subject",
            "preemptly.account_user",
        ),
    ]
    for document, code, field, nearest in cases:
        extensions = error_of(await graphql(document))
        assert (extensions["code"], extensions["field"]) == (code, field), document
        assert nearest in extensions["suggestions"], (document, extensions)


async def test_plans_take_the_subject_by_global_id_and_answer_its_key(graphql: GraphQL) -> None:
    subject = encode("DataSubject", "preemptly.account_user")
    body = await graphql(
        """query($s: ID!) { access: accessPlan(subject: $s) { subject }
             deletion: deletionPlan(subject: $s) { subject } }""",
        {"s": subject},
    )
    assert "errors" not in body, body
    assert body["data"]["access"]["subject"] == "preemptly.account_user"
    assert body["data"]["deletion"]["subject"] == "preemptly.account_user"


async def test_one_enum_per_concept(graphql: GraphQL) -> None:
    """No two enums of the schema list the same values: a regime, a role, a system kind is
    one GraphQL enum wherever it is asked or answered."""
    body = await graphql("{ __schema { types { name kind enumValues { name } } } }")
    enums = [t for t in body["data"]["__schema"]["types"] if t["kind"] == "ENUM"]
    by_values: dict[frozenset[str], list[str]] = {}
    for enum in enums:
        if not enum["name"].startswith("__"):
            values = frozenset(v["name"] for v in enum["enumValues"])
            by_values.setdefault(values, []).append(enum["name"])
    assert not [names for names in by_values.values() if len(names) > 1]
    regimes = [
        e["name"] for e in enums if {"EU", "UK", "CH"} <= {v["name"] for v in e["enumValues"]}
    ]
    assert regimes == ["RegimeKey"]
