import uuid
from typing import Any

import pytest

from graph.database import Database
from tests.conftest import GraphQL
from tests.deletion.graph import Spec, create

pytestmark = pytest.mark.usefixtures("seeded")

PLAN = """
query Plan($subject: ID!, $categories: [String!], $regime: RegimeKey = EU, $asOf: Date,
           $lastRecordDate: Date) {
  deletionPlan(subject: $subject, categories: $categories, regime: $regime, asOf: $asOf,
               lastRecordDate: $lastRecordDate) {
    steps {
      position systems simultaneous
      actions {
        system action categories method until
        obligation { id periodYears runsFrom }
        legalReference { key article }
        reasons { path rule reference { article } }
      }
      reasons { path rule }
    }
    notifications {
      recipient { id legalName } role categories legalReference { key article }
      reasons { path rule }
    }
    blockers { kind system categories detail }
    processorRole {
      controllers { id } categories instruction legalReference { article }
      steps { systems actions { system action } }
      notifications { recipient { id } role }
    }
  }
}
"""

EMAIL = "user.contact.email"
INVOICE = "user.financial.invoice"


def new_spec(name: str) -> Spec:
    return Spec(prefix=f"t-del-{name}-{uuid.uuid4().hex[:8]}-")


async def plan(graphql: GraphQL, spec: Spec, **variables: Any) -> dict[str, Any]:
    body = await graphql(PLAN, {"subject": spec.subject, **variables})
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]["deletionPlan"]
    return result


def order(result: dict[str, Any], spec: Spec) -> list[list[str]]:
    return [[s.removeprefix(spec.prefix) for s in step["systems"]] for step in result["steps"]]


async def test_a_chain_is_erased_source_first(db: Database, graphql: GraphQL) -> None:
    spec = new_spec("chain")
    for name in ("c", "b", "a"):
        spec.system(name)
    spec.storage("st-a", "a", [EMAIL], collected_from_subject=True)
    spec.flow("a", "b", [EMAIL])
    spec.flow("b", "c", ["user.contact"])
    await create(db, spec)

    result = await plan(graphql, spec)

    assert order(result, spec) == [["a"], ["b"], ["c"]]
    step_c = result["steps"][2]
    assert step_c["simultaneous"] is False
    assert step_c["actions"][0]["action"] == "ERASE"
    assert step_c["actions"][0]["categories"] == ["user.contact"]
    assert step_c["actions"][0]["reasons"][0]["path"] == [spec.id(n) for n in ("a", "b", "c")]
    assert step_c["reasons"][0]["path"] == [spec.id("b"), spec.id("c")]


async def test_a_diamond_puts_the_sink_after_both_branches(db: Database, graphql: GraphQL) -> None:
    spec = new_spec("diamond")
    for name in ("d", "c", "b", "a"):
        spec.system(name)
    spec.storage("st-a", "a", [EMAIL], collected_from_subject=True)
    spec.flow("a", "c", [EMAIL])
    spec.flow("a", "b", [EMAIL])
    spec.flow("b", "d", [EMAIL])
    spec.flow("c", "d", [EMAIL])
    await create(db, spec)

    result = await plan(graphql, spec)

    assert order(result, spec) == [["a"], ["b"], ["c"], ["d"]]
    sources = {tuple(r["path"]) for r in result["steps"][3]["reasons"]}
    assert sources == {(spec.id("b"), spec.id("d")), (spec.id("c"), spec.id("d"))}


async def test_a_two_way_sync_is_one_simultaneous_step(db: Database, graphql: GraphQL) -> None:
    spec = new_spec("cycle")
    for name in ("a", "b", "c", "d"):
        spec.system(name)
    spec.storage("st-a", "a", [EMAIL], collected_from_subject=True)
    spec.flow("a", "b", [EMAIL])
    spec.flow("b", "c", [EMAIL])
    spec.flow("c", "b", [EMAIL])
    spec.flow("c", "d", [EMAIL])
    await create(db, spec)

    result = await plan(graphql, spec)

    assert order(result, spec) == [["a"], ["b", "c"], ["d"]]
    assert [s["simultaneous"] for s in result["steps"]] == [False, True, False]
    assert {a["system"] for a in result["steps"][1]["actions"]} == {spec.id("b"), spec.id("c")}


