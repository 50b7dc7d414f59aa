import json
from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from resolvers.breach import decisions as breach
from resolvers.breach import document
from resolvers.breach.service import breach_impact_of
from resolvers.references import CATEGORIES_NOTE, ID_DESCRIPTION
from schema.context import Context
from schema.vocabulary import (
    BreachAddressee,
    Confidence,
    DeadlineFrom,
    ExemptionBasis,
    RiskTest,
    Role,
)


@strawberry.enum(description="What the breach compromised (Art. 4(12) GDPR; EDPB 01/2021).")
class BreachKind(Enum):
    CONFIDENTIALITY = strawberry.enum_value(
        "CONFIDENTIALITY", description="Unauthorised disclosure of, or access to, the data."
    )
    INTEGRITY = strawberry.enum_value("INTEGRITY", description="Unauthorised alteration.")
    AVAILABILITY = strawberry.enum_value(
        "AVAILABILITY", description="Accidental or unlawful loss of access or destruction."
    )


@strawberry.enum(description="How a system is touched by the breach.")
class BreachReach(Enum):
    COMPROMISED = strawberry.enum_value(
        "COMPROMISED", description="Named, or operated by the compromised organisation."
    )
    BACKUP = strawberry.enum_value("BACKUP", description="A backup of a compromised system.")
    DOWNSTREAM = strawberry.enum_value(
        "DOWNSTREAM", description="Flows carry data on to it from a compromised system."
    )


@strawberry.enum(description="Whether a notification duty applies.")
class NotificationStatus(Enum):
    REQUIRED = strawberry.enum_value("REQUIRED", description="Applies on the map's facts.")
    CONDITIONAL = strawberry.enum_value(
        "CONDITIONAL",
        description="Applies if the conditions listed hold: facts the map does not record.",
    )
    NOT_REQUIRED = strawberry.enum_value(
        "NOT_REQUIRED", description="Does not apply, for the reasons listed."
    )


@strawberry.enum(description="Whether an exemption lifts a duty.")
class ExemptionApplies(Enum):
    YES = strawberry.enum_value("YES", description="It applies on the map's facts.")
    TO_CONFIRM = strawberry.enum_value(
        "TO_CONFIRM", description="It may apply: a person confirms the fact it turns on."
    )
    NO = strawberry.enum_value("NO", description="It does not apply, for the reason given.")


@strawberry.enum(description="How a regime reaches the map owner's affected data.")
class BreachScopeKind(Enum):
    ESTABLISHED = strawberry.enum_value("ESTABLISHED", description="By establishment.")
    HOSTED = strawberry.enum_value("HOSTED", description="By where the data are hosted.")
    RESIDENTS = strawberry.enum_value(
        "RESIDENTS",
        description="By where the affected people are: each storage's subjects_in, else the "
        "markets its controller serves.",
    )
    UNKNOWN = strawberry.enum_value(
        "UNKNOWN",
        description="The map does not record where some affected people are (or records only "
        "the country of a state's residents): a person confirms.",
    )
    NONE = strawberry.enum_value("NONE", description="Not reached on the facts recorded.")


@strawberry.type(description="An organisation a breach answer names.")
class BreachOrganisationRef:
    id: str = strawberry.field(description="The Organisation id.")
    legal_name: str = strawberry.field(description="Its legal name.")
    country: str | None = strawberry.field(description="Where it is established.")


@strawberry.type(description="A category of the affected data, with how a breach weighs it.")
class BreachCategory:
    key: str
    name: str
    special_category: bool = strawberry.field(description="Art. 9(1) GDPR data.")
    criminal_data: bool = strawberry.field(description="Art. 10 GDPR data.")
    credential: bool = strawberry.field(description="A credential (ENISA severity method).")
    financial: bool = strawberry.field(description="Financial data (ENISA severity class).")
    us_breach_element: str | None = strawberry.field(
        description="The element of personal information under the US state laws it is."
    )


@strawberry.type(description="A storage (or an activity on a system without storages) affected.")
class BreachHolding:
    id: str = strawberry.field(description="The Storage or ProcessingActivity id.")
    system_id: str = strawberry.field(description="Where it is held (a system or organisation).")
    subject: str
    categories: list[str]
    controller_role: Role = strawberry.field(description="Preemptly's role for the data.")
    record_count: int | None = strawberry.field(description="Approximate records; null = unknown.")
    from_activity: bool = strawberry.field(
        description="Read from an activity running on a system that records no storage."
    )


