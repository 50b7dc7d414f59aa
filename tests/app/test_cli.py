"""The `datamap` command line as an operator meets it: with Neo4j down, one line and a non-zero
exit; the key table; revoking twice."""

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.settings import Settings, get_settings

runner = CliRunner()


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize("command", [["seed"], ["keys", "list"], ["migrate"], ["serve"]])
def test_neo4j_down_is_one_line_and_a_non_zero_exit(
    command: list[str],
    unused_tcp_port: int,
    monkeypatch: pytest.MonkeyPatch,
    fresh_settings: None,
) -> None:
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{unused_tcp_port}")
    monkeypatch.setenv("DATAMAP_NEO4J_CONNECTION_TIMEOUT_S", "1")
    monkeypatch.setenv("DATAMAP_NEO4J_RETRY_TIME_S", "0")
    result = runner.invoke(cli, command)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Neo4j does not answer" in lines[0] and "datamap neo4j start" in lines[0]
    assert "Traceback" not in result.output


def test_keys_list_is_a_table_and_revoking_twice_says_so(
    neo4j_server: Settings, fresh_settings: None
) -> None:
    created = runner.invoke(cli, ["keys", "create", "--role", "viewer", "--name", "t-cli"])
    assert created.exit_code == 0, created.output
    key_id = created.output.split()[1].rstrip(",")
    listed = runner.invoke(cli, ["keys", "list"])
    assert listed.exit_code == 0, listed.output
    header, *rows = listed.output.splitlines()
    assert header.split() == ["ID", "ROLE", "NAME", "CREATED", "STATE"]
    assert any(row.startswith(key_id) and "active" in row for row in rows)
    first = runner.invoke(cli, ["keys", "revoke", key_id])
    assert first.output.strip() == f"revoked {key_id}"
    again = runner.invoke(cli, ["keys", "revoke", key_id])
    assert again.exit_code == 0
    assert again.output.startswith(f"{key_id} was already revoked at ")
