"""The hop decision on plain data: each verdict, each regime, SCC modules, DPF, Canada, expiry."""

from datetime import date

import pytest

from resolvers.transfer.decisions import (
    Adequacy,
    Channel,
    DpfCertification,
    Hop,
    Mechanism,
    Party,
    RegimeRules,
    Safeguard,
    TiaStatus,
    Verdict,
    carries_special_category,
    decide_hop,
    path_decision,
    scc_module,
    worst,
)
from resolvers.transfer.hops import safeguards_by_pair
from tests.transfer.rules import seeded_rules

TODAY = date(2026, 11, 26)
EEA = frozenset({"DE", "FR", "IE", "NO"})
EU = seeded_rules(
    "EU",
    EEA,
    (
        Adequacy(
            "EU-US",
            "(EU) 2023/1795",
            frozenset({"US"}),
            scope="DPF",
            dpf_framework="EU_US",
            valid_from=date(2023, 7, 10),
            risk_note="C-703/25 P pending",
        ),
        Adequacy(
            "EU-CA",
            "2002/2/EC",
            frozenset({"CA"}),
            scope="RECIPIENT_SUBJECT_TO",
            scope_law="PIPEDA",
        ),
        Adequacy("EU-GB", "(EU) 2021/1772", frozenset({"GB"}), valid_until=date(2031, 12, 27)),
        Adequacy("EU-BR", "(EU) 2026/179", frozenset({"BR"}), valid_from=date(2026, 1, 26)),
    ),
)
UK = seeded_rules(
    "UK",
    frozenset({"GB"}),
    (
        Adequacy(
            "UK-US",
            "SI 2023/1028",
            frozenset({"US"}),
            scope="DPF",
            dpf_framework="UK_EXTENSION",
            dpf_prerequisite="EU_US",
        ),
    ),
)
CH = seeded_rules(
    "CH",
    frozenset({"CH"}),
    (Adequacy("CH-US", "DPO Annex 1", frozenset({"US"}), scope="DPF", dpf_framework="SWISS_US"),),
)

EXPORTER = Party("acme-de", "DE")
EU_US = DpfCertification("EU_US", "ACTIVE", ("NON_HR",))
UK_EXT = DpfCertification("UK_EXTENSION", "ACTIVE", ("NON_HR",))
SWISS = DpfCertification("SWISS_US", "ACTIVE", ("NON_HR", "HR"))


def hop(
    importer: Party,
    *,
    exporter: Party = EXPORTER,
    roles: tuple[str, str] = ("CONTROLLER", "PROCESSOR"),
    **fields: object,
) -> Hop:
    return Hop(
        id="h1",
        channel=Channel.FLOW,
        exporter=exporter,
        importer=importer,
        exporter_role=roles[0],
        importer_role=roles[1],
        country=importer.country,
        **fields,  # type: ignore[arg-type]
    )


def scc(**fields: object) -> Safeguard:
    values: dict[str, object] = {
        "id": "sg-1",
        "type": "SCC",
        "exporter_id": "acme-de",
        "importer_id": "vendor",
        "module": 2,
        "tia_on": date(2025, 1, 1),
        "tia_outcome": "ADEQUATE",
        **fields,
    }
    return Safeguard(**values)  # type: ignore[arg-type]


def test_a_move_inside_one_legal_entity_is_not_a_transfer() -> None:
    decision = decide_hop(hop(Party("acme-de", "US")), EU, TODAY)
    assert decision.verdict is Verdict.NOT_A_TRANSFER
    assert "one legal entity" in decision.reason


@pytest.mark.parametrize(
    ("rules", "country"), [(EU, "NO"), (UK, "GB"), (CH, "CH")], ids=["EU", "UK", "CH"]
)
def test_a_hop_inside_the_regimes_own_area_is_not_a_transfer(
    rules: RegimeRules, country: str
) -> None:
    decision = decide_hop(hop(Party("vendor", country)), rules, TODAY)
    assert decision.verdict is Verdict.NOT_A_TRANSFER
    assert decision.legal_basis.article.split()[0] in {"GDPR", "UK", "FADP"}


def test_us_importer_with_an_active_eu_us_certification_is_adequate() -> None:
    decision = decide_hop(hop(Party("vendor", "US", dpf=(EU_US,))), EU, TODAY)
    assert decision.verdict is Verdict.ADEQUACY
    assert decision.legal_basis.instrument_id == "EU-US"
    assert decision.legal_basis.article == "GDPR Art. 45"
    assert "C-703/25 P pending" in decision.warnings


def test_us_importer_without_certification_is_blocked_and_says_what_is_missing() -> None:
    decision = decide_hop(hop(Party("vendor", "US")), EU, TODAY)
    assert decision.verdict is Verdict.BLOCKED
    assert any("EU_US DPF certification" in item for item in decision.missing)


