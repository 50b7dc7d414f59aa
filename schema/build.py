from collections.abc import Callable
from functools import partial

import strawberry
from graphql import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as max_depth_rule
from strawberry.schema.config import StrawberryConfig

from app.settings import Settings
from schema.auth import RoleCheck
from schema.mutations import Mutation
from schema.query import Query


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with the limits and caches that `settings` asks for. Each
    extension is a factory, so every request gets its own. The depth and alias rules are
    built once, not by `QueryDepthLimiter`/`MaxAliasesLimiter` per request: those make new rule
    classes each time, which changes `ValidationCache`'s key, so it never hit."""
    limits: list[type[ASTValidationRule]] = [
        max_depth_rule(settings.max_query_depth, should_ignore=None),
        max_aliases_rule(settings.max_aliases),
    ]
    extensions: list[Callable[[], SchemaExtension]] = [
        RoleCheck,
        partial(ParserCache, maxsize=256),
        partial(AddValidationRules, limits),
        partial(ValidationCache, maxsize=256),
        partial(MaxTokensLimiter, max_token_count=settings.max_query_tokens),
    ]
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(batching_config={"max_operations": settings.max_batch_operations}),
    )
