"""The deletion documents (`/documents/deletion-response.*` to the data subject and
`/documents/deletion-plan.*` for the analyst): every seeded subject under every regime, each from
the plan `deletionPlan` returns. The response has no empty section, cites the regime's own law
and lets no internal note, source path or raw key through; the working plan names each action's
system, graph path and legal ground as the GraphQL plan does."""

import json
import re
from typing import Any

import httpx
import pytest

from graph.database import Database
from resolvers.auth.principal import Role
from tests.access.test_response import INTERNAL, REGIMES, SUBJECTS, bearer, leaked_keys
from tests.conftest import GraphQL

URL = "/documents/deletion"
PARAMS = {"asOf": "2026-06-01", "lastRecordDate": "2024-03-15"}
GROUNDS = {"EU": "GDPR", "UK": "UK GDPR", "CH": "FADP", "CCPA": "1798.105"}
PLAN = """
query Plan($subject: ID!, $regime: RegimeKey!) {
  deletionPlan(subject: $subject, regime: $regime, asOf: "2026-06-01",
               lastRecordDate: "2024-03-15") {
    legalGrounds { article }
    steps { systems actions { system action until legalReference { article } reasons { path } } }
    notifications { recipient { legalName } legalReference { article } }
    blockers { system detail }
    processorRole { legalReference { article } steps { systems } }
  }
}
"""


async def document(
    client: httpx.AsyncClient, key: str, kind: str, fmt: str, subject: str, regime: str
) -> httpx.Response:
    return await client.get(
        f"{URL}-{kind}.{fmt}",
        params={"subject": subject, "regime": regime, **PARAMS},
        headers=bearer(key),
    )


def text_of(body: dict[str, Any]) -> str:
    return "\n".join(
        [body["title"], *body["introduction"]]
        + [line for s in body["sections"] for line in (s["heading"], s["cites"] or "", *s["lines"])]
    )


@pytest.mark.parametrize("regime", REGIMES)
async def test_every_subjects_response_is_complete_plain_and_in_its_law(
    seeded: Database,
    client: httpx.AsyncClient,
    api_keys: dict[Role, str],
    graphql: GraphQL,
    regime: str,
) -> None:
    analyst = api_keys[Role.ANALYST]
    for subject in SUBJECTS:
        got = await document(client, analyst, "response", "json", subject, regime)
        assert got.status_code == 200, (subject, got.text)
        assert got.headers["content-disposition"] == (
            f'attachment; filename="deletion-response-{subject}-{regime.lower()}.json"'
        )
        body = json.loads(got.content)
        for section in body["sections"]:
            assert any(line.strip() for line in section["lines"]), (subject, section)
        text = text_of(body)
        assert not INTERNAL.findall(text), (subject, regime, INTERNAL.findall(text))
        assert not leaked_keys(text), (subject, regime, leaked_keys(text))
        headings = [s["heading"] for s in body["sections"]]
        assert len(headings) == len(set(headings))
        grounds = next(s for s in body["sections"] if s["heading"] == "What your request rests on")
        assert GROUNDS[regime] in grounds["cites"], (regime, grounds)
        plan = (await graphql(PLAN, {"subject": subject, "regime": regime}))["data"]["deletionPlan"]
        told = next(s for s in body["sections"] if s["heading"].startswith("Whom we passed"))
        for notice in plan["notifications"]:
            if notice["recipient"]:
                assert any(notice["recipient"]["legalName"] in line for line in told["lines"])
            assert notice["legalReference"]["article"] in told["cites"]
        kept = next(s for s in body["sections"] if s["heading"].startswith("What we keep"))
        holds = [a for step in plan["steps"] for a in step["actions"] if a["action"] == "RESTRICT"]
        for hold in holds:
            assert any(f"until {hold['until']}" in line for line in kept["lines"]), kept
            assert hold["legalReference"]["article"] in kept["cites"]
        if not holds and not any(
            a["action"] == "EXPIRE_FROM_BACKUP" for s in plan["steps"] for a in s["actions"]
        ):
            assert kept["lines"] == ["We keep nothing of it."]
        others = [s for s in body["sections"] if s["heading"].startswith("Data we hold on behalf")]
        assert bool(others) == bool(plan["processorRole"]), subject


