"""Each claim of a policy decided over the owner's map, and the practices of the map the policy
does not disclose: pure functions over the plain data of `facts.py`.

A claim HOLDS when the map confirms it, is CONTRADICTED when the map shows a fact against it
(each with the graph path that shows it), and is UNCHECKABLE when, short of a contradiction, the
map lacks a fact the claim needs (each named)."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from resolvers.categories import within
from resolvers.policy.facts import (
    Activity,
    Claim,
    Grant,
    Owner,
    OwnerMap,
    Policy,
    Recipient,
    RegimeLaw,
    Storage,
    Transfer,
)
from seeds import models


class Verdict(StrEnum):
    HOLDS = "HOLDS"
    CONTRADICTED = "CONTRADICTED"
    UNCHECKABLE = "UNCHECKABLE"


class PracticeKind(StrEnum):
    CATEGORY = "CATEGORY"
    PURPOSE = "PURPOSE"
    RECIPIENT = "RECIPIENT"
    TRANSFER_COUNTRY = "TRANSFER_COUNTRY"
    SPECIAL_CATEGORY = "SPECIAL_CATEGORY"


@dataclass(frozen=True)
class Evidence:
    """A fact of the map, and the graph path to it (node `Label:key`, relationship types)."""

    path: tuple[str, ...]
    detail: str


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    verdict: Verdict
    checked: int
    evidence: tuple[Evidence, ...]
    lacks: tuple[str, ...]
    support: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Practice:
    """Something the map holds that no claim of the policy discloses."""

    kind: PracticeKind
    key: str
    detail: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Outcome:
    """What one predicate found: the contradictions, the facts missing, how many entries of the
    map it checked, and the facts that confirm it where a few facts do."""

    checked: int
    contradictions: tuple[Evidence, ...] = ()
    lacks: tuple[str, ...] = ()
    support: tuple[Evidence, ...] = ()


def verdict(outcome: Outcome) -> Verdict:
    if outcome.contradictions:
        return Verdict.CONTRADICTED
    if outcome.lacks:
        return Verdict.UNCHECKABLE
    return Verdict.HOLDS


def storage_path(storage: Storage, *tail: str) -> tuple[str, ...]:
    return (f"Storage:{storage.id}", "IN_SYSTEM", f"System:{storage.system}", *tail)


def places(facts: OwnerMap) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every (category, path) the map holds or processes."""
    for storage in facts.storages:
        for key in storage.categories:
            yield key, (*storage_path(storage), "OF_CATEGORY", f"DataCategory:{key}")
    for activity in facts.activities:
        for key in activity.categories:
            yield (
                key,
                (
                    f"ProcessingActivity:{activity.id}",
                    "USES_CATEGORY",
                    f"DataCategory:{key}",
                ),
            )


def grouped(found: Iterable[tuple[str, tuple[str, ...]]]) -> dict[str, list[tuple[str, ...]]]:
    result: dict[str, list[tuple[str, ...]]] = {}
    for key, path in found:
        result.setdefault(key, []).append(path)
    return dict(sorted(result.items()))


def more(paths: Sequence[tuple[str, ...]]) -> str:
    return f" (and {len(paths) - 1} more places)" if len(paths) > 1 else ""


def covered(key: str, named: Iterable[str]) -> bool:
    return any(within(key, item) for item in named)


def categories_within(p: models.CategoriesWithin, facts: OwnerMap) -> Outcome:
    named = [key for item in p.named for key in item.keys]
    held = grouped(places(facts))
    return Outcome(
        checked=len(held),
        contradictions=tuple(
            Evidence(paths[0], f"{key} is collected{more(paths)}; no words of the claim name it")
            for key, paths in held.items()
            if not covered(key, named)
        ),
    )


def purpose_path(activity: Activity) -> tuple[str, ...]:
    return (f"ProcessingActivity:{activity.id}", "FOR_PURPOSE", f"DataUse:{activity.purpose}")


def purposes_within(p: models.PurposesWithin, facts: OwnerMap) -> Outcome:
    named = [key for item in p.named for key in item.keys]
    return Outcome(
        checked=len(facts.activities),
        contradictions=tuple(
            Evidence(purpose_path(a), f"{a.id} serves {a.purpose}; no words of the claim name it")
            for a in facts.activities
            if a.purpose is not None and not covered(a.purpose, named)
        ),
        lacks=tuple(
            f"the purpose of ProcessingActivity:{a.id}" for a in facts.activities if not a.purpose
        ),
    )


