"""The deletion plan as two documents: the confirmation to the data subject (what was erased, what
is kept until when and on which legal ground, whom the request was passed on to, in the regime's
own law and with category names, nothing internal), and the analyst's working plan (each step's
systems, actions, methods, owners and identifiers, with the graph path and the provision behind
every action and notice, and what blocks the plan)."""

from collections.abc import Iterable
from dataclasses import dataclass

from resolvers.deletion.decisions import Action, Notification, Plan, Reason, Step
from resolvers.deletion.references import LegalReference
from resolvers.documents import Document, Names, Section, Table, plain

ERASED = frozenset({"ERASE", "MANUAL"})


@dataclass(frozen=True)
class Law:
    """What the documents say of the regime and of the controller that answers."""

    regime: str
    name: str | None
    authority: str | None
    authority_rule: str | None
    complaint_route: str | None
    controller: str | None
    controller_authority: str | None

    @property
    def title(self) -> str:
        return self.name or self.regime

    @property
    def complaint_to(self) -> str | None:
        """The regime's own authority, or (EU) the lead authority recorded on the controller."""
        return self.authority or self.controller_authority


def _cites(references: Iterable[LegalReference | None]) -> str | None:
    articles = list(dict.fromkeys(r.article for r in references if r is not None))
    return "; ".join(articles) or None


def _actions(plan: Plan) -> list[Action]:
    return [action for step in plan.steps for action in step.actions]


def _sentence(text: str) -> str:
    text = plain(text)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


class _Response:
    def __init__(self, plan: Plan, law: Law, names: Names) -> None:
        self.plan, self.law, self.names = plan, law, names

    def categories(self, keys: Iterable[str]) -> str:
        return ", ".join(sorted({self.names.category(k) for k in keys}))

    def grounds(self) -> Section:
        lines = tuple(_sentence(g.text or g.article) for g in self.plan.grounds)
        return Section(
            "What your request rests on",
            lines or (f"Your request under {plain(self.law.title)}.",),
            _cites(self.plan.grounds),
        )

    def erased(self) -> Section:
        actions = _actions(self.plan)
        erased = {k for a in actions if a.kind in ERASED for k in a.categories}
        anonymised = {k for a in actions if a.kind == "ANONYMISE" for k in a.categories}
        lines = []
        if erased:
            lines.append(
                "Where no law requires us to keep it, we erased this personal data about you: "
                f"{self.categories(erased)}."
            )
        if anonymised:
            lines.append(
                f"We anonymised this personal data, so that it no longer relates to you: "
                f"{self.categories(anonymised)}."
            )
        if not lines:
            lines.append(
                "We erased nothing ourselves: what we keep, and why, is set out below."
                if actions
                else "We hold no personal data about you as the one who decides on it, so there "
                "was nothing for us to erase."
            )
        return Section("What we erased", tuple(lines))

    def kept(self) -> Section:
        lines: list[str] = []
        references: list[LegalReference | None] = []
        for action in _actions(self.plan):
            if action.kind == "RESTRICT" and action.obligation is not None:
                until = (
                    f"until {action.until}" if action.until else "for as long as the law requires"
                )
                ground = plain(action.obligation.legal_reference or "a legal obligation")
                cite = f"; {action.reference.article}" if action.reference else ""
                lines.append(
                    f"- {self.categories(action.categories)}: kept {until}, because {ground} "
                    f"requires us to keep it{cite}. We use it for nothing else and erase it then."
                )
                references.append(action.reference)
            elif action.kind == "EXPIRE_FROM_BACKUP":
                until = f"until {action.until}" if action.until else "until the backup is replaced"
                cite = f" ({action.reference.article})" if action.reference else ""
                lines.append(
                    f"- {self.categories(action.categories)}: remains in our backups {until}, "
                    f"when they are overwritten{cite}; we do not use or restore it."
                )
                references.append(action.reference)
        if not lines:
            lines.append("We keep nothing of it.")
        return Section("What we keep, and until when", tuple(lines), _cites(references))

    def told(self) -> Section:
        lines: list[str] = []
        for notice in self.plan.notifications:
            if notice.recipient is None:
                lines.append(
                    "- the organisations that copied the personal data we had made public, "
                    "asking them to erase links to it and copies of it"
                )
            else:
                lines.append(
                    f"- {notice.recipient.legal_name} ({self.categories(notice.categories)})"
                )
        if lines:
            lines.insert(0, "We passed your request on to everyone we had disclosed it to:")
        else:
            lines.append("We disclosed your personal data to no one, so there was no one to tell.")
        return Section(
            "Whom we passed your request on to",
            tuple(lines),
            _cites(n.reference for n in self.plan.notifications),
        )

    def processed_for_others(self) -> Section | None:
        duties = self.plan.processor_duties
        if not duties:
            return None
        lines = [
            f"- {', '.join(c.legal_name for c in duty.controllers) or 'the organisation concerned'}"
            f" ({self.categories(duty.categories)})"
            for duty in duties
        ]
        return Section(
            "Data we hold on behalf of other organisations",
            (
                "Some of your personal data we process only on behalf of organisations that "
                "decide on it. We have passed your request on to them, and erase the data when "
                "they instruct us to:",
                *lines,
            ),
            _cites(duty.reference for duty in duties),
        )

    def complaint(self) -> Section:
        authority = self.law.complaint_to
        lines = [
            f"If you are not satisfied with this answer, you may complain to {authority}."
            if authority
            else "If you are not satisfied with this answer, you may complain to the data "
            "protection authority where you live or work."
        ]
        if self.law.complaint_route:
            lines.append(_sentence(f"The route: {self.law.complaint_route}"))
        return Section("Your right to complain", tuple(lines))


