from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.queries.lineage import LINEAGE_HOPS_CEILING

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting of datamap. Neo4j connection settings use the `NEO4J_*` names the driver
    documentation uses; everything else is `DATAMAP_*`."""

    model_config = SettingsConfigDict(env_prefix="DATAMAP_", extra="ignore")

    environment: Literal["development", "production"] = "development"

    neo4j_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("NEO4J_URI", "DATAMAP_NEO4J_URI"),
        description="An external Neo4j server; when set, no local server is started.",
    )
    neo4j_user: str = Field(
        default="neo4j", validation_alias=AliasChoices("NEO4J_USER", "DATAMAP_NEO4J_USER")
    )
    neo4j_password: SecretStr = Field(
        default=SecretStr("neo4j"),
        validation_alias=AliasChoices("NEO4J_PASSWORD", "DATAMAP_NEO4J_PASSWORD"),
    )
    neo4j_database: str = Field(
        default="neo4j", validation_alias=AliasChoices("NEO4J_DATABASE", "DATAMAP_NEO4J_DATABASE")
    )

    local_neo4j_port: int = Field(default=7687, ge=1, le=65535)
    local_neo4j_data_dir: Path = PROJECT_ROOT / "var" / "neo4j"
    local_neo4j_heap_mb: int = Field(default=512, ge=128)
    local_neo4j_page_cache_mb: int = Field(default=128, ge=16)
    local_neo4j_start_timeout_s: float = Field(default=120.0, gt=0)
    neo4j_cache_dir: Path = Path.home() / ".cache" / "datamap"
    neo4j_transaction_timeout_s: float = Field(default=30.0, gt=0)
    neo4j_import_timeout_s: float = Field(
        default=300.0,
        gt=0,
        description="The transaction timeout of a Fides import, which is one transaction.",
    )
    neo4j_connection_timeout_s: float = Field(default=5.0, gt=0)
    neo4j_retry_time_s: float = Field(
        default=3.0,
        ge=0,
        description="How long a transaction is retried on a transient fault before UNAVAILABLE.",
    )

    auth_disabled: bool = Field(
        default=False,
        description="Development only: serve every request as an admin without an API key.",
    )
    api_key_cache_seconds: float = Field(
        default=30.0,
        ge=0,
        description="How long a process keeps an API key record it read (0: read it on every "
        "request). A revocation anywhere clears every process's cache on its next request.",
    )
    registration_batch_max: int = Field(default=1000, ge=1)
    audit_log_max: int = Field(default=500, ge=1)
    lineage_default_hops: int = Field(default=5, ge=1, le=LINEAGE_HOPS_CEILING)
    lineage_max_hops: int = Field(default=10, ge=1, le=LINEAGE_HOPS_CEILING)
    lineage_max_nodes: int = Field(default=1000, ge=1)
    lineage_max_paths_per_node: int = Field(default=3, ge=1)
    max_query_depth: int = Field(
        default=15,
        ge=2,
        description="The deepest selection a query may have; every nested list adds a level "
        "(`nodes`), and the cost limit bounds what nesting fans out to.",
    )
    max_query_tokens: int = Field(default=2000, ge=10)
    max_query_cost: int = Field(
        default=50_000,
        ge=1,
        description="The most fields a query may resolve by estimate (a nested list counts its "
        "`first`, the maximum page size when not given); a costlier query is refused before it "
        "runs.",
    )
    max_variable_values: int = Field(
        default=50_000,
        ge=100,
        description="The most scalar values a request's variables may hold (list variables "
        "escape the token limit; a bulk registration of 1,000 inputs holds some 10,000).",
    )
    max_aliases: int = Field(default=15, ge=1)
    max_batch_operations: int = Field(default=5, ge=1, le=9)
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    max_response_bytes: int = Field(
        default=20_000_000,
        ge=1024,
        description="The largest GraphQL response body; a larger one is replaced by an error "
        "naming this limit.",
    )
    introspection: bool | None = Field(
        default=None, description="Schema introspection; on in development, off in production."
    )
    graphiql: bool | None = Field(
        default=None, description="The GraphiQL IDE; on in development, off in production."
    )
    max_page_size: int = Field(
        default=100, ge=1, description="The largest `first` a list field accepts."
    )
    datamap_max_nodes: int = Field(
        default=2000, ge=1, description="The most nodes `dataMap` returns before it truncates."
    )

    gc_threshold: int = Field(
        default=50_000,
        ge=0,
        description=(
            "Allocations between young-generation garbage collections (Python's default is 700; "
            "0 keeps it). A whole-map transfer assessment allocates millions of objects, and at "
            "the default the collector took 40 % of its time."
        ),
    )

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="uvicorn worker processes serving together; each holds its own Neo4j driver.",
    )

    @model_validator(mode="after")
    def _auth_only_disabled_in_development(self) -> "Settings":
        if self.auth_disabled and self.environment == "production":
            raise ValueError("DATAMAP_AUTH_DISABLED=true is refused in production")
        return self

    @property
    def local_bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.local_neo4j_port}"

    @property
    def bolt_uri(self) -> str:
        return self.neo4j_uri or self.local_bolt_uri

    @property
    def introspection_enabled(self) -> bool:
        return self.introspection if self.introspection is not None else not self.production

    @property
    def graphiql_enabled(self) -> bool:
        return self.graphiql if self.graphiql is not None else not self.production

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def uses_external_neo4j(self) -> bool:
        return self.neo4j_uri is not None


@lru_cache
def get_settings() -> Settings:
    return Settings()
