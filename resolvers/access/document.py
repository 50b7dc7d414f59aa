"""The access plan as a Markdown document an analyst can send on. Each section is headed by the
article and text of the graph's RightItem; the code only says which part of the plan answers it."""

from collections.abc import Callable
from functools import partial

from resolvers.access.decisions import AccessPlan, Location
from resolvers.access.transfers import TransferAnswers
from resolvers.transfer.decisions import HopDecision

Lines = list[str]


def _joined(values: list[str] | set[str], empty: str = "none recorded") -> str:
    return ", ".join(sorted(values)) if values else empty


def _confirmation(plan: AccessPlan) -> Lines:
    if not plan.locations:
        return ["No personal data of this kind is recorded for the controller."]
    return [f"Personal data is processed in {len(plan.locations)} systems, listed under *Where*."]


def _purposes(plan: AccessPlan) -> Lines:
    if plan.law.legal_basis_law is None:
        return [
            f"- {activity.name} ({activity.purpose_name or activity.purpose})"
            for activity in plan.purposes
        ] or ["none recorded"]
    return [
        f"- {activity.name} ({activity.purpose_name or activity.purpose}); legal basis: "
        f"{activity.legal_basis or 'not recorded'}"
        for activity in plan.purposes
    ] or ["none recorded"]


def _controller(plan: AccessPlan) -> Lines:
    controller = plan.controller
    if controller is None:
        return ["The controller is not recorded."]
    return [
        f"{controller.legal_name or controller.id}, established in {controller.country or '?'}."
    ]


def _categories(plan: AccessPlan) -> Lines:
    return [_joined(plan.categories)]


def _recipients(plan: AccessPlan) -> Lines:
    lines = [
        f"- {r.organisation.legal_name or r.organisation.id} ({r.organisation.country or '?'}; "
        f"{_joined(r.roles, 'role not recorded')}): {'; '.join(r.reasons)}"
        for r in plan.recipients
    ]
    if plan.recipient_categories:
        lines.append(f"- Categories of recipients: {_joined(plan.recipient_categories)}")
    return lines or ["none recorded"]


def _retention(location: Location) -> str:
    texts = "; ".join(location.retention) or "not recorded"
    days = location.retention_days
    return texts if days is None else f"{texts} (at most {days} days)"


def _storage(plan: AccessPlan) -> Lines:
    return [f"- {loc.system.name or loc.system.id}: {_retention(loc)}" for loc in plan.locations]


def _item_text_only(plan: AccessPlan) -> Lines:
    return []


def _complaint(plan: AccessPlan) -> Lines:
    authority = plan.authority or "not recorded in the map"
    lines = [f"Authority: {authority}."]
    if plan.law.authority is None and plan.law.authority_rule:
        lines.append(f"({plan.law.authority_rule}.)")
    if plan.law.complaint_route:
        lines.append(f"Complaint route: {plan.law.complaint_route}.")
    return lines


def _deadline(plan: AccessPlan) -> Lines:
    rule = plan.law.deadline_rule or "not recorded"
    if plan.deadline is None:
        return [f"Give `receivedOn` for the due date. Rule: {rule}."]
    due = plan.deadline
    lines = [f"Received on {due.received_on}: due on {due.due_on}."]
    if due.extended_to is not None:
        lines.append(f"With the extension: at the latest {due.extended_to}.")
    elif plan.law.extension_rule_open:
        lines.append("No fixed extension: if the deadline cannot be met, say so and by when.")
    lines.append(f"Rule: {rule}.")
    return lines


def _sold_shared(plan: AccessPlan) -> Lines:
    if plan.sells_personal_data is False:
        return [
            "None: the business does not sell personal information (its record: "
            "`sells_personal_data: false`); sharing for cross-context behavioural advertising "
            "is not recorded on the map."
        ]
    if plan.sells_personal_data is None:
        return ["Not recorded on the map: whether the business sells or shares is unknown."]
    return ["The business records that it sells personal information: list it by category."]


def _disclosed(plan: AccessPlan) -> Lines:
    return [f"- to {kind}: {_joined(keys)}" for kind, keys in plan.disclosed_by_kind().items()] or [
        "none recorded"
    ]


def _sources(plan: AccessPlan) -> Lines:
    lines = [f"- {s.system.name or s.system.id}: {'; '.join(s.reasons)}" for s in plan.sources]
    if plan.collected_from_subject:
        lines.append("- The rest was collected from the data subject.")
    return lines or ["none recorded"]


def _automated(plan: AccessPlan) -> Lines:
    return [
        f"- {activity.name}: automated decision-making {activity.automated_decision_making}, "
        f"profiling {activity.profiling}"
        for activity in plan.automated_decisions
    ] or ["none recorded"]


