"""A regime is data: Brazil's LGPD, loaded from a fixture seed file (`tests/fixtures/lgpd.yaml`)
beside the reference seeds, gets transfer verdicts, an access plan and a deletion plan with no
code change. The GraphQL regime enums list the regimes the API offers; this test asks the
services, which take any regime the graph holds, over a synthetic map in the real Neo4j."""

import shutil
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
import yaml

from app.settings import Settings
from graph.database import Database
from resolvers.access.service import access_plan
from resolvers.access.transfers import transfer_answers
from resolvers.deletion.service import deletion_plan
from resolvers.errors import BadUserInput
from resolvers.transfer import service as transfer_service
from resolvers.transfer.decisions import Verdict
from seeds.loader import DATA_DIR, SeedLoader, load_all

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "lgpd.yaml"
P = "t-lgpd-"
DAY = date(2026, 6, 1)
MAP = """
MERGE (br:Organisation {id: $p + 'br'}) SET br.country = 'BR'
MERGE (de:Organisation {id: $p + 'de'}) SET de.country = 'DE'
MERGE (us:Organisation {id: $p + 'us'}) SET us.country = 'US'
MERGE (us2:Organisation {id: $p + 'us2'}) SET us2.country = 'US'
WITH br, de, us, us2
UNWIND [[br, 'BR'], [de, 'DE'], [us, 'US'], [us2, 'US']] AS pair
WITH br, de, us, us2, pair[0] AS o, pair[1] AS code
MATCH (c:Country {code: code})
MERGE (o)-[:ESTABLISHED_IN]->(c)
WITH DISTINCT br, de, us, us2
UNWIND [[br, 'app', 'CONTROLLER', 'BR'], [de, 'eu-db', 'PROCESSOR', 'DE'],
        [us, 'us-db', 'PROCESSOR', 'US'], [us2, 'us2-db', 'PROCESSOR', 'US']] AS row
WITH row[0] AS o, row[1] AS name, row[2] AS role, row[3] AS code
MERGE (s:System {id: $p + name})
SET s.name = name, s.identifiers = ['email'], s.owner_team = 'team', s.retrieval_method = 'API'
MERGE (s)-[op:OPERATED_BY]->(o) SET op.role = role
WITH s, code MATCH (c:Country {code: code}) MERGE (s)-[:HOSTED_IN]->(c)
"""
FLOWS = """
MATCH (app:System {id: $p + 'app'})
UNWIND ['eu-db', 'us-db', 'us2-db'] AS name
MATCH (t:System {id: $p + name})
MERGE (app)-[f:FLOWS_TO {id: $p + 'f-' + name}]->(t)
SET f.categories = ['user.contact.email'], f.mode = 'PUSH'
WITH DISTINCT app
MERGE (st:Storage {id: $p + 'st'})
SET st.collected_from_subject = true, st.controller_role = 'CONTROLLER', st.retention = '1 year',
    st.retention_days = 365, st.categories = ['user.contact.email']
MERGE (st)-[:IN_SYSTEM]->(app)
MERGE (d:DataSubject {key: $p + 'subject'}) SET d.name = 'LGPD test subject'
MERGE (st)-[:OF_SUBJECT]->(d)
WITH st MATCH (k:DataCategory {key: 'user.contact.email'}) MERGE (st)-[:OF_CATEGORY]->(k)
"""
SAFEGUARDS = """
MATCH (br:Organisation {id: $p + 'br'}), (us:Organisation {id: $p + 'us'}),
      (us2:Organisation {id: $p + 'us2'})
MERGE (a:Safeguard {id: $p + 'anpd-scc'})
SET a.type = 'ANPD_SCC', a.module = 2, a.regimes = ['BR'], a.signed_on = date('2025-08-01'),
    a.tia_on = date('2025-07-01'), a.tia_outcome = 'ADEQUATE'
MERGE (a)-[:EXPORTER]->(br) MERGE (a)-[:IMPORTER]->(us)
MERGE (e:Safeguard {id: $p + 'eu-scc'})
SET e.type = 'SCC', e.module = 2, e.regimes = ['EU'], e.signed_on = date('2025-08-01')
MERGE (e)-[:EXPORTER]->(br) MERGE (e)-[:IMPORTER]->(us2)
"""
CLEANUP = """
OPTIONAL MATCH (n) WHERE n.id STARTS WITH $p OR n.key STARTS WITH $p
  OR (n:Regime AND n.key = 'BR') OR (n:AdequacyDecision AND n.regime = 'BR')
  OR ((n:RightItem OR n:ErasureRule OR n:Exception) AND n.regime = 'BR')
  OR (n:TransferTool AND n.key = 'ANPD_SCC')
DETACH DELETE n
"""


