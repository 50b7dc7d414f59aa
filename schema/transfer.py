import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from resolvers.categories import known_categories
from resolvers.errors import BadUserInput
from resolvers.limits import bounded
from resolvers.references import ID_DESCRIPTION, known_value, resolve_key
from resolvers.transfer import service
from resolvers.transfer.decisions import (
    VERDICT_RANK,
    Channel,
    DpfCertification,
    HopDecision,
    Mechanism,
    PathDecision,
    Place,
    TiaStatus,
    Verdict,
)
from schema.context import Context
from schema.vocabulary import (
    DpfDataType,
    DpfFramework,
    DpfStatus,
    RegimeKey,
    Role,
    SafeguardType,
)

TransferVerdict = strawberry.enum(
    Verdict,
    name="TransferVerdict",
    description=(
        "A transfer decision, best to worst: NOT_A_TRANSFER < ADEQUACY < SAFEGUARD < DEROGATION"
        " < ACTION_REQUIRED < EXPIRED < BLOCKED."
    ),
)

TransferChannel = strawberry.enum(
    Channel,
    name="TransferChannel",
    description="How a hop's data moves: FLOW (a data flow), OPERATION (to the external "
    "organisation that operates a system), ENGAGEMENT (to an engaged processor or "
    "sub-processor), REMOTE_ACCESS (a system accessed from another country, charged to the "
    "organisation that has the access) or CHECK (a what-if `transferCheck`).",
)
TransferPlace = strawberry.enum(
    Place,
    name="TransferPlace",
    description="How a hop's data reaches its country: HOSTED_IN (a system hosted there), "
    "ACCESSED_FROM (a system accessed from there) or ESTABLISHED_IN (the importer is established "
    "there).",
)
TransferMechanism = strawberry.enum(
    Mechanism,
    name="TransferMechanism",
    description="What kind of ground a transfer decision rests on: ADEQUACY (an adequacy "
    "decision), SAFEGUARD (a recorded Art. 46 safeguard; `safeguardType` names its tool), "
    "DEROGATION (an Art. 49 derogation) or NONE (not a transfer, or no valid ground on record).",
)
TransferTiaStatus = strawberry.enum(
    TiaStatus,
    name="TiaStatus",
    description="Whether the hop's safeguard has the transfer impact assessment it needs: "
    "NOT_REQUIRED, DONE, MISSING (none, or none with an outcome) or NOT_ADEQUATE (it found the "
    "protection not adequate).",
)

MAX_PATHS = 500


def safeguard_type(value: str | None) -> SafeguardType | None:
    """A safeguard's `type` (a transfer tool key, which the seeds and the register inputs keep
    to SafeguardType's members) as the enum."""
    return None if value is None else SafeguardType(value)


@strawberry.type(description="The law and instrument a decision rests on.")
class TransferLegalBasis:
    article: str = strawberry.field(description="The article, such as `GDPR Art. 46(2)(c)`.")
    instrument: str | None = strawberry.field(description="The decision or contract type.")
    instrument_id: str | None = strawberry.field(
        description="The AdequacyDecision id, Safeguard id or Art. 49 derogation key."
    )
    source: str | None = strawberry.field(description="Where the instrument can be read.")


