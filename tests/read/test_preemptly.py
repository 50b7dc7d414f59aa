"""The read API over Preemptly's seeded map, as the frontend reads it."""

import pytest

from graph.database import Database
from graph.queries import datamap, lineage, map_view
from resolvers.global_id import EDGE_KINDS, encode
from resolvers.registration.vocabulary import EdgeKind, NodeKind
from schema.read import NODE_TYPES
from tests.conftest import GraphQL, answer_enums

pytestmark = pytest.mark.usefixtures("seeded")


async def test_a_system_with_its_relationships(graphql: GraphQL) -> None:
    body = await graphql(
        """{ system(id: "accounts-db") {
             name ownerTeam deletionMethod identifiers
             organisations { nodes { role organisation { key legalName } } }
             hostingCountries { nodes { code } }
             accessedFrom { nodes { country { code } } }
             backups { nodes { key } }
             downstream { nodes { target {
               ... on System { key } ... on Organisation { key } } } } } }"""
    )
    assert "errors" not in body, body
    system = body["data"]["system"]
    assert system["name"] == "Accounts database"
    assert system["ownerTeam"] == "platform"
    assert system["identifiers"] == ["email", "account_id"]
    assert [(o["role"], o["organisation"]["key"]) for o in system["organisations"]["nodes"]] == [
        ("PROCESSOR", "nimbus-emea")
    ]
    assert [c["code"] for c in system["hostingCountries"]["nodes"]] == ["DE"]
    assert sorted(a["country"]["code"] for a in system["accessedFrom"]["nodes"]) == ["IN", "US"]
    assert [b["key"] for b in system["backups"]["nodes"]] == ["accounts-db-backup"]
    assert system["downstream"]["nodes"], "the accounts database feeds other systems"


async def test_a_processor_with_its_sub_processors_and_certifications(graphql: GraphQL) -> None:
    body = await graphql(
        """{ organisation(id: "nimbus-inc") {
             legalName establishedIn { code }
             subProcessors { nodes { engaged { key establishedIn { code } } } }
             dpfCertifications { nodes { framework status dataTypes } } } }"""
    )
    assert "errors" not in body, body
    nimbus = body["data"]["organisation"]
    assert nimbus["establishedIn"]["code"] == "US"
    assert {"key": "nimbus-india", "establishedIn": {"code": "IN"}} in [
        e["engaged"] for e in nimbus["subProcessors"]["nodes"]
    ]
    assert {"framework": "EU_US", "status": "ACTIVE", "dataTypes": ["HR", "NON_HR"]} in nimbus[
        "dpfCertifications"
    ]["nodes"]


async def test_lists_filter_the_seeded_map(graphql: GraphQL) -> None:
    body = await graphql(
        """{ us: systems(filter: {country: "US", search: ""}, first: 50) {
               totalCount edges { node { key } } }
             backups: systems(filter: {search: "backup"}) { edges { node { key } } }
             eea: processors(filter: {eea: false, search: "nimbus"}, first: 50) {
               edges { node { key } } } }"""
    )
    assert "errors" not in body, body
    us = {edge["node"]["key"] for edge in body["data"]["us"]["edges"]}
    assert {"support-desk", "sales-crm", "ai-insights"} <= us
    assert "accounts-db" not in us
    backups = {edge["node"]["key"] for edge in body["data"]["backups"]["edges"]}
    seeded = {key for key in backups if not key.startswith("t-")}  # other tests' synthetic maps
    assert seeded == {"accounts-db-backup", "customer-data-db-backup", "file-store-backup"}
    outside = {edge["node"]["key"] for edge in body["data"]["eea"]["edges"]}
    assert {"nimbus-inc", "nimbus-india"} <= outside
    assert "nimbus-emea" not in outside


