"""The seed loader against the real Neo4j: idempotent, all-or-nothing on a bad file, and the
reference facts it writes."""

import shutil
from datetime import date
from pathlib import Path
from typing import Any, get_args

import pycountry
import pytest
from fideslang.default_taxonomy import DEFAULT_TAXONOMY

from app.cli import _first_start
from graph.database import Database
from graph.seed_writes import record_fingerprint
from resolvers.registration.vocabulary import (
    AdequacyScope,
    BreachAddressee,
    Confidence,
    DeadlineFrom,
    DpfFramework,
    ExemptionBasis,
    MeasureKind,
    OnErasure,
    PeriodStart,
    RiskTest,
    Role,
    SafeguardType,
)
from seeds import models
from seeds.loader import DATA_DIR, SeedError, is_current, load_all
from tests.conftest import GraphQL

SEEDED = "n.source IS NOT NULL"


async def fingerprint(db: Database) -> tuple[list[str], list[str]]:
    """Every seeded node with its labels and properties, and every relationship from one."""
    nodes = await db.read(
        "MATCH (n) WHERE " + SEEDED + " RETURN labels(n) AS labels, properties(n) AS props"
    )
    edges = await db.read(
        "MATCH (n)-[r]->(m) WHERE " + SEEDED + " "
        "RETURN type(r) AS type, properties(r) AS props, elementId(n) AS a, elementId(m) AS b"
    )
    return sorted(map(repr, nodes)), sorted(map(repr, edges))


async def test_loading_twice_changes_nothing(seeded: Database) -> None:
    before = await fingerprint(seeded)
    await load_all(seeded)
    after = await fingerprint(seeded)
    assert len(before[0]) > 550
    assert before == after


async def test_a_start_loads_the_seeds_only_when_the_graph_lacks_them_as_they_are_now(
    seeded: Database, tmp_path: Path
) -> None:
    assert await is_current(seeded)
    edited = tmp_path / "data"
    shutil.copytree(DATA_DIR, edited)
    systems = edited / "preemptly" / "systems.yaml"
    systems.write_text(systems.read_text(encoding="utf-8").replace("name: Payments,", "name: Pay,"))
    assert not await is_current(seeded, data_dir=edited)
    await record_fingerprint(seeded, "a load by an older version")
    assert not await is_current(seeded)
    await _first_start(seeded)
    assert await is_current(seeded)


