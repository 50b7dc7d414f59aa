from collections.abc import Callable
from functools import partial

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    SchemaExtension,
    max_aliases,
    query_depth_limiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.auth import RoleCheck
from schema.caches import ShortParserCache, ShortValidationCache
from schema.cost import QueryCost
from schema.execution import PlainExecutionContext
from schema.mutations import Mutation
from schema.query import Query
from schema.read import NODE_TYPES
from schema.settings import SchemaSettings


class DatamapSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Nothing: the endpoint codes and logs each error once (schema/errors.py), a user
        error as one line at INFO or WARNING and only a server fault with its traceback."""


def build_schema(settings: SchemaSettings) -> strawberry.Schema:
    """The schema with the limits and caches that `settings` asks for. Each
    extension is a factory, so every request gets its own.

    The depth and alias limits are validation rules made once here, not by strawberry's
    QueryDepthLimiter and MaxAliasesLimiter extensions: those make a new rule class per request,
    and the validation cache, keyed by the rules, then misses on every request."""
    limits: list[type[ASTValidationRule]] = [
        query_depth_limiter.create_validator(settings.max_query_depth, None, None),
        max_aliases.create_validator(settings.max_aliases),
    ]
    extensions: list[Callable[[], SchemaExtension]] = [
        RoleCheck,
        ShortParserCache,
        ShortValidationCache,
        partial(AddValidationRules, limits),
        partial(MaxTokensLimiter, max_token_count=settings.max_query_tokens),
        partial(
            QueryCost,
            max_cost=settings.max_query_cost,
            max_variable_values=settings.max_variable_values,
            page_size=settings.max_page_size,
        ),
    ]
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    return DatamapSchema(
        query=Query,
        mutation=Mutation,
        types=list(NODE_TYPES.values()),  # every kind node(id) answers, a field naming it or not
        extensions=extensions,
        execution_context_class=PlainExecutionContext,
        config=StrawberryConfig(batching_config={"max_operations": settings.max_batch_operations}),
    )