async def test_the_data_map_draws_the_seeded_systems(graphql: GraphQL) -> None:
    body = await graphql(
        """{ dataMap(filter: {search: "accounts"}) {
             truncated nodes { id kind key label } edges { source target kind } } }"""
    )
    assert "errors" not in body, body
    data_map = body["data"]["dataMap"]
    keys = {node["key"] for node in data_map["nodes"]}
    assert {"accounts-db", "accounts-db-backup", "nimbus-emea"} <= keys
    ids = {node["id"] for node in data_map["nodes"]}
    assert all(edge["source"] in ids and edge["target"] in ids for edge in data_map["edges"])
    assert data_map["truncated"] is False


async def test_systems_name_their_security_measures_and_storages_their_record_counts(
    graphql: GraphQL,
) -> None:
    body = await graphql(
        """{ db: system(id: "accounts-db") {
               securityMeasures { nodes {
                 key label kind isoIso: iso27001 sccAnnex source sourceDate } }
               storages { nodes { key recordCount } } }
             sheets: system(id: "event-lead-sheets") { securityMeasures { nodes { key } } }
             measure: node(id: "U2VjdXJpdHlNZWFzdXJlOmVuY19hdF9yZXN0") {
               ... on SecurityMeasure { key label cnil swissDpo } } }"""
    )
    assert "errors" not in body, body
    measures = {m["key"]: m for m in body["data"]["db"]["securityMeasures"]["nodes"]}
    assert {"enc_at_rest", "enc_in_transit", "access_control", "backup"} <= set(measures)
    at_rest = measures["enc_at_rest"]
    assert at_rest["label"] == "Encryption at rest"
    assert at_rest["kind"] == "TECHNICAL"
    assert at_rest["isoIso"] == "8.24 Use of cryptography"
    assert at_rest["sourceDate"] == "2026-12-01"
    assert body["data"]["db"]["storages"]["nodes"] == [{"key": "st-accounts", "recordCount": 48000}]
    assert body["data"]["sheets"]["securityMeasures"]["nodes"] == [{"key": "access_control"}]
    assert body["data"]["measure"] == {
        "key": "enc_at_rest",
        "label": "Encryption at rest",
        "cnil": "chiffrement des données",
        "swissDpo": "3(2)(b) storage control",
    }


async def test_the_kinds_of_map_and_lineage_nodes_and_edges_are_enums(graphql: GraphQL) -> None:
    await answer_enums(
        graphql,
        {
            ("MapNode", "kind"): "NodeKind",
            ("LineageNode", "kind"): "NodeKind",
            ("Lineage", "startKind"): "NodeKind",
            ("MapEdge", "kind"): "EdgeKind",
            ("LineageHop", "relationship"): "EdgeKind",
        },
    )
    body = await graphql(
        """{ dataMap { nodes { kind } edges { kind } }
             lineage(from: "accounts-db", direction: BOTH) {
               startKind nodes { kind paths { hops { relationship } } } } }"""
    )
    assert "errors" not in body, body
    drawn = body["data"]["dataMap"]
    assert {node["kind"] for node in drawn["nodes"]} >= {"System", "Organisation", "Country"}
    assert {edge["kind"] for edge in drawn["edges"]} >= {"FLOWS_TO", "OPERATED_BY", "HOSTED_IN"}
    walked = body["data"]["lineage"]
    assert walked["startKind"] == "System"
    assert {node["kind"] for node in walked["nodes"]} == {"System", "Organisation"}
    hops = {h["relationship"] for n in walked["nodes"] for p in n["paths"] for h in p["hops"]}
    assert "FLOWS_TO" in hops


def test_the_node_and_edge_kinds_are_what_the_graph_statements_draw() -> None:
    """A label or relationship type a statement draws and the enum lacks would fail the answer
    (INTERNAL), so each is a member; and every node type the API serves is a NodeKind."""
    edges = {kind.value for kind in EdgeKind}
    assert set(datamap.EDGE_TYPES) == edges
    assert set(map_view.NEIGHBOUR_EDGES.split("|")) <= edges
    assert set(lineage.EDGE.strip("[]").removeprefix("r:").split("|")) <= edges
    assert {kind.value for kind in NodeKind} == set(NODE_TYPES)


