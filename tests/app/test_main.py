import httpx
import pytest

from app.main import create_app
from app.settings import Settings
from tests.conftest import GraphQL


async def test_live(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "live"}


async def test_ready_when_neo4j_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_not_ready_when_neo4j_is_down(unused_tcp_port: int) -> None:
    settings = Settings(
        neo4j_uri=f"bolt://127.0.0.1:{unused_tcp_port}", neo4j_connection_timeout_s=1
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert f"127.0.0.1:{unused_tcp_port}" in body["reason"]


async def test_about_reads_the_server(graphql: GraphQL) -> None:
    body = await graphql("{ about { version neo4jVersion neo4jEdition } }")
    assert body["data"]["about"] == {
        "version": "0.1.0",
        "neo4jVersion": "5.26.19",
        "neo4jEdition": "community",
    }


async def test_unknown_field_is_a_coded_error(graphql: GraphQL) -> None:
    body = await graphql("{ about { nope } }")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.fixture
def unused_tcp_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port
