"""The access plan as a Markdown document an analyst can send on. Each section is headed by the
article and text of the graph's RightItem; the code only says which part of the plan answers it."""

from collections.abc import Callable, Iterable, Sequence
from functools import partial

from resolvers.access.decisions import AccessPlan, Location
from resolvers.access.transfers import TransferAnswers
from resolvers.documents import Document, Names, Table, plain
from resolvers.documents import Section as DocumentSection
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
    return texts if not days else f"{texts} (at most {days} days)"


def _storage(plan: AccessPlan) -> Lines:
    return [f"- {loc.system.name or loc.system.id}: {_retention(loc)}" for loc in plan.locations]


def _rights(plan: AccessPlan) -> Lines:
    return ["State these rights in the response (it names them under this heading)."]


def _copy(plan: AccessPlan) -> Lines:
    return [
        f"Attach a copy of the data retrieved from the {len(plan.locations)} systems under *Where*."
        if plan.locations
        else "No copy: no system holds the data."
    ]


def _item_text_only(plan: AccessPlan) -> Lines:
    return ["Check the answer against this before it is sent."]


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
        lines.append(
            "- The rest was collected from the data subject."
            if lines
            else "Collected from the data subject."
        )
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
    "RIGHTS": _rights,
    "COPY": _copy,
}
"""What answers each part of a RightItem (its `answers`); a TEXT item is a check on the answer,
TRANSFERS is answered by the transfer engine."""


WHERE_HEADINGS = ("system", "held as", "categories", "search by", "retrieval", "owner", "why")


def _where(plan: AccessPlan) -> Table:
    return Table(
        WHERE_HEADINGS,
        tuple(
            (
                loc.system.id,
                ", ".join(h.value for h in loc.held_as),
                _joined(loc.categories),
                _joined(list(loc.system.identifiers)),
                loc.system.retrieval_method or "NONE",
                loc.system.owner_team or "NONE",
                "; ".join(loc.reasons),
            )
            for loc in plan.locations
        ),
    )


def access_working_plan(plan: AccessPlan, transfers: TransferAnswers) -> Document:
    """The analyst's plan: where to search (systems, identifiers, retrieval methods, owners and
    the graph path that put each system there), each right item of the regime with what answers
    it, the transfers with their legal basis, the data to route to a controller, and the gaps."""
    sections: dict[str, Section] = {**SECTIONS, "TRANSFERS": partial(_transfers, transfers)}
    title = plan.subject_name or plan.subject
    scope = f" for {', '.join(plan.categories_asked)}" if plan.categories_asked else ""
    introduction: list[str] = []
    if plan.controller is not None:
        introduction.append(f"Controller: {plan.controller.legal_name or plan.controller.id}")
    if plan.truncated:
        introduction.append(
            "Incomplete: the hop bound or the node cap cut the copies or sources of some system."
        )
    parts = [DocumentSection("Where", (), table=_where(plan))]
    if not transfers.applies:
        parts.append(DocumentSection("Transfers to third countries", (transfers.note,)))
    if not any(item.answers == "DEADLINE" for item in plan.right_items):
        parts.append(DocumentSection("Response deadline", tuple(_deadline(plan))))
    for item in plan.right_items:
        lines = sections.get(item.answers, _item_text_only)(plan)
        parts.append(DocumentSection(f"{item.article}: {item.text}", tuple(lines)))
    if plan.routing:
        # Art. 28(3)(e) is the processor's duty to assist in the GDPR and the UK GDPR alike (the
        # laws that cite GDPR articles); the FADP and the CCPA put it in their own terms.
        law = plan.law.legal_basis_law
        parts.append(
            DocumentSection(
                "Held as a processor: route to the controller"
                + (f" (Art. 28(3)(e) {law})" if law else ""),
                tuple(
                    f"- {route.controller.legal_name or route.controller.id}: activities "
                    f"{_joined(route.activities)}; systems {_joined(route.systems)}; categories "
                    f"{_joined(route.categories)}"
                    for route in plan.routing
                ),
            )
        )
    if plan.gaps:
        parts.append(
            DocumentSection(
                "Gaps in the map",
                tuple(
                    f"- {gap.system.id}: no "
                    + ", no ".join(m.value.lower().replace("_", " ") for m in gap.missing)
                    for gap in plan.gaps
                ),
            )
        )
    return Document(
        kind="access-plan",
        title=f"Access plan: {title} ({plan.law.name or plan.regime}){scope}",
        introduction=tuple(introduction),
        sections=tuple(parts),
    )