def test_uk_extension_does_not_serve_eu_data() -> None:
    decision = decide_hop(hop(Party("vendor", "US", dpf=(UK_EXT,))), EU, TODAY)
    assert decision.verdict is Verdict.BLOCKED
    assert any("it holds UK_EXTENSION" in item for item in decision.missing)


def test_uk_data_needs_the_uk_extension_and_its_eu_us_base() -> None:
    only_eu = decide_hop(
        hop(Party("vendor", "US", dpf=(EU_US,)), exporter=Party("a", "GB")), UK, TODAY
    )
    both = decide_hop(
        hop(Party("vendor", "US", dpf=(EU_US, UK_EXT)), exporter=Party("a", "GB")), UK, TODAY
    )
    ext_alone = decide_hop(
        hop(Party("vendor", "US", dpf=(UK_EXT,)), exporter=Party("a", "GB")), UK, TODAY
    )
    assert only_eu.verdict is Verdict.BLOCKED
    assert both.verdict is Verdict.ADEQUACY and both.legal_basis.instrument_id == "UK-US"
    assert ext_alone.verdict is Verdict.BLOCKED
    assert any("EU_US" in item for item in ext_alone.missing)


def test_swiss_data_needs_the_swiss_us_framework() -> None:
    swiss = decide_hop(hop(Party("v", "US", dpf=(SWISS,)), exporter=Party("a", "CH")), CH, TODAY)
    eu_only = decide_hop(hop(Party("v", "US", dpf=(EU_US,)), exporter=Party("a", "CH")), CH, TODAY)
    assert swiss.verdict is Verdict.ADEQUACY and swiss.legal_basis.instrument_id == "CH-US"
    assert eu_only.verdict is Verdict.BLOCKED


def test_dpf_certification_must_cover_hr_data() -> None:
    decision = decide_hop(hop(Party("vendor", "US", dpf=(EU_US,)), hr_data=True), EU, TODAY)
    assert decision.verdict is Verdict.BLOCKED
    assert any("covering HR data" in item for item in decision.missing)


def test_inactive_certification_does_not_count() -> None:
    inactive = DpfCertification("EU_US", "INACTIVE", ("NON_HR",))
    assert decide_hop(hop(Party("v", "US", dpf=(inactive,))), EU, TODAY).verdict is Verdict.BLOCKED


def test_canada_is_adequate_only_for_pipeda_recipients() -> None:
    pipeda = decide_hop(hop(Party("vendor", "CA", subject_to=("PIPEDA",))), EU, TODAY)
    public = decide_hop(hop(Party("vendor", "CA")), EU, TODAY)
    assert pipeda.verdict is Verdict.ADEQUACY and pipeda.legal_basis.instrument_id == "EU-CA"
    assert public.verdict is Verdict.BLOCKED
    assert any("PIPEDA" in item for item in public.missing)


def test_uk_adequacy_holds_on_its_last_day_and_expires_the_day_after() -> None:
    gb = Party("vendor", "GB")
    assert decide_hop(hop(gb), EU, date(2031, 12, 27)).verdict is Verdict.ADEQUACY
    after = decide_hop(hop(gb), EU, date(2031, 12, 28))
    assert after.verdict is Verdict.EXPIRED
    assert after.legal_basis.instrument_id == "EU-GB"


def test_an_adequacy_decision_does_not_apply_before_it_is_adopted() -> None:
    br = Party("vendor", "BR")
    assert decide_hop(hop(br), EU, date(2025, 12, 31)).verdict is Verdict.BLOCKED
    assert decide_hop(hop(br), EU, date(2026, 2, 1)).verdict is Verdict.ADEQUACY


@pytest.mark.parametrize(
    ("roles", "module"),
    [
        (("CONTROLLER", "CONTROLLER"), 1),
        (("CONTROLLER", "PROCESSOR"), 2),
        (("PROCESSOR", "SUB_PROCESSOR"), 3),
        (("PROCESSOR", "CONTROLLER"), 4),
        (("CONTROLLER", "THIRD_PARTY"), 1),
    ],
)
def test_the_scc_module_follows_the_roles(roles: tuple[str, str], module: int) -> None:
    assert scc_module(*roles) == module
    decision = decide_hop(hop(Party("vendor", "IN"), roles=roles), EU, TODAY, [scc(module=module)])
    assert decision.verdict is Verdict.SAFEGUARD
    assert decision.scc_module == module
    assert decision.legal_basis.article == "GDPR Art. 46(2)(c)"
    assert decision.legal_basis.instrument_id == "sg-1"