def matches(recipient: Recipient, kind: models.NamedRecipients) -> bool:
    return recipient.role in kind.roles and (
        not kind.purposes or any(covered(purpose, kind.purposes) for purpose in recipient.purposes)
    )


def unlisted(
    recipient: Recipient, named: Sequence[models.NamedRecipients]
) -> Evidence | str | None:
    """None when a listed kind covers the recipient; otherwise the contradiction, or the fact
    the map lacks to tell (its role, or the purpose a kind that takes its role asks for)."""
    if any(matches(recipient, kind) for kind in named):
        return None
    if recipient.role is None:
        return f"the role of Organisation:{recipient.organisation} as a recipient"
    if not recipient.purposes and any(recipient.role in k.roles and k.purposes for k in named):
        return f"the purpose for which Organisation:{recipient.organisation} receives data"
    purposes = ", ".join(recipient.purposes) or "no recorded purpose"
    return Evidence(
        recipient.paths[0],
        f"{recipient.organisation} receives data as {recipient.role} ({purposes}), a kind of "
        "recipient the claim does not list",
    )


def recipient_kinds_within(p: models.RecipientKindsWithin, facts: OwnerMap) -> Outcome:
    found = [unlisted(recipient, p.named) for recipient in facts.recipients]
    return Outcome(
        len(facts.recipients),
        tuple(item for item in found if isinstance(item, Evidence)),
        tuple(item for item in found if isinstance(item, str)),
    )


def owner_path(facts: OwnerMap, prop: str, value: object) -> tuple[str, ...]:
    return (f"Organisation:{facts.owner.id}.{prop} = {value}",)


def sale(facts: OwnerMap, sale_purposes: Sequence[str]) -> Outcome:
    contradictions = []
    lacks = []
    support = []
    if facts.owner.sells_personal_data is None:
        lacks.append(f"Organisation:{facts.owner.id}.sells_personal_data")
    elif not facts.owner.sells_personal_data:
        support.append(
            Evidence(owner_path(facts, "sells_personal_data", "false"), "the owner records none")
        )
    else:
        contradictions.append(
            Evidence(owner_path(facts, "sells_personal_data", "true"), "the owner records a sale")
        )
    for recipient in facts.recipients:
        bought = [p for p in recipient.purposes if covered(p, sale_purposes)]
        if recipient.role == "THIRD_PARTY" and bought:
            contradictions.append(
                Evidence(
                    recipient.paths[0],
                    f"third party {recipient.organisation} receives data for {', '.join(bought)}",
                )
            )
    return Outcome(1 + len(facts.recipients), tuple(contradictions), tuple(lacks), tuple(support))


def no_sale(p: models.NoSale, facts: OwnerMap) -> Outcome:
    return sale(facts, p.sale_purposes)