def render_markdown(plan: AccessPlan, transfers: TransferAnswers) -> str:
    """The working plan as Markdown (`accessPlan { document }`, `/plans/access.md`)."""
    return access_working_plan(plan, transfers).markdown()


# The response to the data subject: plain language, the regime's own law, names instead of keys,
# nothing internal (no system, no source, no note of the map).

HEADINGS: dict[str, str] = {
    "CONFIRMATION": "Whether we process personal data about you",
    "CONTROLLER": "Who we are",
    "PURPOSES": "Why we use your personal data",
    "CATEGORIES": "What personal data we hold",
    "RECIPIENTS": "Who receives your personal data",
    "STORAGE": "How long we keep it",
    "RIGHTS": "Your rights",
    "COMPLAINT": "Your right to complain",
    "SOURCES": "Where your personal data comes from",
    "AUTOMATED": "Automated decisions and profiling",
    "TRANSFERS": "Transfers outside your country's protection",
    "COPY": "Your copy",
    "PIECES": "The specific pieces of personal data",
    "THIRD_PARTIES": "Categories of third parties",
    "SOLD_SHARED": "Selling and sharing",
    "DISCLOSED": "Disclosures for a business purpose",
    "DEADLINE": "When we answer",
}


ROLE_WORDS = {
    "PROCESSOR": "a service provider acting on our instructions",
    "SUB_PROCESSOR": "a service provider acting on our instructions",
    "THIRD_PARTY": "an independent recipient",
    "CONTROLLER": "an independent recipient",
}


class _Response:
    def __init__(self, plan: AccessPlan, transfers: TransferAnswers, names: Names) -> None:
        self.plan, self.answers, self.names = plan, transfers, names
        self.holds = bool(plan.locations) and bool(plan.categories)

    def none(self) -> tuple[str, ...] | None:
        if self.holds:
            return None
        return ("None: we hold no personal data about you.",)

    def category_names(self, keys: Iterable[str]) -> list[str]:
        return sorted({self.names.category(k) for k in keys})

    def section(self, answers: str) -> tuple[str, ...]:
        plan = self.plan
        if answers == "CONFIRMATION":
            if self.holds:
                return ("Yes: we process personal data about you, as set out below.",)
            if plan.routing:
                return (
                    "We hold no personal data about you for our own purposes. We process some "
                    "on behalf of other organisations, listed under “Who we are”; we have passed "
                    "your request on to them.",
                )
            return ("No: we hold no personal data about you.",)
        if answers == "CONTROLLER":
            controller = plan.controller
            lines = []
            if controller is not None:
                lines.append(
                    f"{controller.legal_name or 'We'}, established in "
                    f"{self.names.country(controller.country)}, decides why and how your "
                    "personal data is used."
                )
            for route in plan.routing:
                lines.append(
                    f"- For the data we process on behalf of "
                    f"{route.controller.legal_name or 'another organisation'}, that organisation "
                    "decides; we have passed your request on to it."
                )
            return tuple(lines) or ("Our details are at the foot of this letter.",)
        if answers == "TEXT":
            return ()
        none = self.none()
        if none is not None and answers not in ("RIGHTS", "COMPLAINT", "DEADLINE", "SOLD_SHARED"):
            return none
        return getattr(self, answers.lower(), lambda: ())()

    def purposes(self) -> tuple[str, ...]:
        lines = []
        for activity in self.plan.purposes:
            basis = (
                f"; legal basis: {plain(activity.legal_basis)}"
                if activity.legal_basis and self.plan.law.legal_basis_law
                else ""
            )
            lines.append(f"- {plain(activity.name or 'a purpose not named')}{basis}")
        return tuple(lines) or ("We use it only to provide our service to you.",)

    def categories(self) -> tuple[str, ...]:
        return tuple(f"- {name}" for name in self.category_names(self.plan.categories))

    def recipients(self) -> tuple[str, ...]:
        lines = [
            f"- {r.organisation.legal_name or 'a service provider'} "
            f"({', '.join(sorted({ROLE_WORDS.get(role, 'a recipient') for role in r.roles}))}; "
            f"{', '.join(sorted(self.names.country(c) for c in r.countries)) or 'place unknown'})"
            for r in self.plan.recipients
        ]
        lines += [f"- {plain(kind)}" for kind in self.plan.recipient_categories]
        return tuple(lines) or ("No one outside our organisation receives it.",)

    def storage(self) -> tuple[str, ...]:
        periods = sorted({plain(r) for loc in self.plan.locations for r in loc.retention if r})
        if not periods:
            return ("We keep it only as long as the purposes above need it.",)
        return tuple(f"- {period}" for period in periods)

    def rights(self) -> tuple[str, ...]:
        return ()

    def complaint(self) -> tuple[str, ...]:
        authority = self.plan.authority
        lines = [
            f"You may complain to {authority}."
            if authority
            else "You may complain to the data protection authority where you live or work."
        ]
        if self.plan.law.complaint_route:
            lines.append(plain(self.plan.law.complaint_route))
        return tuple(lines)

    def sources(self) -> tuple[str, ...]:
        lines = []
        if self.plan.collected_from_subject:
            lines.append("You gave us your personal data yourself.")
        if self.plan.sources:
            lines.append(
                "Some of it reaches us from services you or your organisation connected to our "
                "platform."
            )
        return tuple(lines) or ("You gave us your personal data yourself.",)

    def automated(self) -> tuple[str, ...]:
        lines = [
            f"- {plain(a.name or 'an activity')}: "
            + ", ".join(
                part
                for part, on in (
                    ("automated decisions", a.automated_decision_making),
                    ("profiling", a.profiling),
                )
                if on
            )
            for a in self.plan.automated_decisions
            if a.automated_decision_making or a.profiling
        ]
        return tuple(lines) or ("We make no decision about you by automated means alone.",)

    def transfers(self) -> tuple[str, ...]:
        lines = []
        for answer in self.answers.answers:
            countries = ", ".join(sorted(self.names.country(c) for c in answer.recipient.countries))
            lines.append(
                f"- {answer.recipient.organisation.legal_name or 'a recipient'} ({countries}): "
                f"{_protection(answer.decisions)}"
            )
        return tuple(lines) or ("Your personal data does not leave the area of your law.",)

    def copy(self) -> tuple[str, ...]:
        return ("A copy of your personal data is attached to this letter.",)

    def pieces(self) -> tuple[str, ...]:
        return (
            "The specific pieces of personal data we hold about you are attached, in these "
            "categories:",
            *self.categories(),
        )

    def third_parties(self) -> tuple[str, ...]:
        return tuple(f"- {plain(kind)}" for kind in self.plan.third_party_categories) or (
            "We disclose it to no third party.",
        )

    def sold_shared(self) -> tuple[str, ...]:
        if self.plan.sells_personal_data is False:
            return ("We do not sell your personal information.",)
        return ("We will tell you separately whether we sell or share your personal information.",)

    def disclosed(self) -> tuple[str, ...]:
        return tuple(
            f"- to {kind}: {', '.join(self.category_names(keys))}"
            for kind, keys in self.plan.disclosed_by_kind().items()
        ) or ("We disclosed none for a business purpose.",)

    def deadline(self) -> tuple[str, ...]:
        due = self.plan.deadline
        if due is None:
            return ("We answer within the period your law sets.",)
        return (f"We received your request on {due.received_on} and answer by {due.due_on}.",)


