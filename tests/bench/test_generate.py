"""The benchmark generator: same seed, same map; the ratios and shapes the issue asks for; and a
small map loaded into the real Neo4j through the bulk writes, twice, without duplicates."""

import uuid
from collections import Counter

from bench.generate import DOMAIN_SIZE, EEA, MAX_CHAIN, generate, leaf_categories, load
from graph.database import Database
from seeds.loader import load_all

LOADED = "t-bench-gen-"


async def remove_loaded_maps(db: Database) -> None:
    """Delete the maps this test loaded, in this run or an earlier one: other tests count what
    the shared test database holds (transfer paths, list pages)."""
    await db.write(
        "MATCH (n) WHERE n.id STARTS WITH $prefix OR n.key STARTS WITH $prefix DETACH DELETE n",
        {"prefix": LOADED},
    )


def chain_depths(engagements: list[dict[str, object]], root: str) -> dict[str, int]:
    depths = {root: 0}
    for row in engagements:
        depths[str(row["target"])] = depths[str(row["source"])] + 1
    return depths


def test_same_seed_same_map_other_seed_other_map() -> None:
    assert generate(200, seed=3) == generate(200, seed=3)
    assert generate(200, seed=3).system_flows != generate(200, seed=4).system_flows


def test_ratios_chains_and_taxonomy() -> None:
    data_map = generate(1000, prefix="p-")
    assert len(data_map.systems) == 1000
    assert data_map.flows == 5000
    assert len(data_map.organisations) == 200
    assert len({row["id"] for row in data_map.system_flows + data_map.organisation_flows}) == 5000
    depths = chain_depths(data_map.engagements, "p-org-0")
    assert max(depths.values()) == MAX_CHAIN
    assert set(Counter(depths.values())) == {0, 1, 2, 3, 4}
    leaves = set(leaf_categories())
    assert all(set(row["categories"]) <= leaves for row in data_map.storages)
    countries = {row["properties"]["country"] for row in data_map.organisations}
    assert {"GB", "CH", "US"} <= countries
    assert countries & set(EEA)


def test_domains_have_cycles_and_fan_out_and_stay_inside() -> None:
    data_map = generate(DOMAIN_SIZE, prefix="p-")
    pairs = {(row["source"], row["target"]) for row in data_map.system_flows}
    assert any((b, a) in pairs for a, b in pairs)
    assert max(Counter(a for a, _ in pairs).values()) >= 8
    two = generate(2 * DOMAIN_SIZE, prefix="p-")
    assert all(
        row["source"].split("-")[2] == row["target"].split("-")[2] for row in two.system_flows
    )


async def test_load_writes_the_map_once(db: Database) -> None:
    prefix = f"{LOADED}{uuid.uuid4().hex[:8]}-"
    try:
        data_map = generate(2 * DOMAIN_SIZE, prefix=prefix)
        first = await load(db, data_map, show=False)
        await load(db, data_map, show=False)
        rows = await db.read(
            """
            MATCH (s:System) WHERE s.id STARTS WITH $prefix
            WITH count(s) AS systems
            MATCH (a:System)-[f:FLOWS_TO]->() WHERE a.id STARTS WITH $prefix
            WITH systems, count(f) AS flows
            MATCH (o:Organisation) WHERE o.id STARTS WITH $prefix
            WITH systems, flows, count(o) AS organisations
            MATCH p = (:Organisation {id: $prefix + 'org-0'})-[:ENGAGES]->+(:Organisation)
            RETURN systems, flows, organisations, max(length(p)) AS deepest
            """,
            {"prefix": prefix},
        )
        assert rows == [{"systems": 100, "flows": 500, "organisations": 20, "deepest": MAX_CHAIN}]
        reference_rows = sum((await load_all(db, example=False)).values())
        assert first.rows == sum(len(rows) for _, _, rows in data_map.batches()) + reference_rows
        assert first.rows_per_second > 0
    finally:
        await remove_loaded_maps(db)