async def test_a_flow_of_an_unrelated_category_is_not_followed(
    db: Database, graphql: GraphQL
) -> None:
    spec = new_spec("unrelated")
    spec.system("a")
    spec.system("b")
    spec.storage("st-a", "a", [EMAIL], collected_from_subject=True)
    spec.flow("a", "b", ["system.operations"])
    await create(db, spec)

    result = await plan(graphql, spec)

    assert order(result, spec) == [["a"]]


def invoice_spec(name: str) -> Spec:
    spec = new_spec(name)
    spec.obligations.append(
        {
            "id": spec.id("DE-BELEGE"),
            "record_type": "Buchungsbelege",
            "period_years": 8,
            "runs_from": "END_OF_CALENDAR_YEAR",
            "legal_reference": "HGB §257(4), AO §147(3)",
            "gdpr_exception": "GDPR-17-3-b",
        }
    )
    spec.system("billing")
    spec.storage("st-invoice", "billing", [INVOICE], retention_days=None, obligation="DE-BELEGE")
    spec.storage("st-contact", "billing", [EMAIL], collected_from_subject=True)
    return spec


async def test_invoices_are_restricted_until_eight_years_after_the_year_end(
    db: Database, graphql: GraphQL
) -> None:
    spec = invoice_spec("hold")
    await create(db, spec)

    result = await plan(graphql, spec, asOf="2028-12-31", lastRecordDate="2020-03-15")

    actions = {a["categories"][0]: a for a in result["steps"][0]["actions"]}
    hold = actions[INVOICE]
    assert hold["action"] == "RESTRICT"
    assert hold["until"] == "2028-12-31"
    assert hold["obligation"] == {
        "id": spec.id("DE-BELEGE"),
        "periodYears": 8,
        "runsFrom": "END_OF_CALENDAR_YEAR",
    }
    assert hold["legalReference"]["key"] == "GDPR-17-3-b"
    assert "17(3)(b)" in hold["legalReference"]["article"]
    assert actions[EMAIL]["action"] == "ERASE"


async def test_the_hold_ends_after_the_expiry_and_the_invoice_is_erased(
    db: Database, graphql: GraphQL
) -> None:
    spec = invoice_spec("expired")
    await create(db, spec)

    result = await plan(graphql, spec, asOf="2029-01-01", lastRecordDate="2020-03-15")

    invoice = next(a for a in result["steps"][0]["actions"] if a["categories"] == [INVOICE])
    assert invoice["action"] == "ERASE"
    assert invoice["until"] is None
    assert any("ended on 2028-12-31" in r["rule"] for r in invoice["reasons"])


async def test_a_plan_for_today_holds_a_record_of_today(db: Database, graphql: GraphQL) -> None:
    spec = invoice_spec("today")
    await create(db, spec)

    result = await plan(graphql, spec, asOf="2025-06-30", categories=[INVOICE])

    [action] = result["steps"][0]["actions"]
    assert (action["action"], action["until"]) == ("RESTRICT", "2033-12-31")


async def test_under_ccpa_the_hold_cites_the_legal_obligation_exception(
    db: Database, graphql: GraphQL
) -> None:
    spec = invoice_spec("ccpa-hold")
    await create(db, spec)

    result = await plan(graphql, spec, regime="CCPA", asOf="2026-01-01", categories=[INVOICE])

    [action] = result["steps"][0]["actions"]
    assert action["legalReference"]["key"] == "CCPA-1798.105-d-8"


async def test_a_backup_expires_after_its_source_at_rotation(
    db: Database, graphql: GraphQL
) -> None:
    spec = new_spec("backup")
    spec.system("app")
    spec.system("snap", kind="BACKUP", rotation_days=35, deletion_method="AUTOMATIC_EXPIRY")
    spec.backups.append((spec.id("snap"), spec.id("app")))
    spec.storage("st-app", "app", [EMAIL], collected_from_subject=True)
    await create(db, spec)

    result = await plan(graphql, spec, regime="CCPA", asOf="2026-03-01")

    assert order(result, spec) == [["app"], ["snap"]]
    [backup] = result["steps"][1]["actions"]
    assert backup["action"] == "EXPIRE_FROM_BACKUP"
    assert backup["categories"] == [EMAIL]
    assert backup["until"] == "2026-04-05"
    assert backup["legalReference"]["key"] == "CCPA-7022-d"
    assert "beyond use" in backup["reasons"][0]["rule"]


