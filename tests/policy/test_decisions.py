"""The policy predicates on plain data: no graph."""

from dataclasses import replace
from datetime import date
from typing import Any

from resolvers.policy import decisions
from resolvers.policy.decisions import Verdict
from resolvers.policy.facts import (
    PREDICATE,
    Activity,
    Claim,
    Grant,
    Owner,
    OwnerMap,
    Policy,
    Recipient,
    RegimeLaw,
    Storage,
    System,
    Transfer,
)
from resolvers.transfer.decisions import RegimeRules
from seeds import models


def system(name: str, *measures: str, **fields: Any) -> System:
    base: dict[str, Any] = {
        "kind": "DATABASE",
        "operator": "owner",
        "security_measures": measures,
        "deletion_method": "API",
        "retrieval_method": "export",
        "rotation_days": None,
        "backs_up": None,
    }
    return System(id=name, **{**base, **fields})


def storage(name: str, system_id: str, *categories: str, **fields: Any) -> Storage:
    base: dict[str, Any] = {
        "subject": "customer",
        "retention_days": 30,
        "obligation": None,
        "controller_role": "CONTROLLER",
    }
    return Storage(id=name, system=system_id, categories=categories, **{**base, **fields})


def activity(name: str, purpose: str, *categories: str, **fields: Any) -> Activity:
    base: dict[str, Any] = {
        "legal_basis": "GDPR-6-1-b",
        "special_category_condition": None,
        "preemptly_role": "CONTROLLER",
        "controller": "owner",
        "systems": (),
        "discloses_to": (),
    }
    return Activity(id=name, purpose=purpose, categories=categories, **{**base, **fields})


def law(key: str, *rights: str, area: tuple[str, ...] = (), markets: tuple[str, ...] = (),
        confidence: str = "P", **articles: str) -> RegimeLaw:  # fmt: skip
    return RegimeLaw(
        RegimeRules(key, frozenset(area), markets=frozenset(markets), reach_article="Art. 3"),
        f"{key} law",
        {
            right: Grant(
                right,
                articles.get(right, f"{key} {right.lower()}"),
                "SELLS_OR_SHARES" if right == "OPT_OUT_OF_SALE" else "ALWAYS",
                confidence,
                "test",
            )
            for right in rights
        },
    )


EU = law("EU", "ACCESS", "CORRECTION", "DELETION", "RESTRICTION", area=("DE", "FR"),
         ACCESS="Art. 15", RESTRICTION="Art. 18")  # fmt: skip
CCPA = law("CCPA", "ACCESS", "DELETION", "OPT_OUT_OF_SALE", markets=("US-CA",),
           ACCESS="§ 1798.110")  # fmt: skip
OWNER = Owner("owner", "Owner Ltd", sells_personal_data=False, minimum_age=16,
              directed_at_children=False, country="DE")  # fmt: skip
MAP = OwnerMap(
    owner=OWNER,
    systems=(
        system("db", "enc_at_rest"),
        system("db-backup", kind="BACKUP", backs_up="db", rotation_days=30),
    ),
    storages=(storage("st-db", "db", "user.contact.email"),),
    activities=(activity("pa", "essential.service", "user.contact.email"),),
    recipients=(),
    special=("user.health_and_medical",),
    regimes=(CCPA, EU),
)


MAP_DATE = date(2026, 1, 1)


def claim(predicate: dict[str, Any]) -> Claim:
    return Claim("c", "1", "words", None, PREDICATE.validate_python(predicate))


def decide(
    predicate: dict[str, Any], facts: OwnerMap = MAP, transfers: list[Transfer] | None = None
) -> decisions.ClaimResult:
    return decisions.decide(claim(predicate), facts, transfers or [])


def named(*keys: str) -> list[dict[str, Any]]:
    return [{"words": "w", "keys": list(keys)}]