@strawberry.type(description="A system (or receiving organisation) the breach touches.")
class BreachSystem:
    id: str = strawberry.field(description="The System (or Organisation) id.")
    name: str
    reach: BreachReach
    path: list[str] = strawberry.field(description="From the compromised system to this one.")
    categories: list[str] = strawberry.field(description="The categories it holds or receives.")
    subjects: list[str] = strawberry.field(
        description="The data subjects whose data it holds, or receives by the flows on its path: "
        "a flow carries the subjects it names, or, naming none, those of the compromised system "
        "(inferred from categories alone, as its note says)."
    )
    operator: BreachOrganisationRef | None
    operator_role: Role | None
    hosting_countries: list[str]
    security_measures: list[str]
    encrypted_at_rest: bool
    is_organisation: bool
    note: str


@strawberry.type(description="The compromised organisation or one of its sub-processors.")
class BreachOrganisation:
    organisation: BreachOrganisationRef
    chain: list[str] = strawberry.field(description="The ENGAGES chain from the compromised one.")
    roles: list[str] = strawberry.field(description="The engaged roles along the chain.")


@strawberry.type(description="What the breach touches of one kind of data subject.")
class BreachSubject:
    subject: str
    name: str
    categories: list[BreachCategory]
    special_category: bool
    criminal_data: bool
    credentials: bool
    financial: bool
    records: int | None = strawberry.field(
        description="Approximate records: the sum over the storages with a count."
    )
    people_at_least: int | None = strawberry.field(
        description="At least this many people: the largest storage's count."
    )
    counts_unknown_in: list[str] = strawberry.field(description="Storages without a count.")
    subjects_in: list[str] = strawberry.field(
        description="The markets the affected people are in, as the regimes engine reads them: "
        "each storage's subjects_in, else the markets its controller serves; empty = not recorded."
    )
    subjects_in_sources: list[str] = strawberry.field(
        description="The graph facts subjectsIn is read from (`Storage:<id>.subjects_in`, "
        "`Organisation:<id>.serves`)."
    )
    roles: list[Role] = strawberry.field(description="Preemptly's roles for these data.")
    holdings: list[BreachHolding]


@strawberry.type(description="An exemption from a duty, and whether it applies.")
class BreachExemptionResult:
    key: str
    basis: ExemptionBasis
    citation: str
    text: str
    applies: ExemptionApplies
    reason: str
    source: str
    confidence: Confidence


@strawberry.type(description="One notification duty, decided on the map's facts.")
class BreachDuty:
    key: str = strawberry.field(description="The BreachObligation key.")
    jurisdiction: str
    addressee: BreachAddressee
    authority: str | None
    country: str | None = strawberry.field(description="The authority's country, where known.")
    status: NotificationStatus
    deadline: datetime | None = strawberry.field(
        description="The absolute deadline from awareAt; null where the law sets no fixed limit."
    )
    deadline_text: str
    deadline_from: DeadlineFrom
    citation: str
    text: str
    reasons: list[str]
    conditions: list[str]
    exemptions: list[BreachExemptionResult]
    source: str
    source_date: str | None
    confidence: Confidence


@strawberry.type(description="A controller Preemptly must tell as its processor.")
class BreachControllerNotice:
    controller: BreachOrganisationRef
    subjects: list[str]
    categories: list[str]
    systems: list[str]
    activities: list[str]
    records: int | None
    obligations: list[BreachDuty]


@strawberry.type(description="One factor of the Art. 34 high-risk test, with its source.")
class BreachRiskFactor:
    key: str
    label: str
    test: RiskTest
    present: bool
    weighs: bool = strawberry.field(description="Whether it weighs in this kind of breach.")
    high_risk_when_present: bool = strawberry.field(
        description="Whether the source makes a high risk likely when it is present."
    )
    detail: str
    evidence: list[str]
    consequence: str
    citation: str
    source: str
    source_date: str | None
    confidence: Confidence


@strawberry.type(description="The Art. 34 risk test: its factors and their sources.")
class BreachRisk:
    likely_high_risk: bool
    basis: str
    factors: list[BreachRiskFactor]


@strawberry.type(description="How a regime reaches the map owner's affected data.")
class BreachScope:
    jurisdiction: str
    scope: BreachScopeKind
    reason: str


@strawberry.type(description="One item of a draft notification.")
class BreachDraftItem:
    key: str = strawberry.field(description="The item, such as `33(3)(a)`.")
    label: str
    filled: list[str] = strawberry.field(description="What the graph fills in.")
    to_complete: list[str] = strawberry.field(description="What a person must complete.")