def holders(facts: OwnerMap) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(system id, the path that shows it holds personal data) for every holding system."""
    first = {storage.system: storage for storage in reversed(facts.storages)}
    for system in facts.holding():
        if system.id in first:
            yield system.id, storage_path(first[system.id])
        elif system.backs_up is not None:
            yield system.id, (f"System:{system.id}", "BACKS_UP", f"System:{system.backs_up}")


def security_measures(p: models.SecurityMeasuresPresent, facts: OwnerMap) -> Outcome:
    contradictions = []
    checked = 0
    for system_id, path in holders(facts):
        system = facts.system(system_id)
        assert system is not None
        checked += 1
        missing = [m for m in p.measures if m not in system.security_measures]
        if missing:
            recorded = ", ".join(system.security_measures) or "none"
            contradictions.append(
                Evidence(
                    path,
                    f"{system_id} holds personal data and records no {' or '.join(missing)} "
                    f"(recorded: {recorded})",
                )
            )
    return Outcome(checked, tuple(contradictions))


def has_retention(storage: Storage) -> bool:
    return storage.retention_days is not None or storage.obligation is not None


def retention_recorded(p: models.RetentionRecorded, facts: OwnerMap) -> Outcome:
    return Outcome(
        len(facts.storages),
        tuple(
            Evidence(
                storage_path(s), f"{s.id} records no retention period and no retention obligation"
            )
            for s in facts.storages
            if not has_retention(s)
        ),
    )


def erasure(p: models.ErasureFromActiveSystems, facts: OwnerMap) -> Outcome:
    contradictions = []
    lacks = []
    checked = 0
    for system_id, path in holders(facts):
        system = facts.system(system_id)
        assert system is not None
        checked += 1
        if system.kind == "BACKUP":
            if system.rotation_days is None:
                contradictions.append(Evidence(path, f"backup {system_id} records no rotation"))
            continue
        kept = [s for s in facts.storages if s.system == system_id and not has_retention(s)]
        if system.deletion_method is None:
            lacks.append(f"the deletion method of System:{system_id}")
        elif system.deletion_method == "NONE" and kept:
            contradictions.append(
                Evidence(
                    storage_path(kept[0]),
                    f"{system_id} cannot delete (deletion method NONE) and {kept[0].id} has no "
                    "retention after which it expires",
                )
            )
    return Outcome(checked, tuple(contradictions), tuple(lacks))


UNMAPPED_RIGHTS = {
    "CORRECTION": "a correction method per system: the map records retrieval and deletion "
    "methods only",
    "RESTRICTION": "a way to restrict processing per system: the map records none",
    "OBJECTION": "a way to stop a processing on objection per system: the map records none",
}


def law_regimes(facts: OwnerMap, named: Sequence[str]) -> list[RegimeLaw]:
    """The regimes `named`, or (none named) every regime that reaches the owner: established in
    its area, or serving one of its area's countries or markets (the transfer engine's reach)."""
    if named:
        return [law for law in facts.regimes if law.key in named]
    return [law for law in facts.regimes if law.reaches(facts.owner) is not None]


def people_of(law: RegimeLaw, storage: Storage, owner: Owner) -> bool:
    """Whether the storage may hold people of the regime's area or markets: its subjects_in,
    else the markets the owner serves (as the transfer engine reads them); neither recorded:
    it may."""
    markets = storage.subjects_in or owner.serves
    return not markets or any(law.covers(market) for market in markets)


def cited(grants: Iterable[tuple[RegimeLaw, Grant]]) -> str:
    return "; ".join(f"{law.key} {grant.article}" for law, grant in grants)


def rights_served(p: models.RightsServed, facts: OwnerMap) -> Outcome:
    controlled = [s for s in facts.storages if s.controller_role != "PROCESSOR"]
    laws = law_regimes(facts, p.regimes)
    contradictions: list[Evidence] = []
    lacks: list[str] = []
    support: list[Evidence] = []
    checked = 0
    for right in p.rights:
        granting = [(law, law.rights[right]) for law in laws if right in law.rights]
        if not granting:
            names = ", ".join(law.key for law in laws) or "no regime reaching the owner"
            support.append(
                Evidence(
                    tuple(f"Regime:{law.key}" for law in laws),
                    f"{right}: granted by none of {names}: offered beyond the law",
                )
            )
            continue
        if right in UNMAPPED_RIGHTS:
            checked += 1
            lacks.append(f"{right} ({cited(granting)}): {UNMAPPED_RIGHTS[right]}")
            continue
        if right == "OPT_OUT":
            checked += len(facts.activities)
            for activity in facts.activities:
                marketing = activity.purpose and covered(activity.purpose, p.marketing_purposes)
                if marketing and activity.legal_basis not in p.consent_bases:
                    contradictions.append(
                        Evidence(
                            (
                                f"ProcessingActivity:{activity.id}",
                                "ON_LEGAL_BASIS",
                                f"LegalBasis:{activity.legal_basis}",
                            ),
                            f"OPT_OUT ({cited(granting)}): {activity.id} markets without a "
                            "consent to withdraw",
                        )
                    )
            continue
        for storage in controlled:
            here = [(law, grant) for law, grant in granting if people_of(law, storage, facts.owner)]
            if not here:
                continue
            checked += 1
            system = facts.system(storage.system)
            assert system is not None
            law = f"{right} ({cited(here)})"
            if right in ("ACCESS", "PORTABILITY") and system.retrieval_method is None:
                contradictions.append(
                    Evidence(storage_path(storage), f"{law}: {system.id} has no retrieval method")
                )
            if right == "DELETION":
                if system.deletion_method is None:
                    lacks.append(f"DELETION: the deletion method of System:{system.id}")
                elif system.deletion_method == "NONE" and not has_retention(storage):
                    contradictions.append(
                        Evidence(storage_path(storage), f"{law}: {system.id} cannot delete")
                    )
    return Outcome(checked, tuple(contradictions), tuple(dict.fromkeys(lacks)), tuple(support))


def minimum_age(p: models.MinimumAge, facts: OwnerMap) -> Outcome:
    owner = facts.owner
    contradictions = []
    lacks = []
    support = []
    if owner.directed_at_children is None:
        lacks.append(f"Organisation:{owner.id}.directed_at_children")
    elif not owner.directed_at_children:
        support.append(
            Evidence(owner_path(facts, "directed_at_children", "false"), "not directed at children")
        )
    else:
        contradictions.append(
            Evidence(owner_path(facts, "directed_at_children", "true"), "directed at children")
        )
    if owner.minimum_age is None:
        lacks.append(f"Organisation:{owner.id}.minimum_age")
    elif owner.minimum_age >= p.age:
        support.append(
            Evidence(owner_path(facts, "minimum_age", owner.minimum_age), f"at least {p.age}")
        )
    else:
        contradictions.append(
            Evidence(
                owner_path(facts, "minimum_age", owner.minimum_age),
                f"the map's minimum age {owner.minimum_age} is below {p.age}",
            )
        )
    for key, paths in grouped(places(facts)).items():
        if covered(key, p.children_categories):
            contradictions.append(Evidence(paths[0], f"children's data {key} is held{more(paths)}"))
    return Outcome(2, tuple(contradictions), tuple(lacks), tuple(support))


def blocked(
    transfers: Sequence[Transfer], regimes: Iterable[str], verdicts: Iterable[str]
) -> list[Evidence]:
    wanted, bad = set(regimes), set(verdicts)
    return [
        Evidence(t.path, f"{t.regime} data reaches {t.country}: {t.verdict} ({t.reason})")
        for t in transfers
        if t.regime in wanted and t.verdict in bad
    ]


def transfers_safeguarded(
    p: models.TransfersSafeguarded, facts: OwnerMap, transfers: Sequence[Transfer]
) -> Outcome:
    checked = sum(1 for t in transfers if t.regime in p.regimes)
    return Outcome(checked, tuple(blocked(transfers, p.regimes, p.verdicts)))


def cookies(p: models.CookiesUsed, facts: OwnerMap) -> Outcome:
    held = {
        key: paths for key, paths in grouped(places(facts)).items() if covered(key, p.categories)
    }
    if not held:
        return Outcome(
            0, lacks=("a storage or activity holding cookie data: the map records none",)
        )
    users = [a for a in facts.activities if any(covered(k, p.categories) for k in a.categories)]
    return Outcome(
        len(held) + len(users),
        tuple(
            Evidence(purpose_path(a), f"{a.id} uses cookie data for {a.purpose}")
            for a in users
            if a.purpose is None or not covered(a.purpose, p.purposes)
        ),
        support=tuple(
            Evidence(paths[0], f"{key} is held{more(paths)}") for key, paths in held.items()
        ),
    )


def special(key: str, facts: OwnerMap) -> bool:
    return covered(key, facts.special)


def compliance_regimes(p: models.Compliance, facts: OwnerMap) -> list[str]:
    """The regimes the claim names, then (with `others_reached`) every other one reaching the
    owner."""
    others = [law.key for law in law_regimes(facts, []) if p.others_reached]
    return [*p.regimes, *(key for key in others if key not in p.regimes)]


def rights_not_offered(regimes: Sequence[str], facts: OwnerMap, offered: frozenset[str]) -> Outcome:
    """Each right a regime grants that no rights claim of the policy offers: against the claim
    when its source is primary or secondary (P, S), to verify when it is not (T, M). A right
    only against a business that sells or shares counts unless the owner records no sale."""
    contradictions: list[Evidence] = []
    lacks: list[str] = []
    checked = 0
    for law in facts.regimes:
        if law.key not in regimes:
            continue
        for grant in law.rights.values():
            if grant.applies_when == "SELLS_OR_SHARES" and facts.owner.sells_personal_data is False:
                continue
            checked += 1
            if grant.right in offered:
                continue
            if grant.confidence in ("P", "S"):
                contradictions.append(
                    Evidence(
                        (f"Regime:{law.key}", "GRANTS", f"RegimeRight:{law.key}:{grant.right}"),
                        f"{law.name} grants {grant.right} ({grant.article}); no rights claim of "
                        "the policy offers it",
                    )
                )
            else:
                lacks.append(
                    f"whether {law.name} grants {grant.right} ({grant.article}): its source is "
                    f"{grant.confidence} ({grant.source}), to verify"
                )
    return Outcome(checked, tuple(contradictions), tuple(lacks))


def compliance(
    p: models.Compliance,
    facts: OwnerMap,
    transfers: Sequence[Transfer],
    offered: frozenset[str],
) -> Outcome:
    contradictions: list[Evidence] = []
    lacks: list[str] = []
    checked = 0
    regimes = compliance_regimes(p, facts)
    if any(regime in ("EU", "UK", "CH") for regime in regimes):
        for activity in facts.activities:
            checked += 1
            own = activity.controller == facts.owner.id
            if own and activity.legal_basis is None:
                contradictions.append(
                    Evidence(
                        (
                            f"ProcessingActivity:{activity.id}",
                            "CONTROLLED_BY",
                            f"Organisation:{facts.owner.id}",
                        ),
                        f"{activity.id} records no Art. 6 legal basis",
                    )
                )
            held = [k for k in activity.categories if special(k, facts)]
            if own and held and activity.special_category_condition is None:
                contradictions.append(
                    Evidence(
                        (
                            f"ProcessingActivity:{activity.id}",
                            "USES_CATEGORY",
                            f"DataCategory:{held[0]}",
                        ),
                        f"{activity.id} processes special-category {held[0]} with no Art. 9(2) "
                        "condition",
                    )
                )
        contradictions.extend(blocked(transfers, regimes, ["BLOCKED"]))
        checked += sum(1 for t in transfers if t.regime in regimes)
    if "CCPA" in regimes:
        sold = sale(facts, p.sale_purposes)
        contradictions.extend(sold.contradictions)
        lacks.extend(sold.lacks)
        checked += sold.checked
    rights = rights_not_offered(regimes, facts, offered)
    contradictions.extend(rights.contradictions)
    lacks.extend(rights.lacks)
    checked += rights.checked
    return Outcome(checked, tuple(contradictions), tuple(lacks))


def unmapped(p: models.Unmapped, facts: OwnerMap) -> Outcome:
    return Outcome(0, lacks=(p.lacks,))


ON_MAP: dict[type, Callable[..., Outcome]] = {
    models.CategoriesWithin: categories_within,
    models.PurposesWithin: purposes_within,
    models.RecipientKindsWithin: recipient_kinds_within,
    models.NoSale: no_sale,
    models.SecurityMeasuresPresent: security_measures,
    models.RetentionRecorded: retention_recorded,
    models.ErasureFromActiveSystems: erasure,
    models.RightsServed: rights_served,
    models.MinimumAge: minimum_age,
    models.CookiesUsed: cookies,
    models.Unmapped: unmapped,
}
WITH_TRANSFERS: dict[type, Callable[..., Outcome]] = {
    models.TransfersSafeguarded: transfers_safeguarded,
}


def decide(
    claim: Claim,
    facts: OwnerMap,
    transfers: Sequence[Transfer],
    offered: frozenset[str] = frozenset(),
) -> ClaimResult:
    """`offered`: the rights the policy's rights claims offer (for a compliance claim)."""
    predicate = claim.predicate
    kind = type(predicate)
    if isinstance(predicate, models.Compliance):
        outcome = compliance(predicate, facts, transfers, offered)
    elif kind in WITH_TRANSFERS:
        outcome = WITH_TRANSFERS[kind](predicate, facts, transfers)
    else:
        outcome = ON_MAP[kind](predicate, facts)
    return ClaimResult(
        claim=claim,
        verdict=verdict(outcome),
        checked=outcome.checked,
        evidence=outcome.contradictions,
        lacks=outcome.lacks,
        support=outcome.support,
    )


