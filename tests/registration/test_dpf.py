"""registerDpfCertification and registered HR data through GraphQL: validated, audited, one
certification per organisation and framework, and read by the transfer decisions."""

import uuid
from typing import Any

import pytest

from graph.database import Database
from resolvers.global_id import encode
from tests.conftest import GraphQL

REGISTER = """
mutation($input: DpfCertificationRegistration!) {
  registerDpfCertification(input: $input) {
    id key created changed
    transferDecisions { regime path { hops { id verdict legalBasis { instrumentId } missing } } }
  }
}
"""
CHECK = """
query($input: TransferCheckInput!) {
  transferCheck(input: $input) { verdict missing legalBasis { instrumentId } }
}
"""
SYSTEM = """
mutation($input: SystemInput!) { registerSystem(input: $input) { id } }
"""
TRANSFERS = """
query($id: ID!) { transfers(systemId: $id) { paths { hops { id verdict missing } } } }
"""
FLOW = """
mutation($input: DataFlowInput!) { registerDataFlow(input: $input) { id } }
"""


@pytest.fixture
async def vendor(db: Database) -> str:
    """A US organisation of this test only, with no certification."""
    org_id = f"t-dpf-{uuid.uuid4().hex[:10]}"
    await db.write(
        "MATCH (c:Country {code: 'US'}) "
        "CREATE (o:Organisation {id: $id, legal_name: 'Test vendor', country: 'US', "
        "source: 'test'})-[:ESTABLISHED_IN]->(c)",
        {"id": org_id},
    )
    return org_id


def certification(vendor: str, **extra: Any) -> dict[str, Any]:
    return {
        "source": "t-dpf",
        "externalId": vendor,
        "organisationId": vendor,
        "framework": "EU_US",
        "status": "ACTIVE",
        "dataTypes": ["NON_HR"],
        "certifiedOn": "2024-02-01",
        **extra,
    }


async def check(graphql: GraphQL, vendor: str, **extra: Any) -> dict[str, Any]:
    body = await graphql(
        CHECK,
        {
            "input": {
                "exporterId": "preemptly",
                "importerId": vendor,
                "exporterRole": "CONTROLLER",
                "importerRole": "PROCESSOR",
                **extra,
            }
        },
    )
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["transferCheck"]
    return result


@pytest.mark.usefixtures("seeded")
async def test_a_registered_certification_decides_the_transfer_and_is_audited(
    db: Database, graphql: GraphQL, vendor: str
) -> None:
    assert (await check(graphql, vendor))["verdict"] == "BLOCKED"
    body = await graphql(REGISTER, {"input": certification(vendor)})
    assert "errors" not in body, body
    registered = body["data"]["registerDpfCertification"]
    assert (registered["key"], registered["created"]) == (f"{vendor}:EU_US", True)
    assert registered["id"] == encode("DpfCertification", f"{vendor}:EU_US")
    decided = await check(graphql, vendor)
    assert (decided["verdict"], decided["legalBasis"]["instrumentId"]) == ("ADEQUACY", "EU-US")
    hr = await check(graphql, vendor, hrData=True)
    assert any("covering HR data" in item for item in hr["missing"])

    again = await graphql(REGISTER, {"input": certification(vendor, status="INACTIVE")})
    assert again["data"]["registerDpfCertification"]["created"] is False
    assert again["data"]["registerDpfCertification"]["changed"] is True
    assert (await check(graphql, vendor))["verdict"] == "BLOCKED"
    [stored] = await db.read(
        "MATCH (:Organisation {id: $id})-[:CERTIFIED_UNDER]->(d:DpfCertification) "
        "RETURN d.status AS status, count(*) AS n",
        {"id": vendor},
    )
    assert (stored["status"], stored["n"]) == ("INACTIVE", 1)
    events = await db.read(
        "MATCH (e:AuditEvent {operation: 'registerDpfCertification', entity_id: $id}) "
        "RETURN e.entity_type AS type, e.before AS before ORDER BY e.at",
        {"id": f"{vendor}:EU_US"},
    )
    assert [e["type"] for e in events] == ["DpfCertification", "DpfCertification"]
    assert events[0]["before"] is None and '"ACTIVE"' in events[1]["before"]


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"dataTypes": []}, "input.dataTypes"),
        ({"certifiedOn": "2024-02-01", "expiresOn": "2024-01-01"}, "input"),
        ({"certifiedOn": "2999-01-01"}, "input.certifiedOn"),
    ],
)
async def test_a_bad_certification_is_refused_and_nothing_is_written(
    db: Database, graphql: GraphQL, vendor: str, change: dict[str, Any], field: str
) -> None:
    body = await graphql(REGISTER, {"input": certification(vendor, **change)})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert not await db.read(
        "MATCH (d:DpfCertification) WHERE d.id STARTS WITH $id RETURN d", {"id": vendor}
    )


@pytest.mark.usefixtures("seeded")
async def test_the_organisation_is_named_by_global_id_or_key_and_one_naming_nothing_is_not_found(
    db: Database, graphql: GraphQL, vendor: str
) -> None:
    body = await graphql(
        REGISTER, {"input": certification(vendor, organisationId=encode("Organisation", vendor))}
    )
    assert "errors" not in body, body
    assert body["data"]["registerDpfCertification"]["key"] == f"{vendor}:EU_US"
    nobody = await graphql(
        REGISTER, {"input": certification(vendor, organisationId="t-dpf-nobody")}
    )
    [error] = nobody["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == (
        "NOT_FOUND",
        "input.organisationId",
    )


@pytest.mark.usefixtures("seeded")
async def test_a_system_registered_as_holding_hr_data_needs_an_hr_certification(
    graphql: GraphQL, vendor: str
) -> None:
    await graphql(REGISTER, {"input": certification(vendor)})
    source = f"t-dpf-{uuid.uuid4().hex[:8]}"
    for hr_data, name in ((True, "hr"), (False, "crm")):
        body = await graphql(
            SYSTEM,
            {
                "input": {
                    "source": source,
                    "externalId": name,
                    "name": name,
                    "kind": "SAAS",
                    "operatorId": vendor,
                    "operatorRole": "PROCESSOR",
                    "hostedIn": ["US"],
                    "hrData": hr_data,
                }
            },
        )
        assert "errors" not in body, body
        flow = await graphql(
            FLOW,
            {
                "input": {
                    "source": source,
                    "externalId": f"f-{name}",
                    "fromSystemId": "preemptly-app",
                    "toSystemId": f"{source}:{name}",
                    "categories": ["user.contact.email"],
                    "purpose": "essential.service",
                    "mode": "PUSH",
                }
            },
        )
        assert "errors" not in flow, flow
    assessment = await graphql(TRANSFERS, {"id": f"{source}:hr"})
    hops = [h for p in assessment["data"]["transfers"]["paths"] for h in p["hops"]]
    [into_hr] = [h for h in hops if h["id"] == f"{source}:f-hr"]
    assert into_hr["verdict"] == "BLOCKED"
    assert any("covering HR data" in item for item in into_hr["missing"])
    crm = await graphql(
        "query($id: ID!) { transfers(systemId: $id) { paths { hops { id verdict } } } }",
        {"id": f"{source}:crm"},
    )
    [into_crm] = [
        h
        for p in crm["data"]["transfers"]["paths"]
        for h in p["hops"]
        if h["id"] == f"{source}:f-crm"
    ]
    assert into_crm["verdict"] == "ADEQUACY"
