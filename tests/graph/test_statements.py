"""The Cypher each root field sends, with its parameters, for a representative query on the
seeded map: a change of query shape, or an N+1, shows as a reviewable diff of
`__snapshots__/test_statements.ambr`. After an intended change:
`.venv/bin/pytest tests/graph/test_statements.py --snapshot-update`."""

import datetime
import re
from typing import Any

import pytest
from fastapi import FastAPI
from graphql import GraphQLObjectType
from syrupy.assertion import SnapshotAssertion

from app.settings import Settings
from schema.build import build_schema
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("seeded")

AS_OF = "2026-06-01"
DOCUMENTS: dict[str, str] = {
    "about": "{ about { version nodeCounts { label count } } }",
    "accessPlan": f"""{{ accessPlan(subject: "preemptly.account_user", asOf: "{AS_OF}") {{
        locations {{ systemId }} recipients {{ organisation {{ id }} }} }} }}""",
    "auditLog": "{ auditLog(limit: 5) { operation entityType } }",
    "breachImpact": """{ breachImpact(organisationId: "nimbus-emea",
        awareAt: "2026-11-30T09:00:00+00:00", kind: CONFIDENTIALITY) {
        systems { id reach } obligations { key status deadline } } }""",
    "deletionPlan": f"""{{ deletionPlan(subject: "preemptly.prospect", asOf: "{AS_OF}") {{
        steps {{ position systems }} }} }}""",
    "apiKeys": "{ apiKeys { role } }",
    "drift": """{ drift(windowDays: 30) { undeclaredFlows { id } unobservedFlows { id }
        undeclaredCategories { categories } unmappedDatasets { name } } }""",
    "fidesManifest": '{ fidesManifest(source: "fides") }',
    "lineage": '{ lineage(from: "accounts-db", maxHops: 2) { nodes { id degree } } }',
    "systems": """{ systems(first: 3) { totalCount nodes { key name
        hostingCountries(first: 5) { nodes { code } }
        organisations(first: 2) { nodes { role organisation { key } } } } } }""",
    "processors": "{ processors(first: 3) { nodes { key legalName } } }",
    "dataCategories": '{ dataCategories(first: 3, filter: {search: "contact"}) { nodes { key } } }',
    "dataSubjects": "{ dataSubjects(first: 3) { nodes { key name } } }",
    "processingActivities": "{ processingActivities(first: 3) { nodes { key purpose } } }",
    "countries": f"""{{ countries(first: 3) {{ nodes {{ code
        adequacy(on: "{AS_OF}") {{ nodes {{ regime {{ key }} status }} }} }} }} }}""",
    "system": """{ system(id: "accounts-db") { key
        storages { nodes { key } } backups { nodes { key } } } }""",
    "organisation": """{ organisation(id: "nimbus-emea") { key
        subProcessors { nodes { engaged { key } } } } }""",
    "organisations": "{ organisations(first: 3, filter: {kind: COMPANY}) { nodes { key } } }",
    "dataSubject": '{ dataSubject(key: "preemptly.prospect") { key systems { nodes { key } } } }',
    "country": '{ country(code: "US") { code name } }',
    "dataCategory": '{ dataCategory(key: "user.contact.email") { key parent { key } } }',
    "node": '{ node(id: "U3lzdGVtOmFjY291bnRzLWRi") { id ... on System { key } } }',
    "dataMap": '{ dataMap(filter: {search: "accounts"}) { nodes { key } edges { kind } } }',
    "mapOverview": "{ mapOverview(groupBy: ORGANISATION) { groups { key } flows { flows } } }",
    "mapGroup": '{ mapGroup(groupBy: OWNER_TEAM, key: "platform") { nodes { key group } } }',
    "mapNeighbourhood": """{ mapNeighbourhood(id: "U3lzdGVtOmFjY291bnRzLWRi") {
        nodes { key } edges { kind } } }""",
    "transferAssessment": f"""{{ transferAssessment(regime: EU, asOf: "{AS_OF}", first: 2) {{
        totalCount }} }}""",
    "transfers": f"""{{ transfers(systemId: "support-desk", asOf: "{AS_OF}") {{
        totalCount }} }}""",
    "policyCheck": f"""{{ policyCheck(policy: "preemptly", asOf: "{AS_OF}") {{
        contradicted claims {{ key verdict }} }} }}""",
    "recordsOfProcessing": f"""{{ recordsOfProcessing(profile: "GDPR", asOf: "{AS_OF}") {{
        controllerRecords {{ activityId security {{ values }} }} }} }}""",
    "transferCheck": f"""{{ transferCheck(input: {{regime: EU, exporterId: "preemptly",
        importerCountry: "US", exporterRole: CONTROLLER, importerRole: PROCESSOR,
        categories: ["user.contact.email"], asOf: "{AS_OF}"}}) {{ verdict }} }}""",
}


def root_fields() -> list[str]:
    query = build_schema(Settings())._schema.query_type
    assert isinstance(query, GraphQLObjectType)
    return list(query.fields)


def normalised(value: Any) -> Any:
    """A parameter as it reads in a snapshot: scalars as sent (today's date, which moves, as
    `<today>`), lists and maps by their kind only, since what they hold is read from the graph
    (other tests' rows included) rather than given by the query."""
    if isinstance(value, datetime.date) and value == datetime.date.today():
        return "<today>"
    if isinstance(value, dict):
        return "<map>"
    if isinstance(value, list | tuple):
        return "<list>"
    return value


@pytest.mark.parametrize("field", root_fields())
async def test_statements_of_each_root_field(
    field: str, graphql: GraphQL, app: FastAPI, snapshot: SnapshotAssertion
) -> None:
    assert field in DOCUMENTS, f"add a representative query for the new root field {field!r}"
    await graphql("{ __typename }")  # the session key's lookup, cached before recording
    db = app.state.db
    db.recorded = []
    try:
        body = await graphql(DOCUMENTS[field])
        recorded = db.recorded
    finally:
        db.recorded = None
    assert "errors" not in body, body
    statements = [
        {
            "cypher": re.sub(r"\s+", " ", text).strip(),
            "parameters": {name: normalised(v) for name, v in params.items()},
        }
        for text, params, *_ in sorted(recorded, key=lambda statement: statement.transaction)
    ]
    assert statements == snapshot
