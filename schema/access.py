import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers.access import decisions, service
from resolvers.access.document import render_markdown
from resolvers.access.transfers import PlanTransfers, TransferAnswer
from resolvers.references import CATEGORIES_NOTE, ID_DESCRIPTION
from resolvers.transfer.decisions import Verdict
from schema.context import Context
from schema.deadlines import RequestDeadline
from schema.mirror import mirror
from schema.transfer import TransferHop, safeguard_type
from schema.vocabulary import RegimeKey, Role, SafeguardType, TiaOutcome

HeldAs = strawberry.enum(
    decisions.HeldAs,
    name="HeldAs",
    description="How a system holds the data: stored, processed by an activity, copied by a flow, "
    "or backed up.",
)
MissingFact = strawberry.enum(
    decisions.Missing, name="MissingFact", description="What the map lacks for a system."
)


@strawberry.type(description="An organisation named in an access plan.")
class AccessOrganisation:
    id: strawberry.ID = strawberry.field(description="The organisation id.")
    legal_name: str | None = strawberry.field(description="The legal entity's name.")
    country: str | None = strawberry.field(description="Where it is established (ISO code).")
    supervisory_authority: str | None = strawberry.field(
        description="Its lead supervisory authority, when the map records one."
    )

    @classmethod
    def of(cls, organisation: decisions.Organisation) -> "AccessOrganisation":
        return mirror(cls, organisation)


@strawberry.type(description="A system to search, and why the subject's data is there.")
class AccessLocation:
    system_id: strawberry.ID = strawberry.field(description="The system id.")
    name: str | None = strawberry.field(description="The system name.")
    held_as: list[HeldAs] = strawberry.field(  # type: ignore[valid-type]
        description="How it holds the data."
    )
    reasons: list[str] = strawberry.field(description="The facts that put it in the plan.")
    categories: list[str] = strawberry.field(description="The subject's categories held there.")
    identifiers: list[str] = strawberry.field(description="What to search by.")
    retrieval_method: str | None = strawberry.field(description="How to retrieve; null: none.")
    owner_team: str | None = strawberry.field(description="Who owns it; null: no owner.")
    operator: AccessOrganisation | None = strawberry.field(description="Who runs it.")
    retention: list[str] = strawberry.field(description="The retention recorded for the data.")
    retention_days: int | None = strawberry.field(
        description="The longest retention in days; null: unknown."
    )


@strawberry.type(description="A processing activity: its purpose and legal basis (Art. 15(1)(a)).")
class AccessPurpose:
    activity_id: strawberry.ID = strawberry.field(description="The activity id.")
    name: str | None = strawberry.field(description="The activity name.")
    purpose: str | None = strawberry.field(description="The data use key.")
    purpose_name: str | None = strawberry.field(description="The data use name.")
    legal_basis: str | None = strawberry.field(description="The legal basis, article and text.")
    categories: list[str] = strawberry.field(description="The categories it uses.")
    automated_decision_making: bool = strawberry.field(description="Art. 22 decisions.")
    profiling: bool = strawberry.field(description="Whether it profiles.")

    @classmethod
    def of(cls, activity: decisions.Activity) -> "AccessPurpose":
        return mirror(cls, activity, activity_id=strawberry.ID(activity.id))


@strawberry.type(description="A safeguard recorded between an exporter and an importer.")
class AccessSafeguard:
    id: strawberry.ID = strawberry.field(description="The safeguard id.")
    type: SafeguardType | None = strawberry.field(description="Its kind.")
    module: int | None = strawberry.field(description="The SCC module.")
    exporter_id: strawberry.ID = strawberry.field(description="The exporting organisation.")
    tia_outcome: TiaOutcome | None = strawberry.field(
        description="The transfer impact assessment's outcome."
    )
    signed_on: str | None = strawberry.field(description="When it was signed.")
    expires_on: str | None = strawberry.field(description="When it expires.")


