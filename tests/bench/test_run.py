"""The benchmark's own arithmetic and bookkeeping, on plain data."""

import argparse
import asyncio

import pytest
from graphql import parse, validate

from app.settings import Settings
from bench import run
from bench.run import measure, summary
from schema.build import build_schema


async def test_measure_runs_every_request_at_the_asked_concurrency() -> None:
    running = 0
    peak = 0
    seen: list[int] = []

    async def call(i: int) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0)
        seen.append(i)
        running -= 1

    latencies = await measure(call, requests=40, concurrency=8)
    assert len(latencies) == 40
    assert sorted(seen) == list(range(40))
    assert peak == 8


async def test_the_warm_up_calls_count_in_neither_latencies_nor_throughput(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a clock each call moves on by one second: 5 warm-up calls, then 10 timed ones."""
    clock = [0.0]
    calls: list[int] = []

    async def call(i: int) -> None:
        calls.append(i)
        clock[0] += 1.0

    monkeypatch.setattr(run.time, "perf_counter", lambda: clock[0])
    args = argparse.Namespace(concurrency=[1], requests=10, warmup=5)
    [timing] = await run.timed("datamap", call, args)
    assert calls == [*range(5), *range(10)]
    assert timing.requests == 10
    assert timing.throughput_rps == 1.0
    assert timing.p50_ms == 1000.0


def test_summary_quantiles_and_throughput() -> None:
    timing = summary("datamap", 16, [float(ms) for ms in range(1, 101)], wall_s=2.0)
    assert (timing.p50_ms, timing.p95_ms, timing.p99_ms) == (50.5, 95.05, 99.01)
    assert timing.throughput_rps == 50.0
    assert timing.requests == 100


@pytest.mark.parametrize(
    "document",
    [
        run.SYSTEMS_PAGE,
        run.SYSTEM_LOOKUP,
        run.DATA_MAP,
        run.LINEAGE,
        run.ACCESS_PLAN,
        run.DELETION_PLAN,
        run.TRANSFER_ASSESSMENT,
        run.REGISTER_PROCESSORS,
    ],
)
def test_the_benchmarked_documents_are_valid_against_the_schema(
    settings: Settings, document: str
) -> None:
    schema = build_schema(settings)
    assert validate(schema._schema, parse(document)) == []