@strawberry.type(description="The decision on one hop: data moving between two legal entities.")
class TransferHop:
    id: str = strawberry.field(description="The flow, engagement or operation id (@country).")
    edge_id: strawberry.ID | None = strawberry.field(
        description="The edge the hop crosses, the same id as in `dataMap` edges and `lineage` "
        "hops: a flow's or engagement's global id (`node(id)` resolves it), or for an operation "
        "`OPERATED_BY:<system id>-><organisation id>`; null for a what-if check."
    )
    channel: Channel = strawberry.field(description="How the data moves.")
    exporter_id: str = strawberry.field(description="The exporting organisation.")
    importer_id: str = strawberry.field(description="The importing organisation.")
    exporter_role: Role = strawberry.field(description="The exporter's role.")
    importer_role: Role = strawberry.field(description="The importer's role.")
    country: str | None = strawberry.field(description="The destination country (ISO code).")
    via: list[TransferPlace] = strawberry.field(  # type: ignore[valid-type]
        description="How the data reaches it."
    )
    categories: list[str] = strawberry.field(description="The data categories moved.")
    subjects: list[str] | None = strawberry.field(
        default=None,
        description="The data-subject kinds whose data it moves: those its flow or engagement "
        "names, or those its system holds (an operation); null when it names none (any "
        "subject's data whose categories it carries).",
    )
    verdict: Verdict = strawberry.field(description="The decision.")
    reason: str = strawberry.field(description="Why, in a few words.")
    mechanism: Mechanism = strawberry.field(description="The kind of ground it rests on.")
    safeguard_type: SafeguardType | None = strawberry.field(
        description="The type of the recorded safeguard it rests on, when its mechanism is "
        "SAFEGUARD or DEROGATION; null otherwise."
    )
    legal_basis: TransferLegalBasis = strawberry.field(description="What the decision rests on.")
    scc_module: int | None = strawberry.field(
        description="The SCC 2021/914 module the roles call for (C→C 1, C→P 2, P→P 3, P→C 4)."
    )
    recorded_scc_module: int | None = strawberry.field(description="The module on record.")
    tia_status: TiaStatus = strawberry.field(description="Whether the TIA it needs is done.")
    special_category: bool = strawberry.field(description="Art. 9 data crosses this hop.")
    warnings: list[str] = strawberry.field(description="Risks that do not change the verdict.")
    missing: list[str] = strawberry.field(description="What would make the hop lawful or clean.")
    evidence: list[str] = strawberry.field(description="The graph facts the decision read.")
    evaluated_for: datetime.date = strawberry.field(description="The date decided for.")

    @classmethod
    def of(cls, decision: HopDecision) -> "TransferHop":
        hop, basis = decision.hop, decision.legal_basis
        return cls(
            id=hop.id,
            edge_id=None if hop.edge_id is None else strawberry.ID(hop.edge_id),
            channel=hop.channel,
            exporter_id=hop.exporter.id,
            importer_id=hop.importer.id,
            exporter_role=Role(hop.exporter_role),
            importer_role=Role(hop.importer_role),
            country=hop.country,
            via=list(hop.via),
            categories=list(hop.categories),
            subjects=None if hop.subjects is None else list(hop.subjects),
            verdict=decision.verdict,
            reason=decision.reason,
            mechanism=decision.mechanism,
            safeguard_type=safeguard_type(decision.safeguard_type),
            legal_basis=TransferLegalBasis(
                article=basis.article,
                instrument=basis.instrument,
                instrument_id=basis.instrument_id,
                source=basis.source,
            ),
            scc_module=decision.scc_module,
            recorded_scc_module=decision.recorded_scc_module,
            tia_status=decision.tia_status,
            special_category=hop.special_category,
            warnings=list(decision.warnings),
            missing=list(decision.missing),
            evidence=list(hop.evidence),
            evaluated_for=decision.evaluated_for,
        )


@strawberry.type(description="A path by which the regime's data leaves its area; worst hop wins.")
class TransferPath:
    verdict: Verdict = strawberry.field(description="The worst verdict of its hops.")
    special_category: bool = strawberry.field(description="Art. 9 data crosses one of its hops.")
    evaluated_for: datetime.date = strawberry.field(description="The date decided for.")
    origin: str = strawberry.field(
        description="Where the regime's data starts on this path and why the regime applies "
        "there: an organisation established in its area, or a collection point taking in data "
        "of its subjects for an organisation it reaches by targeting (collecting from the person "
        "is not a transfer)."
    )
    hops: list[TransferHop] = strawberry.field(
        description="From where the data sits to the hop that leaves the area, in order."
    )

    @classmethod
    def of(cls, path: PathDecision) -> "TransferPath":
        return cls(
            verdict=path.verdict,
            special_category=path.special_category,
            evaluated_for=path.evaluated_for,
            origin=path.origin,
            hops=[TransferHop.of(decision) for decision in path.hops],
        )


@strawberry.type(description="How many paths got each verdict.")
class VerdictCount:
    verdict: Verdict = strawberry.field(description="The verdict.")
    count: int = strawberry.field(description="How many paths.")