def test_a_recorded_module_that_does_not_match_the_roles_is_an_action() -> None:
    decision = decide_hop(hop(Party("vendor", "IN")), EU, TODAY, [scc(module=1)])
    assert decision.verdict is Verdict.ACTION_REQUIRED
    assert (decision.scc_module, decision.recorded_scc_module) == (2, 1)
    assert any("module 2" in item for item in decision.missing)


def test_a_missing_tia_is_an_action() -> None:
    decision = decide_hop(hop(Party("vendor", "IN")), EU, TODAY, [scc(tia_on=None)])
    assert decision.verdict is Verdict.ACTION_REQUIRED
    assert decision.tia_status is TiaStatus.MISSING


def test_module_4_needs_no_tia_unless_art_9_data_moves() -> None:
    roles = ("PROCESSOR", "CONTROLLER")
    plain = decide_hop(hop(Party("v", "IN"), roles=roles), EU, TODAY, [scc(module=4, tia_on=None)])
    special = decide_hop(
        hop(Party("v", "IN"), roles=roles, special_category=True),
        EU,
        TODAY,
        [scc(module=4, tia_on=None)],
    )
    assert plain.verdict is Verdict.SAFEGUARD and plain.tia_status is TiaStatus.NOT_REQUIRED
    assert special.verdict is Verdict.ACTION_REQUIRED and special.tia_status is TiaStatus.MISSING
    assert any("Art. 9" in warning for warning in special.warnings)


def test_a_tia_that_finds_protection_inadequate_blocks_the_hop() -> None:
    decision = decide_hop(hop(Party("v", "IN")), EU, TODAY, [scc(tia_outcome="NOT_ADEQUATE")])
    assert decision.verdict is Verdict.BLOCKED
    assert decision.tia_status is TiaStatus.NOT_ADEQUATE


def test_uk_data_needs_the_idta_or_the_addendum_not_bare_eu_sccs() -> None:
    gb = Party("acme-de", "GB")
    bare = decide_hop(hop(Party("vendor", "IN"), exporter=gb), UK, TODAY, [scc()])
    idta = decide_hop(hop(Party("vendor", "IN"), exporter=gb), UK, TODAY, [scc(type="IDTA")])
    addendum = decide_hop(
        hop(Party("vendor", "IN"), exporter=gb), UK, TODAY, [scc(type="UK_ADDENDUM")]
    )
    assert bare.verdict is Verdict.BLOCKED
    assert any("need the ICO Addendum" in warning for warning in bare.warnings)
    assert idta.verdict is Verdict.SAFEGUARD and idta.legal_basis.article.startswith("UK GDPR")
    assert addendum.verdict is Verdict.SAFEGUARD and addendum.scc_module == 2


def test_swiss_data_needs_sccs_with_the_swiss_adaptations() -> None:
    ch = Party("acme-de", "CH")
    bare = decide_hop(hop(Party("vendor", "IN"), exporter=ch), CH, TODAY, [scc()])
    adapted = decide_hop(
        hop(Party("vendor", "IN"), exporter=ch), CH, TODAY, [scc(type="SWISS_SCC")]
    )
    assert bare.verdict is Verdict.BLOCKED
    assert adapted.verdict is Verdict.SAFEGUARD
    assert adapted.legal_basis.article == "FADP Art. 16(2)(d)"


def test_binding_corporate_rules_are_a_safeguard() -> None:
    decision = decide_hop(hop(Party("vendor", "IN")), EU, TODAY, [scc(type="BCR", module=None)])
    assert decision.verdict is Verdict.SAFEGUARD
    assert decision.legal_basis.article == "GDPR Art. 46(2)(b), Art. 47"
    assert decision.scc_module is None


def test_a_derogation_names_its_letter_and_warns_it_is_for_occasional_transfers() -> None:
    derogation = scc(type="DEROGATION", module=None, derogation="GDPR-49-1-b")
    decision = decide_hop(hop(Party("vendor", "IN")), EU, TODAY, [derogation])
    assert decision.verdict is Verdict.DEROGATION
    assert decision.legal_basis.instrument_id == "GDPR-49-1-b"
    assert any("occasional" in warning for warning in decision.warnings)


