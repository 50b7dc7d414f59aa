"""The breach decisions on plain data: the reference facts are built here as the seeds shape them,
so each test can vary the one fact it is about."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from resolvers.breach.decisions import (
    Activity,
    Applies,
    BreachGraph,
    BreachRequest,
    Category,
    Exemption,
    Flow,
    Holding,
    Jurisdiction,
    Kind,
    Obligation,
    Organisation,
    Owner,
    Provenance,
    Reach,
    ReachedOrganisation,
    RiskFactor,
    Scope,
    Status,
    System,
    breach_impact,
)

AWARE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SOURCE = Provenance("test", "2026-12-01", "P")
NAME = Category("user.name", "Name")
EMAIL = Category("user.contact.email", "Email")
PASSWORD = Category(
    "user.authorization.password",
    "Password",
    credential=True,
    us_element="user name or email with password",
    us_with_any=("user.contact.email", "user.account.username"),
)
HEALTH = Category("user.health_and_medical", "Health", special=True)
CARD = Category("user.financial.credit_card", "Card", financial=True)

SA = Obligation(
    "GDPR-33-1",
    "EU",
    "SUPERVISORY_AUTHORITY",
    "RISK",
    ("CONFIDENTIALITY", "INTEGRITY", "AVAILABILITY"),
    "72 hours",
    "Art. 33(1) GDPR",
    "notify",
    SOURCE,
    deadline_hours=72,
)
SUBJECTS = Obligation(
    "GDPR-34-1",
    "EU",
    "DATA_SUBJECTS",
    "HIGH_RISK",
    ("CONFIDENTIALITY", "INTEGRITY", "AVAILABILITY"),
    "without undue delay",
    "Art. 34(1) GDPR",
    "communicate",
    SOURCE,
)
PROCESSOR = Obligation(
    "GDPR-33-2",
    "EU",
    "CONTROLLER",
    "ANY",
    ("CONFIDENTIALITY", "INTEGRITY", "AVAILABILITY"),
    "without undue delay",
    "Art. 33(2) GDPR",
    "tell the controller",
    SOURCE,
)
CA_PEOPLE = Obligation(
    "CA-1798.82-a",
    "US-CA",
    "DATA_SUBJECTS",
    "STATE_PI",
    ("CONFIDENTIALITY",),
    "30 days",
    "§ 1798.82(a)",
    "residents",
    SOURCE,
    deadline_days=30,
)
CA_AG = Obligation(
    "CA-1798.82-AG",
    "US-CA",
    "REGULATOR",
    "STATE_PI",
    ("CONFIDENTIALITY",),
    "15 days after the consumer notice",
    "§ 1798.82",
    "sample copy",
    SOURCE,
    authority="California Attorney General",
    deadline_days=15,
    deadline_from="INDIVIDUAL_NOTICE",
    residents_over=500,
)
ENCRYPTION = Exemption(
    "GDPR-34-3-a", ("GDPR-34-1",), "ENCRYPTION_AT_REST", "Art. 34(3)(a)", "encrypted", SOURCE
)
ALL_KINDS = ("CONFIDENTIALITY", "INTEGRITY", "AVAILABILITY")
FACTORS = (
    RiskFactor("special", "SPECIAL_CATEGORY", ALL_KINDS, True, "Art. 9", "damage", "§102", SOURCE),
    RiskFactor(
        "credentials", "CREDENTIAL", ("CONFIDENTIALITY",), True, "Creds", "fraud", "E", SOURCE
    ),
    RiskFactor("financial", "FINANCIAL", ("CONFIDENTIALITY",), True, "Fin", "loss", "E", SOURCE),
    RiskFactor("people", "SUBJECT_COUNT", ALL_KINDS, False, "People", "scale", "IV.B", SOURCE),
)
CA_PROCESSOR = Obligation(
    "CA-1798.82-b",
    "US-CA",
    "CONTROLLER",
    "STATE_PI",
    ("CONFIDENTIALITY",),
    "immediately",
    "§ 1798.82(b)",
    "tell the owner",
    SOURCE,
)
EU_OWNER = Owner(Organisation("me", "Me GmbH", "DE", is_self=True), supervisory_authority="BlnBDI")
US_OWNER = Owner(Organisation("me", "Me Inc.", "US", is_self=True, serves=("DE", "FR", "US-CA")))
EEA = frozenset({"DE", "FR", "IE", "NL"})
JURISDICTIONS = {
    "EU": Jurisdiction("EU", "EU GDPR", area=EEA, places=EEA, reach="GDPR Art. 3"),
    "US-CA": Jurisdiction("US-CA", "US-CA", places=frozenset({"US-CA"})),
}


def holding(
    system: str,
    *categories: Category,
    role: str = "CONTROLLER",
    count: int | None = 100,
    subject: str = "user",
    subjects_in: tuple[str, ...] = (),
) -> Holding:
    return Holding(
        f"st-{system}-{subject}",
        system,
        subject,
        subject.title(),
        categories,
        role,
        count,
        subjects_in,
    )


def graph(
    *systems: System,
    selected: tuple[str, ...] = ("db",),
    owner: Owner = EU_OWNER,
    obligations: tuple[Obligation, ...] = (
        SA,
        SUBJECTS,
        PROCESSOR,
        CA_PEOPLE,
        CA_AG,
        CA_PROCESSOR,
    ),
) -> BreachGraph:
    return BreachGraph(
        systems={s.id: s for s in systems},
        selected=selected,
        organisations=(),
        received=(),
        obligations=obligations,
        exemptions=(ENCRYPTION,),
        risk_factors=FACTORS,
        owner=owner,
        jurisdictions=JURISDICTIONS,
    )


def duty(impact_duties: list, key: str, country: str | None = None):  # type: ignore[no-untyped-def]
    return next(
        d
        for d in impact_duties
        if d.obligation.key == key and (country is None or d.country == country)
    )


def request(
    kind: Kind = Kind.CONFIDENTIALITY, categories: tuple[str, ...] | None = None
) -> BreachRequest:
    return BreachRequest(AWARE, kind, categories)


def test_the_authority_deadline_is_72_hours_from_awareness() -> None:
    db = System("db", "DB", storages=(holding("db", NAME, EMAIL),))
    impact = breach_impact(graph(db), request())
    sa = duty(impact.duties, "GDPR-33-1")
    assert sa.status is Status.REQUIRED
    assert sa.deadline == AWARE + timedelta(hours=72)
    assert sa.authority == "BlnBDI"


def test_an_art_3_2_controller_notifies_each_authority_where_people_live() -> None:
    served = System("db", "DB", storages=(holding("db", NAME, EMAIL),))
    impact = breach_impact(graph(served, owner=US_OWNER), request())
    authorities = [d for d in impact.duties if d.obligation.key == "GDPR-33-1"]
    assert [d.country for d in authorities] == ["DE", "FR"]  # the owner serves DE, FR, US-CA
    assert all("Art. 3(2)" in (d.authority or "") for d in authorities)
    assert all(d.status is Status.REQUIRED for d in authorities)
    assert any("Organisation:me.serves" in r for r in authorities[0].reasons)
    # A storage's own subjects_in says where its people are, over the markets served.
    db = System("db", "DB", storages=(holding("db", NAME, EMAIL, subjects_in=("FR", "NL")),))
    impact = breach_impact(graph(db, owner=US_OWNER), request())
    authorities = [d for d in impact.duties if d.obligation.key == "GDPR-33-1"]
    assert [d.country for d in authorities] == ["FR", "NL"]
    assert duty(impact.duties, "CA-1798.82-a").status is Status.NOT_REQUIRED


def test_credentials_make_a_high_risk_likely_only_for_confidentiality() -> None:
    db = System("db", "DB", storages=(holding("db", EMAIL, PASSWORD),))
    confidential = breach_impact(graph(db), request())
    assert confidential.risk.likely_high
    assert duty(confidential.duties, "GDPR-34-1").status is Status.REQUIRED
    unavailable = breach_impact(graph(db), request(Kind.AVAILABILITY))
    assert not unavailable.risk.likely_high
    assert duty(unavailable.duties, "GDPR-34-1").status is Status.NOT_REQUIRED


def test_special_category_data_weighs_in_every_kind() -> None:
    db = System("db", "DB", storages=(holding("db", NAME, HEALTH),))
    impact = breach_impact(graph(db), request(Kind.AVAILABILITY))
    special = next(f for f in impact.risk.factors if f.factor.key == "special")
    assert special.present and special.weighs
    assert special.evidence == ("user.health_and_medical in st-db-user",)
    assert duty(impact.duties, "GDPR-34-1").status is Status.REQUIRED


def test_encryption_at_rest_is_an_exemption_to_confirm_for_confidentiality_only() -> None:
    db = System(
        "db", "DB", security_measures=("enc_at_rest",), storages=(holding("db", NAME, HEALTH),)
    )
    confidential = duty(breach_impact(graph(db), request()).duties, "GDPR-34-1")
    assert confidential.status is Status.CONDITIONAL
    assert [e.applies for e in confidential.exemptions] == [Applies.TO_CONFIRM]
    assert "key" in confidential.exemptions[0].reason
    lost = duty(breach_impact(graph(db), request(Kind.AVAILABILITY)).duties, "GDPR-34-1")
    assert lost.status is Status.REQUIRED
    assert [e.applies for e in lost.exemptions] == [Applies.NO]


def test_no_encryption_recorded_means_no_exemption() -> None:
    db = System("db", "DB", storages=(holding("db", NAME, HEALTH),))
    result = duty(breach_impact(graph(db), request()).duties, "GDPR-34-1")
    assert result.status is Status.REQUIRED
    assert result.exemptions[0].applies is Applies.NO


def test_us_personal_information_needs_the_element_with_its_partner() -> None:
    alone = System("db", "DB", storages=(holding("db", PASSWORD, subjects_in=("US-CA",)),))
    impact = breach_impact(graph(alone), request())
    assert duty(impact.duties, "CA-1798.82-a").status is Status.NOT_REQUIRED
    paired = System("db", "DB", storages=(holding("db", EMAIL, PASSWORD, subjects_in=("US-CA",)),))
    impact = breach_impact(graph(paired), request())
    people = duty(impact.duties, "CA-1798.82-a")
    assert people.status is Status.REQUIRED
    assert people.deadline == AWARE + timedelta(days=30)


def test_the_attorney_general_threshold_and_deadline_from_the_consumer_notice() -> None:
    few = System(
        "db", "DB", storages=(holding("db", EMAIL, PASSWORD, count=300, subjects_in=("US-CA",)),)
    )
    assert (
        duty(breach_impact(graph(few), request()).duties, "CA-1798.82-AG").status
        is Status.NOT_REQUIRED
    )
    many = System(
        "db", "DB", storages=(holding("db", EMAIL, PASSWORD, count=9000, subjects_in=("US-CA",)),)
    )
    ag = duty(breach_impact(graph(many), request()).duties, "CA-1798.82-AG")
    assert ag.status is Status.REQUIRED  # all 9,000 are in California
    assert ag.deadline == AWARE + timedelta(days=30 + 15)
    mixed = System(
        "db",
        "DB",
        storages=(holding("db", EMAIL, PASSWORD, count=9000, subjects_in=("DE", "US-CA")),),
    )
    ag = duty(breach_impact(graph(mixed), request()).duties, "CA-1798.82-AG")
    assert ag.status is Status.CONDITIONAL
    assert "several markets" in ag.conditions[-1]


def test_where_people_are_unrecorded_makes_a_law_conditional_and_recorded_decides() -> None:
    db = System("db", "DB", storages=(holding("db", EMAIL, PASSWORD),))
    unknown = breach_impact(graph(db), request())
    assert {s.jurisdiction: s.scope for s in unknown.scopes}["US-CA"] is Scope.UNKNOWN
    assert duty(unknown.duties, "CA-1798.82-a").status is Status.CONDITIONAL
    assert not unknown.subjects_in_recorded
    elsewhere = System("db", "DB", storages=(holding("db", EMAIL, PASSWORD, subjects_in=("DE",)),))
    recorded = breach_impact(graph(elsewhere), request())
    assert duty(recorded.duties, "CA-1798.82-a").status is Status.NOT_REQUIRED
    assert recorded.subjects_in_recorded
    # The owner's serves decides for its storages that record no subjects_in.
    serving = Owner(replace(EU_OWNER.organisation, serves=("DE", "US-CA")), "BlnBDI")
    served = breach_impact(graph(db, owner=serving), request())
    assert duty(served.duties, "CA-1798.82-a").status is Status.REQUIRED
    [subject] = served.subjects
    assert subject.residence.markets == ("DE", "US-CA")
    assert subject.residence.recorded_by == ("Organisation:me.serves",)
    # A country is not its state.
    country = Owner(replace(EU_OWNER.organisation, serves=("US",)), "BlnBDI")
    scope = {s.jurisdiction: s for s in breach_impact(graph(db, owner=country), request()).scopes}
    assert scope["US-CA"].scope is Scope.UNKNOWN and "not the state" in scope["US-CA"].reason


def test_processor_data_goes_to_its_controller_not_to_the_owners_authority() -> None:
    customer = Organisation("acme", "Acme B.V.", "NL")
    activity = Activity(
        "pa-acme", "Host Acme's data", "PROCESSOR", (("contact", "Contact"),), (NAME,), customer
    )
    db = System(
        "db",
        "DB",
        storages=(holding("db", NAME, EMAIL, role="PROCESSOR", subject="contact", count=2000),),
        activities=(activity,),
    )
    impact = breach_impact(graph(db), request())
    assert duty(impact.duties, "GDPR-33-1").status is Status.NOT_REQUIRED
    [notice] = impact.controllers
    assert notice.controller.id == "acme"
    assert notice.records == 2000
    assert [(d.obligation.key, d.status) for d in notice.duties] == [("GDPR-33-2", Status.REQUIRED)]


def test_processor_data_without_an_activity_is_reported() -> None:
    db = System("db", "DB", storages=(holding("db", NAME, role="PROCESSOR"),))
    impact = breach_impact(graph(db), request())
    assert impact.controllers == []
    assert [h.id for h in impact.processor_data_without_controller] == ["st-db-user"]


def test_backups_and_downstream_copies_with_the_categories_that_survive() -> None:
    db = System(
        "db",
        "DB",
        storages=(holding("db", NAME, EMAIL, CARD),),
        flows=(Flow("f1", "db", "mail", "Mail", False, ("user.contact.email",)),),
    )
    backup = System("db-backup", "Backup", kind="BACKUP", backs_up=("db",))
    mail = System(
        "mail", "Mail", flows=(Flow("f2", "mail", "vendor", "Vendor", True, ("user.contact",)),)
    )
    impact = breach_impact(graph(db, backup, mail), request())
    reached = {(s.id, s.reach, s.path, s.categories) for s in impact.systems}
    assert (
        "db-backup",
        Reach.BACKUP,
        ("db", "db-backup"),
        ("user.contact.email", "user.financial.credit_card", "user.name"),
    ) in reached
    assert ("mail", Reach.DOWNSTREAM, ("db", "mail"), ("user.contact.email",)) in reached
    assert (
        "vendor",
        Reach.DOWNSTREAM,
        ("db", "mail", "vendor"),
        ("user.contact.email",),
    ) in reached


def test_a_compromised_backup_holds_its_sources_data_once() -> None:
    db = System("db", "DB", storages=(holding("db", NAME, count=40),))
    backup = System("db-backup", "Backup", kind="BACKUP", backs_up=("db",))
    impact = breach_impact(graph(db, backup, selected=("db", "db-backup")), request())
    [subject] = impact.subjects
    assert subject.records == 40  # the same storage in the system and its backup counts once


def test_a_category_filter_narrows_the_affected_data() -> None:
    db = System("db", "DB", storages=(holding("db", NAME, EMAIL, PASSWORD),))
    impact = breach_impact(graph(db), request(categories=("user.contact",)))
    assert [c.key for c in impact.subjects[0].categories] == ["user.contact.email"]
    assert not impact.risk.likely_high


def test_a_customer_is_told_under_a_state_law_where_its_people_are() -> None:
    def notice_duties(serves: tuple[str, ...]) -> list[tuple[str, Status]]:
        customer = Organisation("acme", "Acme Inc.", "US", serves=serves)
        activity = Activity(
            "pa-acme", "Host Acme's data", "PROCESSOR", (("user", "User"),), (EMAIL,), customer
        )
        db = System(
            "db",
            "DB",
            storages=(holding("db", EMAIL, PASSWORD, role="PROCESSOR"),),
            activities=(activity,),
        )
        [notice] = breach_impact(graph(db), request()).controllers
        return [(d.obligation.key, d.status) for d in notice.duties]

    assert ("CA-1798.82-b", Status.REQUIRED) in notice_duties(("US-CA",))
    assert "CA-1798.82-b" not in dict(notice_duties(("NL",)))
    assert ("CA-1798.82-b", Status.CONDITIONAL) in notice_duties(())


def test_an_engagement_chain_reaches_only_the_subjects_it_carries() -> None:
    """A vendor's sub-processor engaged for one subject's data: its systems count for that
    subject alone; a flow the vendor receives naming another subject brings nothing of it."""
    vendor = Organisation("vendor", "Vendor", "IE")
    sub = Organisation("sub", "Sub", "US")
    host = System(
        "host",
        "Host",
        operator=sub,
        storages=(holding("host", NAME, subject="user"), holding("host", EMAIL, subject="lead")),
        flows=(Flow("f-host", "host", "copy", "Copy", False, ("user.name",)),),
    )
    copy = System("copy", "Copy")
    sender = System(
        "sender",
        "Sender",
        storages=(holding("sender", NAME, subject="user"), holding("sender", NAME, subject="lead")),
    )
    chain = (
        ReachedOrganisation(vendor, ("vendor",), ()),
        ReachedOrganisation(sub, ("vendor", "sub"), ("SUB_PROCESSOR",), frozenset({"user"})),
    )
    received = (Flow("f-in", "sender", "vendor", "Vendor", True, None, ("lead",)),)
    breached = replace(
        graph(host, copy, sender, selected=("host",)), organisations=chain, received=received
    )
    impact = breach_impact(breached, request())
    held = sorted((h.subject, h.system_id) for s in impact.subjects for h in s.holdings)
    assert held == [("lead", "vendor"), ("user", "host")]
    reached = {s.id: s.subjects for s in impact.systems}
    assert reached == {"host": ("user",), "copy": ("user",)}
    note = next(s.note for s in impact.systems if s.id == "copy")
    assert note.endswith("(inferred from categories alone: flow f-host names no data subject)")

    leads = breach_impact(breached, replace(request(), subjects=("lead",)))
    assert [s.subject for s in leads.subjects] == ["lead"]
    assert {s.id for s in leads.systems} == {"host"}  # compromised, with nothing of theirs
