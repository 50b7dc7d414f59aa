from pathlib import Path

import pytest

from app.settings import Settings


def test_neo4j_settings_parse_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "neo4j://cluster.example:7687")
    monkeypatch.setenv("NEO4J_USER", "reader")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret")
    monkeypatch.setenv("NEO4J_DATABASE", "datamap")
    settings = Settings()
    assert settings.uses_external_neo4j
    assert settings.bolt_uri == "neo4j://cluster.example:7687"
    assert settings.neo4j_user == "reader"
    assert settings.neo4j_password.get_secret_value() == "s3cret"
    assert settings.neo4j_database == "datamap"


def test_datamap_settings_parse_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("DATAMAP_LOCAL_NEO4J_PORT", "7999")
    monkeypatch.setenv("DATAMAP_LOCAL_NEO4J_DATA_DIR", "/tmp/dm")
    monkeypatch.setenv("DATAMAP_ENVIRONMENT", "production")
    settings = Settings()
    assert not settings.uses_external_neo4j
    assert settings.bolt_uri == "bolt://127.0.0.1:7999"
    assert settings.local_neo4j_data_dir == Path("/tmp/dm")
    assert settings.environment == "production"


def test_a_bad_value_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAMAP_LOCAL_NEO4J_PORT", "not-a-port")
    with pytest.raises(ValueError, match="local_neo4j_port"):
        Settings()
