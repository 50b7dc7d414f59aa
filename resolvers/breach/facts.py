"""The breach subgraph's records (`graph.queries.breach`) as the plain `BreachGraph` the
decisions read."""

from collections.abc import Iterable
from typing import Any

from graph.database import Record
from graph.queries.breach import BreachRecords
from resolvers.breach.decisions import (
    Activity,
    BreachGraph,
    Category,
    Exemption,
    Flow,
    Holding,
    Jurisdiction,
    Obligation,
    Organisation,
    Owner,
    Provenance,
    ReachedOrganisation,
    RiskFactor,
    System,
)
from resolvers.subjects import Carried, carried_subjects


def organisation(row: Record) -> Organisation:
    return Organisation(
        id=row["id"],
        name=row.get("legal_name") or row["id"],
        country=row.get("country"),
        is_self=bool(row.get("is_self")),
        serves=tuple(sorted(row.get("serves") or ())),
    )


def category(row: Record) -> Category:
    return Category(
        key=row["key"],
        name=row.get("name") or row["key"],
        special=bool(row.get("special_category")),
        criminal=bool(row.get("criminal_data")),
        credential=bool(row.get("credential")),
        financial=bool(row.get("financial")),
        us_element=row.get("us_breach_element"),
        us_with_any=tuple(row.get("us_breach_with_any") or ()),
    )


def categories(rows: list[Record]) -> tuple[Category, ...]:
    return tuple(category(c) for c in sorted(rows, key=lambda c: str(c["key"])))


def holding(row: Record, system_id: str) -> Holding:
    return Holding(
        id=row["id"],
        system_id=system_id,
        subject=row.get("subject") or "",
        subject_name=row.get("subject_name") or row.get("subject") or "",
        categories=categories(row["categories"]),
        controller_role=row.get("controller_role") or "CONTROLLER",
        record_count=row.get("record_count"),
        subjects_in=tuple(sorted(row.get("subjects_in") or ())),
    )


def activity(row: Record) -> Activity:
    controller: dict[str, Any] | None = row.get("controller")
    return Activity(
        id=row["id"],
        name=row.get("name") or row["id"],
        preemptly_role=row.get("preemptly_role") or "CONTROLLER",
        subjects=tuple(sorted((s["key"], s.get("name") or s["key"]) for s in row["subjects"])),
        categories=categories(row["categories"]),
        controller=organisation(controller) if controller else None,
    )


def flow(row: Record, source: str) -> Flow:
    listed = row.get("categories")
    named = row.get("subjects")
    return Flow(
        id=row["id"],
        source=source,
        target=row["target"],
        target_name=row.get("target_name") or row["target"],
        to_organisation=bool(row.get("to_organisation")),
        categories=tuple(listed) if listed else None,
        subjects=None if named is None else tuple(sorted(named)),
    )


def reached_organisation(row: Record) -> ReachedOrganisation:
    """An organisation of the compromised one's ENGAGES chain, with whose data the chain's
    engagements carry to it."""
    carries: Carried = None
    for named in row.get("subjects") or ():
        carries = carried_subjects(carries, named)
    return ReachedOrganisation(organisation(row), tuple(row["chain"]), tuple(row["roles"]), carries)


def system(row: Record) -> System:
    operator: dict[str, Any] | None = row.get("operator")
    return System(
        id=row["id"],
        name=row.get("name") or row["id"],
        kind=row.get("kind"),
        security_measures=tuple(row.get("security_measures") or ()),
        operator=organisation(operator) if operator else None,
        operator_role=operator.get("role") if operator else None,
        backs_up=tuple(sorted(row["backs_up"])),
        hosted_in=tuple(sorted(row["hosted_in"])),
        flows=tuple(flow(f, row["id"]) for f in sorted(row["flows"], key=lambda f: str(f["id"]))),
        storages=tuple(
            holding(st, row["id"]) for st in sorted(row["storages"], key=lambda s: str(s["id"]))
        ),
        activities=tuple(
            activity(a) for a in sorted(row["activities"], key=lambda a: str(a["id"]))
        ),
    )


def provenance(row: Record) -> Provenance:
    dated = row.get("source_date")
    return Provenance(
        source=row.get("source") or "",
        source_date=dated.isoformat() if dated is not None else None,
        confidence=row.get("confidence") or "M",
    )


