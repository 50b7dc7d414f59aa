"""Retired flows and engagements count nowhere, through GraphQL: after retireDataFlow and
retireEngagement the transfer paths, the access plan's recipients, lineage and the deletion
plan's notifications no longer include them; Engagement exposes `retiredOn`."""

import uuid
from datetime import date
from typing import Any

import pytest

from tests.conftest import GraphQL

PROCESSOR = """
mutation($input: ProcessorInput!) { registerProcessor(input: $input) { key } }
"""
FLOW = """
mutation($input: DataFlowInput!) { registerDataFlow(input: $input) { key } }
"""
RETIRE_FLOW = "mutation($id: ID!) { retireDataFlow(id: $id) { retiredOn } }"
RETIRE_ENGAGEMENT = "mutation($id: ID!) { retireEngagement(id: $id) { retiredOn } }"
READ = """
query($org: ID!, $day: Date!) {
  transfers(organisationId: $org, asOf: $day) { paths { hops { id } } }
  accessPlan(subject: "preemptly.account_user") { recipients { organisation { id } } }
  lineage(from: "accounts-db") { nodes { id } }
  deletionPlan(subject: "preemptly.account_user", asOf: $day) {
    notifications { recipient { id } }
  }
  organisation(id: "preemptly") { subProcessors { nodes { key retiredOn } } }
}
"""


async def seen(graphql: GraphQL, vendor: str, day: str) -> dict[str, Any]:
    body = await graphql(READ, {"org": vendor, "day": day})
    assert "errors" not in body, body
    data = body["data"]
    return {
        "hops": {h["id"] for p in data["transfers"]["paths"] for h in p["hops"]},
        "recipients": {r["organisation"]["id"] for r in data["accessPlan"]["recipients"]},
        "lineage": {n["id"] for n in data["lineage"]["nodes"]},
        "notified": {
            n["recipient"]["id"] for n in data["deletionPlan"]["notifications"] if n["recipient"]
        },
        "engagements": {
            e["key"]: e["retiredOn"] for e in data["organisation"]["subProcessors"]["nodes"]
        },
    }


@pytest.mark.usefixtures("seeded")
async def test_retired_flows_and_engagements_count_nowhere(graphql: GraphQL) -> None:
    source = f"t-retired-{uuid.uuid4().hex[:8]}"
    registered = await graphql(
        PROCESSOR,
        {
            "input": {
                "source": source,
                "externalId": "vendor",
                "legalName": "Retired test vendor",
                "country": "US",
                "engagedBy": "preemptly",
                "categories": ["user.contact.email"],
            }
        },
    )
    assert "errors" not in registered, registered
    vendor = registered["data"]["registerProcessor"]["key"]
    flow = await graphql(
        FLOW,
        {
            "input": {
                "source": source,
                "externalId": "export",
                "fromSystemId": "accounts-db",
                "toOrganisationId": vendor,
                "categories": ["user.contact.email"],
                "purpose": "essential.service",
                "mode": "PUSH",
            }
        },
    )
    assert "errors" not in flow, flow
    flow_id = flow["data"]["registerDataFlow"]["key"]
    engagement_id = f"preemptly>{vendor}"
    before = await seen(graphql, vendor, str(date.today()))
    assert flow_id in before["hops"] and engagement_id in before["hops"]
    assert vendor in before["recipients"] and vendor in before["lineage"]
    assert vendor in before["notified"]
    assert before["engagements"][engagement_id] is None

    retired = await graphql(RETIRE_FLOW, {"id": flow_id})
    day = retired["data"]["retireDataFlow"]["retiredOn"]
    assert "errors" not in await graphql(RETIRE_ENGAGEMENT, {"id": engagement_id})
    after = await seen(graphql, vendor, day)
    assert flow_id not in after["hops"] and engagement_id not in after["hops"]
    assert vendor not in after["recipients"]
    assert vendor not in after["lineage"]
    assert vendor not in after["notified"]
    assert after["engagements"][engagement_id] == day


SYSTEM = "mutation($input: SystemInput!) { registerSystem(input: $input) { key } }"
RETIRE_SYSTEM = "mutation($id: ID!) { retireSystem(id: $id) { retiredOn } }"
UPSTREAM = """
query { lineage(from: "accounts-db", direction: UPSTREAM) { nodes { id } } }
"""


@pytest.mark.usefixtures("seeded")
async def test_a_retired_system_is_not_upstream(graphql: GraphQL) -> None:
    """Upstream, the node a hop reaches is the flow's source: a retired source system is not
    reached even while the flow out of it is live."""
    source = f"t-retired-{uuid.uuid4().hex[:8]}"
    system = await graphql(
        SYSTEM,
        {
            "input": {
                "source": source,
                "externalId": "feeder",
                "name": "Feeder",
                "kind": "APPLICATION",
                "operatorId": "preemptly",
                "operatorRole": "CONTROLLER",
                "hostedIn": ["DE"],
            }
        },
    )
    assert "errors" not in system, system
    feeder = system["data"]["registerSystem"]["key"]
    flow = await graphql(
        FLOW,
        {
            "input": {
                "source": source,
                "externalId": "feed",
                "fromSystemId": feeder,
                "toSystemId": "accounts-db",
                "categories": ["user.contact.email"],
                "purpose": "essential.service",
                "mode": "PUSH",
            }
        },
    )
    assert "errors" not in flow, flow

    async def upstream() -> set[str]:
        body = await graphql(UPSTREAM)
        assert "errors" not in body, body
        return {n["id"] for n in body["data"]["lineage"]["nodes"]}

    assert feeder in await upstream()
    assert "errors" not in await graphql(RETIRE_SYSTEM, {"id": feeder})
    assert feeder not in await upstream()