@strawberry.type(description="A recipient of the data (Art. 15(1)(c)) and, abroad, its safeguard.")
class AccessRecipient:
    organisation: AccessOrganisation = strawberry.field(description="The recipient.")
    roles: list[Role] = strawberry.field(description="Its roles for the data.")
    reasons: list[str] = strawberry.field(description="Why it receives the data.")
    countries: list[str] = strawberry.field(description="Where it is, stores or accesses it.")
    third_country: bool = strawberry.field(
        description="Whether one of those countries is outside the regime's area (Art. 15(2))."
    )
    safeguards: list[AccessSafeguard] = strawberry.field(
        description="The safeguards recorded for it under this regime."
    )


@strawberry.type(
    description="A recipient in a third country (Art. 15(2)): the transfer engine's decision on "
    "each transfer of the plan's data to it, and the safeguards on record."
)
class AccessTransfer:
    organisation: AccessOrganisation = strawberry.field(description="The recipient.")
    countries: list[str] = strawberry.field(description="Where it is, stores or accesses it.")
    verdict: Verdict | None = strawberry.field(
        description="The worst of its decisions; null when the engine found no transfer of the "
        "plan's data to it (then only the recorded safeguards answer)."
    )
    decisions: list[TransferHop] = strawberry.field(
        description="The engine's decision on each hop that carries the plan's data to it out of "
        "the regime's area: verdict, legal basis, instrument, SCC module, what is missing."
    )
    safeguards: list[AccessSafeguard] = strawberry.field(
        description="The safeguards recorded for it under this regime."
    )

    @classmethod
    def of(cls, answer: TransferAnswer) -> "AccessTransfer":
        recipient = _recipient(answer.recipient)
        return cls(
            organisation=recipient.organisation,
            countries=recipient.countries,
            verdict=answer.verdict,
            decisions=[TransferHop.of(decision) for decision in answer.decisions],
            safeguards=recipient.safeguards,
        )


@strawberry.type(description="Where data not collected from the person comes from (15(1)(g)).")
class AccessSource:
    system_id: strawberry.ID = strawberry.field(description="The upstream system.")
    name: str | None = strawberry.field(description="Its name.")
    operator: AccessOrganisation | None = strawberry.field(description="Who runs it.")
    reasons: list[str] = strawberry.field(description="The flows it feeds the data by.")
    categories: list[str] = strawberry.field(description="The categories it provides.")


@strawberry.type(
    description="Data held as a processor: the person must ask this controller; Preemptly assists "
    "(Art. 28(3)(e))."
)
class AccessRouting:
    controller: AccessOrganisation = strawberry.field(description="The controller to ask.")
    activities: list[str] = strawberry.field(description="The activities done for it.")
    systems: list[str] = strawberry.field(description="Where Preemptly holds that data.")
    categories: list[str] = strawberry.field(description="The categories concerned.")


@strawberry.type(description="A system holding the data whose owner, retrieval or retention lacks.")
class AccessGap:
    system_id: strawberry.ID = strawberry.field(description="The system id.")
    name: str | None = strawberry.field(description="The system name.")
    missing: list[MissingFact] = strawberry.field(  # type: ignore[valid-type]
        description="What the map lacks."
    )
    cleared_by: list[str] = strawberry.field(
        description="Per missing fact, in the same order, the mutation and field that clear it."
    )


@strawberry.type(description="An item the answer must contain, as the graph words it.")
class AccessRightItem:
    key: strawberry.ID = strawberry.field(description="The RightItem key.")
    article: str = strawberry.field(description="The provision.")
    text: str = strawberry.field(description="What it requires.")
    answers: str = strawberry.field(
        description="The part of the plan that answers it: PURPOSES, RECIPIENTS, TRANSFERS, "
        "COMPLAINT, DEADLINE, SOLD_SHARED, DISCLOSED, ... (TEXT: its own text)."
    )