@strawberry.type(description="The transfer paths of one regime's data on one date.")
class TransferAssessment:
    regime: RegimeKey = strawberry.field(description="The origin regime.")
    evaluated_for: datetime.date = strawberry.field(description="The date decided for.")
    total_count: int = strawberry.field(description="Paths matching the filter, before `first`.")
    counts: list[VerdictCount] = strawberry.field(description="Matching paths per verdict.")
    truncated: bool = strawberry.field(description="True when `first` cut the list.")
    paths: list[TransferPath] = strawberry.field(description="The paths, worst first.")


@strawberry.input(description="Which paths to return.")
class TransferFilter:
    verdicts: list[Verdict] | None = strawberry.field(
        default=None, description="Only paths with one of these verdicts."
    )
    country: str | None = strawberry.field(
        default=None,
        description="Only paths whose last hop reaches this country (ISO 3166-1 alpha-2, any "
        "case); a code naming no country is BAD_USER_INPUT.",
    )
    special_category_only: bool = strawberry.field(
        default=False, description="Only paths that carry Art. 9 data."
    )


@strawberry.input(description="A DPF certification, as the DPF List shows it.")
class DpfCertificationInput:
    framework: DpfFramework = strawberry.field(description="The programme.")
    status: DpfStatus = strawberry.field(description="ACTIVE or INACTIVE on the DPF List.")
    data_types: list[DpfDataType] = strawberry.field(description="HR and/or NON_HR data.")
    certified_on: datetime.date = strawberry.field(description="When it was certified.")
    expires_on: datetime.date | None = strawberry.field(
        default=None, description="When the certification lapses unless renewed."
    )

    def certification(self) -> DpfCertification:
        if not self.data_types:
            raise BadUserInput("a certification covers HR or NON_HR data", field="dataTypes")
        if self.expires_on is not None and self.expires_on < self.certified_on:
            raise BadUserInput("expiresOn is before certifiedOn", field="expiresOn")
        return DpfCertification(
            framework=self.framework.value,
            status=self.status.value,
            data_types=tuple(sorted({t.value for t in self.data_types})),
            certified_on=self.certified_on,
            expires_on=self.expires_on,
        )


@strawberry.input(description="A transfer to decide before it exists on the map.")
class TransferCheckInput:
    exporter_id: strawberry.ID = strawberry.field(
        description="The exporting organisation. " + ID_DESCRIPTION
    )
    importer_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The importing organisation, when it is on the map. " + ID_DESCRIPTION,
    )
    importer_country: str | None = strawberry.field(
        default=None,
        description="Where the importer receives the data (ISO 3166-1 alpha-2, any case).",
    )
    importer_subject_to: list[str] = strawberry.field(
        default_factory=list, description="Laws the importer is subject to, such as PIPEDA."
    )
    categories: list[str] = strawberry.field(
        default_factory=list,
        description="The data categories to send; an unknown key is BAD_USER_INPUT.",
    )
    exporter_role: Role = strawberry.field(description="The exporter's role.")
    importer_role: Role = strawberry.field(description="The importer's role.")
    hr_data: bool = strawberry.field(default=False, description="HR data (for DPF scope).")
    importer_certifications: list[DpfCertificationInput] | None = strawberry.field(
        default=None,
        description="The prospective importer's DPF certifications; when given, they replace "
        "what the map records for it.",
    )
    regime: RegimeKey = strawberry.field(default=RegimeKey.EU, description="The origin regime.")
    as_of: datetime.date | None = strawberry.field(
        default=None, description="The date to decide for; today when absent."
    )


SubjectArgument = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="A data subject: only its data, along the flows and engagements that carry "
        "it (those that name it or name no subject). " + ID_DESCRIPTION + " One that names no "
        "data subject is NOT_FOUND with the nearest keys."
    ),
]


async def _subject(info: Info[Context, None], subject: str | None) -> str | None:
    if subject is None:
        return None
    return await resolve_key(info.context.db, subject, "DataSubject", field="subject")


def _first(first: int) -> int:
    return bounded(first, MAX_PATHS, field="first", minimum=0)


