"""Deletion plans in each regime's own law, through GraphQL on Preemptly's seeded map: what the
request rests on, whom to tell and which exception a hold rests on, cited from the regime's own
provisions (UK GDPR Art. 17 and 19, CCPA § 1798.105 and 11 CCR § 7022, FADP section 15.2)."""

from typing import Any

import pytest

from graph.database import Database
from tests.conftest import GraphQL

PLAN = """
query Plan($regime: RegimeKey!, $subject: ID! = "preemptly.account_user") {
  deletionPlan(subject: $subject, regime: $regime, asOf: "2026-06-01",
               lastRecordDate: "2025-03-01") {
    legalGrounds { key article text }
    steps { actions { legalReference { key article } } }
    notifications { role legalReference { key article } }
    processorRole { legalReference { key article } }
  }
}
"""


async def plan(graphql: GraphQL, regime: str, subject: str = "account_user") -> dict[str, Any]:
    body = await graphql(PLAN, {"regime": regime, "subject": f"preemptly.{subject}"})
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]["deletionPlan"]
    return result


def cited(result: dict[str, Any]) -> list[str]:
    references = [g["article"] for g in result["legalGrounds"]]
    references += [n["legalReference"]["article"] for n in result["notifications"]]
    references += [
        a["legalReference"]["article"]
        for step in result["steps"]
        for a in step["actions"]
        if a["legalReference"]
    ]
    references += [d["legalReference"]["article"] for d in result["processorRole"]]
    return references


@pytest.mark.parametrize(
    ("regime", "grounds", "notice", "law"),
    [
        ("EU", ["Art. 17(1) GDPR"], "Art. 19 GDPR", " GDPR"),
        ("UK", ["Art. 17(1) UK GDPR"], "Art. 19 UK GDPR", "UK GDPR"),
        (
            "CCPA",
            ["Cal. Civ. Code § 1798.105(a), (c)(1)", "11 CCR § 7022(b)(1)"],
            "11 CCR § 7022(b)(2)",
            "§",
        ),
        (
            "CH",
            ["Art. 30(2)(b) FADP", "Art. 32(2)(c) FADP", "Art. 6(4) FADP", "Art. 6(5) FADP"],
            "Art. 32(4) FADP",
            "FADP",
        ),
    ],
)
async def test_each_regime_cites_its_own_erasure_provisions(
    seeded: Database, graphql: GraphQL, regime: str, grounds: list[str], notice: str, law: str
) -> None:
    result = await plan(graphql, regime, "billing_contact")
    assert sorted(g["article"] for g in result["legalGrounds"]) == sorted(grounds)
    assert notice in {n["legalReference"]["article"] for n in result["notifications"]}
    for article in cited(result):
        assert law in article, (regime, article)
    if regime != "EU":
        assert not any(a.endswith(" GDPR") and "UK" not in a for a in cited(result))


async def test_under_the_fadp_the_plan_says_there_is_no_general_erasure_right(
    seeded: Database, graphql: GraphQL
) -> None:
    result = await plan(graphql, "CH")
    texts = {g["key"]: g["text"] for g in result["legalGrounds"]}
    assert "no general right to erasure" in texts["CH-6-4"]
    assert "express objection" in texts["CH-30-2-b"]
    holds = {
        a["legalReference"]["key"]
        for step in (await plan(graphql, "CH", "billing_contact"))["steps"]
        for a in step["actions"]
        if a["legalReference"]
    }
    assert holds == {"CH-31"}  # the invoices' HGB/AO retention, justified by law
    eu_holds = {
        a["legalReference"]["key"]
        for step in (await plan(graphql, "EU", "billing_contact"))["steps"]
        for a in step["actions"]
        if a["legalReference"]
    }
    assert eu_holds == {"GDPR-17-3-b"}


DEADLINE = """
query Deadline($regime: RegimeKey!, $receivedOn: Date) {
  deletionPlan(subject: "preemptly.account_user", regime: $regime, receivedOn: $receivedOn) {
    deadline { receivedOn dueOn extendedTo rule statutory }
  }
}
"""


@pytest.mark.parametrize(
    ("regime", "due_on", "extended_to", "statutory", "cites"),
    [
        ("EU", "2026-02-28", "2026-04-30", True, "Art. 12(3) GDPR"),
        ("UK", "2026-02-28", "2026-04-30", True, "Art. 12A"),
        ("CH", "2026-03-02", None, False, "No statutory deadline"),
        ("CCPA", "2026-03-17", "2026-05-01", True, "11 CCR § 7021"),
    ],
)
async def test_each_regime_gives_its_own_deadline_for_an_erasure_request(
    seeded: Database,
    graphql: GraphQL,
    regime: str,
    due_on: str,
    extended_to: str | None,
    statutory: bool,
    cites: str,
) -> None:
    body = await graphql(DEADLINE, {"regime": regime, "receivedOn": "2026-01-31"})
    assert "errors" not in body, body["errors"]
    deadline = body["data"]["deletionPlan"]["deadline"]
    assert (deadline["dueOn"], deadline["extendedTo"]) == (due_on, extended_to)
    assert deadline["statutory"] is statutory
    assert cites in deadline["rule"]
    unasked = await graphql(DEADLINE, {"regime": regime, "receivedOn": None})
    assert unasked["data"]["deletionPlan"]["deadline"] is None
