from datetime import date
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers.deletion import decisions as plan
from resolvers.deletion.references import LegalReference
from resolvers.deletion.service import deletion_plan
from resolvers.references import CATEGORIES_NOTE, ID_DESCRIPTION, key_of
from schema.context import Context
from schema.deadlines import RequestDeadline
from schema.vocabulary import DeletionMethod, RegimeKey, Role


@strawberry.enum(description="What to do with the subject's data in one system.")
class DeletionActionKind(Enum):
    ERASE = strawberry.enum_value("ERASE", description="Erase by the system's deletion method.")
    ANONYMISE = strawberry.enum_value("ANONYMISE", description="Anonymise, as the model says.")
    RESTRICT = strawberry.enum_value(
        "RESTRICT", description="Keep, restricted, while a legal obligation requires it."
    )
    EXPIRE_FROM_BACKUP = strawberry.enum_value(
        "EXPIRE_FROM_BACKUP", description="Keep beyond use until the backup rotates."
    )
    MANUAL = strawberry.enum_value(
        "MANUAL", description="Delete by hand: the system has no automated deletion method."
    )


@strawberry.enum(description="What must be settled before the plan can be carried out.")
class DeletionBlockerKind(Enum):
    NO_OWNER = strawberry.enum_value("NO_OWNER", description="The system has no owner team.")
    NO_DELETION_METHOD = strawberry.enum_value(
        "NO_DELETION_METHOD", description="The system has no (or an unknown) deletion method."
    )
    UNKNOWN_RETENTION = strawberry.enum_value(
        "UNKNOWN_RETENTION", description="How long the system keeps the data is unknown."
    )
    UNREACHABLE = strawberry.enum_value(
        "UNREACHABLE",
        description="The system holds a targeted category, but it has no identifier to find "
        "the subject by and no flow reaches it from a collection point or a searchable system.",
    )


@strawberry.type(description="A legal provision a plan cites.")
class DeletionReference:
    key: str = strawberry.field(description="The key of its Exception or ErasureRule node.")
    article: str = strawberry.field(description="The citation, such as `Art. 17(3)(b) GDPR`.")
    text: str | None = strawberry.field(description="Its text, when the seeds hold it.")
    source: str | None = strawberry.field(description="Where the text comes from.")

    @classmethod
    def of(cls, reference: LegalReference) -> "DeletionReference":
        return cls(
            key=reference.key,
            article=reference.article,
            text=reference.text,
            source=reference.source,
        )


@strawberry.type(description="Why a step, action or notification is in the plan.")
class DeletionReason:
    path: list[str] = strawberry.field(
        description="The ids of the systems and organisations that led here, in order."
    )
    rule: str = strawberry.field(description="The rule that put it there.")
    reference: DeletionReference | None = strawberry.field(description="Its legal reference.")


@strawberry.type(description="A retention obligation that holds the data back from erasure.")
class DeletionHold:
    id: str = strawberry.field(description="The RetentionObligation id.")
    record_type: str = strawberry.field(description="The kind of record it keeps.")
    period_years: int | None = strawberry.field(description="How long; null = indefinitely.")
    runs_from: str = strawberry.field(description="When the period starts.")
    legal_reference: str = strawberry.field(description="The law that imposes it.")


@strawberry.type(description="The action for some of the subject's categories in one system.")
class DeletionAction:
    system: str = strawberry.field(description="The system id.")
    action: DeletionActionKind = strawberry.field(description="What to do.")
    categories: list[str] = strawberry.field(description="The category keys it covers.")
    method: DeletionMethod | None = strawberry.field(description="The system's deletion method.")
    until: date | None = strawberry.field(
        description="RESTRICT: the last day of the hold; EXPIRE_FROM_BACKUP: when the backup "
        "has rotated; null when no end is known."
    )
    obligation: DeletionHold | None = strawberry.field(description="RESTRICT: the obligation.")
    legal_reference: DeletionReference | None = strawberry.field(
        description="The provision that allows keeping the data, where there is one."
    )
    reasons: list[DeletionReason] = strawberry.field(description="Why this action.")


@strawberry.type(description="One step of the plan: a system, or a cycle of systems.")
class DeletionStep:
    position: int = strawberry.field(description="1 for the first step.")
    systems: list[str] = strawberry.field(description="The ids of the systems of this step.")
    simultaneous: bool = strawberry.field(
        description="True for a cycle (a two-way sync): handle its systems together."
    )
    actions: list[DeletionAction] = strawberry.field(description="What to do in each system.")
    reasons: list[DeletionReason] = strawberry.field(description="Why the step comes here.")