def transfer_regimes(policy: Policy) -> tuple[str, ...]:
    """The regimes whose transfers the policy's claims need (all three for the undisclosed
    destinations when no claim names one)."""
    regimes: set[str] = set()
    for claim in policy.claims:
        if isinstance(claim.predicate, models.TransfersSafeguarded | models.Compliance):
            regimes.update(r for r in claim.predicate.regimes if r in ("EU", "UK", "CH"))
        if isinstance(claim.predicate, models.Compliance) and claim.predicate.others_reached:
            regimes.update(("EU", "UK", "CH"))
    return tuple(sorted(regimes or {"EU", "UK", "CH"}))


P = TypeVar("P")


def predicates(policy: Policy, kind: type[P]) -> list[P]:
    return [claim.predicate for claim in policy.claims if isinstance(claim.predicate, kind)]


def undisclosed(policy: Policy, facts: OwnerMap, transfers: Sequence[Transfer]) -> list[Practice]:
    """What the map holds that no claim of the policy names: categories, purposes, recipients
    of a kind no claim lists, destination countries no claim names, and special-category data
    unless a claim names it by a special-category key."""
    named_categories = [
        key
        for p in predicates(policy, models.CategoriesWithin)
        for item in p.named
        for key in item.keys
    ] + [key for p in predicates(policy, models.CookiesUsed) for key in p.categories]
    named_purposes = [
        key
        for p in predicates(policy, models.PurposesWithin)
        for item in p.named
        for key in item.keys
    ]
    named_recipients = [
        item for p in predicates(policy, models.RecipientKindsWithin) for item in p.named
    ]
    named_countries = {
        c for p in predicates(policy, models.TransfersSafeguarded) for c in p.countries
    }
    practices: list[Practice] = []
    held = grouped(places(facts))
    for key, paths in held.items():
        if not covered(key, named_categories):
            practices.append(
                Practice(
                    PracticeKind.CATEGORY,
                    key,
                    f"{key} is collected{more(paths)}",
                    (Evidence(paths[0], key),),
                )
            )
    by_purpose: dict[str, list[Activity]] = {}
    for activity in facts.activities:
        if activity.purpose and not covered(activity.purpose, named_purposes):
            by_purpose.setdefault(activity.purpose, []).append(activity)
    for purpose, activities in sorted(by_purpose.items()):
        practices.append(
            Practice(
                PracticeKind.PURPOSE,
                purpose,
                f"{', '.join(a.id for a in activities)} serve {purpose}",
                tuple(Evidence(purpose_path(a), a.id) for a in activities),
            )
        )
    for recipient in facts.recipients:
        if unlisted(recipient, named_recipients) is not None:
            role = recipient.role or "an unrecorded role"
            purposes = ", ".join(recipient.purposes) or "no recorded purpose"
            practices.append(
                Practice(
                    PracticeKind.RECIPIENT,
                    recipient.organisation,
                    f"{recipient.organisation} receives data as {role} ({purposes})",
                    tuple(Evidence(path, recipient.organisation) for path in recipient.paths),
                )
            )
    by_country: dict[str, list[Transfer]] = {}
    for transfer in transfers:
        if (
            transfer.country
            and transfer.verdict != "NOT_A_TRANSFER"
            and transfer.country not in named_countries
        ):
            by_country.setdefault(transfer.country, []).append(transfer)
    for country, found in sorted(by_country.items()):
        regimes = ", ".join(sorted({t.regime for t in found}))
        practices.append(
            Practice(
                PracticeKind.TRANSFER_COUNTRY,
                country,
                f"{len(found)} transfer paths ({regimes}) reach {country}; no claim names it",
                tuple(Evidence(t.path, f"{t.regime}: {t.verdict}") for t in found),
            )
        )
    explicit = [key for key in named_categories if special(key, facts)]
    for key, paths in held.items():
        if special(key, facts) and not covered(key, explicit):
            practices.append(
                Practice(
                    PracticeKind.SPECIAL_CATEGORY,
                    key,
                    f"special-category {key} is processed{more(paths)}; no claim names it",
                    (Evidence(paths[0], key),),
                )
            )
    return practices


def check(
    policy: Policy, facts: OwnerMap, transfers: Sequence[Transfer]
) -> tuple[list[ClaimResult], list[Practice]]:
    offered = frozenset(
        right for p in predicates(policy, models.RightsServed) for right in p.rights
    )
    return (
        [decide(claim, facts, transfers, offered) for claim in policy.claims],
        undisclosed(policy, facts, transfers),
    )
