"""The access plan as a Markdown document over plain HTTP: same keys and role as the field."""

import httpx

from graph.database import Database
from resolvers.auth.principal import Role
from tests.conftest import GraphQL

URL = "/plans/access.md"
ACCOUNT_USER = {"subject": "preemptly.account_user", "asOf": "2025-09-01"}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def test_an_analyst_gets_the_same_document_as_the_graphql_field(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str], graphql: GraphQL
) -> None:
    response = await client.get(URL, params=ACCOUNT_USER, headers=bearer(api_keys[Role.ANALYST]))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    body = await graphql(
        'query { accessPlan(subject: "preemptly.account_user", asOf: "2025-09-01") { document } }'
    )
    assert response.text == body["data"]["accessPlan"]["document"]
    assert response.text.startswith("# Access plan: ")
    assert "| accounts-db |" in response.text


async def test_regime_and_categories_narrow_the_document(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    response = await client.get(
        URL,
        params={**ACCOUNT_USER, "regime": "ccpa", "categories": ["user.contact.email"]},
        headers=bearer(api_keys[Role.ANALYST]),
    )
    assert response.status_code == 200, response.text
    assert "(California CCPA/CPRA) for user.contact.email" in response.text.splitlines()[0]
    assert "Chapter V" in response.text


async def test_without_a_key_it_is_401_as_json(client: httpx.AsyncClient) -> None:
    response = await client.get(URL, params=ACCOUNT_USER)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_a_viewer_key_is_403_as_json(
    client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    response = await client.get(URL, params=ACCOUNT_USER, headers=bearer(api_keys[Role.VIEWER]))
    assert response.status_code == 403
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "FORBIDDEN"}
    assert "analyst" in error["message"]


async def test_bad_input_names_the_parameter(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    headers = bearer(api_keys[Role.ANALYST])
    cases = [
        ({**ACCOUNT_USER, "regime": "MARS"}, 400, "BAD_USER_INPUT", "regime"),
        ({**ACCOUNT_USER, "asOf": "soon"}, 400, "BAD_USER_INPUT", "asOf"),
        ({"regime": "EU"}, 400, "BAD_USER_INPUT", "subject"),
        ({"subject": "t-acc-http-nobody"}, 404, "NOT_FOUND", "subject"),
        ({**ACCOUNT_USER, "categories": " "}, 400, "BAD_USER_INPUT", "categories"),
    ]
    for params, status, code, field in cases:
        response = await client.get(URL, params=params, headers=headers)
        assert response.status_code == status, (params, response.text)
        extensions = response.json()["errors"][0]["extensions"]
        assert (extensions["code"], extensions["field"]) == (code, field)


async def test_several_categories_repeated_or_comma_separated_are_one_list(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    headers = bearer(api_keys[Role.ANALYST])
    keys = ["user.contact.email", "user.account"]
    repeated = await client.get(URL, params={**ACCOUNT_USER, "categories": keys}, headers=headers)
    joined = await client.get(
        URL, params={**ACCOUNT_USER, "categories": ",".join(keys)}, headers=headers
    )
    assert repeated.status_code == 200, repeated.text
    assert joined.text == repeated.text
    assert "user.contact.email, user.account" in repeated.text.splitlines()[0] or (
        "user.account, user.contact.email" in repeated.text.splitlines()[0]
    )


async def test_an_unknown_category_is_refused_with_the_nearest_keys(
    seeded: Database, client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    response = await client.get(
        URL,
        params={**ACCOUNT_USER, "categories": "user.account,user.contact.emial"},
        headers=bearer(api_keys[Role.ANALYST]),
    )
    assert response.status_code == 400, response.text
    extensions = response.json()["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"]) == ("BAD_USER_INPUT", "categories[1]")
    assert "user.contact.email" in extensions["suggestions"]
