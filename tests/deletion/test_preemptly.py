"""deletionPlan over Preemptly's seeded map (`seeds/data/preemptly/`), loaded by the seed loader,
and the legal references it cites from the seeded Exception and ErasureRule nodes."""

import uuid
from typing import Any

import pytest

from graph.database import Database
from resolvers.deletion import references as refs
from resolvers.deletion.decisions import DeletionGraph
from resolvers.errors import MissingReferenceData
from seeds.loader import read
from tests.conftest import GraphQL, enum_of
from tests.deletion.graph import Spec, create

pytestmark = pytest.mark.usefixtures("seeded")

PLAN = """
query Plan($subject: ID!, $regime: RegimeKey = EU, $asOf: Date, $lastRecordDate: Date) {
  deletionPlan(subject: $subject, regime: $regime, asOf: $asOf, lastRecordDate: $lastRecordDate) {
    steps { ...step }
    notifications { ...notification }
    blockers { kind system categories clearedBy }
    processorRole {
      controllers { id } categories instruction legalReference { ...reference }
      steps { ...step }
      notifications { ...notification }
    }
  }
}
fragment reference on DeletionReference { key article text source }
fragment step on DeletionStep {
  position systems simultaneous
  actions {
    system action categories until
    obligation { id periodYears }
    legalReference { ...reference }
    reasons { path rule }
  }
  reasons { path rule }
}
fragment notification on DeletionNotification {
  recipient { id } role categories legalReference { key article }
  reasons { path }
}
"""

SEEDED_RULES = {
    entry.key: entry
    for path in ("reference/exceptions.yaml", "reference/erasure_rules.yaml")
    for entry in read().entries(path)
}


async def plan(graphql: GraphQL, subject: str, **variables: Any) -> dict[str, Any]:
    body = await graphql(PLAN, {"subject": f"preemptly.{subject}", **variables})
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]["deletionPlan"]
    return result


def positions(steps: list[dict[str, Any]]) -> dict[str, int]:
    return {system: step["position"] for step in steps for system in step["systems"]}


