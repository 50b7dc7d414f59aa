"""Realistic data maps at a chosen scale, the same for the same seed, and their bulk load.

A map of `n` systems has `n // 5` organisations and `5 n` flows. Systems live in domains of
`DOMAIN_SIZE`: one collection point per domain (an application run by the map's owner that collects
its own subject kind), chains, fan-out hubs, two-way syncs and longer cycles among the domain's
systems, flows out to vendors, and two backups. Flows stay inside their domain, so what a query
starting from one system reaches is the same at every scale; the size of the whole map is not.
Organisations form sub-processor chains up to `MAX_CHAIN` deep under the owner, with DPF
certifications for US vendors and safeguards for the engagements that leave the EEA.

`python -m bench.generate --scale 1k` loads a map into the Neo4j the settings name."""

import argparse
import asyncio
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache, partial
from typing import Any, LiteralString

import pycountry
from fideslang.default_taxonomy import DEFAULT_TAXONOMY
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from app.settings import Settings
from graph import bulk
from graph.database import Database
from graph.migrations import migrate
from seeds.loader import load_all

SCALES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
DOMAIN_SIZE = 50
BACKUPS_PER_DOMAIN = 2
FLOWS_PER_SYSTEM = 5
ORGANISATIONS_PER_SYSTEM = 0.2
MAX_CHAIN = 4
CHAIN_CUTS = (0.4, 0.7, 0.9)
"""Where the vendors of each level end, in order: 40 % engaged by the owner, then 30 %, 20 %, 10 %
one level deeper each."""
SOURCE = "datamap benchmark generator (synthetic)"

# fmt: off
EEA = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
)
# fmt: on
EU = set(EEA) - {"IS", "LI", "NO"}
THIRD_COUNTRIES = ("US", "CA", "JP", "IN", "BR", "AU", "SG", "KR", "IL", "NZ", "AR", "ZA", "MX")
SUBJECT_TO = {"CA": ["PIPEDA"], "JP": ["APPI"], "KR": ["PIPA"], "BR": ["LGPD"]}
REGIMES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("EU", "European Union GDPR", "Regulation (EU) 2016/679", EEA),
    ("UK", "UK GDPR", "UK GDPR and DPA 2018", ("GB",)),
    ("CH", "Swiss FADP", "Federal Act on Data Protection", ("CH",)),
    ("CCPA", "California CCPA/CPRA", "Cal. Civ. Code 1798.100 ff.", ()),
)
SYSTEM_KINDS = ("APPLICATION", "DATABASE", "FILE_STORE", "SAAS", "WAREHOUSE", "LOG_STORE")
DELETION_METHODS = ("API", "API", "MANUAL", "AUTOMATIC_EXPIRY", "NONE", None)
MODES = ("PUSH", "PUSH", "PULL", "REMOTE_ACCESS")
SERVICES = ("hosting", "email delivery", "support desk", "analytics", "payments", "backups")
LEGAL_BASES = ("GDPR-6-1-a", "GDPR-6-1-b", "GDPR-6-1-c", "GDPR-6-1-f")
OBLIGATION_ID = "DE-HGB-257-AO-147-BOOKS"


@dataclass
class DataMap:
    """The rows of one generated map, in load order."""

    regimes: list[dict[str, Any]] = field(default_factory=list)
    countries: list[dict[str, Any]] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)
    data_uses: list[dict[str, Any]] = field(default_factory=list)
    subjects: list[dict[str, Any]] = field(default_factory=list)
    legal_bases: list[dict[str, Any]] = field(default_factory=list)
    obligations: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    engagements: list[dict[str, Any]] = field(default_factory=list)
    certifications: list[dict[str, Any]] = field(default_factory=list)
    safeguards: list[dict[str, Any]] = field(default_factory=list)
    systems: list[dict[str, Any]] = field(default_factory=list)
    backups: list[dict[str, Any]] = field(default_factory=list)
    storages: list[dict[str, Any]] = field(default_factory=list)
    system_flows: list[dict[str, Any]] = field(default_factory=list)
    organisation_flows: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)

    def batches(self) -> Iterator[tuple[str, LiteralString, list[dict[str, Any]]]]:
        """(name, statement, rows) in an order where every row finds the nodes it links."""
        yield "regimes", bulk.REGIMES, self.regimes
        yield "countries", bulk.COUNTRIES, self.countries
        yield "categories", bulk.CATEGORIES, self.categories
        yield "data uses", bulk.DATA_USES, self.data_uses
        yield "subjects", bulk.SUBJECTS, self.subjects
        yield "legal bases", bulk.LEGAL_BASES, self.legal_bases
        yield "obligations", bulk.RETENTION_OBLIGATIONS, self.obligations
        yield "organisations", bulk.ORGANISATIONS, self.organisations
        yield "engagements", bulk.ENGAGEMENTS, self.engagements
        yield "certifications", bulk.CERTIFICATIONS, self.certifications
        yield "safeguards", bulk.SAFEGUARDS, self.safeguards
        yield "systems", bulk.SYSTEMS, self.systems
        yield "backups", bulk.BACKUPS, self.backups
        yield "storages", bulk.STORAGES, self.storages
        yield "system flows", bulk.SYSTEM_FLOWS, self.system_flows
        yield "organisation flows", bulk.ORGANISATION_FLOWS, self.organisation_flows
        yield "activities", bulk.ACTIVITIES, self.activities

    @property
    def flows(self) -> int:
        return len(self.system_flows) + len(self.organisation_flows)


