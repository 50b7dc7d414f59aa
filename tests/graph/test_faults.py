import asyncio
import socket
from pathlib import Path

import httpx
import pytest
from graphql.error import GraphQLError

from app.main import create_app
from app.settings import Settings
from graph import provision
from graph.database import Database
from schema.errors import coded


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def wait_ready(http: httpx.AsyncClient, attempts: int = 60) -> httpx.Response:
    response = await http.get("/health/ready")
    for _ in range(attempts):
        if response.status_code == 200:
            break
        await asyncio.sleep(0.5)
        response = await http.get("/health/ready")
    return response


async def test_the_service_starts_while_neo4j_is_down_and_becomes_ready(tmp_path: Path) -> None:
    settings = Settings(
        neo4j_uri=None,
        local_neo4j_port=free_port(),
        local_neo4j_data_dir=tmp_path / "neo4j",
        neo4j_connection_timeout_s=1,
        auth_disabled=True,
    )
    app = create_app(settings)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                down = await http.get("/health/ready")
                assert down.status_code == 503
                query = await http.post("/graphql", json={"query": "{ about { version } }"})
                assert query.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"

                await asyncio.to_thread(provision.start, settings)
                up = await wait_ready(http)
                assert up.status_code == 200, up.text
                query = await http.post("/graphql", json={"query": "{ about { neo4jEdition } }"})
                assert query.json() == {"data": {"about": {"neo4jEdition": "community"}}}
    finally:
        provision.stop(settings)


async def test_a_transaction_timeout_becomes_a_timeout_error(neo4j_server: Settings) -> None:
    db = Database.connect(neo4j_server.model_copy(update={"neo4j_transaction_timeout_s": 0.2}))
    try:
        with pytest.raises(Exception) as raised:
            await db.read(
                "UNWIND range(1, 400000000) AS x WITH x WHERE x = -1 RETURN count(x) AS n"
            )
    finally:
        await db.close()
    error = coded(GraphQLError("boom", original_error=raised.value))
    assert error.extensions == {"code": "TIMEOUT"}
    assert "Cypher" not in error.message and "UNWIND" not in error.message
