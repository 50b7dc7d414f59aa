from collections.abc import Callable
from functools import partial

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from app.settings import Settings
from schema.auth import RoleCheck
from schema.mutations import Mutation
from schema.query import Query


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with the limits and caches that `settings` asks for. Each
    extension is a factory, so every request gets its own."""
    extensions: list[Callable[[], SchemaExtension]] = [
        RoleCheck,
        partial(ParserCache, maxsize=256),
        partial(ValidationCache, maxsize=256),
        partial(QueryDepthLimiter, max_depth=settings.max_query_depth),
        partial(MaxTokensLimiter, max_token_count=settings.max_query_tokens),
        partial(MaxAliasesLimiter, max_alias_count=settings.max_aliases),
    ]
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(batching_config={"max_operations": settings.max_batch_operations}),
    )
