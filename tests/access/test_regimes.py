"""Access plans in each regime's own law, through GraphQL on Preemptly's seeded map: the regime's
items, authority and complaint route, the deadline from `receivedOn`, and (CCPA) no GDPR basis."""

from typing import Any

import pytest

from graph.database import Database
from tests.conftest import GraphQL

PLAN = """
query ($regime: RegimeKey!, $receivedOn: Date) {
  accessPlan(subject: "preemptly.account_user", regime: $regime, asOf: "2026-11-26",
             receivedOn: $receivedOn) {
    authority complaintRoute deadlineRule
    deadline { receivedOn dueOn extendedTo rule }
    rightItems { key article answers }
    purposes { legalBasis }
    thirdPartyCategories
    transfersApply
    transfers { organisation { id } decisions { verdict legalBasis { article } } }
    document
  }
}
"""


async def plan(graphql: GraphQL, regime: str, received_on: str | None = None) -> dict[str, Any]:
    body = await graphql(PLAN, {"regime": regime, "receivedOn": received_on})
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]["accessPlan"]
    return result


@pytest.mark.parametrize(
    ("regime", "law", "authority", "due", "extended"),
    [
        ("EU", "GDPR", "Berliner Beauftragte", "2026-02-28", "2026-04-30"),
        ("UK", "UK GDPR", "Information Commissioner", "2026-02-28", "2026-04-30"),
        ("CH", "FADP", "FDPIC", "2026-03-02", None),
        (
            "CCPA",
            "Cal. Civ. Code",
            "California Privacy Protection Agency",
            "2026-03-17",
            "2026-05-01",
        ),
    ],
)
async def test_each_regime_answers_with_its_own_items_authority_and_deadline(
    seeded: Database,
    graphql: GraphQL,
    regime: str,
    law: str,
    authority: str,
    due: str,
    extended: str | None,
) -> None:
    result = await plan(graphql, regime, "2026-01-31")
    stored = await seeded.read(
        "MATCH (r:Regime {key: $regime}), (i:RightItem {regime: r.right_items}) "
        "RETURN i.key AS key ORDER BY i.order",
        {"regime": regime},
    )
    assert [item["key"] for item in result["rightItems"]] == [row["key"] for row in stored]
    articles = [item["article"] for item in result["rightItems"]]
    assert any(law in article for article in articles)
    other = {"EU": "UK GDPR", "UK": "Art. 15(1) GDPR", "CH": "GDPR", "CCPA": "GDPR"}[regime]
    assert not any(other in article for article in articles), articles
    assert authority in result["authority"]
    assert authority in result["document"]
    assert result["complaintRoute"] and result["complaintRoute"] in result["document"]
    deadline = result["deadline"]
    assert (deadline["receivedOn"], deadline["dueOn"], deadline["extendedTo"]) == (
        "2026-01-31",
        due,
        extended,
    )
    assert deadline["rule"] == result["deadlineRule"]
    assert f"due on {due}" in result["document"]
    if regime != "EU":
        assert "Berliner" not in result["document"]


async def test_without_received_on_the_plan_states_the_rule(
    seeded: Database, graphql: GraphQL
) -> None:
    result = await plan(graphql, "CH")
    assert result["deadline"] is None
    assert "30 days" in result["deadlineRule"]
    assert "Give `receivedOn`" in result["document"]


async def test_uk_and_swiss_plans_cite_their_own_law_for_bases_and_transfers(
    seeded: Database, graphql: GraphQL
) -> None:
    uk = await plan(graphql, "UK")
    bases = [p["legalBasis"] for p in uk["purposes"] if p["legalBasis"]]
    assert bases and all("UK GDPR" in basis for basis in bases)
    assert uk["transfersApply"] and uk["transfers"]
    articles = {d["legalBasis"]["article"] for t in uk["transfers"] for d in t["decisions"]}
    assert articles and all(article.startswith("UK GDPR") for article in articles)
    assert "Art. 15(1A) UK GDPR" in uk["document"]
    swiss = await plan(graphql, "CH")
    assert all(p["legalBasis"] is None for p in swiss["purposes"])
    assert "GDPR" not in "".join(item["article"] for item in swiss["rightItems"])
    assert "Art. 25(2)(g), 19(4) FADP" in swiss["document"]
    articles = {d["legalBasis"]["article"] for t in swiss["transfers"] for d in t["decisions"]}
    assert articles and all(article.startswith("FADP") for article in articles)


async def test_the_ccpa_answer_has_the_115_statements_and_no_gdpr_basis(
    seeded: Database, graphql: GraphQL
) -> None:
    result = await plan(graphql, "CCPA")
    assert all(p["legalBasis"] is None for p in result["purposes"])
    answers = {item["key"]: item["answers"] for item in result["rightItems"]}
    assert answers["CCPA-1798.115-a-2"] == "SOLD_SHARED"
    assert answers["CCPA-1798.115-a-3"] == "DISCLOSED"
    document = result["document"]
    assert "Art. 6(1)" not in document and "GDPR Art." not in document.split("## Transfers")[0]
    assert "does not sell personal information" in document
    assert "- to service providers and contractors:" in document
    assert "service providers and contractors" in result["thirdPartyCategories"]
    assert not {"PROCESSOR", "SUB_PROCESSOR"} & set(result["thirdPartyCategories"])