def broken_copy(tmp_path: Path, path: str, old: str, new: str) -> Path:
    """A copy of the seed data with one edit; it also renames a system in an earlier file, so a
    loader that wrote before validating everything would leave a trace."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    for file, before, after in (
        ("preemptly/systems.yaml", "name: Payments,", "name: t-seeds-written-too-early,"),
        (path, old, new),
    ):
        text = (data / file).read_text(encoding="utf-8")
        assert before in text
        (data / file).write_text(text.replace(before, after, 1), encoding="utf-8")
    return data


@pytest.mark.parametrize(
    ("path", "old", "new", "entry", "field", "message"),
    [
        (
            "preemptly/organisations.yaml",
            "country: LU",
            "country: XX",
            "nimbus-emea",
            "country",
            "unknown country 'XX'",
        ),
        (
            "preemptly/storages.yaml",
            "user.content.self_image",
            "user.content.selfie",
            "st-account-files",
            "categories[1]",
            "unknown category 'user.content.selfie'",
        ),
        (
            "preemptly/activities.yaml",
            "controller: globex-inc",
            "controller: t-seeds-nobody",
            "pa-customer-data-globex",
            "controller",
            "unknown organisation 't-seeds-nobody'",
        ),
        (
            "preemptly/flows.yaml",
            "to_system: search-index",
            "to_system: t-seeds-missing",
            "f-customer-data-search",
            "to_system",
            "unknown system 't-seeds-missing'",
        ),
        (
            "preemptly/systems.yaml",
            "kind: WAREHOUSE",
            "kind: LAKE",
            "event-warehouse",
            "kind",
            "Input should be",
        ),
        (
            "reference/adequacy.yaml",
            "valid_until: 2031-12-27",
            "valid_until: 2031-13-27",
            "EU-GB",
            "valid_until",
            "date",
        ),
    ],
)
async def test_a_bad_seed_names_file_entry_and_field_and_writes_nothing(
    seeded: Database,
    tmp_path: Path,
    path: str,
    old: str,
    new: str,
    entry: str,
    field: str,
    message: str,
) -> None:
    before = await fingerprint(seeded)
    with pytest.raises(SeedError) as raised:
        await load_all(seeded, data_dir=broken_copy(tmp_path, path, old, new))
    error = raised.value
    assert (error.file, error.field) == (path, field)
    assert error.entry is not None and entry in error.entry
    assert message in error.message
    assert path in str(error) and field in str(error)
    assert await fingerprint(seeded) == before


def test_the_types_a_seeded_safeguard_may_have_are_the_apis_safeguard_types() -> None:
    literal, _ = get_args(models.SafeguardTypeKey)
    assert set(get_args(literal)) == {member.value for member in SafeguardType}


async def test_a_safeguard_of_a_tool_the_api_does_not_offer_fails_loading_not_a_query(
    seeded: Database, tmp_path: Path
) -> None:
    """A transfer tool is data (a regime seeded beside the shipped ones may bring its own), but
    the map's safeguards are answered as the SafeguardType enum: one of another tool fails the
    load, naming its file, entry and field, and writes nothing."""
    data = broken_copy(
        tmp_path,
        "preemptly/safeguards.yaml",
        "{id: sg-preemptly-pipeline-crm-idta, type: IDTA,",
        "{id: sg-preemptly-pipeline-crm-idta, type: ANPD_SCC,",
    )
    tools = data / "reference" / "transfer_tools.yaml"
    tools.write_text(
        tools.read_text(encoding="utf-8")
        + '  - {key: ANPD_SCC, name: "ANPD clauses", text_source: "CD/ANPD 19/2024", '
        'source: "test", confidence: S}\n',
        encoding="utf-8",
    )
    before = await fingerprint(seeded)
    with pytest.raises(SeedError) as raised:
        await load_all(seeded, data_dir=data)
    error = raised.value
    assert (error.file, error.field) == ("preemptly/safeguards.yaml", "type")
    assert error.entry is not None and "sg-preemptly-pipeline-crm-idta" in error.entry
    assert "Input should be" in error.message
    assert await fingerprint(seeded) == before


async def test_a_duplicate_key_is_refused(seeded: Database, tmp_path: Path) -> None:
    data = broken_copy(tmp_path, "preemptly/flows.yaml", "id: f-app-files,", "id: f-app-accounts,")
    with pytest.raises(SeedError, match="duplicate key") as raised:
        await load_all(seeded, data_dir=data)
    assert raised.value.file == "preemptly/flows.yaml"
    assert raised.value.entry is not None and "f-app-accounts" in raised.value.entry


async def test_progress_is_reported_per_seed(db: Database) -> None:
    reports: list[tuple[str, int, int]] = []
    written = await load_all(
        db, progress=lambda name, done, total: reports.append((name, done, total))
    )
    last = {name: (done, total) for name, done, total in reports}
    assert set(last) == set(written)
    assert all(done == total for done, total in last.values())
    assert written["countries (pycountry)"] == len(__import__("pycountry").countries) + 2


async def one(db: Database, text: str, **params: Any) -> dict[str, Any]:
    rows = await db.read(text, params)  # type: ignore[arg-type]
    assert len(rows) == 1, rows
    return rows[0]


async def test_eu_adequacy_for_the_uk_runs_to_2031_12_27(seeded: Database) -> None:
    row = await one(
        seeded,
        "MATCH (a:AdequacyDecision {id: 'EU-GB'})-[:OF_REGIME]->(:Regime {key: 'EU'}) "
        "MATCH (a)-[:COVERS]->(c:Country) RETURN a.valid_until AS until, collect(c.code) AS codes",
    )
    assert row["until"].to_native() == date(2031, 12, 27)
    assert row["codes"] == ["GB"]


async def test_eu_adequacy_for_the_us_covers_only_dpf_listed_organisations(
    seeded: Database,
) -> None:
    row = await one(
        seeded,
        "MATCH (a:AdequacyDecision)-[:OF_REGIME]->(:Regime {key: 'EU'}) "
        "MATCH (a)-[:COVERS]->(:Country {code: 'US'}) "
        "RETURN a.scope AS scope, a.dpf_framework AS framework, a.valid_until AS until",
    )
    assert row == {"scope": "DPF", "framework": "EU_US", "until": None}


async def test_the_eu_list_has_17_entries_with_brazil_and_the_epo(seeded: Database) -> None:
    rows = await seeded.read(
        "MATCH (a:AdequacyDecision)-[:OF_REGIME]->(:Regime {key: 'EU'}) "
        "MATCH (a)-[:COVERS]->(c:Country) RETURN c.code AS code, a.scope AS scope, "
        "a.scope_law AS law"
    )
    by_code = {row["code"]: row for row in rows}
    assert len(rows) == 17
    assert by_code["BR"]["law"] == "LGPD"
    assert by_code["CA"]["law"] == "PIPEDA"
    assert by_code["IO-EPO"]["scope"] == "FULL"


async def test_the_eea_has_30_codes_and_is_the_eu_regime_area(seeded: Database) -> None:
    row = await one(
        seeded,
        "MATCH (c:Country {eea: true}) WHERE c.code IN $iso "
        "WITH collect(c.code) AS eea "
        "MATCH (a:Country)-[:IN_AREA_OF]->(:Regime {key: 'EU'}) "
        "RETURN eea, collect(a.code) AS area",
        iso=[country.alpha_2 for country in pycountry.countries],
    )
    assert len(row["eea"]) == 30
    assert sorted(row["eea"]) == sorted(row["area"])
    assert {"IS", "LI", "NO"} <= set(row["eea"])
    assert not {"CH", "GB"} & set(row["eea"])


async def test_every_fideslang_category_is_present_with_its_parent(seeded: Database) -> None:
    rows = await seeded.read(
        "MATCH (c:DataCategory) WHERE c.key IN $keys "
        "OPTIONAL MATCH (c)-[:CHILD_OF]->(p:DataCategory) "
        "RETURN c.key AS key, c.parent_key AS parent_key, p.key AS parent",
        {"keys": [item.fides_key for item in DEFAULT_TAXONOMY.data_category]},
    )
    expected = {item.fides_key: item.parent_key for item in DEFAULT_TAXONOMY.data_category}
    assert {row["key"]: row["parent"] for row in rows} == expected
    assert all(row["parent_key"] == row["parent"] for row in rows)


async def test_special_categories_are_flagged_down_the_tree(seeded: Database) -> None:
    rows = await seeded.read(
        "MATCH (c:DataCategory) WHERE c.special_category RETURN c.key AS key ORDER BY key"
    )
    keys = [row["key"] for row in rows]
    assert "user.health_and_medical.genetic" in keys
    assert "user.biometric.fingerprint" in keys
    assert "user.contact.email" not in keys
    criminal = await one(
        seeded, "MATCH (c:DataCategory {key: 'user.criminal_history'}) RETURN c.criminal_data AS f"
    )
    assert criminal["f"] is True


async def test_node_counts_through_graphql(seeded: Database, graphql: GraphQL) -> None:
    body = await graphql("{ about { nodeCounts { label count } } }")
    counts = {row["label"]: row["count"] for row in body["data"]["about"]["nodeCounts"]}
    expected = await seeded.read(
        "MATCH (n) WHERE " + SEEDED + " UNWIND labels(n) AS label RETURN label, count(*) AS count"
    )
    for row in expected:
        assert counts[row["label"]] >= row["count"]
    assert counts["DataCategory"] >= 85
    assert counts["DataUse"] >= 56
    assert counts["Country"] >= 251
    assert counts["AdequacyDecision"] >= 30
    assert counts["System"] >= 15


def test_the_seeds_scope_framework_and_confidence_vocabularies_are_the_apis_enums() -> None:
    assert set(get_args(models.Confidence)) == {member.value for member in Confidence}
    assert set(get_args(models.AdequacyScope)) == {member.value for member in AdequacyScope}
    assert set(get_args(models.DpfFramework)) == {member.value for member in DpfFramework}


def test_the_seeds_roles_are_the_apis_role_enum() -> None:
    roles = {member.value for member in Role}
    assert set(get_args(models.Role)) == roles
    assert set(get_args(models.ContractRole)) <= roles
    assert set(get_args(models.PreemptlyRole)) <= roles


def test_the_seeds_closed_vocabularies_are_the_apis_enums() -> None:
    for model, field, vocabulary in [
        (models.Storage, "on_erasure", OnErasure),
        (models.SecurityMeasure, "kind", MeasureKind),
        (models.RetentionObligation, "runs_from", PeriodStart),
        (models.BreachObligation, "addressee", BreachAddressee),
        (models.BreachObligation, "deadline_from", DeadlineFrom),
        (models.BreachExemption, "basis", ExemptionBasis),
        (models.BreachRiskFactor, "test", RiskTest),
    ]:
        literal = model.model_fields[field].annotation
        assert set(get_args(literal)) == {member.value for member in vocabulary}, field
