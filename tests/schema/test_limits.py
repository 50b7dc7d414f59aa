import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from neo4j.exceptions import ConnectionAcquisitionTimeoutError

from app.main import create_app
from app.settings import Settings
from graph.database import Database
from resolvers.auth.principal import Role
from resolvers.errors import MAX_MESSAGE, BadUserInput
from schema.caches import MAX_CACHED_QUERY_CHARS, ShortParserCache, ShortValidationCache
from schema.errors import domain_error
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
    assert refused.json()["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "request",
    }


@pytest.mark.parametrize(
    ("method", "request_args"),
    [
        ("POST", {"content": b"{not json", "headers": {"content-type": "application/json"}}),
        ("POST", {"json": {}}),
        ("POST", {"json": {"query": "query A { about { version } }", "operationName": "B"}}),
        ("GET", {"params": {"query": "mutation { __typename }"}}),
        ("POST", {"content": b"{ about { version } }", "headers": {"content-type": "text/plain"}}),
    ],
    ids=["invalid-json", "no-query", "unknown-operation", "mutation-over-get", "content-type"],
)
async def test_http_level_errors_are_coded_graphql_errors(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    method: str,
    request_args: dict[str, Any],
) -> None:
    headers = {**admin_headers, **request_args.pop("headers", {})}
    response = await client.request(method, "/graphql", headers=headers, **request_args)
    assert 400 <= response.status_code < 500
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "request"}
    assert body["errors"][0]["message"]


async def test_list_variables_are_bounded(graphql: GraphQL, settings: Settings) -> None:
    query = 'query($c: [String!]) { accessPlan(subject: "x", categories: $c) { __typename } }'
    many = [f"x{i}" for i in range(settings.max_variable_values + 1)]
    body = await graphql(query, {"c": many})
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["limit"] == "DATAMAP_MAX_VARIABLE_VALUES"
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_many_unknown_keys_are_refused_by_the_first(
    graphql: GraphQL, seeded: Database
) -> None:
    unknown = [f"user.unknown-category-{i:05}" for i in range(3000)]
    body = await graphql(
        'query($c: [String!]) { deletionPlan(subject: "preemptly.account_user", categories: $c) '
        "{ __typename } }",
        {"c": unknown},
    )
    (error,) = body["errors"]
    assert error["extensions"]["field"] == "categories[0]"
    assert "user.unknown-category-00000" in error["message"]
    assert len(error["message"]) < MAX_MESSAGE


def test_an_error_message_that_echoes_input_is_cut_saying_how_much() -> None:
    error = BadUserInput("unknown: " + ", ".join(f"c{i:05}" for i in range(10_000)))
    assert len(error.message) < MAX_MESSAGE + 50
    assert error.message.endswith(
        f"... ({len(', '.join(['c00000'] * 10_000)) + 9 - MAX_MESSAGE} more characters)"
    )


async def test_a_response_over_the_limit_is_refused_whole(
    neo4j_server: Settings, admin_headers: dict[str, str]
) -> None:
    settings = neo4j_server.model_copy(update={"max_response_bytes": 1024})
    async for http in serve(settings, admin_headers):
        small = await http.post("/graphql", json={"query": "{ about { version } }"})
        assert "errors" not in small.json()
        large = await http.post("/graphql", json={"query": "{ countries { nodes { code name } } }"})
        body = large.json()
        assert body["data"] is None
        assert body["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "limit": "DATAMAP_MAX_RESPONSE_BYTES",
        }


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
    inline = await production.post(
        "/graphql", json={"query": '{ systems(filter: {serch: "x"}) { totalCount } }'}
    )
    variable = await production.post(
        "/graphql",
        json={
            "query": "query($f: MapFilter) { systems(filter: $f) { totalCount } }",
            "variables": {"f": {"serch": "x"}},
        },
    )
    for typo in (inline, variable):
        message = typo.json()["errors"][0]["message"]
        assert "serch" in message
        assert "Did you mean" not in message
        assert "'search'" not in message


async def test_production_serves_no_api_pages(
    production: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    for page in ("/docs", "/redoc", "/openapi.json"):
        assert (await production.get(page, headers={"authorization": ""})).status_code == 404
    assert (await client.get("/openapi.json")).status_code == 200


@pytest.mark.parametrize("with_key", [False, True], ids=["no-key", "admin-key"])
async def test_a_websocket_upgrade_is_refused_with_or_without_a_key(
    app: FastAPI, api_keys: dict[Role, str], with_key: bool
) -> None:
    key = [(b"authorization", f"Bearer {api_keys[Role.ADMIN]}".encode())] if with_key else []
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"datamap"), *key],
        "subprotocols": ["graphql-transport-ws"],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    inbox = [{"type": "websocket.connect"}, {"type": "websocket.disconnect", "code": 1000}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return inbox.pop(0) if inbox else {"type": "websocket.disconnect", "code": 1000}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    # a close before the handshake is accepted: the server answers HTTP 403
    assert sent == [{"type": "websocket.close", "code": 1008}]


async def test_large_distinct_documents_are_not_kept_by_the_caches(graphql: GraphQL) -> None:
    """A document over MAX_CACHED_QUERY_CHARS (here a long comment, which costs no tokens) is
    answered without entering either cache; a short one enters both."""
    caches = [
        ShortParserCache().cached_parse_document,
        ShortValidationCache().cached_validate_document,
    ]

    def calls() -> list[int]:
        return [cache.cache_info().misses + cache.cache_info().hits for cache in caches]

    padding = "#" + "x" * MAX_CACHED_QUERY_CHARS + "\n"
    before = calls()
    for _ in range(3):
        body = await graphql(f"{padding}{{ about {{ version }} }} # {uuid.uuid4()}")
        assert body["data"]["about"]["version"], body
    assert calls() == before
    await graphql(f"{{ about {{ version }} }} # {uuid.uuid4()}")
    assert calls() == [count + 1 for count in before]


def test_no_free_connection_within_the_acquisition_timeout_is_unavailable_not_internal() -> None:
    """At 200 concurrent clients every pooled connection stays busy for longer than the driver's
    acquisition timeout; that is a busy service, not a fault of the server."""
    busy = ConnectionAcquisitionTimeoutError("failed to obtain a connection from the pool")
    known = domain_error(busy)
    assert known is not None and known.code == "UNAVAILABLE"
