from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from app.main import create_app
from app.settings import Settings
from tests.conftest import GraphQL


async def serve(settings: Settings, headers: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://datamap", headers=headers
        ) as http:
            yield http


@pytest.fixture(scope="module")
async def production(
    neo4j_server: Settings, admin_headers: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    settings = neo4j_server.model_copy(update={"environment": "production"})
    async for http in serve(settings, admin_headers):
        yield http


@pytest.fixture(scope="module")
async def shallow(
    neo4j_server: Settings, admin_headers: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    async for http in serve(neo4j_server.model_copy(update={"max_query_depth": 1}), admin_headers):
        yield http


def codes(body: dict[str, object]) -> list[object]:
    errors = body["errors"]
    assert isinstance(errors, list)
    return [error["extensions"]["code"] for error in errors]


async def test_depth_is_limited(shallow: httpx.AsyncClient) -> None:
    allowed = await shallow.post("/graphql", json={"query": "{ about { version } }"})
    assert "errors" not in allowed.json()
    deep = await shallow.post("/graphql", json={"query": "{ about { nodeCounts { label } } }"})
    body = deep.json()
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_aliases_are_limited(graphql: GraphQL, settings: Settings) -> None:
    aliases = " ".join(f"a{i}: about {{ version }}" for i in range(settings.max_aliases + 1))
    body = await graphql("{ " + aliases + " }")
    assert "aliases found" in body["errors"][0]["message"]
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_tokens_are_limited(graphql: GraphQL, settings: Settings) -> None:
    body = await graphql("{ about { " + "version " * settings.max_query_tokens + "} }")
    assert f"more than {settings.max_query_tokens} tokens" in body["errors"][0]["message"]
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_a_body_over_the_limit_is_refused(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    padding = "#" * (settings.max_body_bytes + 1)
    response = await client.post("/graphql", json={"query": "{ about { version } }" + padding})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "body",
    }


async def test_batches_are_capped(
    client: httpx.AsyncClient, settings: Settings, admin_headers: dict[str, str]
) -> None:
    one = {"query": "{ about { version } }"}
    batch = [one] * settings.max_batch_operations
    allowed = await client.post("/graphql", json=batch, headers=admin_headers)
    assert allowed.status_code == 200
    assert len(allowed.json()) == settings.max_batch_operations
    too_many = [one] * (settings.max_batch_operations + 1)
    refused = await client.post("/graphql", json=too_many, headers=admin_headers)
    assert refused.status_code == 400


async def test_production_hides_introspection_ide_and_suggestions(
    production: httpx.AsyncClient,
) -> None:
    introspection = await production.post(
        "/graphql", json={"query": "{ __schema { types { name } } }"}
    )
    assert introspection.json()["errors"][0]["message"] == (
        "GraphQL introspection has been disabled, but the requested query contained the field "
        "'__schema'."
    )
    ide = await production.get("/graphql", headers={"accept": "text/html"})
    assert ide.status_code == 404
    typo = await production.post("/graphql", json={"query": "{ abut { version } }"})
    message = typo.json()["errors"][0]["message"]
    assert message == "Cannot query field 'abut' on type 'Query'."


async def test_development_serves_the_ide(client: httpx.AsyncClient) -> None:
    ide = await client.get("/graphql", headers={"accept": "text/html"})
    assert ide.status_code == 200
    assert "graphiql" in ide.text.lower()