@strawberry.type(
    description="What the answer to an access request must contain and where to find it."
)
class AccessPlan:
    plan: strawberry.Private[decisions.AccessPlan]
    transfer_answers: strawberry.Private[PlanTransfers]

    @strawberry.field(description="The data subject key.")
    def subject(self) -> str:
        return self.plan.subject

    @strawberry.field(description="The regime asked for.")
    def regime(self) -> RegimeKey:
        return RegimeKey(self.plan.regime)

    @strawberry.field(
        description="The authority a complaint goes to under the regime (ICO, FDPIC, CPPA and "
        "the California Attorney General; for the EU, the controller's lead authority)."
    )
    def authority(self) -> str | None:
        return self.plan.authority

    @strawberry.field(description="How the data subject complains under the regime.")
    def complaint_route(self) -> str | None:
        return self.plan.law.complaint_route

    @strawberry.field(
        description="When the answer is due by the regime's rule; null without `receivedOn`."
    )
    def deadline(self) -> RequestDeadline | None:
        return RequestDeadline.of(self.plan.deadline)

    @strawberry.field(description="The rule the regime sets for the response deadline.")
    def deadline_rule(self) -> str | None:
        return self.plan.law.deadline_rule

    @strawberry.field(description="The controller that answers (the map owner).")
    def controller(self) -> AccessOrganisation | None:
        controller = self.plan.controller
        return None if controller is None else AccessOrganisation.of(controller)

    @strawberry.field(
        description="Whether the map holds any of the subject's data (in the categories asked "
        "for): false says the plan is empty because nothing is held, not that nothing was looked "
        "for."
    )
    def holds_data(self) -> bool:
        return bool(self.plan.locations)

    @strawberry.field(description="Every system to search, directly holding, copy or backup.")
    def locations(self) -> list[AccessLocation]:
        return [
            AccessLocation(
                system_id=strawberry.ID(loc.system.id),
                name=loc.system.name,
                held_as=loc.held_as,
                reasons=loc.reasons,
                categories=sorted(loc.categories),
                identifiers=list(loc.system.identifiers),
                retrieval_method=loc.system.retrieval_method,
                owner_team=loc.system.owner_team,
                operator=None
                if loc.system.operator is None
                else AccessOrganisation.of(loc.system.operator),
                retention=loc.retention,
                retention_days=loc.retention_days,
            )
            for loc in self.plan.locations
        ]

    @strawberry.field(description="Art. 15(1)(a), CCPA business purposes.")
    def purposes(self) -> list[AccessPurpose]:
        return [AccessPurpose.of(activity) for activity in self.plan.purposes]

    @strawberry.field(description="Art. 15(1)(b), CCPA categories and specific pieces.")
    def categories(self) -> list[str]:
        return self.plan.categories

    @strawberry.field(description="Art. 15(1)(c): the named recipients and sub-processors.")
    def recipients(self) -> list[AccessRecipient]:
        return [_recipient(recipient) for recipient in self.plan.recipients]

    @strawberry.field(description="Art. 15(1)(c): the categories of recipients.")
    def recipient_categories(self) -> list[str]:
        return self.plan.recipient_categories

    @strawberry.field(
        description="CCPA 1798.110(a)(4): the recipients' roles and the recipient categories."
    )
    def third_party_categories(self) -> list[str]:
        return self.plan.third_party_categories

    @strawberry.field(
        description="Art. 15(2): recipients in a third country, each with the transfer engine's "
        "decisions for the plan's regime; empty under CCPA, where Chapter V does not apply."
    )
    async def transfers(self) -> list[AccessTransfer]:
        answers = await self.transfer_answers.answers()
        return [AccessTransfer.of(answer) for answer in answers.answers]

    @strawberry.field(
        description="Whether GDPR Chapter V and Art. 15(2) apply to the request (not under CCPA)."
    )
    async def transfers_apply(self) -> bool:
        return (await self.transfer_answers.answers()).applies

    @strawberry.field(
        description="What the transfers part of the answer says, or why there is none."
    )
    async def transfer_note(self) -> str:
        return (await self.transfer_answers.answers()).note

    @strawberry.field(description="Art. 15(1)(g), CCPA sources: upstream systems feeding the data.")
    def sources(self) -> list[AccessSource]:
        return [
            AccessSource(
                system_id=strawberry.ID(source.system.id),
                name=source.system.name,
                operator=None
                if source.system.operator is None
                else AccessOrganisation.of(source.system.operator),
                reasons=source.reasons,
                categories=sorted(source.categories),
            )
            for source in self.plan.sources
        ]

    @strawberry.field(description="Whether some of the data was collected from the person.")
    def collected_from_subject(self) -> bool:
        return self.plan.collected_from_subject

    @strawberry.field(
        description="Art. 15(1)(h): activities with automated decisions or profiling."
    )
    def automated_decisions(self) -> list[AccessPurpose]:
        return [AccessPurpose.of(activity) for activity in self.plan.automated_decisions]

    @strawberry.field(description="The items the answer must contain (rights, complaint, ...).")
    def right_items(self) -> list[AccessRightItem]:
        return [
            AccessRightItem(
                key=strawberry.ID(item.key),
                article=item.article,
                text=item.text,
                answers=item.answers,
            )
            for item in self.plan.right_items
        ]

    @strawberry.field(description="Data held as a processor, routed to its controller.")
    def routing(self) -> list[AccessRouting]:
        return [
            AccessRouting(
                controller=AccessOrganisation.of(route.controller),
                activities=route.activities,
                systems=route.systems,
                categories=sorted(route.categories),
            )
            for route in self.plan.routing
        ]

    @strawberry.field(description="Systems holding the data without owner, retrieval or retention.")
    def gaps(self) -> list[AccessGap]:
        return [
            AccessGap(
                system_id=strawberry.ID(gap.system.id),
                name=gap.system.name,
                missing=gap.missing,
                cleared_by=gap.cleared_by,
            )
            for gap in self.plan.gaps
        ]

    @strawberry.field(
        description="Whether the hop bound (DATAMAP_LINEAGE_DEFAULT_HOPS) or the node cap cut the "
        "copies or sources found from some system: the plan is then incomplete."
    )
    def truncated(self) -> bool:
        return self.plan.truncated

    @strawberry.field(description="The plan as a Markdown document to send on.")
    async def document(self) -> str:
        return render_markdown(self.plan, await self.transfer_answers.answers())


