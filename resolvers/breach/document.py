"""Draft notifications, one per authority a duty addresses: the items of Art. 33(3)(a)-(d)
filled from the graph, each with what a person must complete, as plain data, JSON and Markdown.
The map holds what was where; what happened, when, and what was done about it a person adds."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from resolvers.breach.decisions import Duty, Impact, Reach, Status

NOTIFIED = ("SUPERVISORY_AUTHORITY", "REGULATOR")


@dataclass(frozen=True)
class DraftItem:
    key: str
    label: str
    filled: tuple[str, ...]
    to_complete: tuple[str, ...]


@dataclass(frozen=True)
class Draft:
    authority: str
    jurisdiction: str
    obligation: str
    citation: str
    status: Status
    deadline: datetime | None
    deadline_text: str
    conditions: tuple[str, ...]
    contents: str | None
    notifier: str
    aware_at: datetime
    kind: str
    items: tuple[DraftItem, ...]


def drafts(impact: Impact) -> list[Draft]:
    return [
        draft(impact, duty)
        for duty in impact.duties
        if duty.obligation.addressee in NOTIFIED and duty.status is not Status.NOT_REQUIRED
    ]


def draft(impact: Impact, duty: Duty) -> Draft:
    obligation = duty.obligation
    return Draft(
        authority=duty.authority or obligation.authority or obligation.jurisdiction,
        jurisdiction=obligation.jurisdiction,
        obligation=obligation.key,
        citation=obligation.citation,
        status=duty.status,
        deadline=duty.deadline,
        deadline_text=obligation.deadline_text,
        conditions=duty.conditions,
        contents=obligation.contents,
        notifier=impact.owner.organisation.name if impact.owner else "not recorded",
        aware_at=impact.aware_at,
        kind=impact.kind.value,
        items=(nature(impact, duty), contact(impact), consequences(impact), measures(impact)),
    )


def nature(impact: Impact, duty: Duty) -> DraftItem:
    compromised = [s for s in impact.systems if s.reach is Reach.COMPROMISED]
    filled = [
        f"Type of breach: {impact.kind.value.lower()}.",
        "Systems concerned: " + ", ".join(f"{s.name} ({s.id})" for s in compromised) + ".",
    ]
    filled += [
        f"Data subjects concerned are in: {', '.join(scope.places)}."
        for scope in impact.scopes
        if scope.jurisdiction == duty.obligation.jurisdiction and scope.places
    ]
    for subject in impact.subjects:
        if "CONTROLLER" not in subject.roles:
            continue
        flags = [
            label
            for label, present in (
                ("Art. 9 special-category data", subject.special),
                ("Art. 10 criminal data", subject.criminal),
                ("credentials", subject.credential),
                ("financial data", subject.financial),
            )
            if present
        ]
        count = (
            f"about {subject.records} records, at least {subject.people_at_least} people"
            if subject.records is not None
            else "number not recorded"
        )
        if subject.counts_unknown_in and subject.records is not None:
            count += f" (no count for {', '.join(subject.counts_unknown_in)})"
        filled.append(
            f"{subject.name}: {', '.join(c.key for c in subject.categories)}; {count}"
            + (f"; includes {', '.join(flags)}" if flags else "")
            + "."
        )
    return DraftItem(
        "33(3)(a)",
        "Nature of the breach, categories and approximate number of data subjects and of "
        "personal data records concerned",
        tuple(filled),
        (
            "What happened and how it was discovered",
            "When the breach started and ended, if known (DPO Art. 15(1)(b))",
            "Confirm the numbers: the map's counts are approximate and per storage",
        ),
    )


def contact(impact: Impact) -> DraftItem:
    dpo = impact.owner.dpo_contact if impact.owner else None
    if dpo:
        return DraftItem("33(3)(b)", "Contact point", (dpo,), ())
    return DraftItem(
        "33(3)(b)",
        "Name and contact details of the data protection officer or other contact point",
        (),
        ("Name and contact details of the DPO or other contact point: not recorded in the map",),
    )


def consequences(impact: Impact) -> DraftItem:
    risk = impact.risk
    filled = []
    if risk is not None:
        filled = [
            f"{r.factor.label}: {r.factor.consequence} ({r.factor.citation}; {r.detail})."
            for r in risk.factors
            if r.present and r.weighs
        ]
        filled.append(f"Assessment: {risk.basis}.")
    return DraftItem(
        "33(3)(c)",
        "Likely consequences of the breach",
        tuple(filled),
        ("Confirm the consequences for this incident (for example whether the data were used)",),
    )


def measures(impact: Impact) -> DraftItem:
    filled = [
        f"Measures recorded on {s.name} ({s.id}): {', '.join(s.security_measures) or 'none'}."
        for s in impact.systems
        if s.reach is Reach.COMPROMISED
    ]
    return DraftItem(
        "33(3)(d)",
        "Measures taken or proposed to address the breach, including measures to mitigate its "
        "possible adverse effects",
        tuple(filled),
        (
            "Measures taken or proposed to address the breach and mitigate its effects",
            "Whether the people concerned were or will be told, and how",
        ),
    )


def as_json(item: Draft) -> dict[str, Any]:
    return {
        "authority": item.authority,
        "jurisdiction": item.jurisdiction,
        "obligation": item.obligation,
        "citation": item.citation,
        "status": item.status.value,
        "deadline": item.deadline.isoformat() if item.deadline else None,
        "deadlineText": item.deadline_text,
        "conditions": list(item.conditions),
        "contents": item.contents,
        "notifier": item.notifier,
        "awareAt": item.aware_at.isoformat(),
        "kind": item.kind,
        "items": [
            {
                "key": i.key,
                "label": i.label,
                "filled": list(i.filled),
                "toComplete": list(i.to_complete),
            }
            for i in item.items
        ],
    }


def render_markdown(items: list[Draft]) -> str:
    if not items:
        return "# Breach notification drafts\n\nNo authority needs to be notified of this breach.\n"
    lines = ["# Breach notification drafts", ""]
    for item in items:
        deadline = item.deadline.isoformat() if item.deadline else "no fixed limit"
        lines += [
            f"## {item.authority}",
            "",
            f"- Duty: {item.citation} ({item.obligation}), {item.status.value.lower()}",
            f"- Deadline: {deadline}: {item.deadline_text}",
            f"- Notifier: {item.notifier}; aware since {item.aware_at.isoformat()}",
        ]
        lines += [f"- Condition: {c}" for c in item.conditions]
        if item.contents:
            lines.append(f"- Required contents: {item.contents}")
        lines.append("")
        for entry in item.items:
            lines += [f"### {entry.key} {entry.label}", ""]
            lines += [f"- {text}" for text in entry.filled]
            lines += [f"- **[TO COMPLETE]** {text}" for text in entry.to_complete]
            lines.append("")
    return "\n".join(lines)
