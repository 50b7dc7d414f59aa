"""Access plans over Preemptly's seeded map."""

import datetime
from typing import Any

from graph.database import Database
from tests.conftest import GraphQL, enum_of

PLAN = """
query ($subject: ID!) {
  accessPlan(subject: $subject) {
    controller { id }
    locations { systemId heldAs reasons }
    recipients { organisation { id } roles reasons }
    transfers { organisation { id } safeguards { id type tiaOutcome } }
    routing { controller { id } systems }
    gaps { systemId missing clearedBy }
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
    assert "billing" not in where  # f-app-billing carries billing contacts' data only
    assert "pa-support" in where["support-desk"]
    assert "storage st-usage-events" in where["event-warehouse"]
    assert "f-warehouse-analytics" in where["product-analytics"]
    assert "backs up accounts-db" in where["accounts-db-backup"]
    assert "backs up file-store" in where["file-store-backup"]
    assert "storage st-notification-contacts" in where["email-platform"]
    assert {"log-store", "audit-archive", "preemptly-app"} <= set(where)
    assert all(where.values())

    recipients = reasons([{**r, "id": r["organisation"]["id"]} for r in result["recipients"]], "id")
    assert "paystream-ie" not in recipients  # it processes billing contacts' payments
    assert "operates support-desk" in recipients["helpdeskly-inc"]
    assert "operates product-analytics" in recipients["metricflow-inc"]
    assert "e-nimbus-emea-nimbus-inc" in recipients["nimbus-inc"]
    transfers = {t["organisation"]["id"]: t["safeguards"] for t in result["transfers"]}
    assert transfers["metricflow-inc"] == [
        {
            "id": "sg-preemptly-metricflow-scc2",
            "type": "SCC",
            "tiaOutcome": "ADEQUATE_WITH_MEASURES",
        }
    ]

    gaps = {gap["systemId"]: gap for gap in result["gaps"]}
    assert gaps["event-lead-sheets"]["missing"] == ["OWNER", "RETRIEVAL_METHOD", "RETENTION"]
    assert [field.split(" ")[0] for field in gaps["event-lead-sheets"]["clearedBy"]] == [
        "updateSystem.ownerTeam",
        "updateSystem.retrievalMethod",
        "registerStorage.retentionDays",
    ]
    assert [item["key"] for item in result["rightItems"]][:2] == ["GDPR-15-1", "GDPR-15-1-a"]
    assert result["routing"] == []
    assert "| accounts-db |" in result["document"]


async def test_a_recipients_roles_and_safeguards_answer_the_apis_enums(
    seeded: Database, graphql: GraphQL
) -> None:
    """A recipient's roles are the one Role enum, its safeguards' type and TIA outcome the
    SafeguardType and TiaOutcome enums, as on the Safeguard node."""
    fields = {
        ("AccessRecipient", "roles"): "Role",
        ("AccessSafeguard", "type"): "SafeguardType",
        ("AccessSafeguard", "tiaOutcome"): "TiaOutcome",
    }
    members = {}
    for (type_name, field), enum in fields.items():
        name, members[field] = await enum_of(graphql, type_name, field)
        assert name == enum
    result = await plan(graphql, "preemptly.account_user")
    roles = {role for r in result["recipients"] for role in r["roles"]}
    assert {"PROCESSOR", "SUB_PROCESSOR"} <= roles <= members["roles"]
    safeguards = [s for t in result["transfers"] for s in t["safeguards"]]
    assert safeguards and {s["type"] for s in safeguards} <= members["type"]
    assert {s["tiaOutcome"] for s in safeguards} - {None} <= members["tiaOutcome"]


async def test_customer_data_is_routed_to_the_customers_as_controllers(
    seeded: Database, graphql: GraphQL
) -> None:
    result = await plan(graphql, "preemptly.end_customer_contact")
    routing = {route["controller"]["id"]: route["systems"] for route in result["routing"]}
    assert set(routing) == {"acme-logistics", "globex-inc"}
    assert "customer-data-db" in routing["acme-logistics"]
    assert "customer-data-db" not in {loc["systemId"] for loc in result["locations"]}
    assert "Art. 28(3)(e)" in result["document"]


TRANSFERS = """
query ($subject: ID!, $regime: RegimeKey!, $asOf: Date!) {
  accessPlan(subject: $subject, regime: $regime, asOf: $asOf) {
    controller { id supervisoryAuthority }
    transfersApply transferNote
    transfers {
      organisation { id }
      safeguards { id }
      decisions { id verdict reason sccModule legalBasis { article instrument instrumentId } }
    }
    document
  }
}
"""
# A fixed date inside the DPF and the SCCs on record, so the decisions do not move with the clock.
AS_OF = datetime.date(2025, 9, 1).isoformat()


async def transfers_plan(graphql: GraphQL, regime: str) -> dict[str, Any]:
    variables = {"subject": "preemptly.account_user", "regime": regime, "asOf": AS_OF}
    body = await graphql(TRANSFERS, variables)
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]["accessPlan"]
    return result


def decisions(result: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    return {
        t["organisation"]["id"]: {d["id"]: d for d in t["decisions"]} for t in result["transfers"]
    }


async def test_art_15_2_gives_the_transfer_engines_decision_per_recipient(
    seeded: Database, graphql: GraphQL
) -> None:
    result = await transfers_plan(graphql, "EU")
    assert result["transfersApply"] is True
    decided = decisions(result)
    # The support desk's vendor is DPF-certified: the EU-US adequacy decision carries it.
    support = decided["helpdeskly-inc"]["f-app-support"]
    assert support["verdict"] == "ADEQUACY"
    assert support["legalBasis"]["article"] == "GDPR Art. 45"
    assert support["legalBasis"]["instrumentId"] == "EU-US"
    assert "Data Privacy Framework" in support["legalBasis"]["instrument"]
    # The analytics vendor is not certified: its SCC Module 2 with a TIA is the safeguard.
    analytics = decided["metricflow-inc"]["e-preemptly-metricflow"]
    assert analytics["verdict"] == "SAFEGUARD"
    assert analytics["sccModule"] == 2
    assert analytics["legalBasis"]["instrumentId"] == "sg-preemptly-metricflow-scc2"
    # Recipients inside the EEA are not transfers, and the plan's data only: none of acme's.
    assert "paystream-ie" not in decided
    assert "e-acme-helpdeskly" not in decided["helpdeskly-inc"]
    assert "f-app-support to US: ADEQUACY, GDPR Art. 45" in result["document"]


async def test_a_ccpa_plan_says_chapter_v_does_not_apply(
    seeded: Database, graphql: GraphQL
) -> None:
    result = await transfers_plan(graphql, "CCPA")
    assert result["transfersApply"] is False
    assert result["transfers"] == []
    assert "Chapter V" in result["transferNote"]
    assert result["transferNote"] in result["document"]


async def test_the_plan_names_preemptlys_supervisory_authority(
    seeded: Database, graphql: GraphQL
) -> None:
    result = await transfers_plan(graphql, "EU")
    [stored] = await seeded.read(
        "MATCH (o:Organisation {is_self: true, id: 'preemptly'}) "
        "RETURN o.supervisory_authority AS authority, o.assumed AS assumed, o.source AS source"
    )
    assert stored["authority"].startswith("Berliner Beauftragte für Datenschutz")
    assert stored["assumed"] is True
    assert "supervisory authority, assumed" in stored["source"]
    assert result["controller"] == {"id": "preemptly", "supervisoryAuthority": stored["authority"]}
    assert f"Authority: {stored['authority']}." in result["document"]


async def test_the_account_users_plan_does_not_name_the_customer_that_receives_end_customers(
    seeded: Database, graphql: GraphQL
) -> None:
    result = await plan(graphql, "preemptly.account_user")
    recipients = {r["organisation"]["id"] for r in result["recipients"]}
    assert "globex-inc" not in recipients
    assert "customer-data-db" not in {loc["systemId"] for loc in result["locations"]}
    end_customers = await plan(graphql, "preemptly.end_customer_contact")
    assert "globex-inc" in {r["organisation"]["id"] for r in end_customers["recipients"]}


async def test_prospect_data_does_not_come_from_the_accounts_database(
    seeded: Database, graphql: GraphQL
) -> None:
    body = await graphql(
        'query { accessPlan(subject: "preemptly.prospect") { sources { systemId } '
        "locations { systemId } } }"
    )
    result = body["data"]["accessPlan"]
    assert "accounts-db" not in {source["systemId"] for source in result["sources"]}
    assert {"sales-crm", "email-platform"} <= {loc["systemId"] for loc in result["locations"]}


async def test_the_end_customers_address_does_not_go_to_the_tax_adviser(
    seeded: Database, graphql: GraphQL
) -> None:
    result = await plan(graphql, "preemptly.end_customer_contact")
    assert "steuerkanzlei-berg" not in {r["organisation"]["id"] for r in result["recipients"]}
    billing = await plan(graphql, "preemptly.billing_contact")
    tax = reasons([{**r, "id": r["organisation"]["id"]} for r in billing["recipients"]], "id")
    assert "f-invoicing-tax-advisor" in tax["steuerkanzlei-berg"]