@cache
def leaf_categories() -> tuple[str, ...]:
    """The fideslang `user.*` categories that have no children: what systems hold."""
    keys = [c.fides_key for c in DEFAULT_TAXONOMY.data_category]
    parents = {k.rsplit(".", 1)[0] for k in keys}
    return tuple(sorted(k for k in keys if k.startswith("user.") and k not in parents))


def reference_rows(data_map: DataMap) -> None:
    data_map.regimes = [
        {"key": key, "name": name, "instrument": instrument, "source": SOURCE}
        for key, name, instrument, _ in REGIMES
    ]
    area = {code: [key for key, _, _, codes in REGIMES if code in codes] for code in EEA}
    area |= {"GB": ["UK"], "CH": ["CH"]}
    codes = [*EEA, "GB", "CH", *THIRD_COUNTRIES]
    data_map.countries = [
        {
            "code": code,
            "name": pycountry.countries.lookup(code).name,
            "eu": code in EU,
            "eea": code in EEA,
            "regimes": area.get(code, []),
            "source": "pycountry",
        }
        for code in codes
    ]
    data_map.categories = [
        {"key": c.fides_key, "name": c.name, "parent_key": c.parent_key, "source": "fideslang"}
        for c in DEFAULT_TAXONOMY.data_category
    ]
    data_map.data_uses = [
        {"key": u.fides_key, "name": u.name, "parent_key": u.parent_key}
        for u in DEFAULT_TAXONOMY.data_use
    ]
    data_map.subjects = [
        {"key": s.fides_key, "name": s.name, "source": "fideslang"}
        for s in DEFAULT_TAXONOMY.data_subject
    ]
    data_map.legal_bases = [
        {"key": key, "text": key, "article": "GDPR Art. 6(1)", "source": SOURCE}
        for key in LEGAL_BASES
    ]
    data_map.obligations = [
        {
            "id": OBLIGATION_ID,
            "properties": {
                "jurisdiction": "DE",
                "record_type": "books and accounting records",
                "period_years": 10,
                "runs_from": "END_OF_CALENDAR_YEAR",
                "legal_reference": "HGB 257, AO 147",
                "gdpr_exception": "GDPR-17-3-b",
                "source": SOURCE,
            },
        }
    ]


