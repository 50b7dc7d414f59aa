"""breachImpact's arguments and its HTTP documents, through GraphQL and HTTP on the seeded map."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from graph.database import Database
from resolvers import global_id
from resolvers.auth.principal import Role
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("seeded")

AWARE = "2026-11-30T09:00:00+00:00"

IMPACT = """
query Impact($systemIds: [ID!], $organisationId: ID, $awareAt: DateTime!,
             $kind: BreachKind!, $categories: [String!]) {
  breachImpact(systemIds: $systemIds, organisationId: $organisationId, awareAt: $awareAt,
               kind: $kind, categories: $categories) {
    systems { id reach }
    subjects { subject categories { key } }
    obligations { key status deadline }
  }
}
"""


async def refused(graphql: GraphQL, **variables: Any) -> dict[str, Any]:
    body = await graphql(IMPACT, {"awareAt": AWARE, "kind": "CONFIDENTIALITY", **variables})
    assert body["data"] is None, body
    [error] = body["errors"]
    result: dict[str, Any] = error
    return result


@pytest.mark.parametrize(
    ("variables", "field", "words"),
    [
        ({"systemIds": []}, "systemIds", "empty"),
        ({}, "systemIds", "systemIds"),
        (
            {"systemIds": ["accounts-db"], "organisationId": "nimbus-emea"},
            "organisationId",
            "not both",
        ),
        (
            {"systemIds": ["accounts-db"], "categories": ["user.nonsense"]},
            "categories[0]",
            "user.nonsense",
        ),
        ({"systemIds": ["accounts-db"], "categories": []}, "categories", "categories"),
        ({"organisationId": "surveyly-au"}, "organisationId", "operate no system"),
        (
            {"systemIds": ["accounts-db"], "categories": ["user.financial"]},
            "categories",
            "of these categories",
        ),
    ],
)
async def test_bad_input_names_the_field(
    graphql: GraphQL, variables: dict[str, Any], field: str, words: str
) -> None:
    error = await refused(graphql, **variables)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert words in error["message"]


async def test_a_system_or_organisation_naming_nothing_is_not_found_with_the_nearest_keys(
    graphql: GraphQL,
) -> None:
    for variables, field, nearest in (
        ({"systemIds": ["accounts-db", "acounts-db"]}, "systemIds[1]", "accounts-db"),
        ({"organisationId": "nimbus-emae"}, "organisationId", "nimbus-emea"),
    ):
        error = await refused(graphql, **variables)
        assert (error["extensions"]["code"], error["extensions"]["field"]) == ("NOT_FOUND", field)
        assert nearest in error["extensions"]["suggestions"]


async def test_aware_at_in_the_future_is_refused(graphql: GraphQL) -> None:
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    error = await refused(graphql, systemIds=["accounts-db"], awareAt=future)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "awareAt"}


async def test_global_ids_name_systems_and_organisations(graphql: GraphQL) -> None:
    by_key = await graphql(
        IMPACT, {"systemIds": ["support-desk"], "awareAt": AWARE, "kind": "CONFIDENTIALITY"}
    )
    by_id = await graphql(
        IMPACT,
        {
            "systemIds": [global_id.encode("System", "support-desk")],
            "awareAt": AWARE,
            "kind": "CONFIDENTIALITY",
        },
    )
    assert by_id == by_key
    vendor = await graphql(
        IMPACT,
        {
            "organisationId": global_id.encode("Organisation", "helpdeskly-inc"),
            "awareAt": AWARE,
            "kind": "CONFIDENTIALITY",
        },
    )
    assert "errors" not in vendor
    assert {s["id"] for s in vendor["data"]["breachImpact"]["systems"]} >= {"support-desk"}


async def test_a_viewer_may_not_ask(graphql: GraphQL, api_keys: dict[Role, str]) -> None:
    body = await graphql(
        IMPACT,
        {"systemIds": ["support-desk"], "awareAt": AWARE, "kind": "CONFIDENTIALITY"},
        key=api_keys[Role.VIEWER],
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    analyst = await graphql(
        IMPACT,
        {"systemIds": ["support-desk"], "awareAt": AWARE, "kind": "CONFIDENTIALITY"},
        key=api_keys[Role.ANALYST],
    )
    assert "errors" not in analyst


@pytest.mark.parametrize(
    ("system", "subjects"),
    [("accounts-db", None), ("log-store", ["preemptly.website_visitor"])],
    ids=["all", "subjects"],
)
async def test_the_drafts_download_as_markdown_and_json(
    client: httpx.AsyncClient,
    api_keys: dict[Role, str],
    graphql: GraphQL,
    system: str,
    subjects: list[str] | None,
) -> None:
    headers = {"Authorization": f"Bearer {api_keys[Role.ANALYST]}"}
    params = {"systemIds": system, "awareAt": AWARE, "kind": "CONFIDENTIALITY"}
    if subjects:
        params["subjects"] = ",".join(subjects)
    markdown = await client.get("/plans/breach.md", params=params, headers=headers)
    assert markdown.status_code == 200
    assert markdown.headers["content-type"].startswith("text/markdown")
    body = await graphql(
        """query($system: ID!, $awareAt: DateTime!, $subjects: [ID!]) {
             breachImpact(systemIds: [$system], awareAt: $awareAt, kind: CONFIDENTIALITY,
                          subjects: $subjects) { document notifications { json } } }""",
        {"system": system, "awareAt": AWARE, "subjects": subjects},
    )
    answer = body["data"]["breachImpact"]
    assert markdown.text == answer["document"]
    as_json = await client.get("/plans/breach.json", params=params, headers=headers)
    assert as_json.status_code == 200
    assert as_json.json()["notifications"] == [n["json"] for n in answer["notifications"]]


async def test_the_downloads_check_role_and_arguments(
    client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    viewer = {"Authorization": f"Bearer {api_keys[Role.VIEWER]}"}
    analyst = {"Authorization": f"Bearer {api_keys[Role.ANALYST]}"}
    params = {"systemIds": "accounts-db", "awareAt": AWARE}
    forbidden = await client.get("/plans/breach.md", params=params, headers=viewer)
    assert forbidden.status_code == 403
    for bad, field in (
        ({"systemIds": "accounts-db", "awareAt": "yesterday"}, "awareAt"),
        ({"systemIds": "accounts-db", "awareAt": AWARE, "kind": "LEAK"}, "kind"),
        ({"systemIds": "log-store", "awareAt": AWARE, "subjects": "p.visitr"}, "subjects[0]"),
    ):
        response = await client.get("/plans/breach.json", params=bad, headers=analyst)
        assert response.status_code == 400, response.text
        assert response.json()["errors"][0]["extensions"]["field"] == field
    unknown = {"systemIds": "nope", "awareAt": AWARE}
    response = await client.get("/plans/breach.json", params=unknown, headers=analyst)
    assert response.status_code == 404, response.text
    assert response.json()["errors"][0]["extensions"]["field"] == "systemIds[0]"


async def test_the_downloads_take_several_values_repeated_or_comma_separated(
    client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    analyst = {"Authorization": f"Bearer {api_keys[Role.ANALYST]}"}
    base = f"/plans/breach.json?awareAt={AWARE.replace('+', '%2B')}"
    repeated = await client.get(
        base + "&systemIds=accounts-db&systemIds=support-desk"
        "&categories=user.contact&categories=user.account",
        headers=analyst,
    )
    listed = await client.get(
        base + "&systemIds=accounts-db,support-desk&categories=user.contact,user.account",
        headers=analyst,
    )
    assert repeated.status_code == 200, repeated.text
    assert listed.json() == repeated.json()
    one = await client.get(base + "&systemIds=accounts-db", headers=analyst)
    assert one.json() != repeated.json()


async def test_a_storage_that_says_where_its_people_are_decides_each_law(
    seeded: Database, graphql: GraphQL, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    """The same Storage.subjects_in the transfer assessment reads: set on the credential store
    for the test (and restored after), it says Texas, so Texas's law applies, California's and
    the UK's do not, and the Texas Attorney General's draft carries the place."""
    query = """query($awareAt: DateTime!) { breachImpact(systemIds: ["accounts-db"],
        awareAt: $awareAt, kind: CONFIDENTIALITY) {
        subjectsInRecorded subjects { subjectsIn subjectsInSources }
        scopes { jurisdiction scope }
        obligations { key status reasons conditions } } }"""
    storage = "MATCH (st:Storage {id: 'st-accounts'}) "
    [seeded_value] = await seeded.read(storage + "RETURN st.subjects_in AS value")
    await seeded.write(storage + "SET st.subjects_in = ['US-TX']", {})
    try:
        body = await graphql(query, {"awareAt": AWARE})
        params = {"systemIds": "accounts-db", "awareAt": AWARE}
        headers = {"Authorization": f"Bearer {api_keys[Role.ANALYST]}"}
        drafts = (await client.get("/plans/breach.json", params=params, headers=headers)).json()
    finally:  # as seeded (`[]`), so that a later seed load finds nothing to change
        await seeded.write(storage + "SET st.subjects_in = $value", dict(seeded_value))
    result = body["data"]["breachImpact"]
    [subject] = result["subjects"]
    assert subject == {
        "subjectsIn": ["US-TX"],
        "subjectsInSources": ["Storage:st-accounts.subjects_in"],
    }
    assert result["subjectsInRecorded"]
    scopes = {s["jurisdiction"]: s["scope"] for s in result["scopes"]}
    assert scopes["US-TX"] == "RESIDENTS" and scopes["EU"] == "ESTABLISHED"
    assert scopes["US-CA"] == scopes["UK"] == scopes["CH"] == "NONE"
    status = {d["key"]: d for d in result["obligations"]}
    assert status["UK-33-1"]["status"] == status["CA-1798.82-a"]["status"] == "NOT_REQUIRED"
    assert status["GDPR-33-1"]["status"] == "REQUIRED"  # established in the Union
    # 48,000 people, all in Texas: over the Attorney General's threshold of 250.
    ag = status["TX-521.053-AG"]
    assert ag["status"] == "REQUIRED", ag
    assert any("all in US-TX" in r for r in ag["reasons"]) and ag["conditions"] == []
    texas = next(n for n in drafts["notifications"] if n["obligation"] == "TX-521.053-AG")
    assert "Data subjects concerned are in: US-TX." in texas["items"][0]["filled"]