def _protection(decisions: Sequence[HopDecision]) -> str:
    grounds = sorted(
        {
            plain(d.legal_basis.instrument or d.legal_basis.article)
            for d in decisions
            if d.verdict.value in ("ADEQUACY", "SAFEGUARD", "DEROGATION")
        }
    )
    if grounds and all(
        d.verdict.value in ("ADEQUACY", "SAFEGUARD", "DEROGATION", "NOT_A_TRANSFER")
        for d in decisions
    ):
        return "protected by " + "; ".join(grounds)
    return "we are putting the safeguard your law requires in place; ask us for its status"


def access_response(plan: AccessPlan, transfers: TransferAnswers, names: Names) -> Document:
    """The answer to the data subject, section by section of the regime's right items."""
    response = _Response(plan, transfers, names)
    law = plain(plan.law.name or plan.regime)
    sections = []
    seen: set[str] = set()
    for item in plan.right_items:
        lines = response.section(item.answers)
        if not lines:
            lines = (plain(item.text[0].upper() + item.text[1:]) + ".",)
        heading = HEADINGS.get(item.answers, plain(item.text[0].upper() + item.text[1:]))
        if heading in seen:
            heading = f"{heading} ({item.article})"
        seen.add(heading)
        sections.append(DocumentSection(heading, lines, plain(item.article)))
    if not any(item.answers == "DEADLINE" for item in plan.right_items):
        sections.append(DocumentSection(HEADINGS["DEADLINE"], response.deadline()))
    controller = plan.controller.legal_name if plan.controller else None
    return Document(
        kind="access-response",
        title="Your request for access to your personal data",
        introduction=(
            "Dear data subject,",
            f"{controller or 'We'} received your request to access your personal data. This "
            f"is our answer under {law}.",
        ),
        sections=tuple(sections),
    )