def actions(steps: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for step in steps:
        for action in step["actions"]:
            found.setdefault(action["system"], []).append(action)
    return found


def notified(notifications: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {n["recipient"]["id"]: n for n in notifications}


async def test_the_account_user_is_erased_sources_first_and_backups_expire(
    graphql: GraphQL,
) -> None:
    result = await plan(graphql, "account_user", asOf="2026-06-01")

    at = positions(result["steps"])
    assert set(at) == {
        "accounts-db",
        "accounts-db-backup",
        "email-platform",
        "file-store",
        "file-store-backup",
        "event-warehouse",
        "product-analytics",
        "log-store",
        "audit-archive",
    }
    for source, copy in (
        ("accounts-db", "accounts-db-backup"),
        ("accounts-db", "email-platform"),
        ("file-store", "file-store-backup"),
        ("event-warehouse", "product-analytics"),
        ("log-store", "audit-archive"),
    ):
        assert at[source] < at[copy], (source, copy)
    assert not any(step["simultaneous"] for step in result["steps"])
    by_system = actions(result["steps"])
    [backup] = by_system["accounts-db-backup"]
    assert (backup["action"], backup["until"]) == ("EXPIRE_FROM_BACKUP", "2026-07-06")
    assert backup["legalReference"] is None
    [files_backup] = by_system["file-store-backup"]
    assert (files_backup["action"], files_backup["until"]) == ("EXPIRE_FROM_BACKUP", "2026-08-30")
    [email] = by_system["email-platform"]
    assert email["action"] == "ERASE"
    [email_step] = [step for step in result["steps"] if step["systems"] == ["email-platform"]]
    assert [r["path"] for r in email_step["reasons"]] == [["accounts-db", "email-platform"]]
    assert "flow f-accounts-email" in email_step["reasons"][0]["rule"]
    assert [a["action"] for a in by_system["audit-archive"]] == ["MANUAL"]
    assert [a["action"] for a in by_system["event-warehouse"]] == ["MANUAL"]
    assert result["blockers"] == [
        {
            "kind": "NO_DELETION_METHOD",
            "system": "audit-archive",
            "categories": [
                "system.authentication",
                "user.account.username",
                "user.device.ip_address",
            ],
            "clearedBy": "updateSystem.deletionMethod (or registerSystem.deletionMethod)",
        }
    ]
    assert result["processorRole"] == []


async def test_the_nimbus_chain_and_every_processor_of_the_account_user_are_notified(
    graphql: GraphQL,
) -> None:
    result = await plan(graphql, "account_user", asOf="2026-06-01")

    notices = notified(result["notifications"])
    assert {org: n["role"] for org, n in notices.items()} == {
        "nimbus-emea": "PROCESSOR",
        "nimbus-inc": "SUB_PROCESSOR",
        "nimbus-india": "SUB_PROCESSOR",
        "logvault-ch": "PROCESSOR",
        "metricflow-inc": "PROCESSOR",
        "mapleinsight-ca": "SUB_PROCESSOR",
        "sendwave-uk": "PROCESSOR",
    }
    india_paths = [r["path"] for r in notices["nimbus-india"]["reasons"]]
    assert ["accounts-db", "nimbus-emea", "nimbus-inc", "nimbus-india"] in india_paths
    assert "user.contact.email" in notices["nimbus-india"]["categories"]
    assert "system.authentication" not in notices["nimbus-inc"]["categories"]
    assert "system.authentication" in notices["nimbus-emea"]["categories"]
    assert notices["mapleinsight-ca"]["categories"] == [
        "user.behavior",
        "user.unique_id.pseudonymous",
    ]
    assert {n["legalReference"]["key"] for n in notices.values()} == {"GDPR-19"}
    assert notices["sendwave-uk"]["legalReference"]["article"] == "Art. 19 GDPR"


async def test_a_notifications_role_is_the_one_role_enum(graphql: GraphQL) -> None:
    """A recipient's role is the API's one Role enum, on every notification of the seeded map's
    plans (the processor role's included)."""
    assert await enum_of(graphql, "DeletionNotification", "role") == (
        "Role",
        {"CONTROLLER", "PROCESSOR", "SUB_PROCESSOR", "THIRD_PARTY"},
    )
    result = await plan(graphql, "account_user", asOf="2026-06-01")
    roles = [n["role"] for n in result["notifications"]]
    roles += [n["role"] for duty in result["processorRole"] for n in duty["notifications"]]
    assert roles and set(roles) <= {"CONTROLLER", "PROCESSOR", "SUB_PROCESSOR", "THIRD_PARTY"}


async def test_an_actions_method_is_the_deletion_method_enum(graphql: GraphQL) -> None:
    assert (await enum_of(graphql, "DeletionAction", "method"))[0] == "DeletionMethod"
    body = await graphql(
        """query($subject: ID!) { deletionPlan(subject: $subject, asOf: "2026-06-01") {
             steps { actions { system method } } } }""",
        {"subject": "preemptly.account_user"},
    )
    assert "errors" not in body, body
    methods = {
        a["method"] for step in body["data"]["deletionPlan"]["steps"] for a in step["actions"]
    }
    assert "API" in methods


async def test_under_the_ccpa_backups_wait_and_service_providers_are_told(
    graphql: GraphQL,
) -> None:
    result = await plan(graphql, "account_user", asOf="2026-06-01", regime="CCPA")

    [backup] = actions(result["steps"])["accounts-db-backup"]
    seeded = SEEDED_RULES["CCPA-7022-d"]
    assert backup["legalReference"] == {
        "key": "CCPA-7022-d",
        "article": "11 CCR § 7022(d)",
        "text": seeded.text,
        "source": seeded.source,
    }
    notices = notified(result["notifications"])
    assert {n["legalReference"]["article"] for n in notices.values()} == {"11 CCR § 7022(b)(2)"}


async def test_invoices_are_restricted_under_the_german_voucher_rule_until_its_end(
    graphql: GraphQL,
) -> None:
    result = await plan(graphql, "billing_contact", asOf="2028-12-31", lastRecordDate="2020-03-15")

    assert [step["systems"] for step in result["steps"]] == [["billing"], ["invoicing"]]
    holds = {a["obligation"]["id"]: a for a in actions(result["steps"])["invoicing"]}
    vouchers = holds["DE-HGB-257-AO-147-VOUCHERS"]
    assert vouchers["action"] == "RESTRICT"
    assert vouchers["until"] == "2028-12-31"
    assert vouchers["obligation"]["periodYears"] == 8
    assert vouchers["categories"] == [
        "user.contact.address",
        "user.contact.email",
        "user.contact.organization",
        "user.name",
    ]
    seeded = SEEDED_RULES["GDPR-17-3-b"]
    assert vouchers["legalReference"] == {
        "key": "GDPR-17-3-b",
        "article": "Art. 17(3)(b) GDPR",
        "text": seeded.text,
        "source": seeded.source,
    }
    books = holds["DE-HGB-257-AO-147-BOOKS"]
    assert (books["action"], books["until"]) == ("RESTRICT", "2030-12-31")
    notices = notified(result["notifications"])
    assert notices["steuerkanzlei-berg"]["role"] == "THIRD_PARTY"
    assert notices["ledgerly-de"]["role"] == "PROCESSOR"
    assert notices["paystream-inc"]["role"] == "SUB_PROCESSOR"
    assert notices["paystream-inc"]["categories"] == ["user.financial.credit_card", "user.payment"]


async def test_after_the_voucher_period_invoices_are_deleted_and_the_books_still_kept(
    graphql: GraphQL,
) -> None:
    result = await plan(graphql, "billing_contact", asOf="2029-01-01", lastRecordDate="2020-03-15")

    invoicing = actions(result["steps"])["invoicing"]
    [deleted] = [a for a in invoicing if a["obligation"] is None]
    assert deleted["action"] == "MANUAL"
    assert "user.contact.email" in deleted["categories"]
    assert any("the hold ended on 2028-12-31" in r["rule"] for r in deleted["reasons"])
    [books] = [a for a in invoicing if a["obligation"] is not None]
    assert books["obligation"]["id"] == "DE-HGB-257-AO-147-BOOKS"
    assert (books["action"], books["until"]) == ("RESTRICT", "2030-12-31")


async def test_under_the_ccpa_the_hold_cites_the_legal_obligation_exception(
    graphql: GraphQL,
) -> None:
    result = await plan(
        graphql, "billing_contact", asOf="2028-12-31", lastRecordDate="2020-03-15", regime="CCPA"
    )

    invoicing = actions(result["steps"])["invoicing"]
    assert {a["legalReference"]["article"] for a in invoicing} == {
        "Cal. Civ. Code § 1798.105(d)(8)"
    }


async def test_the_ownerless_lead_sheets_block_the_prospect_plan(graphql: GraphQL) -> None:
    result = await plan(graphql, "prospect", asOf="2026-06-01")

    assert [step["systems"] for step in result["steps"]] == [
        ["event-lead-sheets"],
        ["sales-crm"],
        ["email-platform"],
    ]
    assert {(b["kind"], b["system"]) for b in result["blockers"]} == {
        ("NO_OWNER", "event-lead-sheets"),
        ("NO_DELETION_METHOD", "event-lead-sheets"),
        ("UNKNOWN_RETENTION", "event-lead-sheets"),
    }
    by_system = actions(result["steps"])
    assert [a["action"] for a in by_system["event-lead-sheets"]] == ["MANUAL"]
    assert [a["action"] for a in by_system["email-platform"]] == ["ANONYMISE"]


async def test_customer_data_belongs_to_the_customers_as_controllers(graphql: GraphQL) -> None:
    result = await plan(graphql, "end_customer_contact", asOf="2026-06-01")

    assert result["steps"] == []
    assert result["notifications"] == []
    duties = {tuple(c["id"] for c in d["controllers"]): d for d in result["processorRole"]}
    assert set(duties) == {("acme-logistics",), ("acme-logistics", "globex-inc")}
    shared = duties[("acme-logistics", "globex-inc")]
    assert "Acme Logistics B.V., Globex Corporation as controller" in shared["instruction"]
    assert shared["legalReference"]["key"] == "GDPR-28-3-e"
    assert shared["legalReference"]["article"] == "Art. 28(3)(e) GDPR"
    [sync] = [step for step in shared["steps"] if step["simultaneous"]]
    assert sync["systems"] == ["acme-crm", "customer-data-db"]
    at = positions(shared["steps"])
    assert at["customer-data-db"] < at["search-index"]
    assert at["customer-data-db"] < at["customer-data-db-backup"]
    backup = actions(shared["steps"])["customer-data-db-backup"]
    assert [a["action"] for a in backup] == ["EXPIRE_FROM_BACKUP"]
    notices = notified(shared["notifications"])
    for org in ("nimbus-emea", "nimbus-inc", "nimbus-india", "cortexa-inc"):
        assert notices[org]["role"] == "SUB_PROCESSOR", org
    assert {(b["kind"], b["system"]) for b in result["blockers"]} == {
        ("UNKNOWN_RETENTION", "acme-crm")
    }


@pytest.mark.parametrize("regime", [r.key for r in read().entries("reference/regimes.yaml")])
def test_every_regime_has_the_provisions_a_plan_must_cite(regime: str) -> None:
    serves = {e.serves for e in SEEDED_RULES.values() if e.regime == regime and e.serves}
    required = {refs.ERASURE_RIGHT, refs.LEGAL_OBLIGATION_HOLD, refs.PROCESSOR_ASSISTANCE}
    assert required <= serves, regime
    assert (
        refs.RECIPIENT_NOTICE in serves
        or {
            refs.SERVICE_PROVIDER_NOTICE,
            refs.THIRD_PARTY_NOTICE,
        }
        <= serves
    )
    for entry in SEEDED_RULES.values():
        assert entry.article and entry.text and entry.source, entry.key


def test_a_key_without_its_node_is_an_error_not_a_made_up_citation() -> None:
    graph = DeletionGraph(
        holdings=[], systems={}, flows=[], organisations={}, engagements=[], regime="EU"
    )
    with pytest.raises(MissingReferenceData, match="RECIPIENT_NOTICE provision of regime 'EU'"):
        graph.reference(refs.RECIPIENT_NOTICE)


async def test_an_obligation_citing_an_unseeded_exception_fails_with_a_code(
    db: Database, graphql: GraphQL
) -> None:
    spec = Spec(prefix=f"t-del-noref-{uuid.uuid4().hex[:8]}-")
    spec.obligations.append(
        {
            "id": spec.id("rule"),
            "record_type": "books",
            "period_years": 10,
            "runs_from": "END_OF_CALENDAR_YEAR",
            "legal_reference": "a law",
            "gdpr_exception": spec.id("GDPR-17-3-z"),
        }
    )
    spec.system("ledger")
    spec.storage("st", "ledger", ["user.name"], collected_from_subject=True, obligation="rule")
    await create(db, spec)

    body = await graphql(PLAN, {"subject": spec.subject, "asOf": "2026-06-01"})

    [error] = body["errors"]
    assert error["extensions"]["code"] == "INTERNAL" and error["extensions"]["requestId"]
    assert spec.id("GDPR-17-3-z") in error["message"]


ACCESS_PLACES = """
query ($subject: ID!) {
  accessPlan(subject: $subject) { locations { systemId } routing { systems } }
}
"""
UNPLANNED = """
query ($subject: ID!) {
  deletionPlan(subject: $subject) {
    steps { systems }
    processorRole { steps { systems } }
    unplanned { system categories reasons { path rule } clearedBy }
  }
}
"""


@pytest.mark.parametrize(
    "subject", ["account_user", "prospect", "end_customer_contact", "billing_contact"]
)
async def test_every_system_of_the_access_plan_is_erased_kept_or_explained(
    graphql: GraphQL, subject: str
) -> None:
    access = (await graphql(ACCESS_PLACES, {"subject": f"preemptly.{subject}"}))["data"]
    deletion = (await graphql(UNPLANNED, {"subject": f"preemptly.{subject}"}))["data"]
    listed = {loc["systemId"] for loc in access["accessPlan"]["locations"]} | {
        system for route in access["accessPlan"]["routing"] for system in route["systems"]
    }
    plan = deletion["deletionPlan"]
    handled = {system for step in plan["steps"] for system in step["systems"]} | {
        system
        for duty in plan["processorRole"]
        for step in duty["steps"]
        for system in step["systems"]
    }
    explained = {entry["system"] for entry in plan["unplanned"]}
    assert listed <= handled | explained
    assert not handled & explained


async def test_the_account_users_support_and_sales_systems_are_explained(
    graphql: GraphQL,
) -> None:
    deletion = (await graphql(UNPLANNED, {"subject": "preemptly.account_user"}))["data"]
    unplanned = {entry["system"]: entry for entry in deletion["deletionPlan"]["unplanned"]}
    assert "activity pa-support" in unplanned["support-desk"]["reasons"][0]["rule"]
    assert "activity pa-marketing" in unplanned["sales-crm"]["reasons"][0]["rule"]
    assert "no storage of the subject" in unplanned["sales-crm"]["reasons"][0]["rule"]
    assert unplanned["support-desk"]["clearedBy"].startswith("registerStorage (systemId, subject")
    assert unplanned["support-desk"]["categories"] == [
        "user.contact.email",
        "user.content.private",
        "user.name",
    ]