@strawberry.type(description="A draft notification to one authority.")
class BreachNotificationDraft:
    authority: str
    jurisdiction: str
    obligation: str
    citation: str
    status: NotificationStatus
    deadline: datetime | None
    deadline_text: str
    conditions: list[str]
    items: list[BreachDraftItem]
    markdown: str
    json: JSON


@strawberry.type(description="Who must be told of a breach, by when, and what to say.")
class BreachImpact:
    aware_at: datetime
    kind: BreachKind
    systems: list[BreachSystem]
    organisations: list[BreachOrganisation]
    subjects: list[BreachSubject]
    controllers_to_notify: list[BreachControllerNotice] = strawberry.field(
        description="Controllers of processor data, per customer (Art. 33(2))."
    )
    processor_data_without_controller: list[BreachHolding] = strawberry.field(
        description="Processor data whose controller the map does not record."
    )
    risk: BreachRisk
    scopes: list[BreachScope]
    obligations: list[BreachDuty]
    subjects_in_recorded: bool = strawberry.field(
        description="Whether the map records where every affected person of the owner's own "
        "data is (subjectsIn), so each regime's reach is decided."
    )
    notifications: list[BreachNotificationDraft]
    document: str = strawberry.field(description="Every draft notification as Markdown.")


def organisation_of(o: breach.Organisation) -> BreachOrganisationRef:
    return BreachOrganisationRef(id=o.id, legal_name=o.name, country=o.country)


def holding_of(h: breach.Holding) -> BreachHolding:
    return BreachHolding(
        id=h.id,
        system_id=h.system_id,
        subject=h.subject,
        categories=[c.key for c in h.categories],
        controller_role=Role(h.controller_role),
        record_count=h.record_count,
        from_activity=h.from_activity,
    )


def category_of(c: breach.Category) -> BreachCategory:
    return BreachCategory(
        key=c.key,
        name=c.name,
        special_category=c.special,
        criminal_data=c.criminal,
        credential=c.credential,
        financial=c.financial,
        us_breach_element=c.us_element,
    )


def duty_of(d: breach.Duty) -> BreachDuty:
    o = d.obligation
    return BreachDuty(
        key=o.key,
        jurisdiction=o.jurisdiction,
        addressee=BreachAddressee(o.addressee),
        authority=d.authority,
        country=d.country,
        status=NotificationStatus(d.status.value),
        deadline=d.deadline,
        deadline_text=o.deadline_text,
        deadline_from=DeadlineFrom(o.deadline_from),
        citation=o.citation,
        text=o.text,
        reasons=list(d.reasons),
        conditions=list(d.conditions),
        exemptions=[
            BreachExemptionResult(
                key=e.exemption.key,
                basis=ExemptionBasis(e.exemption.basis),
                citation=e.exemption.citation,
                text=e.exemption.text,
                applies=ExemptionApplies(e.applies.value),
                reason=e.reason,
                source=e.exemption.provenance.source,
                confidence=Confidence(e.exemption.provenance.confidence),
            )
            for e in d.exemptions
        ],
        source=o.provenance.source,
        source_date=o.provenance.source_date,
        confidence=Confidence(o.provenance.confidence),
    )


def system_of(s: breach.AffectedSystem) -> BreachSystem:
    return BreachSystem(
        id=s.id,
        name=s.name,
        reach=BreachReach(s.reach.value),
        path=list(s.path),
        categories=list(s.categories),
        subjects=list(s.subjects),
        operator=organisation_of(s.operator) if s.operator else None,
        operator_role=None if s.operator_role is None else Role(s.operator_role),
        hosting_countries=list(s.hosted_in),
        security_measures=list(s.security_measures),
        encrypted_at_rest=breach.ENCRYPTION_AT_REST in s.security_measures,
        is_organisation=s.is_organisation,
        note=s.note,
    )


def subject_of(s: breach.AffectedSubject) -> BreachSubject:
    return BreachSubject(
        subject=s.subject,
        name=s.name,
        categories=[category_of(c) for c in s.categories],
        special_category=s.special,
        criminal_data=s.criminal,
        credentials=s.credential,
        financial=s.financial,
        records=s.records,
        people_at_least=s.people_at_least,
        counts_unknown_in=list(s.counts_unknown_in),
        subjects_in=list(s.residence.markets),
        subjects_in_sources=list(s.residence.recorded_by),
        roles=[Role(role) for role in s.roles],
        holdings=[holding_of(h) for h in s.holdings],
    )


