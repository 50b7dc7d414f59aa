"""Preemptly's seeded map has what the later decisions need, checked on the loaded graph."""

import pytest

from graph.database import Database
from seeds.loader import read
from seeds.models import Flow, MapEntry, RetentionObligation, System

SEEDED_SYSTEMS = [system.id for system in read().entries("preemptly/systems.yaml")]


async def test_systems_and_vendors_span_enough_countries(seeded: Database) -> None:
    rows = await seeded.read(
        "MATCH (s:System)-[:OPERATED_BY]->(:Organisation) WHERE s.id IN $ids "
        "RETURN count(s) AS systems",
        {"ids": SEEDED_SYSTEMS},
    )
    assert rows[0]["systems"] == len(SEEDED_SYSTEMS) >= 15
    vendors = await seeded.read(
        "MATCH (:Organisation {is_self: true})-[:ENGAGES*1..4]->(v:Organisation) "
        "WHERE v.kind = 'COMPANY' RETURN collect(DISTINCT v.id) AS ids, "
        "collect(DISTINCT v.country) AS countries"
    )
    assert len(vendors[0]["ids"]) >= 10
    assert len(vendors[0]["countries"]) >= 5


async def test_us_processors_with_and_without_dpf(seeded: Database) -> None:
    certified = await seeded.read(
        "MATCH (o:Organisation {country: 'US'})-[:CERTIFIED_UNDER]->(d:DpfCertification "
        "{status: 'ACTIVE'}) WHERE 'NON_HR' IN d.data_types "
        "WITH o, collect(d.framework) AS frameworks "
        "WHERE all(f IN ['EU_US', 'UK_EXTENSION'] WHERE f IN frameworks) RETURN o.id AS id"
    )
    assert certified
    uncertified = await seeded.read(
        "MATCH (s:Safeguard {type: 'SCC'})-[:IMPORTER]->(o:Organisation {country: 'US'}) "
        "WHERE NOT (o)-[:CERTIFIED_UNDER]->() "
        "RETURN s.module AS module, s.tia_on IS NOT NULL AS has_tia"
    )
    assert {"module": 2, "has_tia": True} in uncertified
    assert any(not row["has_tia"] and row["module"] != 4 for row in uncertified)


async def test_a_sub_processor_chain_crosses_countries(seeded: Database) -> None:
    rows = await seeded.read(
        "MATCH p = (:Organisation {is_self: true})-[:ENGAGES*3..]->(:Organisation) "
        "WHERE all(e IN relationships(p)[1..] WHERE e.role = 'SUB_PROCESSOR') "
        "RETURN [n IN nodes(p) | n.country] AS countries"
    )
    assert any(len(set(row["countries"])) >= 3 for row in rows)


async def test_flows_hold_a_two_way_sync_and_backups_rotate(seeded: Database) -> None:
    cycles = await seeded.read(
        "MATCH (a:System)-[:FLOWS_TO]->(b:System)-[:FLOWS_TO]->(a) RETURN a.id AS id"
    )
    assert cycles
    backups = await seeded.read(
        "MATCH (b:System {kind: 'BACKUP'})-[:BACKS_UP]->(:System) RETURN b.rotation_days AS days"
    )
    assert backups and all(row["days"] > 0 for row in backups)


async def test_preemptly_is_controller_and_processor(seeded: Database) -> None:
    rows = await seeded.read(
        "MATCH (p:ProcessingActivity)-[:CONTROLLED_BY]->(c:Organisation) "
        "RETURN p.preemptly_role AS role, c.is_self AS self, p.profiling AS profiling, "
        "p.legal_basis AS basis"
    )
    assert {(row["role"], row["self"]) for row in rows} >= {
        ("CONTROLLER", True),
        ("PROCESSOR", False),
    }
    assert any(row["profiling"] for row in rows)
    assert any(row["basis"] == "GDPR-6-1-a" for row in rows)


async def test_invoices_follow_the_german_voucher_rule(seeded: Database) -> None:
    rows = await seeded.read(
        "MATCH (:Storage {id: 'st-invoices'})-[:RETAINED_UNDER]->(r:RetentionObligation) "
        "RETURN r.period_years AS years, r.jurisdiction AS where, r.runs_from AS start"
    )
    assert rows == [{"years": 8, "where": "DE", "start": "END_OF_CALENDAR_YEAR"}]


async def test_children_and_publication_are_facts_on_the_map(seeded: Database) -> None:
    rows = await seeded.read(
        "MATCH (o:Organisation {id: 'preemptly'}) RETURN o.is_self AS self, o.minimum_age AS age, "
        "o.directed_at_children AS children, o.makes_data_public AS public"
    )
    assert rows == [{"self": True, "age": 16, "children": False, "public": False}]


async def test_every_map_entry_says_where_it_comes_from(seeded: Database) -> None:
    rows = await seeded.read(
        "MATCH (n) WHERE n:System OR n:Storage OR n:Organisation OR n:Safeguard "
        "OR n:ProcessingActivity WITH n WHERE NOT n.id STARTS WITH 't-' "
        "RETURN count(n) AS total, "
        "count(CASE WHEN n.source IS NULL OR n.assumed IS NULL THEN 1 END) AS unsourced"
    )
    assert rows[0]["total"] > 0
    assert rows[0]["unsourced"] == 0


def test_an_assumed_source_must_be_marked_assumed() -> None:
    with pytest.raises(ValueError, match="assumed: true"):
        MapEntry(source="assumed", assumed=False)


def test_a_flow_has_exactly_one_destination() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Flow(
            id="t-seeds-flow",
            from_system="a",
            to_system="b",
            to_organisation="c",
            categories=["user"],
            purpose="essential",
            mode="PUSH",
            source="assumed",
            assumed=True,
        )


def test_a_backup_needs_a_rotation() -> None:
    with pytest.raises(ValueError, match="rotation_days"):
        System(
            id="t-seeds-backup",
            name="b",
            kind="BACKUP",
            owner_team=None,
            description="d",
            deletion_method=None,
            retrieval_method=None,
            operator="o",
            operator_role="PROCESSOR",
            hosted_in=["DE"],
            backs_up="s",
            source="assumed",
            assumed=True,
        )


def test_a_retention_obligation_has_one_period() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        RetentionObligation(
            id="t-seeds-ro",
            jurisdiction="DE",
            record_type="r",
            period_years=8,
            indefinite=True,
            runs_from="END_OF_CALENDAR_YEAR",
            legal_reference="x",
            source="s",
        )
