"""Schema-driven fuzzing: hypothesis-graphql writes queries and mutations from the exported schema
(valid ones, and ones with one schema violation), and each is posted over HTTP to the real app and
Neo4j with the key of one role. No answer may be a 5xx, and every answer must have `data`, or
errors that all carry a stable `extensions.code`.

The run is bounded by the number of examples, not by time: hypothesis' per-example deadline is off
because the machine's load would make it flaky. The generated writes use random `source:id` keys,
so they never meet the seeds or another test's prefixed data."""

import asyncio
import datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from app.settings import PROJECT_ROOT
from resolvers.auth.principal import Role

SDL = (PROJECT_ROOT / "schema" / "schema.graphql").read_text()
CODES = frozenset(
    {
        "BAD_USER_INPUT",
        "NOT_FOUND",
        "FORBIDDEN",
        "UNAUTHENTICATED",
        "TIMEOUT",
        "UNAVAILABLE",
        "INTERNAL",
    }
)
SCALARS = {
    "Date": st.dates().map(nodes.String),
    "DateTime": st.datetimes(timezones=st.none() | st.just(datetime.UTC))
    .map(datetime.datetime.isoformat)
    .map(nodes.String),
}
EXAMPLES = {Mode.POSITIVE: 20, Mode.NEGATIVE: 6}
STRATEGIES = {"query": queries, "mutation": mutations}


def well_formed(response: httpx.Response) -> list[str]:
    """The codes of the answer's errors, after checking it is an answer the contract allows."""
    assert response.status_code < 500, response.text
    body = response.json()
    errors: list[dict[str, Any]] = body.get("errors") or []
    if not errors:
        assert body.get("data") is not None, body
    codes = [error.get("extensions", {}).get("code") for error in errors]
    assert set(codes) <= CODES, body
    assert not any("Traceback" in error["message"] for error in errors), body
    return [str(code) for code in codes]


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=lambda mode: mode.name.lower())
@pytest.mark.parametrize("operation", list(STRATEGIES))
@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
async def test_generated_operations_get_coded_answers(
    client: httpx.AsyncClient, api_keys: dict[Role, str], role: Role, operation: str, mode: Mode
) -> None:
    loop = asyncio.get_running_loop()
    headers = {"Authorization": f"Bearer {api_keys[role]}"}
    seen: list[str] = []

    def post(document: str) -> httpx.Response:
        sent = client.post("/graphql", json={"query": document}, headers=headers)
        return asyncio.run_coroutine_threadsafe(sent, loop).result()

    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(STRATEGIES[operation](SDL, custom_scalars=SCALARS, mode=mode))
    def answer_is_coded(document: str) -> None:
        seen.extend(well_formed(post(document)))

    await asyncio.to_thread(answer_is_coded)
    if mode is Mode.NEGATIVE:
        assert seen and set(seen) <= {"BAD_USER_INPUT", "FORBIDDEN"}
    assert "INTERNAL" not in seen