def test_a_named_key_discloses_its_descendants_but_not_its_ancestors() -> None:
    assert (
        decide({"kind": "CATEGORIES_WITHIN", "named": named("user.contact")}).verdict
        is Verdict.HOLDS
    )
    narrower = decide({"kind": "CATEGORIES_WITHIN", "named": named("user.contact.email.work")})
    assert narrower.verdict is Verdict.CONTRADICTED
    assert narrower.evidence[0].path == (
        "Storage:st-db", "IN_SYSTEM", "System:db", "OF_CATEGORY", "DataCategory:user.contact.email"
    )  # fmt: skip
    assert "(and 1 more places)" in narrower.evidence[0].detail  # the activity uses it too


def test_a_missing_fact_is_uncheckable_and_a_contradiction_wins_over_it() -> None:
    unknown = replace(MAP, owner=replace(OWNER, sells_personal_data=None))
    result = decide(
        {"kind": "NO_SALE", "sale_purposes": ["marketing.advertising.third_party"]}, unknown
    )
    assert (result.verdict, result.lacks) == (
        Verdict.UNCHECKABLE,
        ("Organisation:owner.sells_personal_data",),
    )
    buyer = Recipient("broker", "THIRD_PARTY", ("marketing.advertising.third_party.targeted",),
                      (("Organisation:owner", "ENGAGES e", "Organisation:broker"),))  # fmt: skip
    sold = replace(unknown, recipients=(buyer,))
    result = decide(
        {"kind": "NO_SALE", "sale_purposes": ["marketing.advertising.third_party"]}, sold
    )
    assert result.verdict is Verdict.CONTRADICTED and result.lacks
    assert result.evidence[0].path[-1] == "Organisation:broker"


def test_a_recipient_kind_that_asks_for_a_purpose_needs_one_recorded() -> None:
    kinds = {"kind": "RECIPIENT_KINDS_WITHIN", "named": [
        {"words": "vendors", "roles": ["PROCESSOR"]},
        {"words": "law", "roles": ["THIRD_PARTY"], "purposes": ["essential.legal_obligation"]},
    ]}  # fmt: skip
    path = (("Organisation:owner", "ENGAGES e", "Organisation:x"),)
    counsel = Recipient("x", "THIRD_PARTY", (), path)
    assert decide(kinds, replace(MAP, recipients=(counsel,))).verdict is Verdict.UNCHECKABLE
    tax = replace(counsel, purposes=("essential.legal_obligation",))
    assert decide(kinds, replace(MAP, recipients=(tax,))).verdict is Verdict.HOLDS
    ads = replace(counsel, purposes=("marketing.advertising",))
    assert decide(kinds, replace(MAP, recipients=(ads,))).verdict is Verdict.CONTRADICTED
    unknown_role = replace(counsel, role=None)
    result = decide(kinds, replace(MAP, recipients=(unknown_role,)))
    assert result.lacks == ("the role of Organisation:x as a recipient",)


def test_security_measures_are_checked_on_backups_too() -> None:
    result = decide({"kind": "SECURITY_MEASURES", "measures": ["enc_at_rest"]})
    assert result.checked == 2
    assert [e.path for e in result.evidence] == [("System:db-backup", "BACKS_UP", "System:db")]


def test_a_system_that_cannot_delete_keeps_its_promise_when_its_data_expires() -> None:
    archive = replace(MAP, systems=(system("db", deletion_method="NONE"),))
    assert decide({"kind": "ERASURE_FROM_ACTIVE_SYSTEMS"}, archive).verdict is Verdict.HOLDS
    kept = replace(archive, storages=(storage("st-db", "db", "user.name", retention_days=None),))
    assert decide({"kind": "ERASURE_FROM_ACTIVE_SYSTEMS"}, kept).verdict is Verdict.CONTRADICTED
    unknown = replace(MAP, systems=(system("db", deletion_method=None),))
    assert decide({"kind": "ERASURE_FROM_ACTIVE_SYSTEMS"}, unknown).lacks == (
        "the deletion method of System:db",
    )
    obliged = replace(kept, storages=(storage("st-db", "db", "user.name", retention_days=None,
                                              obligation="DE-HGB"),))  # fmt: skip
    assert decide({"kind": "RETENTION_RECORDED"}, obliged).verdict is Verdict.HOLDS