@strawberry.type(description="An organisation named in a plan.")
class DeletionOrganisation:
    id: str = strawberry.field(description="The Organisation id.")
    legal_name: str = strawberry.field(description="Its legal name.")


@strawberry.type(description="A recipient to tell about the erasure.")
class DeletionNotification:
    recipient: DeletionOrganisation | None = strawberry.field(
        description="The organisation; null for an Art. 17(2) notice to unknown controllers."
    )
    role: Role = strawberry.field(
        description="Its role for the data; CONTROLLER for an Art. 17(2) notice to the unknown "
        "controllers that copied data made public (then `recipient` is null)."
    )
    categories: list[str] = strawberry.field(description="The category keys it received.")
    legal_reference: DeletionReference = strawberry.field(description="The duty to tell it.")
    reasons: list[DeletionReason] = strawberry.field(description="How the data got there.")


@strawberry.type(description="Something to settle before anyone starts.")
class DeletionBlocker:
    kind: DeletionBlockerKind = strawberry.field(description="What is missing.")
    system: str = strawberry.field(description="The system id.")
    categories: list[str] = strawberry.field(description="The category keys concerned.")
    detail: str = strawberry.field(description="What exactly.")
    cleared_by: str = strawberry.field(description="The mutation and field that clear it.")


@strawberry.type(
    description="A system where the subject's data is processed, as the access plan lists it, "
    "that this plan neither erases nor keeps, and why."
)
class DeletionUnplanned:
    system: str = strawberry.field(description="The system id.")
    categories: list[str] = strawberry.field(description="The category keys processed there.")
    reasons: list[DeletionReason] = strawberry.field(description="Why the plan does nothing there.")
    cleared_by: str = strawberry.field(
        description="The mutation and fields that put it in the plan."
    )


@strawberry.type(
    description="Data Preemptly holds as a processor: the request belongs to the controller; "
    "these are the steps Preemptly takes when it instructs them."
)
class DeletionProcessorDuty:
    controllers: list[DeletionOrganisation] = strawberry.field(
        description="The customer(s) that control the data; empty when none is recorded."
    )
    categories: list[str] = strawberry.field(description="The category keys concerned.")
    instruction: str = strawberry.field(description="What the plan says about the request.")
    legal_reference: DeletionReference = strawberry.field(description="Preemptly's duty.")
    steps: list[DeletionStep] = strawberry.field(description="The steps, when instructed.")
    notifications: list[DeletionNotification] = strawberry.field(
        description="The sub-processors to pass the instruction to."
    )


@strawberry.type(description="What to erase where, in which order, what to keep and whom to tell.")
class DeletionPlan:
    subject: str = strawberry.field(description="The data subject key.")
    regime: RegimeKey = strawberry.field(description="The regime whose rules apply.")
    as_of: date = strawberry.field(description="The date the plan is made for.")
    legal_grounds: list[DeletionReference] = strawberry.field(
        description="What the request rests on in the regime's own law: Art. 17 GDPR or UK GDPR, "
        "Cal. Civ. Code § 1798.105 and 11 CCR § 7022(b)(1); under the FADP, which has no general "
        "erasure right, Art. 6(4) (retention), 30(2)(b) (objection), 32(2)(c) (court claim), "
        "6(5) (inaccuracy)."
    )
    steps: list[DeletionStep] = strawberry.field(
        description="Where Preemptly is controller: sources before their downstream copies."
    )
    notifications: list[DeletionNotification] = strawberry.field(
        description="Every recipient to tell, with the categories it received."
    )
    blockers: list[DeletionBlocker] = strawberry.field(
        description="What to settle before anyone starts."
    )
    processor_role: list[DeletionProcessorDuty] = strawberry.field(
        description="Data Preemptly holds as a processor, per controller."
    )
    unplanned: list[DeletionUnplanned] = strawberry.field(
        description="Systems the access plan lists for the subject that no step erases or keeps."
    )
    deadline: RequestDeadline | None = strawberry.field(
        description="When the answer is due by the regime's period for erasure requests (with "
        "`statutory: false` where the law sets none); null without `receivedOn`, or where the "
        "graph records no period for the regime."
    )


def reference_of(reference: LegalReference | None) -> DeletionReference | None:
    return DeletionReference.of(reference) if reference is not None else None


def organisation_of(organisation: plan.Organisation) -> DeletionOrganisation:
    return DeletionOrganisation(id=organisation.id, legal_name=organisation.legal_name)