def recipients_spec(name: str) -> Spec:
    spec = new_spec(name)
    spec.organisations += [
        {"id": spec.id("preemptly"), "legal_name": "Preemptly", "is_self": True},
        {"id": spec.id("crm-co"), "legal_name": "CRM Co"},
        {"id": spec.id("cloud-co"), "legal_name": "Cloud Co"},
        {"id": spec.id("ads-co"), "legal_name": "Ads Co"},
    ]
    spec.system("app")
    spec.system("crm")
    spec.operators += [
        (spec.id("app"), spec.id("preemptly"), "CONTROLLER"),
        (spec.id("crm"), spec.id("crm-co"), "PROCESSOR"),
    ]
    spec.engagements.append(
        {
            "id": spec.id("eng-crm-cloud"),
            "engager": spec.id("crm-co"),
            "engaged": spec.id("cloud-co"),
            "role": "SUB_PROCESSOR",
            "service": "hosting",
            "categories": None,
        }
    )
    spec.storage("st-app", "app", [EMAIL], collected_from_subject=True, made_public=True)
    spec.flow("app", "crm", [EMAIL])
    spec.flow("app", "ads-co", ["user.contact"])
    return spec


async def test_every_recipient_is_told_down_the_chains(db: Database, graphql: GraphQL) -> None:
    spec = recipients_spec("notify")
    await create(db, spec)

    result = await plan(graphql, spec)

    told = {
        (n["recipient"]["id"].removeprefix(spec.prefix) if n["recipient"] else None): n
        for n in result["notifications"]
    }
    assert set(told) == {"crm-co", "cloud-co", "ads-co", None}
    assert told["crm-co"]["role"] == "PROCESSOR"
    assert told["cloud-co"]["role"] == "SUB_PROCESSOR"
    assert told["cloud-co"]["reasons"][0]["path"] == [
        spec.id("app"),
        spec.id("crm"),
        spec.id("crm-co"),
        spec.id("cloud-co"),
    ]
    assert told["ads-co"]["categories"] == ["user.contact"]
    assert {n["legalReference"]["key"] for k, n in told.items() if k} == {"GDPR-19"}
    assert told[None]["role"] == "CONTROLLER"
    assert told[None]["legalReference"]["key"] == "GDPR-17-2"


async def test_ccpa_tells_service_providers_and_third_parties(
    db: Database, graphql: GraphQL
) -> None:
    spec = recipients_spec("notify-ccpa")
    await create(db, spec)

    result = await plan(graphql, spec, regime="CCPA")

    keys = {
        n["recipient"]["id"].removeprefix(spec.prefix): n["legalReference"]["key"]
        for n in result["notifications"]
    }
    assert keys == {
        "crm-co": "CCPA-7022-b-2",
        "cloud-co": "CCPA-7022-b-2",
        "ads-co": "CCPA-7022-b-3",
    }


async def test_processor_data_belongs_to_the_customer_as_controller(
    db: Database, graphql: GraphQL
) -> None:
    spec = new_spec("processor")
    spec.organisations += [
        {"id": spec.id("preemptly"), "legal_name": "Preemptly", "is_self": True},
        {"id": spec.id("customer"), "legal_name": "Customer GmbH"},
        {"id": spec.id("llm-co"), "legal_name": "LLM Co"},
    ]
    spec.system("platform")
    spec.system("account")
    spec.system("llm")
    spec.operators.append((spec.id("llm"), spec.id("llm-co"), "SUB_PROCESSOR"))
    spec.storage("st-contacts", "platform", [EMAIL], controller_role="PROCESSOR")
    spec.storage("st-account", "account", ["user.name"], collected_from_subject=True)
    spec.flow("platform", "llm", [EMAIL])
    spec.activities.append(
        {"id": spec.id("pa"), "system": spec.id("platform"), "controller": spec.id("customer")}
    )
    await create(db, spec)

    result = await plan(graphql, spec)

    assert order(result, spec) == [["account"]]
    [duty] = result["processorRole"]
    assert duty["controllers"] == [{"id": spec.id("customer")}]
    assert "Customer GmbH as controller" in duty["instruction"]
    assert duty["legalReference"]["article"].startswith("Art. 28(3)(e)")
    assert [s["systems"] for s in duty["steps"]] == [[spec.id("platform")], [spec.id("llm")]]
    assert duty["notifications"] == [
        {"recipient": {"id": spec.id("llm-co")}, "role": "SUB_PROCESSOR"}
    ]