def test_rights_without_a_mapped_method_are_uncheckable() -> None:
    result = decide({"kind": "RIGHTS_SERVED", "rights": ["ACCESS", "CORRECTION"]})
    assert result.verdict is Verdict.UNCHECKABLE
    processor_only = replace(MAP, systems=(system("db", retrieval_method=None),),
                             storages=(storage("st-db", "db", "user.name",
                                               controller_role="PROCESSOR"),))  # fmt: skip
    assert decide({"kind": "RIGHTS_SERVED", "rights": ["ACCESS"]}, processor_only).checked == 0


def test_no_cookie_data_on_the_map_is_uncheckable() -> None:
    result = decide(
        {"kind": "COOKIES", "categories": ["user.device.cookie_id"], "purposes": ["analytics"]}
    )
    assert result.verdict is Verdict.UNCHECKABLE


def test_transfers_count_only_the_named_verdicts_and_regimes() -> None:
    transfers = [
        Transfer(
            "EU",
            "BLOCKED",
            "IN",
            "nothing lawful",
            ("Organisation:owner", "ENGAGEMENT e: BLOCKED", "Organisation:x"),
        ),
        Transfer("UK", "BLOCKED", "IN", "nothing lawful", ("Organisation:owner",)),
        Transfer("EU", "ACTION_REQUIRED", "US", "TIA missing", ("Organisation:owner",)),
    ]
    predicate = {"kind": "TRANSFERS_SAFEGUARDED", "regimes": ["EU"]}
    result = decide(predicate, transfers=transfers)
    assert [e.detail for e in result.evidence] == ["EU data reaches IN: BLOCKED (nothing lawful)"]
    assert result.checked == 2
    stricter = decide(
        {**predicate, "verdicts": ["BLOCKED", "ACTION_REQUIRED"]}, transfers=transfers
    )
    assert len(stricter.evidence) == 2


def test_special_categories_are_disclosed_only_when_named_by_a_special_key() -> None:
    health = replace(MAP, storages=(storage("st", "db", "user.health_and_medical.condition"),),
                     activities=())  # fmt: skip
    broad = Policy(
        "p",
        "owner",
        "t",
        MAP_DATE,
        "s",
        (claim({"kind": "CATEGORIES_WITHIN", "named": named("user")}),),
    )
    kinds = [p.kind for p in decisions.undisclosed(broad, health, [])]
    assert kinds == [decisions.PracticeKind.SPECIAL_CATEGORY]
    explicit = replace(
        broad,
        claims=(claim({"kind": "CATEGORIES_WITHIN", "named": named("user.health_and_medical")}),),
    )
    assert decisions.undisclosed(explicit, health, []) == []


def test_a_policy_without_transfer_claims_still_has_its_destinations_checked() -> None:
    policy = Policy("p", "owner", "t", MAP_DATE, "s", (claim({"kind": "UNMAPPED", "lacks": "x"}),))
    assert decisions.transfer_regimes(policy) == ("CH", "EU", "UK")
    found = decisions.undisclosed(
        policy, MAP, [Transfer("EU", "ADEQUACY", "US", "DPF", ("Organisation:owner",))]
    )
    assert ("TRANSFER_COUNTRY", "US") in {(p.kind.value, p.key) for p in found}
    assert isinstance(policy.claims[0].predicate, models.Unmapped)


