"""`policyCheck`: each claim of a privacy policy decided against the map."""

import datetime
import json
from enum import Enum

import strawberry
from strawberry.types import Info

from resolvers.policy import decisions
from resolvers.policy.service import PolicyCheck as Checked
from resolvers.policy.service import policy_check
from schema.context import Context
from schema.mirror import mirror

strawberry.enum(
    decisions.Verdict,
    name="ClaimVerdict",
    description="HOLDS: the map confirms the claim; CONTRADICTED: the map shows a fact against "
    "it; UNCHECKABLE: the map lacks a fact the claim needs.",
)
strawberry.enum(
    decisions.PracticeKind,
    name="UndisclosedPracticeKind",
    description="What the map holds that the policy does not disclose.",
)


@strawberry.enum(description="The closed set of predicates a policy claim is checked by.")
class PolicyPredicateKind(Enum):
    CATEGORIES_WITHIN = "CATEGORIES_WITHIN"
    PURPOSES_WITHIN = "PURPOSES_WITHIN"
    RECIPIENT_KINDS_WITHIN = "RECIPIENT_KINDS_WITHIN"
    NO_SALE = "NO_SALE"
    SECURITY_MEASURES = "SECURITY_MEASURES"
    RETENTION_RECORDED = "RETENTION_RECORDED"
    ERASURE_FROM_ACTIVE_SYSTEMS = "ERASURE_FROM_ACTIVE_SYSTEMS"
    RIGHTS_SERVED = "RIGHTS_SERVED"
    MINIMUM_AGE = "MINIMUM_AGE"
    TRANSFERS_SAFEGUARDED = "TRANSFERS_SAFEGUARDED"
    COOKIES = "COOKIES"
    COMPLIANCE = "COMPLIANCE"
    UNMAPPED = "UNMAPPED"


@strawberry.type(description="A fact of the map and the graph path to it.")
class PolicyEvidence:
    path: list[str] = strawberry.field(
        description="Nodes (`Label:key`) and, between them, the relationships that lead there."
    )
    detail: str = strawberry.field(description="What the path shows.")

    @classmethod
    def of(cls, evidence: decisions.Evidence) -> "PolicyEvidence":
        return cls(path=list(evidence.path), detail=evidence.detail)


@strawberry.type(description="One claim of the policy, decided against the map.")
class PolicyClaimResult:
    key: str = strawberry.field(description="The claim's key within its policy.")
    section: str = strawberry.field(description="The policy section that makes it.")
    words: str = strawberry.field(description="The policy's words, verbatim.")
    note: str | None = strawberry.field(description="How the words were read, where not plain.")
    kind: PolicyPredicateKind = strawberry.field(description="The predicate that checks it.")
    parameters: str = strawberry.field(description="The predicate with its parameters, as JSON.")
    verdict: decisions.Verdict = strawberry.field(description="What the map says.")
    checked: int = strawberry.field(description="How many entries of the map were checked.")
    evidence: list[PolicyEvidence] = strawberry.field(
        description="CONTRADICTED: each fact against the claim, with its path."
    )
    lacks: list[str] = strawberry.field(description="The facts the map lacks to decide it.")
    support: list[PolicyEvidence] = strawberry.field(
        description="Facts of the map that confirm it, where a few facts do (the owner's "
        "recorded properties, the cookie data held)."
    )

    @classmethod
    def of(cls, result: decisions.ClaimResult) -> "PolicyClaimResult":
        claim = result.claim
        return cls(
            key=claim.key,
            section=claim.section,
            words=claim.words,
            note=claim.note,
            kind=PolicyPredicateKind(claim.predicate.kind),
            parameters=json.dumps(claim.predicate.model_dump(mode="json"), sort_keys=True),
            verdict=result.verdict,
            checked=result.checked,
            evidence=[PolicyEvidence.of(item) for item in result.evidence],
            lacks=list(result.lacks),
            support=[PolicyEvidence.of(item) for item in result.support],
        )


@strawberry.type(description="A practice of the map that no claim of the policy discloses.")
class UndisclosedPractice:
    kind: decisions.PracticeKind = strawberry.field(description="What kind of practice.")
    key: str = strawberry.field(
        description="The category or use key, organisation id or country code."
    )
    detail: str = strawberry.field(description="What the map holds.")
    evidence: list[PolicyEvidence] = strawberry.field(description="Where the map holds it.")


@strawberry.type(description="A privacy policy as it was loaded.")
class PolicyInfo:
    key: str = strawberry.field(description="The policy's key (what `policyCheck` takes).")
    title: str = strawberry.field(description="Its title.")
    owner: str = strawberry.field(description="The id of the organisation whose map it is.")
    last_updated: datetime.date = strawberry.field(description="Its `Last Updated` date.")
    source: str = strawberry.field(description="Where its text is published.")


@strawberry.type(description="How many claims got each verdict.")
class ClaimVerdictCount:
    verdict: decisions.Verdict = strawberry.field(description="The verdict.")
    count: int = strawberry.field(description="How many claims.")


@strawberry.type(description="Each claim of a policy decided against its owner's map.")
class PolicyCheck:
    policy: PolicyInfo = strawberry.field(description="The policy checked.")
    as_of: datetime.date = strawberry.field(description="The date checked for (transfers).")
    contradicted: bool = strawberry.field(description="True when a claim is CONTRADICTED.")
    counts: list[ClaimVerdictCount] = strawberry.field(description="Claims per verdict.")
    claims: list[PolicyClaimResult] = strawberry.field(description="The claims, in policy order.")
    undisclosed: list[UndisclosedPractice] = strawberry.field(
        description="What the map holds that no claim discloses."
    )

    @classmethod
    def of(cls, check: Checked) -> "PolicyCheck":
        policy = check.policy
        counts = {verdict: 0 for verdict in decisions.Verdict}
        for result in check.results:
            counts[result.verdict] += 1
        return cls(
            policy=mirror(PolicyInfo, policy),
            as_of=check.as_of,
            contradicted=check.contradicted,
            counts=[ClaimVerdictCount(verdict=v, count=n) for v, n in counts.items() if n],
            claims=[PolicyClaimResult.of(result) for result in check.results],
            undisclosed=[
                UndisclosedPractice(
                    kind=practice.kind,
                    key=practice.key,
                    detail=practice.detail,
                    evidence=[PolicyEvidence.of(item) for item in practice.evidence],
                )
                for practice in check.undisclosed
            ],
        )


@strawberry.type
class PolicyQuery:
    @strawberry.field(
        description="Each claim of a privacy policy (its section, its words) decided HOLDS, "
        "CONTRADICTED or UNCHECKABLE against the map of its owner, with the graph paths that "
        "show a contradiction and the facts the map lacks; and the practices of the map the "
        "policy does not disclose."
    )
    async def policy_check(
        self,
        info: Info[Context, None],
        policy: strawberry.ID,
        as_of: datetime.date | None = None,
    ) -> PolicyCheck:
        day = as_of or datetime.date.today()
        return PolicyCheck.of(await policy_check(info.context.db, str(policy), day))