def organisation_country(rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.5:
        return rng.choice(EEA)
    if draw < 0.6:
        return "GB"
    if draw < 0.65:
        return "CH"
    if draw < 0.9:
        return "US"
    return rng.choice(THIRD_COUNTRIES[1:])


def organisation_rows(data_map: DataMap, rng: random.Random, prefix: str, count: int) -> None:
    """The owner, then vendors in levels 1..MAX_CHAIN: each engaged by one of the level above."""
    levels: list[list[str]] = [[f"{prefix}org-0"]]
    countries = {f"{prefix}org-0": "DE"}
    data_map.organisations.append(
        {
            "id": f"{prefix}org-0",
            "properties": {
                "legal_name": f"{prefix}Owner GmbH",
                "country": "DE",
                "is_self": True,
                "kind": "COMPANY",
                "dpa_signed": date(2024, 1, 15),
                "subject_to": [],
                "source": SOURCE,
            },
        }
    )
    for index in range(1, count):
        position = (index - 1) / (count - 1)
        depth = min(1 + sum(position >= cut for cut in CHAIN_CUTS), len(levels))
        org_id = f"{prefix}org-{index}"
        country = organisation_country(rng)
        countries[org_id] = country
        data_map.organisations.append(
            {
                "id": org_id,
                "properties": {
                    "legal_name": f"{prefix}Vendor {index} ({country})",
                    "country": country,
                    "is_self": False,
                    "kind": "COMPANY",
                    "dpa_signed": date(2024, 1, 15) if rng.random() < 0.9 else None,
                    "subject_to": SUBJECT_TO.get(country, []),
                    "website": f"https://vendor-{index}.example",
                    "source": SOURCE,
                },
            }
        )
        engager = rng.choice(levels[depth - 1])
        if depth == len(levels):
            levels.append([])
        levels[depth].append(org_id)
        service = rng.choice(SERVICES)
        data_map.engagements.append(
            {
                "id": f"{prefix}eng-{index}",
                "source": engager,
                "target": org_id,
                "properties": {
                    "role": "PROCESSOR" if depth == 1 else "SUB_PROCESSOR",
                    "service": service,
                    "authorisation": rng.choice(("SPECIFIC", "GENERAL")),
                    "authorised_on": date(2023, 1 + index % 12, 1 + index % 28),
                    "notice_days": 30,
                    "categories": rng.sample(leaf_categories(), 3),
                },
            }
        )
        if country == "US" and rng.random() < 0.7:
            framework = rng.choice(("EU_US", "EU_US", "UK_EXTENSION", "SWISS_US"))
            data_map.certifications.append(
                {
                    "id": f"{org_id}:{framework}",
                    "organisation": org_id,
                    "properties": {
                        "framework": framework,
                        "status": "ACTIVE" if rng.random() < 0.9 else "INACTIVE",
                        "data_types": ["HR", "NON_HR"] if rng.random() < 0.5 else ["NON_HR"],
                        "certified_on": date(2023, 7, 10),
                        "source": SOURCE,
                    },
                }
            )
        if country not in EEA and rng.random() < 0.6:
            data_map.safeguards.append(
                {
                    "id": f"{prefix}sg-{index}",
                    "exporter": engager,
                    "importer": org_id,
                    "properties": {
                        "type": "SCC",
                        "module": 2 if depth == 1 else 3,
                        "regimes": ["EU"],
                        "signed_on": date(2022, 12, 1),
                        "tia_on": date(2023, 1, 15) if rng.random() < 0.8 else None,
                        "tia_outcome": "ADEQUATE_WITH_MEASURES",
                        "supplementary_measures": ["encryption at rest"],
                        "assumed": True,
                    },
                }
            )


def domain_rows(
    data_map: DataMap,
    rng: random.Random,
    prefix: str,
    domain: int,
    size: int,
    vendors: list[dict[str, Any]],
) -> None:
    """One domain of `size` systems, with 5 flows per system."""
    owner = f"{prefix}org-0"
    subject = f"{prefix}subject-{domain}"
    data_map.subjects.append(
        {"key": subject, "name": f"people of domain {domain}", "source": SOURCE}
    )
    categories = rng.sample(leaf_categories(), 6)
    as_processor = domain % 5 == 4
    live = size - BACKUPS_PER_DOMAIN
    ids = [f"{prefix}sys-{domain}-{i}" for i in range(size)]
    for i, system_id in enumerate(ids):
        backup = i >= live
        operated_by_owner = i == 0 or rng.random() < 0.6
        vendor = None if operated_by_owner else rng.choice(vendors)
        country = "DE" if vendor is None else vendor["properties"]["country"]
        hosted_in = [country] if rng.random() < 0.8 else [country, rng.choice(EEA)]
        accessed_from = (
            [{"country": rng.choice(THIRD_COUNTRIES), "purpose": "SUPPORT"}]
            if rng.random() < 0.1
            else []
        )
        data_map.systems.append(
            {
                "id": system_id,
                "operator": owner if vendor is None else vendor["id"],
                "role": "CONTROLLER" if vendor is None else "PROCESSOR",
                "hosted_in": sorted(set(hosted_in)),
                "accessed_from": accessed_from,
                "properties": {
                    "name": f"{prefix}system {domain}-{i}",
                    "kind": "BACKUP" if backup else rng.choice(SYSTEM_KINDS),
                    "owner_team": f"team-{domain % 20}" if rng.random() < 0.9 else None,
                    "description": f"synthetic system {i} of domain {domain}",
                    "deletion_method": None if backup else rng.choice(DELETION_METHODS),
                    "retrieval_method": "export API" if rng.random() < 0.7 else None,
                    "identifiers": ["email", "account_id"] if i % 2 else ["email"],
                    "rotation_days": 35 if backup else None,
                    "assumed": True,
                },
            }
        )
        if backup:
            data_map.backups.append({"backup": system_id, "source": ids[i - live]})
            continue
        data_map.storages.append(
            {
                "id": f"{prefix}st-{domain}-{i}",
                "system": system_id,
                "subject": subject,
                "categories": sorted(rng.sample(categories, rng.randint(1, 4))),
                "obligations": [OBLIGATION_ID] if rng.random() < 0.1 else [],
                "properties": {
                    "retention": "while the account is open",
                    "retention_days": rng.choice((30, 90, 365, 730, None)),
                    "on_erasure": "ERASE" if rng.random() < 0.9 else "ANONYMISE",
                    "collected_from_subject": i == 0,
                    "made_public": False,
                    "controller_role": "PROCESSOR" if as_processor else "CONTROLLER",
                    "assumed": True,
                },
            }
        )
    edges = domain_edges(rng, live, FLOWS_PER_SYSTEM * size)
    parents = sorted({k.rsplit(".", 1)[0] for k in categories})
    for n, (source, target) in enumerate(edges):
        carried = sorted(rng.sample(categories, rng.randint(1, 3)))
        if rng.random() < 0.1:
            carried = [rng.choice(parents)]
        row = {
            "id": f"{prefix}f-{domain}-{n}",
            "source": ids[source],
            "properties": {
                "categories": carried,
                "purpose": rng.choice(data_map.data_uses)["key"],
                "mode": rng.choice(MODES),
                "assumed": True,
            },
        }
        if target is None:
            data_map.organisation_flows.append(row | {"target": rng.choice(vendors)["id"]})
        else:
            data_map.system_flows.append(row | {"target": ids[target]})
    data_map.activities.append(
        {
            "id": f"{prefix}pa-{domain}",
            "controller": owner if not as_processor else rng.choice(vendors)["id"],
            "subject": subject,
            "systems": ids[: min(5, live)],
            "categories": categories,
            "properties": {
                "name": f"{prefix}activity of domain {domain}",
                "purpose": rng.choice(data_map.data_uses)["key"],
                "legal_basis": rng.choice(LEGAL_BASES),
                "retention": "while the account is open",
                "preemptly_role": "PROCESSOR" if as_processor else "CONTROLLER",
                "assumed": True,
            },
        }
    )


def domain_edges(rng: random.Random, live: int, count: int) -> list[tuple[int, int | None]]:
    """`count` distinct (source, target) pairs over `live` systems: a chain from the collection
    point, fan-out from every tenth system, two-way syncs, longer cycles, flows to vendors (target
    None), then random forward flows."""
    edges: list[tuple[int, int | None]] = [(i, i + 1) for i in range(live - 1)]
    for hub in range(0, live, 10):
        edges += [(hub, t) for t in rng.sample(range(live), min(8, live)) if t != hub]
    edges += [(i + 1, i) for i in range(0, live - 1, 7)]
    edges += [(j, j - 5) for j in range(5, live, 11)]
    edges += [(rng.randrange(live), None) for _ in range(live // 5)]
    unique = [e for e in dict.fromkeys(edges) if e[0] != e[1]]
    seen = set(unique)
    while len(unique) < count and live > 1:
        source, target = sorted(rng.sample(range(live), 2))
        if (source, target) not in seen:
            seen.add((source, target))
            unique.append((source, target))
    return unique[:count]


def generate(systems: int, *, seed: int = 7, prefix: str = "bench-") -> DataMap:
    """The map of `systems` systems (rounded up to whole domains) for `seed`."""
    rng = random.Random(seed)
    data_map = DataMap()
    reference_rows(data_map)
    organisation_rows(
        data_map, rng, prefix, max(int(systems * ORGANISATIONS_PER_SYSTEM), MAX_CHAIN + 1)
    )
    vendors = data_map.organisations[1:]
    domains = -(-systems // DOMAIN_SIZE)
    for domain in range(domains):
        size = min(DOMAIN_SIZE, systems - domain * DOMAIN_SIZE)
        domain_rows(data_map, rng, prefix, domain, max(size, BACKUPS_PER_DOMAIN + 2), vendors)
    return data_map


@dataclass(frozen=True)
class LoadReport:
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


async def load(
    db: Database, data_map: DataMap, *, batch_size: int = 1000, show: bool = True
) -> LoadReport:
    """Load `data_map` through the bulk writes, with a progress bar per kind of row, then the
    project's reference seeds (adequacy decisions, Art. 15 items, Art. 17(3) exceptions, ...),
    which the plans and the transfer engine cite."""
    await migrate(db)
    total = sum(len(rows) for _, _, rows in data_map.batches())
    started = time.perf_counter()
    columns = (
        TextColumn("{task.description:<20}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, disable=not show) as progress:
        for name, statement, rows in data_map.batches():
            task = progress.add_task(name, total=len(rows))
            await bulk.write_batches(
                db,
                statement,
                rows,
                batch_size=batch_size,
                on_batch=partial(progress.advance, task),
            )
    total += sum((await load_all(db, example=False)).values())
    return LoadReport(rows=total, seconds=time.perf_counter() - started)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=SCALES, default="1k")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    data_map = generate(SCALES[args.scale], seed=args.seed)
    db = Database.connect(Settings())
    try:
        report = await load(db, data_map)
    finally:
        await db.close()
    print(
        f"loaded {len(data_map.systems)} systems, {data_map.flows} flows, "
        f"{len(data_map.organisations)} organisations: {report.rows} rows in "
        f"{report.seconds:.1f} s ({report.rows_per_second:,.0f} rows/s)"
    )


if __name__ == "__main__":
    asyncio.run(main())