def with_fixture(target: Path) -> Path:
    """A copy of the seed files with the fixture's entries added to each file it names."""
    shutil.copytree(DATA_DIR, target)
    added = yaml.load(FIXTURE.read_text(encoding="utf-8"), SeedLoader)
    for path, entries in added.items():
        seed_file = target / path
        raw = yaml.load(seed_file.read_text(encoding="utf-8"), SeedLoader)
        raw["entries"] += entries
        seed_file.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
async def lgpd(seeded: Database, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[None]:
    data_dir = with_fixture(tmp_path_factory.mktemp("seeds") / "data")
    await load_all(seeded, data_dir=data_dir, example=False)
    params = {"p": P}
    await seeded.write(MAP, params)
    await seeded.write(FLOWS, params)
    await seeded.write(SAFEGUARDS, params)
    yield
    await seeded.write(CLEANUP, params)


@pytest.mark.usefixtures("lgpd")
async def test_lgpd_transfers_are_decided_by_its_own_seeded_rules(seeded: Database) -> None:
    paths = await transfer_service.assess(seeded, regime="BR", as_of=DAY)
    decided = {p.last.hop.importer.id: p.last for p in paths if p.last.hop.id.startswith(P)}
    eu = decided[P + "de"]
    assert (eu.verdict, eu.legal_basis.instrument_id) == (Verdict.ADEQUACY, "BR-EEA")
    assert eu.legal_basis.article == "LGPD Art. 33, I"
    us = decided[P + "us"]
    assert (us.verdict, us.legal_basis.instrument_id) == (Verdict.SAFEGUARD, P + "anpd-scc")
    assert us.legal_basis.article == "LGPD Art. 33, II(b); ANPD Resolution 19/2024 Annex II"
    assert us.scc_module is None  # the ANPD clauses have no 2021/914 modules
    other = decided[P + "us2"]
    assert other.verdict is Verdict.BLOCKED
    assert other.legal_basis.article == "LGPD Art. 33"
    assert any("not the ANPD's clauses" in w for w in other.warnings)
    assert any("ANPD_SCC or BCR" in item for item in other.missing)


@pytest.mark.usefixtures("lgpd")
async def test_lgpd_check_refuses_an_exporter_it_does_not_reach(seeded: Database) -> None:
    request = transfer_service.TransferCheck(
        regime="BR",
        as_of=DAY,
        exporter_id=P + "de",
        exporter_role="CONTROLLER",
        importer_role="PROCESSOR",
        categories=(),
        importer_country="US",
    )
    with pytest.raises(BadUserInput, match="BR does not reach"):
        await transfer_service.check(seeded, request)


@pytest.mark.usefixtures("lgpd")
async def test_lgpd_access_and_deletion_plans_answer_in_its_law(
    seeded: Database, settings: Settings
) -> None:
    plan = await access_plan(
        seeded,
        settings,
        subject=P + "subject",
        categories=None,
        regime="BR",
        received_on=date(2026, 6, 1),
    )
    assert [item.key for item in plan.right_items] == [
        "BR-18-I",
        "BR-18-II",
        "BR-18-VII",
        "BR-33",
        "BR-19-II",
        "BR-ANPD",
    ]
    assert plan.authority == "Autoridade Nacional de Proteção de Dados (ANPD)"
    assert plan.deadline is not None and plan.deadline.due_on == date(2026, 6, 16)
    answers = await transfer_answers(seeded, plan, DAY)
    assert answers.applies and "LGPD Art. 33" in answers.note
    verdicts = {a.recipient.organisation.id: a.verdict for a in answers.answers}
    assert verdicts[P + "us"] is Verdict.SAFEGUARD
    deletion = await deletion_plan(
        seeded,
        subject=P + "subject",
        categories=None,
        regime="BR",
        as_of=DAY,
        last_record_date=None,
    )
    assert [g.article for g in deletion.grounds] == ["LGPD Art. 18, VI"]
    assert {n.reference.article for n in deletion.notifications} == {"LGPD Art. 18 §6"}