async def test_each_kind_of_blocker_is_reported(db: Database, graphql: GraphQL) -> None:
    spec = new_spec("blockers")
    spec.system("entry")
    spec.system("orphan", owner_team=None)
    spec.system("legacy", deletion_method="NONE")
    spec.system("unknown", deletion_method=None)
    spec.system("lost", identifiers=[])
    spec.system("nolimit")
    spec.system("copy")
    spec.storage("st-entry", "entry", [EMAIL], collected_from_subject=True)
    spec.storage("st-orphan", "orphan", [EMAIL])
    spec.storage("st-legacy", "legacy", [EMAIL])
    spec.storage("st-unknown", "unknown", [EMAIL])
    spec.storage("st-lost", "lost", [EMAIL])
    spec.storage("st-nolimit", "nolimit", [EMAIL], retention_days=None)
    spec.flow("entry", "orphan", [EMAIL])
    spec.flow("entry", "legacy", [EMAIL])
    spec.flow("entry", "unknown", [EMAIL])
    spec.flow("entry", "nolimit", [EMAIL])
    spec.flow("entry", "copy", [EMAIL])
    await create(db, spec)

    result = await plan(graphql, spec)

    found = {(b["kind"], b["system"].removeprefix(spec.prefix)) for b in result["blockers"]}
    assert found == {
        ("NO_OWNER", "orphan"),
        ("NO_DELETION_METHOD", "legacy"),
        ("NO_DELETION_METHOD", "unknown"),
        ("UNKNOWN_RETENTION", "nolimit"),
        ("UNKNOWN_RETENTION", "copy"),
        ("UNREACHABLE", "lost"),
    }
    manual = {
        a["system"].removeprefix(spec.prefix)
        for step in result["steps"]
        for a in step["actions"]
        if a["action"] == "MANUAL"
    }
    assert manual == {"legacy", "unknown"}


async def test_anonymise_where_the_model_says_so(db: Database, graphql: GraphQL) -> None:
    spec = new_spec("anonymise")
    spec.system("stats", kind="ANALYTICS")
    spec.storage("st-stats", "stats", [EMAIL], collected_from_subject=True, on_erasure="ANONYMISE")
    await create(db, spec)

    result = await plan(graphql, spec)

    assert result["steps"][0]["actions"][0]["action"] == "ANONYMISE"


async def test_an_unknown_subject_is_not_found(graphql: GraphQL) -> None:
    body = await graphql(PLAN, {"subject": "t-del-nobody"})
    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"]) == ("NOT_FOUND", "subject")


async def test_an_unknown_category_is_bad_input(db: Database, graphql: GraphQL) -> None:
    spec = new_spec("badcat")
    spec.system("a")
    spec.storage("st-a", "a", [EMAIL], collected_from_subject=True)
    await create(db, spec)

    body = await graphql(
        PLAN, {"subject": spec.subject, "categories": [EMAIL, "user.contact.emial"]}
    )

    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"]) == ("BAD_USER_INPUT", "categories[1]")
    assert "user.contact.email" in extensions["suggestions"]


async def test_a_record_date_after_the_plan_date_is_bad_input(graphql: GraphQL) -> None:
    body = await graphql(
        PLAN, {"subject": "x", "asOf": "2026-01-01", "lastRecordDate": "2026-02-01"}
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "lastRecordDate"}