def deletion_response(plan: Plan, law: Law, names: Names) -> Document:
    """The confirmation to the data subject, from the plan `deletionPlan` returns."""
    response = _Response(plan, law, names)
    sections = [response.grounds(), response.erased(), response.kept(), response.told()]
    others = response.processed_for_others()
    if others is not None:
        sections.append(others)
    sections.append(response.complaint())
    return Document(
        kind="deletion-response",
        title="Your request to erase your personal data",
        introduction=(
            "Dear data subject,",
            f"{law.controller or 'We'} received your request to erase your personal data. This "
            f"is our answer under {plain(law.title)}, as of {plan.as_of}.",
            *(
                (
                    f"We received your request on {plan.deadline.received_on} and answer it by "
                    f"{plan.deadline.due_on}.",
                )
                if plan.deadline is not None
                else ()
            ),
        ),
        sections=tuple(sections),
    )


# The analyst's working plan


def _path(reasons: Iterable[Reason]) -> str:
    return "; ".join(
        f"{' → '.join(r.path)}: {r.rule}"
        + (f" [{r.reference.article}]" if r.reference is not None else "")
        for r in reasons
    )


ACTION_HEADINGS = (
    "step",
    "system",
    "action",
    "categories",
    "method",
    "owner",
    "search by",
    "until",
    "legal ground",
    "graph path and rule",
)


def _step_rows(plan: Plan, steps: Iterable[Step]) -> tuple[tuple[str, ...], ...]:
    rows = []
    for step in steps:
        position = f"{step.position}{' (together)' if step.simultaneous else ''}"
        for action in step.actions:
            system = plan.systems.get(action.system_id)
            rows.append(
                (
                    position,
                    action.system_id,
                    action.kind,
                    ", ".join(action.categories),
                    action.method or "NONE",
                    (system.owner_team if system else None) or "NONE",
                    ", ".join(system.identifiers) if system and system.identifiers else "NONE",
                    str(action.until) if action.until else "",
                    action.reference.article if action.reference else "",
                    _path([*action.reasons, *step.reasons]),
                )
            )
    return tuple(rows)


NOTICE_HEADINGS = ("recipient", "role", "categories", "legal ground", "graph path and rule")


def _notice_rows(notices: Iterable[Notification]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            f"{n.recipient.legal_name} ({n.recipient.id})"
            if n.recipient
            else "unknown controllers",
            n.role,
            ", ".join(n.categories),
            n.reference.article,
            _path(n.reasons),
        )
        for n in notices
    )


def _deadline(plan: Plan) -> Section:
    due = plan.deadline
    if due is None:
        return Section("Deadline", ("Give `receivedOn` for the due date.",))
    lines = [f"Received on {due.received_on}: due on {due.due_on}."]
    if due.extended_to is not None:
        lines.append(f"With the extension: at the latest {due.extended_to}.")
    if not due.statutory:
        lines.append("The law sets no deadline: this period is the map owner's choice.")
    lines.append(f"Rule: {due.rule}")
    return Section("Deadline", tuple(lines))


def deletion_working_plan(plan: Plan, subject: str, law: Law) -> Document:
    """The plan for the analyst, from the plan `deletionPlan` returns."""
    sections = [
        _deadline(plan),
        Section(
            "Legal grounds",
            tuple(f"- {g.article}" + (f": {g.text}" if g.text else "") for g in plan.grounds)
            or (f"The graph holds no erasure provision of {law.regime}.",),
        ),
        Section(
            "Steps, sources before their copies",
            () if plan.steps else ("No system holds the data as controller.",),
            table=Table(ACTION_HEADINGS, _step_rows(plan, plan.steps)) if plan.steps else None,
        ),
        Section(
            "Whom to tell",
            () if plan.notifications else ("No recipient received the data.",),
            table=Table(NOTICE_HEADINGS, _notice_rows(plan.notifications))
            if plan.notifications
            else None,
        ),
    ]
    for duty in plan.processor_duties:
        controllers = ", ".join(f"{c.legal_name} ({c.id})" for c in duty.controllers)
        sections.append(
            Section(
                f"Held as a processor for {controllers or 'an unrecorded controller'}",
                (
                    duty.instruction,
                    *(f"- tell {row[0]} ({row[3]})" for row in _notice_rows(duty.notifications)),
                ),
                duty.reference.article,
                Table(ACTION_HEADINGS, _step_rows(plan, duty.steps)) if duty.steps else None,
            )
        )
    sections.append(
        Section(
            "Blockers: settle before anyone starts",
            tuple(
                f"- {b.kind} in {b.system_id} ({', '.join(b.categories)}): {b.detail}"
                for b in plan.blockers
            )
            or ("None.",),
        )
    )
    return Document(
        kind="deletion-plan",
        title=f"Deletion plan: {subject} ({law.title})",
        introduction=(f"As of {plan.as_of}.",),
        sections=tuple(sections),
    )