async def test_a_retention_hold_is_kept_until_its_end_on_its_ground(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    got = await document(
        client, api_keys[Role.ANALYST], "response", "md", "preemptly.billing_contact", "EU"
    )
    assert got.status_code == 200, got.text
    assert re.search(r"kept until \d{4}-\d{2}-\d{2}, because .+; Art\. 17\(3\)\(b\) GDPR", got.text)
    assert "under EU GDPR" in got.text


@pytest.mark.parametrize("regime", REGIMES)
async def test_the_working_plan_is_the_graphql_plan_with_paths_and_grounds(
    seeded: Database,
    client: httpx.AsyncClient,
    api_keys: dict[Role, str],
    graphql: GraphQL,
    regime: str,
) -> None:
    analyst = api_keys[Role.ANALYST]
    for subject in SUBJECTS:
        got = await document(client, analyst, "plan", "json", subject, regime)
        assert got.status_code == 200, (subject, got.text)
        body = json.loads(got.content)
        plan = (await graphql(PLAN, {"subject": subject, "regime": regime}))["data"]["deletionPlan"]
        sections = {s["heading"]: s for s in body["sections"]}
        grounds = sections["Legal grounds"]["lines"]
        assert [g.split(": ", 1)[0] for g in grounds] == [
            f"- {g['article']}" for g in plan["legalGrounds"]
        ]
        steps = sections["Steps, sources before their copies"]
        rows = steps["table"]["rows"] if plan["steps"] else []
        actions = [a for step in plan["steps"] for a in step["actions"]]
        assert [(r[1], r[2]) for r in rows] == [(a["system"], a["action"]) for a in actions]
        for row, action in zip(rows, actions, strict=True):
            assert " → ".join(action["reasons"][0]["path"]) in row[9]
            if action["legalReference"]:
                assert row[8] == action["legalReference"]["article"]
        blockers = sections["Blockers: settle before anyone starts"]["lines"]
        assert len([b for b in blockers if b.startswith("- ")]) == len(plan["blockers"])
        duties = [h for h in sections if h.startswith("Held as a processor for")]
        assert len(duties) == len(plan["processorRole"])


@pytest.mark.parametrize("kind", ["response", "plan"])
async def test_every_format_downloads(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str], kind: str
) -> None:
    analyst = api_keys[Role.ANALYST]
    subject = "preemptly.account_user"
    body = json.loads((await document(client, analyst, kind, "json", subject, "EU")).content)
    markdown = await document(client, analyst, kind, "md", subject, "EU")
    assert markdown.headers["content-type"] == "text/markdown; charset=utf-8"
    assert all(f"## {s['heading']}" in markdown.text for s in body["sections"])
    page = await document(client, analyst, kind, "html", subject, "EU")
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.count("<h2>") == len(body["sections"])
    pdf = await document(client, analyst, kind, "pdf", subject, "EU")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and pdf.content.rstrip().endswith(b"%%EOF")
    assert pdf.headers["content-disposition"] == (
        f'attachment; filename="deletion-{kind}-{subject}-eu.pdf"'
    )


async def test_bad_input_and_roles(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    analyst = api_keys[Role.ANALYST]
    subject = {"subject": "preemptly.account_user"}
    cases = [
        ("response", "json", {**subject, "regime": "MARS"}, 400, "regime"),
        ("response", "docx", subject, 400, "format"),
        ("plan", "md", {}, 400, "subject"),
        ("plan", "md", {"subject": "t-nobody"}, 404, "subject"),
        ("response", "md", {**subject, "categories": ["user.nothing"]}, 400, "categories[0]"),
        ("plan", "md", {**subject, "asOf": "soon"}, 400, "asOf"),
        ("plan", "md", {**subject, "lastRecordDate": "later"}, 400, "lastRecordDate"),
    ]
    for kind, fmt, params, status, field in cases:
        got = await client.get(f"{URL}-{kind}.{fmt}", params=params, headers=bearer(analyst))
        assert got.status_code == status, (kind, fmt, params, got.text)
        assert got.json()["errors"][0]["extensions"]["field"] == field
    for kind in ("response", "plan"):
        viewer = await client.get(
            f"{URL}-{kind}.md", params=subject, headers=bearer(api_keys[Role.VIEWER])
        )
        assert viewer.status_code == 403


async def test_the_documents_give_the_deadline_of_the_request(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    received = {"subject": "preemptly.account_user", "regime": "CH", "receivedOn": "2026-01-31"}
    response = await client.get(
        f"{URL}-response.json", params=received, headers=bearer(api_keys[Role.ANALYST])
    )
    assert response.status_code == 200, response.text
    assert "answer it by 2026-03-02" in text_of(response.json())
    plan = await client.get(
        f"{URL}-plan.json", params=received, headers=bearer(api_keys[Role.ANALYST])
    )
    deadline = next(s for s in plan.json()["sections"] if s["heading"] == "Deadline")
    assert deadline["lines"][0] == "Received on 2026-01-31: due on 2026-03-02."
    assert "the map owner's choice" in deadline["lines"][1]
    wrong = await client.get(
        f"{URL}-response.json",
        params={**received, "receivedOn": "31.01.2026"},
        headers=bearer(api_keys[Role.ANALYST]),
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["extensions"]["field"] == "receivedOn"
