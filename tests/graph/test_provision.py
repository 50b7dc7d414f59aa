import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from typer.testing import CliRunner

from app.cli import cli
from app.settings import Settings, get_settings
from graph import provision

runner = CliRunner()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    get_settings.cache_clear()
    monkeypatch.setenv("DATAMAP_LOCAL_NEO4J_DATA_DIR", str(tmp_path / "neo4j"))
    yield tmp_path / "neo4j"
    get_settings.cache_clear()


def test_start_with_the_port_taken_fails_with_one_clear_line(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        monkeypatch.setenv("DATAMAP_LOCAL_NEO4J_PORT", str(port))
        result = runner.invoke(cli, ["neo4j", "start"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"datamap: port {port} is taken by another process: stop it or set "
        "DATAMAP_LOCAL_NEO4J_PORT to a free port"
    ]
    assert "Traceback" not in result.output


def test_with_neo4j_uri_set_no_server_is_started(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    monkeypatch.setenv("NEO4J_URI", "neo4j://127.0.0.1:7688")
    monkeypatch.setenv("DATAMAP_LOCAL_NEO4J_PORT", str(port))
    result = runner.invoke(cli, ["neo4j", "start"])
    assert result.exit_code == 0
    assert "no local server started" in result.output
    assert not cli_env.exists()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    with pytest.raises(provision.ProvisionError, match="NEO4J_URI is set"):
        provision.start(Settings())


def test_a_stop_start_cycle_keeps_committed_data(tmp_path: Path) -> None:
    settings = Settings(
        neo4j_uri=None, local_neo4j_port=free_port(), local_neo4j_data_dir=tmp_path / "neo4j"
    )
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    provision.start(settings)
    try:
        with GraphDatabase.driver(settings.local_bolt_uri, auth=auth) as driver:
            driver.execute_query("UNWIND range(1, 500) AS i CREATE (:Kept {i: i})")
        assert provision.stop(settings)
        assert not provision.status(settings).running
        provision.start(settings)
        with GraphDatabase.driver(settings.local_bolt_uri, auth=auth) as driver:
            records = driver.execute_query("MATCH (k:Kept) RETURN count(k) AS n").records
        assert records[0]["n"] == 500
    finally:
        provision.stop(settings)
