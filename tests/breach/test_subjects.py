"""breachImpact follows a flow for a data subject only when the flow names that subject or names
none (MODEL.md), through GraphQL on Preemptly's seeded map: a system reached by a flow that
carries only one subject's data lists that subject alone, and a breach of another subject's data
does not reach it; a copy through a flow that names no subject says it was inferred."""

import uuid
from typing import Any

import pytest

from resolvers import global_id
from seeds.loader import Seeds, read
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("seeded")

AWARE = "2026-11-30T09:00:00+00:00"
USERS = "preemptly.account_user"
VISITORS = "preemptly.website_visitor"
END_CUSTOMERS = "preemptly.end_customer_contact"

IMPACT = """
query Impact($systemIds: [ID!], $organisationId: ID, $subjects: [ID!]) {
  breachImpact(systemIds: $systemIds, organisationId: $organisationId, subjects: $subjects,
               awareAt: "2026-11-30T09:00:00+00:00", kind: CONFIDENTIALITY) {
    systems { id reach path categories subjects note }
    subjects { subject holdings { id systemId } }
    controllersToNotify { controller { id } subjects }
  }
}
"""


@pytest.fixture(scope="module")
def seeds() -> Seeds:
    return read()


async def impact(graphql: GraphQL, **variables: Any) -> dict[str, Any]:
    body = await graphql(IMPACT, variables)
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]["breachImpact"]
    return result


def systems(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in result["systems"]}


async def test_a_flow_carrying_one_subject_lists_that_subject_alone(
    graphql: GraphQL, seeds: Seeds
) -> None:
    # The log store holds account users' and website visitors' logs; its one flow on, to the
    # audit archive, names account users only.
    held = {s.subject for s in seeds.entries("preemptly/storages.yaml") if s.system == "log-store"}
    assert held == {USERS, VISITORS}
    [flow] = [f for f in seeds.entries("preemptly/flows.yaml") if f.from_system == "log-store"]
    assert (flow.to_system, flow.subjects) == ("audit-archive", [USERS])

    result = systems(await impact(graphql, systemIds=["log-store"]))
    assert result["log-store"]["subjects"] == sorted(held)
    archive = result["audit-archive"]
    assert archive["reach"] == "DOWNSTREAM" and archive["subjects"] == [USERS]
    assert archive["categories"] == sorted(flow.categories)
    assert "inferred" not in archive["note"]


async def test_a_breach_of_one_subject_does_not_reach_through_another_s_flow(
    graphql: GraphQL,
) -> None:
    # Before, the archive was listed whatever data was breached, as holding copies of the
    # visitors' IP addresses that its flow carries for account users only.
    visitors = await impact(graphql, systemIds=["log-store"], subjects=[VISITORS])
    assert set(systems(visitors)) == {"log-store"}
    assert systems(visitors)["log-store"]["subjects"] == [VISITORS]
    assert [s["subject"] for s in visitors["subjects"]] == [VISITORS]
    assert [h["id"] for h in visitors["subjects"][0]["holdings"]] == ["st-logs-visitors"]

    users = await impact(graphql, systemIds=["log-store"], subjects=[USERS])
    assert set(systems(users)) == {"log-store", "audit-archive"}


async def test_account_users_do_not_reach_what_only_end_customer_flows_feed(
    graphql: GraphQL, seeds: Seeds
) -> None:
    flows = seeds.entries("preemptly/flows.yaml")
    end_customer_only = {
        f.to_system or f.to_organisation for f in flows if f.subjects == [END_CUSTOMERS]
    }
    assert {"customer-data-db", "globex-inc", "search-index", "ai-insights"} <= end_customer_only

    everyone = systems(await impact(graphql, systemIds=["preemptly-app"]))
    assert everyone["customer-data-db"]["subjects"] == [END_CUSTOMERS]
    assert everyone["globex-inc"]["subjects"] == [END_CUSTOMERS]
    assert everyone["accounts-db"]["subjects"] == [USERS]

    users = await impact(
        graphql, systemIds=["preemptly-app"], subjects=[global_id.encode("DataSubject", USERS)]
    )
    reached = systems(users)
    assert not reached.keys() & {"customer-data-db", "globex-inc", "search-index", "ai-insights"}
    assert {"accounts-db", "event-warehouse", "email-platform"} <= reached.keys()
    assert all(USERS in s["subjects"] for s in users["systems"])
    # The customers are told of their end customers' data, not of Preemptly's account users.
    assert users["controllersToNotify"] == []
    assert [s["subject"] for s in users["subjects"]] == [USERS]


async def test_a_copy_through_a_flow_that_names_no_subject_is_inferred(
    graphql: GraphQL,
) -> None:
    source = f"t-br-{uuid.uuid4().hex[:8]}"
    sink = await graphql(
        "mutation($input: SystemInput!) { registerSystem(input: $input) { id: key } }",
        {
            "input": {
                "source": source,
                "externalId": "siem",
                "name": "SIEM",
                "kind": "LOG_STORE",
                "operatorId": "preemptly",
                "operatorRole": "CONTROLLER",
                "hostedIn": ["DE"],
            }
        },
    )
    assert "errors" not in sink, sink
    flow = await graphql(
        "mutation($input: DataFlowInput!) { registerDataFlow(input: $input) { id: key } }",
        {
            "input": {
                "source": source,
                "externalId": "logs-siem",
                "fromSystemId": "log-store",
                "toSystemId": f"{source}:siem",
                "categories": ["user.device.ip_address"],
                "purpose": "essential.service.security",
                "mode": "PUSH",
            }
        },
    )
    assert "errors" not in flow, flow

    result = systems(await impact(graphql, systemIds=["log-store"]))
    siem = result[f"{source}:siem"]
    assert siem["subjects"] == [USERS, VISITORS]
    assert siem["note"].endswith(
        f"(inferred from categories alone: flow {source}:logs-siem names no data subject)"
    )
    visitors = systems(await impact(graphql, systemIds=["log-store"], subjects=[VISITORS]))
    assert set(visitors) == {"log-store", f"{source}:siem"}
    assert visitors[f"{source}:siem"]["subjects"] == [VISITORS]


@pytest.mark.parametrize(
    ("subjects", "field", "code"),
    [
        (["preemptly.account_usr"], "subjects[0]", "BAD_USER_INPUT"),
        ([USERS, "nobody"], "subjects[1]", "BAD_USER_INPUT"),
        ([], "subjects", "BAD_USER_INPUT"),
        (["preemptly.billing_contact"], "subjects", "BAD_USER_INPUT"),
    ],
    ids=["misspelt", "second", "empty", "not-held"],
)
async def test_a_subject_filter_naming_nothing_is_refused(
    graphql: GraphQL, subjects: list[str], field: str, code: str
) -> None:
    body = await graphql(IMPACT, {"systemIds": ["log-store"], "subjects": subjects})
    assert body["data"] is None
    [error] = body["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == (code, field)
    if field == "subjects[0]":
        assert error["extensions"]["suggestions"][0] == USERS