def risk_of(r: breach.Risk) -> BreachRisk:
    return BreachRisk(
        likely_high_risk=r.likely_high,
        basis=r.basis,
        factors=[
            BreachRiskFactor(
                key=f.factor.key,
                label=f.factor.label,
                test=RiskTest(f.factor.test),
                present=f.present,
                weighs=f.weighs,
                high_risk_when_present=f.factor.high_risk,
                detail=f.detail,
                evidence=list(f.evidence),
                consequence=f.factor.consequence,
                citation=f.factor.citation,
                source=f.factor.provenance.source,
                source_date=f.factor.provenance.source_date,
                confidence=Confidence(f.factor.provenance.confidence),
            )
            for f in r.factors
        ],
    )


def draft_of(d: document.Draft) -> BreachNotificationDraft:
    return BreachNotificationDraft(
        authority=d.authority,
        jurisdiction=d.jurisdiction,
        obligation=d.obligation,
        citation=d.citation,
        status=NotificationStatus(d.status.value),
        deadline=d.deadline,
        deadline_text=d.deadline_text,
        conditions=list(d.conditions),
        items=[
            BreachDraftItem(
                key=i.key, label=i.label, filled=list(i.filled), to_complete=list(i.to_complete)
            )
            for i in d.items
        ],
        markdown=document.render_markdown([d]),
        json=json.loads(json.dumps(document.as_json(d))),
    )


def impact_of(impact: breach.Impact) -> BreachImpact:
    drafts = document.drafts(impact)
    return BreachImpact(
        aware_at=impact.aware_at,
        kind=BreachKind(impact.kind.value),
        systems=[system_of(s) for s in impact.systems],
        organisations=[
            BreachOrganisation(
                organisation=organisation_of(o.organisation),
                chain=list(o.chain),
                roles=list(o.roles),
            )
            for o in impact.organisations
        ],
        subjects=[subject_of(s) for s in impact.subjects],
        controllers_to_notify=[
            BreachControllerNotice(
                controller=organisation_of(n.controller),
                subjects=list(n.subjects),
                categories=list(n.categories),
                systems=list(n.systems),
                activities=list(n.activities),
                records=n.records,
                obligations=[duty_of(d) for d in n.duties],
            )
            for n in impact.controllers
        ],
        processor_data_without_controller=[
            holding_of(h) for h in impact.processor_data_without_controller
        ],
        risk=risk_of(impact.risk),
        scopes=[
            BreachScope(
                jurisdiction=s.jurisdiction, scope=BreachScopeKind(s.scope.value), reason=s.reason
            )
            for s in impact.scopes
        ],
        obligations=[duty_of(d) for d in impact.duties],
        subjects_in_recorded=impact.subjects_in_recorded,
        notifications=[draft_of(d) for d in drafts],
        document=document.render_markdown(drafts),
    )


@strawberry.type
class BreachQuery:
    @strawberry.field(
        description="A breach of systems or of an organisation (and its sub-processors): the "
        "data of whom it touches, where the data flowed on, whom Preemptly must tell as "
        "processor, the Art. 34 risk factors with their sources, each regime's duty with its "
        "deadline from awareAt, and a draft notification per authority."
    )
    async def breach_impact(
        self,
        info: Info[Context, None],
        aware_at: Annotated[
            datetime,
            strawberry.argument(
                description="When the controller became aware of the breach (Art. 33(1)); "
                "not in the future. Without a time zone, UTC."
            ),
        ],
        kind: Annotated[BreachKind, strawberry.argument(description="What was compromised.")],
        system_ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(
                description="The compromised systems. Each accepts the global id (`id`) or the "
                "key (`key`); one naming no system is NOT_FOUND naming `systemIds[i]`."
            ),
        ] = None,
        organisation_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="A compromised organisation (a vendor): the systems it and its "
                "sub-processors operate, and the flows they receive. " + ID_DESCRIPTION
            ),
        ] = None,
        categories: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Only these categories (with descendants and ancestors) were "
                "affected; all when left out." + CATEGORIES_NOTE
            ),
        ] = None,
        subjects: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(
                description="Only these data subjects' data were affected; anyone's when left "
                "out. A flow or engagement is followed for them when it names one of them or "
                "names none. Each accepts the global id (`id`) or the key (`key`); an unknown one "
                "is BAD_USER_INPUT naming `subjects[i]`, with the nearest keys."
            ),
        ] = None,
    ) -> BreachImpact:
        impact = await breach_impact_of(
            info.context.db,
            system_ids=None if system_ids is None else [str(v) for v in system_ids],
            organisation_id=organisation_id,
            aware_at=aware_at,
            kind=breach.Kind(kind.value),
            categories=categories,
            subjects=None if subjects is None else [str(v) for v in subjects],
        )
        return impact_of(impact)
