"""Access plans over Preemptly's seeded map."""

from typing import Any

from graph.database import Database
from tests.conftest import GraphQL

PLAN = """
query ($subject: String!) {
  accessPlan(subject: $subject) {
    controller { id }
    locations { systemId heldAs reasons }
    recipients { organisation { id } roles reasons }
    transfers { organisation { id } safeguards { id } }
    routing { controller { id } systems }
    gaps { systemId missing }
    rightItems { key }
    document
  }
}
"""


async def plan(graphql: GraphQL, subject: str) -> dict[str, Any]:
    body = await graphql(PLAN, {"subject": subject})
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]["accessPlan"]
    return result


def reasons(items: list[dict[str, Any]], key: str) -> dict[str, str]:
    return {item[key]: " | ".join(item["reasons"]) for item in items}


async def test_an_account_users_plan_lists_each_system_for_a_stated_reason(
    seeded: Database, graphql: GraphQL
) -> None:
    result = await plan(graphql, "preemptly.account_user")
    assert result["controller"] == {"id": "preemptly"}
    where = reasons(result["locations"], "systemId")
    assert "storage st-accounts" in where["accounts-db"]
    assert "f-app-billing" in where["billing"]
    assert "pa-support" in where["support-desk"]
    assert "storage st-usage-events" in where["event-warehouse"]
    assert "f-warehouse-analytics" in where["product-analytics"]
    assert "backs up accounts-db" in where["accounts-db-backup"]
    assert "backs up file-store" in where["file-store-backup"]
    assert "storage st-notification-contacts" in where["email-platform"]
    assert {"log-store", "audit-archive", "preemptly-app"} <= set(where)
    assert all(where.values())

    recipients = reasons([{**r, "id": r["organisation"]["id"]} for r in result["recipients"]], "id")
    assert "operates billing" in recipients["paystream-ie"]
    assert "operates support-desk" in recipients["helpdeskly-inc"]
    assert "operates product-analytics" in recipients["metricflow-inc"]
    assert "e-nimbus-emea-nimbus-inc" in recipients["nimbus-inc"]
    transfers = {t["organisation"]["id"]: t["safeguards"] for t in result["transfers"]}
    assert transfers["metricflow-inc"] == [{"id": "sg-preemptly-metricflow-scc2"}]
    assert "paystream-ie" not in transfers

    gaps = {gap["systemId"]: gap["missing"] for gap in result["gaps"]}
    assert gaps["event-lead-sheets"] == ["OWNER", "RETRIEVAL_METHOD", "RETENTION"]
    assert [item["key"] for item in result["rightItems"]][:2] == ["GDPR-15-1", "GDPR-15-1-a"]
    assert result["routing"] == []
    assert "| accounts-db |" in result["document"]


async def test_customer_data_is_routed_to_the_customers_as_controllers(
    seeded: Database, graphql: GraphQL
) -> None:
    result = await plan(graphql, "preemptly.end_customer_contact")
    routing = {route["controller"]["id"]: route["systems"] for route in result["routing"]}
    assert set(routing) == {"acme-logistics", "globex-inc"}
    assert "customer-data-db" in routing["acme-logistics"]
    assert "customer-data-db" not in {loc["systemId"] for loc in result["locations"]}
    assert "Art. 28(3)(e)" in result["document"]