def _recipient(recipient: decisions.Recipient) -> AccessRecipient:
    return AccessRecipient(
        organisation=AccessOrganisation.of(recipient.organisation),
        roles=[Role(role) for role in sorted(recipient.roles)],
        reasons=recipient.reasons,
        countries=sorted(recipient.countries),
        third_country=recipient.third_country,
        safeguards=[
            AccessSafeguard(
                id=strawberry.ID(s.id),
                type=safeguard_type(s.type),
                module=s.module,
                exporter_id=strawberry.ID(s.exporter),
                tia_outcome=None if s.tia_outcome is None else TiaOutcome(s.tia_outcome),
                signed_on=s.signed_on,
                expires_on=s.expires_on,
            )
            for s in recipient.safeguards
        ],
    )


@strawberry.type
class AccessQuery:
    @strawberry.field(
        description="The access-request plan (GDPR Art. 15, CCPA right to know) for one kind of "
        "data subject, optionally for some categories."
    )
    async def access_plan(
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
                description="Only data relevant to these category keys." + CATEGORIES_NOTE
            ),
        ] = None,
        regime: Annotated[
            RegimeKey, strawberry.argument(description="The law the request is made under.")
        ] = RegimeKey.EU,
        as_of: Annotated[
            datetime.date | None,
            strawberry.argument(description="The date transfers are decided for; today if absent."),
        ] = None,
        received_on: Annotated[
            datetime.date | None,
            strawberry.argument(description="When the request was received: sets `deadline`."),
        ] = None,
    ) -> AccessPlan:
        db = info.context.db
        plan = await service.access_plan(
            db,
            info.context.settings,
            subject=subject,
            categories=categories,
            regime=regime.name,
            received_on=received_on,
        )
        day = as_of or datetime.date.today()
        return AccessPlan(plan=plan, transfer_answers=PlanTransfers(db, plan, day))