def test_each_decision_carries_the_kind_of_ground_it_rests_on_and_the_safeguards_type() -> None:
    """The mechanism is data on the decision, not a reading of its reason: ADEQUACY, SAFEGUARD
    (with the safeguard's type, whatever the verdict it gives), DEROGATION, or NONE when no
    valid ground is on record."""
    vendor = Party("vendor", "IN")
    decided = {
        "adequacy": decide_hop(hop(Party("vendor", "US", dpf=(EU_US,))), EU, TODAY),
        "bcr": decide_hop(hop(vendor), EU, TODAY, [scc(type="BCR", module=None)]),
        "no tia": decide_hop(hop(vendor), EU, TODAY, [scc(tia_on=None, tia_outcome=None)]),
        "derogation": decide_hop(
            hop(vendor), EU, TODAY, [scc(type="DEROGATION", module=None, derogation="GDPR-49-1-b")]
        ),
        "expired": decide_hop(hop(vendor), EU, TODAY, [scc(expires_on=date(2026, 1, 1))]),
        "nothing": decide_hop(hop(vendor), EU, TODAY),
        "inside": decide_hop(hop(Party("vendor", "FR")), EU, TODAY),
    }
    assert {name: (d.mechanism, d.safeguard_type) for name, d in decided.items()} == {
        "adequacy": (Mechanism.ADEQUACY, None),
        "bcr": (Mechanism.SAFEGUARD, "BCR"),
        "no tia": (Mechanism.SAFEGUARD, "SCC"),
        "derogation": (Mechanism.DEROGATION, "DEROGATION"),
        "expired": (Mechanism.NONE, None),
        "nothing": (Mechanism.NONE, None),
        "inside": (Mechanism.NONE, None),
    }
    assert decided["no tia"].verdict is Verdict.ACTION_REQUIRED


def test_an_expired_safeguard_is_expired_and_a_valid_one_wins_over_it() -> None:
    old = scc(id="sg-old", expires_on=date(2026, 1, 1))
    assert decide_hop(hop(Party("v", "IN")), EU, TODAY, [old]).verdict is Verdict.EXPIRED
    both = decide_hop(hop(Party("v", "IN")), EU, TODAY, [old, scc(id="sg-new")])
    assert both.verdict is Verdict.SAFEGUARD and both.legal_basis.instrument_id == "sg-new"


def test_a_sub_processor_without_authorisation_is_an_action() -> None:
    engaged = hop(
        Party("sub", "US", dpf=(EU_US,)),
        roles=("PROCESSOR", "SUB_PROCESSOR"),
        authorisation_required=True,
    )
    decision = decide_hop(engaged, EU, TODAY)
    assert decision.verdict is Verdict.ACTION_REQUIRED
    assert decision.legal_basis.instrument_id == "EU-US"
    assert any("Art. 28(2)" in item for item in decision.missing)


def test_a_path_takes_its_worst_hop() -> None:
    good = decide_hop(hop(Party("v", "US", dpf=(EU_US,))), EU, TODAY)
    bad = decide_hop(hop(Party("w", "IN")), EU, TODAY)
    assert path_decision([good, good, bad], TODAY).verdict is Verdict.BLOCKED
    assert worst([Verdict.EXPIRED, Verdict.DEROGATION, Verdict.SAFEGUARD]) is Verdict.EXPIRED
    assert worst([Verdict.ACTION_REQUIRED, Verdict.DEROGATION]) is Verdict.ACTION_REQUIRED


def test_special_categories_follow_the_prefix_rule() -> None:
    special = ["user.health_and_medical"]
    assert carries_special_category(["user.health_and_medical.genetic"], special)
    assert carries_special_category(["user"], special)
    assert not carries_special_category(["user.contact.email"], special)


def test_a_pairs_other_safeguards_are_those_its_parties_signed_with_someone_else() -> None:
    def row(id: str, exporter: str, importer: str) -> dict[str, object]:
        return {"id": id, "type": "SCC", "exporter_id": exporter, "importer_id": importer}

    recorded = safeguards_by_pair(
        [
            row("sg-4", "acme-de", "vendor"),
            row("sg-3", "acme-de", "other"),
            row("sg-2", "parent", "vendor"),
            row("sg-1", "vendor", "acme-de"),
            row("sg-0", "third", "fourth"),
        ],
        TODAY,
    )
    assert [s.id for s in recorded.of("acme-de", "vendor")] == ["sg-4"]
    assert [s.id for s in recorded.others("acme-de", "vendor")] == ["sg-2", "sg-3"]
    assert recorded.others("acme-de", "vendor") is recorded.others("acme-de", "vendor")
    assert [s.id for s in recorded.others("vendor", "acme-de")] == []
    blocked = decide_hop(
        hop(Party("vendor", "IN")), EU, TODAY, [], recorded.others("acme-de", "vendor")
    )
    assert [w for w in blocked.warnings if "only the pair" in w] == [
        "safeguard sg-2 (SCC) binds parent → vendor, not this hop's pair: a safeguard covers "
        "only the pair it was signed for",
        "safeguard sg-3 (SCC) binds acme-de → other, not this hop's pair: a safeguard covers "
        "only the pair it was signed for",
    ]
