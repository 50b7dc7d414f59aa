"""The graph's access rows (`graph.queries.access`) as the plain `AccessFacts` that the plan
decides over."""

from dataclasses import replace
from typing import Any

from graph.queries import access as queries
from resolvers.access.decisions import (
    AccessFacts,
    Activity,
    Engagement,
    Flow,
    HeldAs,
    Law,
    Organisation,
    Reach,
    Record,
    RightText,
    Safeguard,
    SystemFacts,
)


def _organisation(row: dict[str, Any] | None) -> Organisation | None:
    if row is None:
        return None
    return Organisation(
        id=row["id"],
        legal_name=row.get("legal_name"),
        country=row.get("country"),
        is_self=bool(row.get("is_self")),
        supervisory_authority=row.get("supervisory_authority"),
        sells_personal_data=row.get("sells_personal_data"),
    )


def _system(row: dict[str, Any]) -> SystemFacts:
    operator = row["operator"]
    return SystemFacts(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        owner_team=row["owner_team"],
        retrieval_method=row["retrieval_method"],
        identifiers=tuple(row["identifiers"] or ()),
        operator=_organisation(operator),
        operator_role=None if operator is None else operator["role"],
        hosted_in=tuple(row["hosted_in"]),
        accessed_from=tuple(row["accessed_from"]),
        rotation_days=row["rotation_days"],
    )


def _reach(row: dict[str, Any]) -> Reach:
    flows = tuple(Flow(id=f["id"], categories=tuple(f["categories"])) for f in row["flows"])
    if row["kind"] == "System":
        return Reach(
            start=row["start"], flows=flows, system=_system(row["node"]), organisation=None
        )
    return Reach(
        start=row["start"], flows=flows, system=None, organisation=_organisation(row["node"])
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def law(row: dict[str, Any] | None, regime: str) -> Law:
    """The regime's Regime node as `Law`; a bare key when the node has no answering rules."""
    if row is None:
        return Law(key=regime)
    return Law(
        key=regime,
        name=row.get("name"),
        authority=row.get("authority"),
        authority_rule=row.get("authority_rule"),
        complaint_route=row.get("complaint_route"),
        response_days=row.get("response_days"),
        response_months=row.get("response_months"),
        extension_days=row.get("extension_days"),
        extension_months=row.get("extension_months"),
        extension_rule_open=bool(row.get("extension_rule_open")),
        deadline_rule=row.get("deadline_rule"),
        transfer_article=row.get("transfer_article"),
        erasure_right=row.get("erasure_right"),
        erasure_notice=row.get("erasure_notice"),
        legal_basis_law=row.get("legal_basis_law"),
    )


def facts_from_rows(rows: queries.AccessRows, regime: str) -> AccessFacts:
    regime_law = law(rows.subject["law"], regime)
    holdings: list[tuple[SystemFacts, Record]] = []
    activities: dict[str, Activity] = {}
    for row in rows.holdings:
        record = row["record"]
        if row["held_by"] == "STORAGE":
            obligation = record["obligation"]
            holdings.append(
                (
                    _system(row["system"]),
                    Record(
                        id=record["id"],
                        held_as=HeldAs.STORED,
                        categories=tuple(record["categories"]),
                        role=record["controller_role"],
                        retention=record["retention"],
                        retention_days=record["retention_days"],
                        obligation=None if obligation is None else obligation["id"],
                        collected_from_subject=bool(record["collected_from_subject"]),
                    ),
                )
            )
            continue
        basis = record["legal_basis"]
        activity = activities.get(record["id"]) or Activity(
            id=record["id"],
            name=record["name"],
            purpose=record["purpose"],
            purpose_name=record["purpose_name"],
            legal_basis=None
            if basis is None
            else regime_law.legal_basis(basis["article"], basis["text"]),
            categories=tuple(record["categories"]),
            role=record["preemptly_role"],
            automated_decision_making=bool(record["automated_decision_making"]),
            profiling=bool(record["profiling"]),
            controller=_organisation(record["controller"]),
            discloses_to=tuple(
                (org, role)
                for entry in record["discloses_to"]
                for org, role in [(_organisation(entry), entry["role"])]
                if org is not None
            ),
            recipient_categories=tuple(record["recipient_categories"] or ()),
            systems=(),
        )
        if row["system"] is not None:
            system = _system(row["system"])
            activity = replace(activity, systems=(*activity.systems, system.id))
            holdings.append(
                (
                    system,
                    Record(
                        id=activity.id,
                        held_as=HeldAs.PROCESSED,
                        categories=activity.categories,
                        role=activity.role,
                        retention=record["retention"],
                        retention_days=record["retention_days"],
                    ),
                )
            )
        activities[activity.id] = activity
    engagements: dict[str, list[list[Engagement]]] = {}
    for row in rows.recipients:
        chains = [
            [
                Engagement(
                    id=hop["id"],
                    from_id=hop["from"],
                    to=Organisation(
                        id=hop["to"]["id"],
                        legal_name=hop["to"]["legal_name"],
                        country=hop["to"]["country"],
                        is_self=bool(hop["to"]["is_self"]),
                    ),
                    role=hop["role"],
                    service=hop["service"],
                )
                for hop in chain
            ]
            for chain in row["chains"]
            if chain
        ]
        engagements[row["organisation"]["id"]] = chains
    return AccessFacts(
        subject=rows.subject["key"],
        subject_name=rows.subject["name"],
        regime=regime,
        law=regime_law,
        area=frozenset(rows.subject["area"]),
        right_items=[
            RightText(
                key=item["key"],
                article=item["article"],
                text=item["text"],
                answers=item["answers"] or "TEXT",
            )
            for item in rows.subject["right_items"]
        ],
        holdings=holdings,
        activities=sorted(activities.values(), key=lambda activity: activity.id),
        copies=[_reach(row) for row in rows.copies],
        sources=[_reach(row) for row in rows.sources],
        backups=[(row["backs_up"], _system(row["system"])) for row in rows.backups],
        engagements=engagements,
        engaged_as={row["organisation"]["id"]: tuple(row["engaged_as"]) for row in rows.recipients},
        truncated=rows.truncated,
        safeguards=[
            Safeguard(
                id=row["safeguard"]["id"],
                type=row["safeguard"]["type"],
                module=row["safeguard"]["module"],
                regimes=tuple(row["safeguard"]["regimes"] or ()),
                exporter=row["exporter"],
                importer=row["importer"],
                tia_outcome=row["safeguard"]["tia_outcome"],
                signed_on=_text(row["safeguard"]["signed_on"]),
                expires_on=_text(row["safeguard"]["expires_on"]),
            )
            for row in rows.safeguards
        ],
    )
