"""Load every seed: validate all files first, then write each file in one transaction.

A bad file raises `SeedError` naming the file, the entry and the field, before anything is written.
"""

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, LiteralString

import yaml
from pydantic import BaseModel, ValidationError

from graph import seed_writes as writes
from graph.database import Database
from seeds import models, packages
from seeds.references import references

DATA_DIR = Path(__file__).resolve().parent / "data"
Progress = Callable[[str, int, int], None]


class SeedLoader(yaml.SafeLoader):
    """YAML without the 1.1 surprises: dates stay strings for pydantic to check (so a bad date is
    a field error), and only true/false are booleans (so Norway's `NO` stays a country code)."""


SeedLoader.yaml_implicit_resolvers = {
    first: [
        (tag, pattern)
        for tag, pattern in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SeedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class SeedError(Exception):
    def __init__(
        self, file: str, message: str, *, entry: str | None = None, field: str | None = None
    ) -> None:
        self.file = file
        self.entry = entry
        self.field = field
        self.message = message
        where = ", ".join(
            part for part in (file, entry and f"entry {entry}", field and f"field {field}") if part
        )
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Spec:
    """One seed file: its model, the statements that write it, and the entry fields that become
    relationships rather than properties."""

    path: str
    model: type[BaseModel]
    statements: tuple[LiteralString, ...]
    not_properties: frozenset[str] = frozenset()


def spec(
    path: str,
    entry: type[models.Entry],
    statements: tuple[LiteralString, ...],
    *not_properties: str,
) -> Spec:
    return Spec(path, models.SeedFile[entry], statements, frozenset(not_properties))  # type: ignore[valid-type]


REGIMES = spec(
    "reference/regimes.yaml",
    models.Regime,
    writes.REGIMES,
    "area",
    "area_is_eea",
    "tools",
    "rights",
)
REFERENCE = (
    REGIMES,
    spec("reference/transfer_tools.yaml", models.TransferTool, writes.TRANSFER_TOOLS),
    spec("reference/international_organisations.yaml", models.InternationalOrganisation, ()),
    spec("reference/category_flags.yaml", models.CategoryFlag, ()),
    spec("reference/breach_categories.yaml", models.BreachCategory, ()),
    spec("reference/breach_obligations.yaml", models.BreachObligation, writes.BREACH_OBLIGATIONS),
    spec(
        "reference/breach_exemptions.yaml",
        models.BreachExemption,
        writes.BREACH_EXEMPTIONS,
        "obligations",
    ),
    spec("reference/breach_risk_factors.yaml", models.BreachRiskFactor, writes.BREACH_RISK_FACTORS),
    spec(
        "reference/adequacy.yaml",
        models.AdequacyDecision,
        writes.ADEQUACY_DECISIONS,
        "destinations",
        "destinations_include_eea",
    ),
    spec("reference/scc_modules.yaml", models.SccModule, writes.SCC_MODULES),
    spec("reference/legal_bases.yaml", models.LegalText, writes.LEGAL_BASES),
    spec(
        "reference/special_category_conditions.yaml",
        models.LegalText,
        writes.SPECIAL_CATEGORY_CONDITIONS,
    ),
    spec("reference/derogations.yaml", models.LegalText, writes.DEROGATIONS),
    spec("reference/right_items.yaml", models.RightItem, writes.RIGHT_ITEMS),
    spec("reference/exceptions.yaml", models.LegalText, writes.EXCEPTIONS),
    spec("reference/erasure_rules.yaml", models.LegalText, writes.ERASURE_RULES),
    spec("reference/security_measures.yaml", models.SecurityMeasure, writes.SECURITY_MEASURES),
    spec("reference/record_profiles.yaml", models.RecordProfile, writes.RECORD_PROFILES, "columns"),
    spec(
        "reference/retention_obligations.yaml",
        models.RetentionObligation,
        writes.RETENTION_OBLIGATIONS,
    ),
)
EEA = Spec("reference/eea.yaml", models.Eea, ())
PREEMPTLY = (
    spec("preemptly/subjects.yaml", models.DataSubject, writes.SUBJECTS),
    spec("preemptly/organisations.yaml", models.Organisation, writes.ORGANISATIONS, "dpf"),
    spec(
        "preemptly/systems.yaml",
        models.System,
        writes.SYSTEMS,
        "operator",
        "operator_role",
        "hosted_in",
        "accessed_from",
        "backs_up",
    ),
    spec(
        "preemptly/storages.yaml",
        models.Storage,
        writes.STORAGES,
        "system",
        "subject",
        "retention_obligation",
        "fields",
    ),
    spec(
        "preemptly/flows.yaml",
        models.Flow,
        writes.FLOWS,
        "from_system",
        "to_system",
        "to_organisation",
    ),
    spec(
        "preemptly/engagements.yaml",
        models.Engagement,
        writes.ENGAGEMENTS,
        "organisation",
        "engages",
    ),
    spec(
        "preemptly/lineage_namespaces.yaml",
        models.LineageNamespace,
        writes.LINEAGE_NAMESPACES,
        "system",
    ),
    spec("preemptly/safeguards.yaml", models.Safeguard, writes.SAFEGUARDS, "exporter", "importer"),
    spec(
        "preemptly/activities.yaml",
        models.ProcessingActivity,
        writes.ACTIVITIES,
        "subjects",
        "systems",
        "controller",
        "discloses_to",
    ),
)
POLICIES_DIR = "policies"
KEY_FIELDS = ("id", "key", "code")
EEA_MARKET = "EEA"
"""A market an organisation serves, or a collection point's data subjects are in: a country code,
an ISO 3166-2 subdivision (`US-CA`), or `EEA` for the 30 EEA states."""
REF_TARGETS = {
    "regime": "reference/regimes.yaml",
    "transfer_tool": "reference/transfer_tools.yaml",
    "legal_basis": "reference/legal_bases.yaml",
    "special_category_condition": "reference/special_category_conditions.yaml",
    "derogation": "reference/derogations.yaml",
    "exception": "reference/exceptions.yaml",
    "retention_obligation": "reference/retention_obligations.yaml",
    "security_measure": "reference/security_measures.yaml",
    "breach_obligation": "reference/breach_obligations.yaml",
    "subject": "preemptly/subjects.yaml",
    "organisation": "preemptly/organisations.yaml",
    "system": "preemptly/systems.yaml",
}


@dataclass(frozen=True)
class Batch:
    """Validated rows of one seed, ready to write in one transaction."""

    name: str
    statements: tuple[LiteralString, ...]
    rows: list[dict[str, Any]]


@dataclass
class Seeds:
    """Every seed file, parsed and validated."""

    data_dir: Path
    files: dict[str, BaseModel] = field(default_factory=dict)

    def entries(self, path: str) -> list[Any]:
        return list(getattr(self.files[path], "entries"))  # noqa: B009


def read(data_dir: Path = DATA_DIR) -> Seeds:
    """Parse and validate every seed file, and check every reference between them."""
    seeds = Seeds(data_dir)
    for item in (EEA, *REFERENCE, *PREEMPTLY, *policy_specs(data_dir)):
        seeds.files[item.path] = parse(data_dir, item)
    check_unique(seeds)
    check_references(seeds)
    return seeds


def policy_specs(data_dir: Path) -> list[Spec]:
    """One spec per privacy policy in `policies/` (a new version, or a customer's, is one more
    file there)."""
    return [
        Spec(f"{POLICIES_DIR}/{path.name}", models.Policy, writes.POLICIES)
        for path in sorted((data_dir / POLICIES_DIR).glob("*.yaml"))
    ]


def check_quotes(path: Path, name: str, policy: models.Policy) -> None:
    """Every claim's words occur verbatim (up to white space) in the policy's text."""
    if policy.text is None:
        return
    try:
        text = (path.parent / policy.text).read_text(encoding="utf-8")
    except OSError as error:
        raise SeedError(name, f"cannot read the policy text: {error}", field="text") from None
    flat = " ".join(text.split())
    for claim, words in policy.quotes():
        if " ".join(words.split()) not in flat:
            raise SeedError(
                name, f"not in {policy.text}: {words!r}", entry=f"claim {claim}", field="words"
            )


def policy_row(policy: models.Policy) -> dict[str, Any]:
    """A policy and its claims as one row: each claim's predicate as JSON text (a property
    cannot hold a map), keyed `<policy>:<claim>`."""
    data = policy.model_dump(mode="json")
    claims = [
        {
            "id": f"{policy.key}:{claim['key']}",
            "key": claim["key"],
            "position": position,
            "section": claim["section"],
            "words": claim["words"],
            "note": claim["note"],
            "kind": claim["predicate"]["kind"],
            "predicate": json.dumps(claim["predicate"], sort_keys=True),
        }
        for position, claim in enumerate(data["claims"])
    ]
    props = {key: value for key, value in policy.model_dump().items() if key != "claims"}
    return {"props": props, "claims": claims, "claim_ids": [claim["id"] for claim in claims]}


async def load_policy(db: Database, path: Path, data_dir: Path = DATA_DIR) -> models.Policy:
    """Validate one policy file (anywhere) against the seeds' keys, and write it beside the
    policies already loaded, in one transaction."""
    item = Spec(path.name, models.Policy, writes.POLICIES)
    policy = parse(path.parent, item)
    assert isinstance(policy, models.Policy)
    known = known_keys(read(data_dir))
    for field_path, ref, key in references(policy):
        if key not in known[ref.kind]:
            raise SeedError(path.name, f"unknown {ref.kind} {key!r}", field=field_path)
    await writes.write_rows(db, writes.POLICIES, [policy_row(policy)])
    return policy


def parse(data_dir: Path, item: Spec) -> BaseModel:
    try:
        raw = yaml.load((data_dir / item.path).read_text(encoding="utf-8"), SeedLoader)
    except (OSError, yaml.YAMLError) as error:
        raise SeedError(item.path, f"cannot read: {error}") from None
    try:
        parsed = item.model.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        location = list(first["loc"])
        entry = None
        if len(location) >= 2 and location[0] == "entries" and isinstance(location[1], int):
            entry = describe_entry(raw["entries"][location[1]], location[1])
            location = location[2:]
        field_name = ".".join(str(part) for part in location) or None
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise SeedError(item.path, first["msg"] + more, entry=entry, field=field_name) from None
    if isinstance(parsed, models.Policy):
        check_quotes(data_dir / item.path, item.path, parsed)
    return parsed


def describe_entry(raw: Any, index: int) -> str:
    if isinstance(raw, dict):
        for key in KEY_FIELDS:
            if key in raw:
                return f"#{index} ({key}={raw[key]})"
    return f"#{index}"


def entry_key(entry: BaseModel) -> str:
    return next(str(getattr(entry, key)) for key in KEY_FIELDS if hasattr(entry, key))


def check_unique(seeds: Seeds) -> None:
    for path, seed_file in seeds.files.items():
        entries = getattr(seed_file, "entries", [])
        counts = Counter(entry_key(entry) for entry in entries)
        for index, entry in enumerate(entries):
            if counts[entry_key(entry)] > 1:
                raise SeedError(
                    path, "duplicate key", entry=f"#{index} ({entry_key(entry)})", field="key"
                )


def known_keys(seeds: Seeds) -> dict[str, set[str]]:
    known = {
        kind: {entry_key(e) for e in seeds.entries(path)} for kind, path in REF_TARGETS.items()
    }
    known["subject"] |= {row.key for row in packages.subjects()}
    known["category"] = {row.key for row in packages.categories()}
    known["use"] = {row.key for row in packages.uses()}
    known["country"] = packages.country_codes() | {
        e.code for e in seeds.entries("reference/international_organisations.yaml")
    }
    known["market"] = known["country"] | packages.subdivision_codes() | {EEA_MARKET}
    known["jurisdiction"] = known["regime"] | (known["market"] - {EEA_MARKET})
    return known


def check_references(seeds: Seeds) -> None:
    known = known_keys(seeds)
    for path, seed_file in seeds.files.items():
        for index, entry in enumerate(getattr(seed_file, "entries", [seed_file])):
            for field_path, ref, key in references(entry):
                if key not in known[ref.kind]:
                    label = f"#{index} ({entry_key(entry)})" if path != EEA.path else None
                    raise SeedError(
                        path, f"unknown {ref.kind} {key!r}", entry=label, field=field_path
                    )


def batches(seeds: Seeds, *, example: bool = True) -> Iterator[Batch]:
    """The writes in dependency order: regimes before countries, nodes before edges to them.
    Without `example`, only the reference facts (no Preemptly map)."""
    eea: models.Eea = seeds.files[EEA.path]  # type: ignore[assignment]
    regimes: list[models.Regime] = seeds.entries("reference/regimes.yaml")
    flags: list[models.CategoryFlag] = seeds.entries("reference/category_flags.yaml")
    breach: list[models.BreachCategory] = seeds.entries("reference/breach_categories.yaml")
    eea_codes = [*eea.eu, *eea.eea_efta]
    tools = next(item for item in REFERENCE if item.path == "reference/transfer_tools.yaml")
    yield batch(seeds, tools)
    yield batch(seeds, REGIMES)
    yield Batch(
        "countries (pycountry)",
        writes.COUNTRIES,
        packages.country_rows(
            eea,
            seeds.entries("reference/international_organisations.yaml"),
            areas(regimes, eea_codes),
        ),
    )
    yield Batch(
        "categories (fideslang)", writes.TAXONOMY_CATEGORIES, packages.category_rows(flags, breach)
    )
    yield Batch("uses (fideslang)", writes.TAXONOMY_USES, packages.use_rows())
    yield Batch("subjects (fideslang)", writes.SUBJECTS, packages.subject_rows())
    for item in (*REFERENCE, *(PREEMPTLY if example else ())):
        if item.statements and item not in (tools, REGIMES):
            yield batch(seeds, item, eea_codes)
    if example:
        for item in policy_specs(seeds.data_dir):
            policy: models.Policy = seeds.files[item.path]  # type: ignore[assignment]
            yield Batch(item.path, item.statements, [policy_row(policy)])


def areas(regimes: list[models.Regime], eea_codes: list[str]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for regime in regimes:
        for code in [*regime.area, *(eea_codes if regime.area_is_eea else [])]:
            result.setdefault(code, []).append(regime.key)
    return result


def batch(seeds: Seeds, item: Spec, eea_codes: list[str] | None = None) -> Batch:
    return Batch(
        item.path,
        item.statements,
        [row(entry, item.not_properties, eea_codes or []) for entry in seeds.entries(item.path)],
    )


def row(entry: BaseModel, not_properties: frozenset[str], eea_codes: list[str]) -> dict[str, Any]:
    data = entry.model_dump()
    props = {key: value for key, value in data.items() if key not in not_properties}
    result: dict[str, Any] = {**data, "props": props}
    if isinstance(entry, models.Organisation):
        result["dpf"] = [
            {
                **cert,
                "id": f"{entry.id}:{cert['framework']}",
                "source": entry.source,
                "assumed": entry.assumed,
            }
            for cert in data["dpf"]
        ]
    if isinstance(entry, models.Organisation | models.Storage):
        field_name = "serves" if isinstance(entry, models.Organisation) else "subjects_in"
        props[field_name] = markets(getattr(entry, field_name), eea_codes)
    if isinstance(entry, models.AdequacyDecision):
        result["destinations"] = [
            *entry.destinations,
            *(eea_codes if entry.destinations_include_eea else []),
        ]
    return result


def markets(values: list[str], eea_codes: list[str]) -> list[str]:
    """Markets with `EEA` spelled out as its states."""
    spelled = [code for value in values for code in (eea_codes if value == EEA_MARKET else [value])]
    return sorted(set(spelled))


async def load_all(
    db: Database,
    *,
    data_dir: Path = DATA_DIR,
    progress: Progress | None = None,
    example: bool = True,
) -> dict[str, int]:
    """Validate every seed file, then write each in its own transaction (without `example`, only
    the reference facts). Returns the number of rows written per seed."""
    seeds = read(data_dir)
    planned = list(batches(seeds, example=example))
    written: dict[str, int] = {}
    for planned_batch in planned:
        report = None
        if progress is not None:
            report = _reporter(progress, planned_batch.name)
        await writes.write_rows(db, planned_batch.statements, planned_batch.rows, report)
        written[planned_batch.name] = len(planned_batch.rows)
    if example:
        await writes.record_fingerprint(db, fingerprint(planned))
    return written


def fingerprint(planned: list[Batch]) -> str:
    """A digest of everything a complete load writes: the statements and the rows, so a changed
    seed file, a new fideslang or pycountry release, or a changed statement all change it."""
    content = json.dumps(
        [[item.name, item.statements, item.rows] for item in planned], sort_keys=True, default=str
    )
    return hashlib.sha256(content.encode()).hexdigest()


async def is_current(db: Database, data_dir: Path = DATA_DIR) -> bool:
    """Whether the graph holds the complete load of these seeds, as they are now."""
    planned = list(batches(read(data_dir)))
    return await writes.loaded_fingerprint(db) == fingerprint(planned)


def _reporter(progress: Progress, name: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        progress(name, done, total)

    return report