def reasons_of(reasons: list[plan.Reason]) -> list[DeletionReason]:
    return [
        DeletionReason(path=list(r.path), rule=r.rule, reference=reference_of(r.reference))
        for r in reasons
    ]


def hold_of(obligation: plan.Obligation | None) -> DeletionHold | None:
    if obligation is None:
        return None
    return DeletionHold(
        id=obligation.id,
        record_type=obligation.record_type,
        period_years=obligation.period_years,
        runs_from=obligation.runs_from,
        legal_reference=obligation.legal_reference,
    )


def step_of(step: plan.Step) -> DeletionStep:
    return DeletionStep(
        position=step.position,
        systems=list(step.system_ids),
        simultaneous=step.simultaneous,
        actions=[
            DeletionAction(
                system=a.system_id,
                action=DeletionActionKind(a.kind),
                categories=list(a.categories),
                method=None if a.method is None else DeletionMethod(a.method),
                until=a.until,
                obligation=hold_of(a.obligation),
                legal_reference=reference_of(a.reference),
                reasons=reasons_of(a.reasons),
            )
            for a in step.actions
        ],
        reasons=reasons_of(step.reasons),
    )


def notification_of(notice: plan.Notification) -> DeletionNotification:
    return DeletionNotification(
        recipient=organisation_of(notice.recipient) if notice.recipient else None,
        role=Role(notice.role),
        categories=list(notice.categories),
        legal_reference=DeletionReference.of(notice.reference),
        reasons=reasons_of(notice.reasons),
    )


def blocker_of(blocker: plan.Blocker) -> DeletionBlocker:
    return DeletionBlocker(
        kind=DeletionBlockerKind(blocker.kind),
        system=blocker.system_id,
        categories=list(blocker.categories),
        detail=blocker.detail,
        cleared_by=blocker.cleared_by,
    )


def duty_of(duty: plan.ProcessorDuty) -> DeletionProcessorDuty:
    return DeletionProcessorDuty(
        controllers=[organisation_of(c) for c in duty.controllers],
        categories=list(duty.categories),
        instruction=duty.instruction,
        legal_reference=DeletionReference.of(duty.reference),
        steps=[step_of(s) for s in duty.steps],
        notifications=[notification_of(n) for n in duty.notifications],
    )


@strawberry.type
class DeletionQuery:
    @strawberry.field(
        description="The deletion plan for a data subject: what to erase where, in which "
        "order, what to keep and until when, whom to tell, and what blocks the plan."
    )
    async def deletion_plan(
        self,
        info: Info[Context, None],
        subject: Annotated[
            strawberry.ID,
            strawberry.argument(
                description="The data subject. " + ID_DESCRIPTION + " One that names no data "
                "subject is NOT_FOUND with the nearest keys."
            ),
        ],
        categories: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Category keys to erase (with their descendants and ancestors); "
                "all of the subject's categories when left out." + CATEGORIES_NOTE
            ),
        ] = None,
        regime: Annotated[
            RegimeKey, strawberry.argument(description="The regime whose rules apply.")
        ] = RegimeKey.EU,
        as_of: Annotated[
            date | None, strawberry.argument(description="The date of the plan; today if left out.")
        ] = None,
        last_record_date: Annotated[
            date | None,
            strawberry.argument(
                description="The date of the subject's latest record (such as the last "
                "invoice), from which retention periods run; asOf if left out."
            ),
        ] = None,
        received_on: Annotated[
            date | None,
            strawberry.argument(description="When the request was received, for `deadline`."),
        ] = None,
    ) -> DeletionPlan:
        result = await deletion_plan(
            info.context.db,
            subject=subject,
            categories=categories,
            regime=regime.name,
            as_of=as_of,
            last_record_date=last_record_date,
            received_on=received_on,
        )
        return DeletionPlan(
            subject=key_of(subject, "DataSubject", field="subject"),
            regime=regime,
            as_of=result.as_of,
            legal_grounds=[DeletionReference.of(g) for g in result.grounds],
            steps=[step_of(s) for s in result.steps],
            notifications=[notification_of(n) for n in result.notifications],
            blockers=[blocker_of(b) for b in result.blockers],
            processor_role=[duty_of(d) for d in result.processor_duties],
            unplanned=[
                DeletionUnplanned(
                    system=u.system_id,
                    categories=list(u.categories),
                    reasons=reasons_of(u.reasons),
                    cleared_by=u.cleared_by,
                )
                for u in result.unplanned
            ],
            deadline=RequestDeadline.of(result.deadline),
        )
