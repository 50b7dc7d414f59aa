"""The access response to the data subject (`/documents/access-response.{md,html,json}`): every
seeded subject under every regime, each from the plan `accessPlan` returns. No section is empty or
contradicts the confirmation, and no internal note, source path or raw key reaches the text."""

import json
import re
from typing import Any

import httpx
import pytest

from graph.database import Database
from resolvers.auth.principal import Role
from seeds.loader import read
from tests.conftest import GraphQL

URL = "/documents/access-response"
REGIMES = ("EU", "UK", "CH", "CCPA")
SEEDS = read()
SUBJECTS = [entry.key for entry in SEEDS.entries("preemptly/subjects.yaml")]
RAW_KEYS = sorted(
    {
        key
        for path in ("preemptly/storages.yaml", "preemptly/activities.yaml")
        for entry in SEEDS.entries(path)
        for key in entry.categories
    }
    | set(SUBJECTS)
    | {entry.id for entry in SEEDS.entries("preemptly/systems.yaml") if "-" in entry.id}
    | {entry.id for entry in SEEDS.entries("preemptly/activities.yaml")}
    | {entry.id for entry in SEEDS.entries("preemptly/organisations.yaml") if "-" in entry.id},
    key=len,
    reverse=True,
)
INTERNAL = re.compile(
    r"policy \d|\w+\.(?:md|yaml)\b|seeds/|TMAI|\bassumed\b|at most 0 days|The rest was"
)
PARAMS = {"receivedOn": "2026-11-02", "asOf": "2026-11-26"}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def response(
    client: httpx.AsyncClient, key: str, fmt: str, subject: str, regime: str
) -> httpx.Response:
    return await client.get(
        f"{URL}.{fmt}",
        params={"subject": subject, "regime": regime, **PARAMS},
        headers=bearer(key),
    )


def leaked_keys(text: str) -> list[str]:
    return [key for key in RAW_KEYS if re.search(rf"(?<![\w.-]){re.escape(key)}(?![\w-])", text)]


@pytest.mark.parametrize("regime", REGIMES)
async def test_every_subjects_response_is_complete_plain_and_consistent(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str], regime: str
) -> None:
    analyst = api_keys[Role.ANALYST]
    for subject in SUBJECTS:
        got = await response(client, analyst, "json", subject, regime)
        assert got.status_code == 200, (subject, got.text)
        document: dict[str, Any] = json.loads(got.content)
        sections = document["sections"]
        assert sections, subject
        text = "\n".join(
            [document["title"], *document["introduction"]]
            + [line for s in sections for line in (s["heading"], *s["lines"])]
        )
        for section in sections:
            assert any(line.strip() for line in section["lines"]), (subject, section)
        assert not INTERNAL.findall(text), (subject, regime, INTERNAL.findall(text))
        assert not leaked_keys(text), (subject, regime, leaked_keys(text))
        confirmation = next(
            (s for s in sections if s["heading"].startswith("Whether we process")), None
        )
        if confirmation is not None and not confirmation["lines"][0].startswith("Yes"):
            for section in sections:
                if section["heading"] in (
                    "What personal data we hold",
                    "Who receives your personal data",
                    "How long we keep it",
                ):
                    assert section["lines"][0].startswith("None"), (subject, section)
        headings = [s["heading"] for s in sections]
        assert len(headings) == len(set(headings)), headings
        markdown = await response(client, analyst, "md", subject, regime)
        assert markdown.status_code == 200
        assert markdown.headers["content-disposition"] == (
            f'attachment; filename="access-response-{subject}-{regime.lower()}.md"'
        )
        assert all(f"## {h}" in markdown.text for h in headings)
        page = await response(client, analyst, "html", subject, regime)
        assert page.headers["content-type"].startswith("text/html")
        assert page.text.count("<h2>") == len(sections)


async def test_the_response_follows_the_regimes_own_law(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    analyst = api_keys[Role.ANALYST]
    texts = {}
    for regime in REGIMES:
        got = await response(client, analyst, "md", "preemptly.account_user", regime)
        texts[regime] = got.text
    assert "GDPR" in texts["EU"] and "Art. 15" in texts["EU"]
    assert "UK GDPR" in texts["UK"]
    assert "FADP" in texts["CH"] or "Art. 25" in texts["CH"]
    assert "1798" in texts["CCPA"]
    assert "Email" in texts["EU"] or "email" in texts["EU"].lower()
    assert "answer by" in texts["EU"]


async def test_bad_input_and_roles(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    analyst = api_keys[Role.ANALYST]
    cases = [
        ("json", {"subject": "preemptly.account_user", "regime": "MARS"}, 400, "regime"),
        ("docx", {"subject": "preemptly.account_user"}, 400, "format"),
        ("md", {}, 400, "subject"),
        ("md", {"subject": "t-nobody"}, 404, "subject"),
    ]
    for fmt, params, status, field in cases:
        got = await client.get(f"{URL}.{fmt}", params=params, headers=bearer(analyst))
        assert got.status_code == status, (fmt, params, got.text)
        assert got.json()["errors"][0]["extensions"]["field"] == field
    viewer = await client.get(
        f"{URL}.md",
        params={"subject": "preemptly.account_user"},
        headers=bearer(api_keys[Role.VIEWER]),
    )
    assert viewer.status_code == 403


async def test_the_working_plan_and_the_pdf(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str], graphql: GraphQL
) -> None:
    """The analyst's working plan in every format is the plan of `accessPlan { document }`, with
    no empty section; the response is also a PDF."""
    analyst = api_keys[Role.ANALYST]
    subject = "preemptly.account_user"
    params = {"subject": subject, "asOf": "2025-09-01"}
    plan = await client.get("/documents/access-plan.md", params=params, headers=bearer(analyst))
    assert plan.status_code == 200, plan.text
    body = await graphql(
        'query { accessPlan(subject: "preemptly.account_user", asOf: "2025-09-01") { document } }'
    )
    assert plan.text == body["data"]["accessPlan"]["document"]
    assert plan.headers["content-disposition"] == (
        f'attachment; filename="access-plan-{subject}-eu.md"'
    )
    as_json = await client.get(
        "/documents/access-plan.json", params=params, headers=bearer(analyst)
    )
    sections = json.loads(as_json.content)["sections"]
    where = sections[0]
    assert where["heading"] == "Where" and where["table"]["rows"]
    assert any(row[0] == "accounts-db" and row[6] for row in where["table"]["rows"])
    for section in sections[1:]:
        assert any(line.strip() for line in section["lines"]), section
    page = await client.get("/documents/access-plan.html", params=params, headers=bearer(analyst))
    assert "<table" in page.text and "<td>accounts-db</td>" in page.text
    for url in ("/documents/access-plan.pdf", f"{URL}.pdf"):
        pdf = await client.get(url, params=params, headers=bearer(analyst))
        assert pdf.status_code == 200, pdf.text
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-") and pdf.content.rstrip().endswith(b"%%EOF")