def test_each_right_is_judged_under_the_regimes_whose_people_a_storage_holds() -> None:
    """The owner is established in DE (the EU reaches it) and serves US-CA (the CCPA reaches
    it); each storage's subjects_in says whose people it holds."""
    facts = replace(
        MAP,
        owner=replace(OWNER, serves=("DE", "US-CA")),
        systems=(system("eu-db", retrieval_method=None), system("ca-db", retrieval_method=None)),
        storages=(
            storage("st-eu", "eu-db", "user.name", subjects_in=("FR",)),
            storage("st-ca", "ca-db", "user.name", subjects_in=("US-CA",)),
        ),
    )
    access = decide({"kind": "RIGHTS_SERVED", "rights": ["ACCESS"]}, facts)
    assert access.verdict is Verdict.CONTRADICTED
    assert [e.detail for e in access.evidence] == [
        "ACCESS (EU Art. 15): eu-db has no retrieval method",
        "ACCESS (CCPA § 1798.110): ca-db has no retrieval method",
    ]
    # Restriction is a right of the EU only: checked for the EU's people, and the map records
    # no way to serve it.
    restriction = decide({"kind": "RIGHTS_SERVED", "rights": ["RESTRICTION"]}, facts)
    assert restriction.verdict is Verdict.UNCHECKABLE
    assert restriction.lacks[0].startswith("RESTRICTION (EU Art. 18)")
    # A right no reaching regime grants is offered beyond the law: nothing to check.
    beyond = decide({"kind": "RIGHTS_SERVED", "rights": ["OBJECTION"]}, facts)
    assert beyond.verdict is Verdict.HOLDS and beyond.checked == 0
    assert "offered beyond the law" in beyond.support[0].detail
    # Named regimes only: the CCPA alone.
    named_only = decide({"kind": "RIGHTS_SERVED", "rights": ["ACCESS"], "regimes": ["CCPA"]}, facts)
    assert [e.path[-1] for e in named_only.evidence] == ["System:ca-db"]


def test_compliance_names_the_rights_a_regime_grants_that_the_policy_does_not_offer() -> None:
    def compliance(rights: list[str], facts: OwnerMap, **extra: Any) -> decisions.ClaimResult:
        claims = (
            claim({"kind": "RIGHTS_SERVED", "rights": rights}),
            replace(claim({"kind": "COMPLIANCE", "regimes": ["EU"], **extra}), key="compliance"),
        )
        policy = Policy("p", "owner", "P", date(2026, 1, 1), "test", claims)
        results, _ = decisions.check(policy, facts, [])
        return next(r for r in results if r.claim.key == "compliance")

    offered_all = compliance(["ACCESS", "CORRECTION", "DELETION", "RESTRICTION"], MAP)
    assert offered_all.verdict is Verdict.HOLDS
    missing = compliance(["ACCESS", "DELETION"], MAP)
    assert [e.path for e in missing.evidence] == [
        ("Regime:EU", "GRANTS", "RegimeRight:EU:CORRECTION"),
        ("Regime:EU", "GRANTS", "RegimeRight:EU:RESTRICTION"),
    ]
    assert "EU law grants RESTRICTION (Art. 18)" in missing.evidence[1].detail
    # An unverified (M) grant is a fact to verify, not a contradiction.
    unverified = replace(MAP, regimes=(law("EU", "ACCESS", "RESTRICTION", area=("DE",),
                                           confidence="M"),))  # fmt: skip
    to_verify = compliance(["ACCESS"], unverified)
    assert to_verify.verdict is Verdict.UNCHECKABLE
    assert to_verify.lacks[0].startswith("whether EU law grants RESTRICTION")
    # Other regimes that reach the owner count with others_reached: the CCPA, by US-CA served;
    # its opt-out of sale binds only a business that sells.
    serving = replace(MAP, owner=replace(OWNER, serves=("US-CA",)))
    offered = ["ACCESS", "CORRECTION", "DELETION", "RESTRICTION"]
    assert compliance(offered, serving, others_reached=True).verdict is Verdict.HOLDS
    selling = replace(serving, owner=replace(serving.owner, sells_personal_data=True))
    sold = compliance(offered, selling, others_reached=True)
    assert sold.verdict is Verdict.CONTRADICTED  # the sale itself
    assert any(e.path[-1] == "RegimeRight:CCPA:OPT_OUT_OF_SALE" for e in sold.evidence)