def _matches(path: PathDecision, filter: TransferFilter | None, country: str | None) -> bool:
    if filter is None:
        return True
    if filter.verdicts and path.verdict not in filter.verdicts:
        return False
    if country is not None and path.last.hop.country != country:
        return False
    return not (filter.special_category_only and not path.special_category)


def _assessment(
    regime: RegimeKey, as_of: datetime.date, paths: list[PathDecision], first: int
) -> TransferAssessment:
    ranked = sorted(paths, key=lambda p: -VERDICT_RANK[p.verdict])
    counts = {verdict: 0 for verdict in Verdict}
    for path in paths:
        counts[path.verdict] += 1
    return TransferAssessment(
        regime=regime,
        evaluated_for=as_of,
        total_count=len(paths),
        counts=[VerdictCount(verdict=v, count=n) for v, n in counts.items() if n],
        truncated=len(paths) > first,
        paths=[TransferPath.of(path) for path in ranked[:first]],
    )


@strawberry.type
class TransferQuery:
    @strawberry.field(
        description="Every path by which the regime's personal data leaves its area, each hop "
        "decided with its legal basis."
    )
    async def transfer_assessment(
        self,
        info: Info[Context, None],
        regime: RegimeKey = RegimeKey.EU,
        as_of: datetime.date | None = None,
        filter: TransferFilter | None = None,
        first: int = 100,
        subject: SubjectArgument = None,
    ) -> TransferAssessment:
        shown = _first(first)
        day = as_of or datetime.date.today()
        country = None
        if filter is not None and filter.country is not None:
            country = await known_value(
                info.context.db, "Country", filter.country, field="filter.country"
            )
        paths = await service.assess(
            info.context.db, regime=regime.value, as_of=day, subject=await _subject(info, subject)
        )
        matching = [path for path in paths if _matches(path, filter, country)]
        return _assessment(regime, day, matching, shown)

    @strawberry.field(
        description="The transfer paths through one system or one organisation: give exactly one."
    )
    async def transfers(
        self,
        info: Info[Context, None],
        system_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The system. " + ID_DESCRIPTION),
        ] = None,
        organisation_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The organisation. " + ID_DESCRIPTION),
        ] = None,
        regime: RegimeKey = RegimeKey.EU,
        as_of: datetime.date | None = None,
        first: int = 100,
        subject: SubjectArgument = None,
    ) -> TransferAssessment:
        shown = _first(first)
        if (system_id is None) == (organisation_id is None):
            raise BadUserInput("give exactly one of systemId and organisationId", field="systemId")
        day = as_of or datetime.date.today()
        db = info.context.db
        scope = service.Scope(
            system_id=None
            if system_id is None
            else await resolve_key(db, system_id, "System", field="systemId"),
            organisation_id=None
            if organisation_id is None
            else await resolve_key(db, organisation_id, "Organisation", field="organisationId"),
        )
        paths = await service.assess(
            db, regime=regime.value, as_of=day, scope=scope, subject=await _subject(info, subject)
        )
        return _assessment(regime, day, paths, shown)

    @strawberry.field(
        description="Decide a transfer before it happens (a new vendor or integration) and say "
        "what is missing."
    )
    async def transfer_check(
        self, info: Info[Context, None], input: TransferCheckInput
    ) -> TransferHop:
        db = info.context.db
        request = service.TransferCheck(
            regime=input.regime.value,
            as_of=input.as_of or datetime.date.today(),
            exporter_id=await resolve_key(
                db, input.exporter_id, "Organisation", field="input.exporterId"
            ),
            exporter_role=input.exporter_role.value,
            importer_role=input.importer_role.value,
            categories=tuple(
                await known_categories(db, input.categories, field="input.categories") or ()
            )
            if input.categories
            else (),
            importer_id=None
            if input.importer_id is None
            else await resolve_key(db, input.importer_id, "Organisation", field="input.importerId"),
            importer_country=None
            if input.importer_country is None
            else await known_value(
                db, "Country", input.importer_country, field="input.importerCountry"
            ),
            importer_subject_to=tuple(input.importer_subject_to),
            importer_dpf=None
            if input.importer_certifications is None
            else tuple(c.certification() for c in input.importer_certifications),
            hr_data=input.hr_data,
        )
        return TransferHop.of(await service.check(db, request))