async def test_a_safeguards_scc_module_answers_its_roles_as_the_role_enum(graphql: GraphQL) -> None:
    await answer_enums(
        graphql, {("SccModule", "exporterRole"): "Role", ("SccModule", "importerRole"): "Role"}
    )
    body = await graphql(
        """{ organisation(id: "nimbus-emea") { safeguards { nodes { key module
             sccModule { id key module exporterRole importerRole tiaRequired } } } } }"""
    )
    assert "errors" not in body, body
    safeguards = body["data"]["organisation"]["safeguards"]["nodes"]
    scc3 = next(s for s in safeguards if s["key"] == "sg-nimbus-emea-nimbus-india-scc3")
    module = scc3["sccModule"]
    assert (module["key"], module["module"], module["tiaRequired"]) == ("SCC-2021-914-M3", 3, True)
    assert (module["exporterRole"], module["importerRole"]) == ("PROCESSOR", "PROCESSOR")
    fetched = await graphql(
        """query($id: ID!) { node(id: $id) { __typename key
             ... on SccModule { module exporterRole importerRole text } } }""",
        {"id": module["id"]},
    )
    assert "errors" not in fetched, fetched
    assert fetched["data"]["node"]["__typename"] == "SccModule"
    assert fetched["data"]["node"]["exporterRole"] == "PROCESSOR"
    assert "Processor to processor" in fetched["data"]["node"]["text"]


async def test_node_answers_every_kind_it_lists(graphql: GraphQL, seeded: Database) -> None:
    """A seeded node of each kind node(id:) lists, by its global id: a kind the schema does not
    name (SccModule, Derogation, ...) would fail to resolve."""
    rows = await seeded.read(
        "MATCH (n) WHERE head(labels(n)) IN $labels "
        "RETURN head(labels(n)) AS kind, min(coalesce(n.id, n.key, n.code)) AS key",
        {"labels": sorted(NODE_TYPES)},
    )
    edges = await seeded.read(
        "MATCH ()-[r:FLOWS_TO|ENGAGES]->() RETURN type(r) AS type, min(r.id) AS key"
    )
    keys = {row["kind"]: row["key"] for row in rows}
    keys |= {EDGE_KINDS[row["type"]]: row["key"] for row in edges}
    assert set(keys) == set(NODE_TYPES)
    query = "query($id: ID!) { node(id: $id) { __typename key } }"
    for kind, key in sorted(keys.items()):
        body = await graphql(query, {"id": encode(kind, key)})
        assert "errors" not in body, (kind, body)
        assert body["data"]["node"] == {"__typename": kind, "key": key}


async def test_erasure_measure_kinds_retention_starts_and_country_ties_are_enums(
    graphql: GraphQL,
) -> None:
    await answer_enums(
        graphql,
        {
            ("Storage", "onErasure"): "OnErasure",
            ("SecurityMeasure", "kind"): "SecurityMeasureKind",
            ("RetentionObligation", "runsFrom"): "RetentionPeriodStart",
            ("OrganisationCountry", "how"): "CountryTie",
        },
    )
    body = await graphql(
        """{ invoicing: system(id: "invoicing") { securityMeasures { nodes { kind } }
               storages { nodes { key retentionObligations { nodes { runsFrom } } } } }
             email: system(id: "email-platform") { storages { nodes { key onErasure } } }
             organisation(id: "nimbus-emea") { countries { nodes { how } } } }"""
    )
    assert "errors" not in body, body
    data = body["data"]
    kinds = {m["kind"] for m in data["invoicing"]["securityMeasures"]["nodes"]}
    assert kinds and kinds <= {"TECHNICAL", "ORGANISATIONAL"}
    starts = {
        o["runsFrom"]
        for storage in data["invoicing"]["storages"]["nodes"]
        for o in storage["retentionObligations"]["nodes"]
    }
    assert "END_OF_CALENDAR_YEAR" in starts
    erasure = {s["key"]: s["onErasure"] for s in data["email"]["storages"]["nodes"]}
    assert erasure["st-marketing-contacts"] == "ANONYMISE"
    ties = {how for row in data["organisation"]["countries"]["nodes"] for how in row["how"]}
    assert "ESTABLISHED_IN" in ties