def obligation(row: Record) -> Obligation:
    return Obligation(
        key=row["key"],
        jurisdiction=row["jurisdiction"],
        addressee=row["addressee"],
        trigger=row["trigger"],
        kinds=tuple(row["kinds"]),
        deadline_text=row["deadline_text"],
        citation=row["citation"],
        text=row["text"],
        provenance=provenance(row),
        authority=row.get("authority"),
        deadline_hours=row.get("deadline_hours"),
        deadline_days=row.get("deadline_days"),
        deadline_from=row.get("deadline_from") or "AWARENESS",
        residents_over=row.get("residents_over"),
        contents=row.get("contents"),
    )


def exemption(row: Record) -> Exemption:
    return Exemption(
        key=row["key"],
        obligations=tuple(sorted(row["obligations"])),
        basis=row["basis"],
        citation=row["citation"],
        text=row["text"],
        provenance=provenance(row),
    )


def risk_factor(row: Record) -> RiskFactor:
    return RiskFactor(
        key=row["key"],
        test=row["test"],
        kinds=tuple(row["kinds"]),
        high_risk=bool(row["high_risk"]),
        label=row["label"],
        consequence=row["consequence"],
        citation=row["citation"],
        provenance=provenance(row),
    )


def owner(row: Record | None) -> Owner | None:
    if row is None:
        return None
    return Owner(
        organisation=organisation({**row, "is_self": True}),
        supervisory_authority=row.get("supervisory_authority"),
        directed_at_children=row.get("directed_at_children"),
        dpo_contact=row.get("dpo_contact"),
    )


JURISDICTIONS = ("EU", "UK", "CH", "US-CA", "US-NY", "US-TX", "US-FL", "US-WA")
ADDRESSEES = (
    "SUPERVISORY_AUTHORITY",
    "DATA_SUBJECTS",
    "CONTROLLER",
    "REGULATOR",
    "CONSUMER_REPORTING_AGENCIES",
)


def in_order(row: Record) -> tuple[int, int, str]:
    jurisdiction = row["jurisdiction"]
    addressee = row["addressee"]
    return (
        JURISDICTIONS.index(jurisdiction) if jurisdiction in JURISDICTIONS else len(JURISDICTIONS),
        ADDRESSEES.index(addressee) if addressee in ADDRESSEES else len(ADDRESSEES),
        str(row["key"]),
    )


def jurisdictions(
    regimes: list[Record], obligations: Iterable[Obligation]
) -> dict[str, Jurisdiction]:
    """Each jurisdiction the obligations name, in their order: a regime's area and markets, or a
    market code of its own."""
    by_key = {row["key"]: row for row in regimes}
    result: dict[str, Jurisdiction] = {}
    for o in obligations:
        key = o.jurisdiction
        if key in result:
            continue
        row = by_key.get(key)
        if row is None:
            result[key] = Jurisdiction(key, key, places=frozenset({key}))
            continue
        area = frozenset(row["area"])
        result[key] = Jurisdiction(
            key,
            row.get("name") or key,
            area=area,
            places=area | frozenset(row["markets"]),
            reach=row.get("reach"),
        )
    return result


def to_graph(records: BreachRecords) -> BreachGraph:
    systems = {row["id"]: system(row) for row in records.systems}
    received = tuple(
        flow(f, f["source"]) for f in sorted(records.received, key=lambda f: str(f["id"]))
    )
    obligations = tuple(obligation(o) for o in sorted(records.obligations, key=in_order))
    return BreachGraph(
        systems=systems,
        selected=tuple(records.selected),
        organisations=tuple(
            reached_organisation(o)
            for o in sorted(records.organisations, key=lambda o: (len(o["chain"]), o["id"]))
        ),
        received=received,
        obligations=obligations,
        exemptions=tuple(
            exemption(e) for e in sorted(records.exemptions, key=lambda e: str(e["key"]))
        ),
        risk_factors=tuple(
            risk_factor(f) for f in sorted(records.risk_factors, key=lambda f: str(f["key"]))
        ),
        owner=owner(records.self),
        jurisdictions=jurisdictions(records.regimes, obligations),
    )