def _decision(decision: HopDecision) -> str:
    hop, basis = decision.hop, decision.legal_basis
    instrument = ", ".join(
        part for part in (basis.instrument, basis.instrument_id) if part is not None
    )
    module = f"; SCC module {decision.scc_module}" if decision.scc_module else ""
    missing = f"; missing: {'; '.join(decision.missing)}" if decision.missing else ""
    return (
        f"  - {hop.id} to {hop.country or '?'}: {decision.verdict.value}, {basis.article}"
        f"{f' ({instrument})' if instrument else ''}{module}{missing}"
    )


def _transfers(transfers: TransferAnswers, plan: AccessPlan) -> Lines:
    lines = []
    for answer in transfers.answers:
        recipient = answer.recipient
        recorded = ", ".join(
            f"{s.type}{f' module {s.module}' if s.module else ''} ({s.id})"
            for s in recipient.safeguards
        )
        lines.append(
            f"- {recipient.organisation.legal_name or recipient.organisation.id} "
            f"({_joined(recipient.countries)}): "
            f"{answer.verdict.value if answer.verdict else 'no transfer decided'}; "
            f"safeguards on record: {recorded or 'none'}"
        )
        lines += [_decision(decision) for decision in answer.decisions]
    return lines or ["No recipient in a third country."]


def _third_parties(plan: AccessPlan) -> Lines:
    return [_joined(plan.third_party_categories)]


def _pieces(plan: AccessPlan) -> Lines:
    return [
        f"- {loc.system.name or loc.system.id}: {_joined(loc.categories)}" for loc in plan.locations
    ] or ["none recorded"]


Section = Callable[[AccessPlan], Lines]
SECTIONS: dict[str, Section] = {
    "CONFIRMATION": _confirmation,
    "CONTROLLER": _controller,
    "PURPOSES": _purposes,
    "CATEGORIES": _categories,
    "RECIPIENTS": _recipients,
    "STORAGE": _storage,
    "COMPLAINT": _complaint,
    "SOURCES": _sources,
    "AUTOMATED": _automated,
    "THIRD_PARTIES": _third_parties,
    "PIECES": _pieces,
    "SOLD_SHARED": _sold_shared,
    "DISCLOSED": _disclosed,
    "DEADLINE": _deadline,
}
"""What answers each part of a RightItem (its `answers`); RIGHTS, COPY and TEXT items are
answered by their own text, TRANSFERS by the transfer engine."""


def _where(plan: AccessPlan) -> Lines:
    lines = [
        "| system | held as | categories | search by | retrieval | owner | why |",
        "|---|---|---|---|---|---|---|",
    ]
    for loc in plan.locations:
        lines.append(
            f"| {loc.system.id} | {', '.join(h.value for h in loc.held_as)} | "
            f"{_joined(loc.categories)} | {_joined(list(loc.system.identifiers))} | "
            f"{loc.system.retrieval_method or '**none**'} | "
            f"{loc.system.owner_team or '**none**'} | "
            f"{'; '.join(loc.reasons)} |"
        )
    return lines


def render_markdown(plan: AccessPlan, transfers: TransferAnswers) -> str:
    """The plan, with its Art. 15(2) section from the transfer engine's `transfers`."""
    sections: dict[str, Section] = {**SECTIONS, "TRANSFERS": partial(_transfers, transfers)}
    title = plan.subject_name or plan.subject
    scope = f" for {', '.join(plan.categories_asked)}" if plan.categories_asked else ""
    lines = [f"# Access plan: {title} ({plan.law.name or plan.regime}){scope}", ""]
    if plan.controller is not None:
        lines += [f"Controller: {plan.controller.legal_name or plan.controller.id}", ""]
    if plan.truncated:
        lines += [
            "**Incomplete:** the hop bound or the node cap cut the copies or sources of some "
            "system.",
            "",
        ]
    lines += ["## Where", "", *_where(plan), ""]
    if not transfers.applies:
        lines += ["## Transfers to third countries", "", transfers.note, ""]
    if not any(item.answers == "DEADLINE" for item in plan.right_items):
        lines += ["## Response deadline", "", *_deadline(plan), ""]
    for item in plan.right_items:
        lines += [
            f"## {item.article}: {item.text}",
            "",
            *sections.get(item.answers, _item_text_only)(plan),
        ]
        lines.append("")
    if plan.routing:
        lines += ["## Held as a processor: route to the controller (Art. 28(3)(e))", ""]
        for route in plan.routing:
            lines.append(
                f"- {route.controller.legal_name or route.controller.id}: activities "
                f"{_joined(route.activities)}; systems {_joined(route.systems)}; categories "
                f"{_joined(route.categories)}"
            )
        lines.append("")
    if plan.gaps:
        lines += ["## Gaps in the map", ""]
        for gap in plan.gaps:
            missing = ", no ".join(m.value.lower().replace("_", " ") for m in gap.missing)
            lines.append(f"- {gap.system.id}: no {missing}")
        lines.append("")
    return "\n".join(lines)
