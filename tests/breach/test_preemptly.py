"""breachImpact on Preemptly's seeded map, through GraphQL: a compromise of Nimbus EMEA (the
hosting processor), of the support desk and of the credential store, each item checked against
the seed files it comes from (seeds/data/preemptly and seeds/data/reference)."""

from datetime import datetime, timedelta
from typing import Any

import pytest

from seeds.loader import Seeds, read
from tests.conftest import GraphQL, answer_enums

pytestmark = pytest.mark.usefixtures("seeded")

AWARE = "2026-11-30T09:00:00+00:00"
AWARE_AT = datetime.fromisoformat(AWARE)

IMPACT = """
query Impact($systemIds: [ID!], $organisationId: ID, $awareAt: DateTime!,
             $kind: BreachKind!, $categories: [String!]) {
  breachImpact(systemIds: $systemIds, organisationId: $organisationId, awareAt: $awareAt,
               kind: $kind, categories: $categories) {
    awareAt kind subjectsInRecorded
    systems { id reach path categories operator { id } hostingCountries encryptedAtRest
              isOrganisation note }
    organisations { organisation { id } chain roles }
    subjects { subject name specialCategory criminalData credentials financial records
               peopleAtLeast countsUnknownIn roles subjectsIn subjectsInSources
               categories { key credential usBreachElement }
               holdings { id systemId controllerRole recordCount } }
    controllersToNotify { controller { id country } subjects systems activities
                          obligations { key status citation deadline deadlineText } }
    processorDataWithoutController { id }
    risk { likelyHighRisk basis
           factors { key present weighs highRiskWhenPresent evidence citation source
                     confidence } }
    scopes { jurisdiction scope reason }
    obligations { key jurisdiction addressee authority status deadline deadlineText citation
                  reasons conditions source confidence
                  exemptions { key applies reason } }
    notifications { authority obligation status deadline
                    items { key filled toComplete } markdown json }
    document
  }
}
"""


@pytest.fixture(scope="module")
def seeds() -> Seeds:
    return read()


def entries(seeds: Seeds, path: str) -> list[Any]:
    return seeds.entries(path)


async def impact(graphql: GraphQL, **variables: Any) -> dict[str, Any]:
    body = await graphql(IMPACT, {"awareAt": AWARE, "kind": "CONFIDENTIALITY", **variables})
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]["breachImpact"]
    return result


def duty(result: dict[str, Any], key: str) -> dict[str, Any]:
    return next(d for d in result["obligations"] if d["key"] == key)


def obligation(seeds: Seeds, key: str) -> Any:
    return next(o for o in entries(seeds, "reference/breach_obligations.yaml") if o.key == key)


def at(offset: timedelta) -> str:
    return (AWARE_AT + offset).isoformat()


def reached(result: dict[str, Any], reach: str) -> set[str]:
    return {s["id"] for s in result["systems"] if s["reach"] == reach}


def check_authority_duty(seeds: Seeds, result: dict[str, Any]) -> None:
    """Art. 33(1): the lead authority recorded on Preemptly, 72 hours from awareAt."""
    preemptly = next(o for o in entries(seeds, "preemptly/organisations.yaml") if o.is_self)
    sa = duty(result, "GDPR-33-1")
    source = obligation(seeds, "GDPR-33-1")
    assert sa["status"] == "REQUIRED"
    assert sa["authority"] == preemptly.supervisory_authority
    assert sa["deadline"] == at(timedelta(hours=source.deadline_hours)) == at(timedelta(hours=72))
    assert sa["citation"] == source.citation == "Art. 33(1) GDPR"
    assert sa["source"] == source.source and sa["confidence"] == source.confidence
    assert any(f"established in {preemptly.country}" in r for r in sa["reasons"])
    # The UK, Switzerland and California reach Preemptly's data by the markets it serves (no
    # storage records subjects_in), as they reach it in the transfer assessment.
    assert "GB" in preemptly.serves
    assert not any(s.subjects_in for s in entries(seeds, "preemptly/storages.yaml"))
    ico = duty(result, "UK-33-1")
    assert ico["authority"] == obligation(seeds, "UK-33-1").authority
    assert ico["status"] == "REQUIRED"
    assert any("affected people in GB (Organisation:preemptly.serves)" in r for r in ico["reasons"])
    assert ico["deadline"] == at(timedelta(hours=72))
    fdpic = duty(result, "FADP-24-1")
    assert fdpic["deadline"] is None
    assert "as quickly as possible" in fdpic["deadlineText"]
    assert fdpic["citation"] == "Art. 24(1) FADP"


async def test_nimbus_emea_compromised(graphql: GraphQL, seeds: Seeds) -> None:
    result = await impact(graphql, organisationId="nimbus-emea")
    engagements = entries(seeds, "preemptly/engagements.yaml")
    chain = {"nimbus-emea"}
    for _ in range(4):
        chain |= {e.engages for e in engagements if e.organisation in chain}
    assert chain == {"nimbus-emea", "nimbus-inc", "nimbus-india"}
    assert {o["organisation"]["id"]: o["chain"] for o in result["organisations"]} == {
        "nimbus-emea": ["nimbus-emea"],
        "nimbus-inc": ["nimbus-emea", "nimbus-inc"],
        "nimbus-india": ["nimbus-emea", "nimbus-inc", "nimbus-india"],
    }
    operated = {s.id for s in entries(seeds, "preemptly/systems.yaml") if s.operator in chain}
    assert reached(result, "COMPROMISED") == operated
    assert {"accounts-db-backup", "customer-data-db-backup", "file-store-backup"} <= operated
    # Flows out of the hosted systems to systems and organisations Nimbus does not run.
    assert reached(result, "DOWNSTREAM") == {
        "email-platform",
        "acme-crm",
        "ai-insights",
        "globex-inc",
        "product-analytics",
    }
    globex = next(s for s in result["systems"] if s["id"] == "globex-inc")
    assert globex["isOrganisation"] and globex["path"] == ["customer-data-db", "globex-inc"]

    storages = [s for s in entries(seeds, "preemptly/storages.yaml") if s.system in operated]
    subjects = {s["subject"]: s for s in result["subjects"]}
    assert set(subjects) == {s.subject for s in storages}
    for key, subject in subjects.items():
        mine = [s for s in storages if s.subject == key]
        counts = [s.record_count for s in mine if s.record_count is not None]
        assert subject["records"] == sum(counts)
        assert subject["peopleAtLeast"] == max(counts)
        assert subject["countsUnknownIn"] == sorted(s.id for s in mine if s.record_count is None)
        assert subject["roles"] == sorted({s.controller_role for s in mine})
        held = {c for s in mine for c in s.categories}
        assert {c["key"] for c in subject["categories"]} == held
    assert subjects["preemptly.account_user"]["credentials"]
    assert not subjects["preemptly.end_customer_contact"]["credentials"]

    # Art. 33(2): Preemptly is processor of the end-customer contacts; their controllers are
    # the customers its processor activities on those systems name.
    activities = [
        a
        for a in entries(seeds, "preemptly/activities.yaml")
        if a.preemptly_role == "PROCESSOR" and set(a.systems) & operated
    ]
    notices = {n["controller"]["id"]: n for n in result["controllersToNotify"]}
    assert set(notices) == {a.controller for a in activities} == {"acme-logistics", "globex-inc"}
    for controller, notice in notices.items():
        assert notice["activities"] == sorted(
            a.id for a in activities if a.controller == controller
        )
        assert notice["subjects"] == ["preemptly.end_customer_contact"]
        [told] = notice["obligations"]
        assert told["key"] == "GDPR-33-2" and told["status"] == "REQUIRED"
        assert told["citation"] == "Art. 33(2) GDPR" and told["deadline"] is None
        assert told["deadlineText"] == obligation(seeds, "GDPR-33-2").deadline_text
    assert result["processorDataWithoutController"] == []

    check_authority_duty(seeds, result)
    assert result["risk"]["likelyHighRisk"]
    credentials = next(f for f in result["risk"]["factors"] if f["key"] == "credentials")
    assert credentials["present"] and credentials["highRiskWhenPresent"]
    assert credentials["evidence"] == ["user.authorization.password in st-accounts"]
    assert credentials["citation"].startswith("ENISA") and credentials["confidence"] == "T"
    people = duty(result, "GDPR-34-1")
    # Every hosted system holding Preemptly's own data records enc_at_rest: Art. 34(3)(a) may
    # apply, if the key was not taken too (not in the map).
    own_systems = {s.system for s in storages if s.controller_role == "CONTROLLER"}
    assert all(
        "enc_at_rest" in s.security_measures
        for s in entries(seeds, "preemptly/systems.yaml")
        if s.id in own_systems
    )
    assert people["status"] == "CONDITIONAL"
    encryption = next(e for e in people["exemptions"] if e["key"] == "GDPR-34-3-a")
    assert encryption["applies"] == "TO_CONFIRM" and "key" in encryption["reason"]


async def test_support_desk_compromised(graphql: GraphQL, seeds: Seeds) -> None:
    result = await impact(graphql, systemIds=["support-desk"])
    assert reached(result, "COMPROMISED") == {"support-desk"}
    assert reached(result, "BACKUP") == set()
    [northdesk] = [s for s in result["systems"] if s["reach"] == "DOWNSTREAM"]
    flow = next(f for f in entries(seeds, "preemptly/flows.yaml") if f.id == "f-support-northdesk")
    assert northdesk["id"] == flow.to_organisation == "northdesk-ca"
    assert northdesk["isOrganisation"] and northdesk["categories"] == sorted(flow.categories)
    desk = next(s for s in result["systems"] if s["id"] == "support-desk")
    system = next(s for s in entries(seeds, "preemptly/systems.yaml") if s.id == "support-desk")
    assert desk["hostingCountries"] == system.hosted_in
    assert desk["operator"]["id"] == system.operator

    storage = next(
        s for s in entries(seeds, "preemptly/storages.yaml") if s.system == "support-desk"
    )
    [subject] = result["subjects"]
    assert subject["subject"] == storage.subject
    assert subject["records"] == subject["peopleAtLeast"] == storage.record_count
    assert [c["key"] for c in subject["categories"]] == sorted(storage.categories)
    assert not any(
        subject[flag] for flag in ("specialCategory", "criminalData", "credentials", "financial")
    )
    assert result["controllersToNotify"] == []  # Preemptly controls its own support tickets

    check_authority_duty(seeds, result)
    assert not result["risk"]["likelyHighRisk"]
    assert duty(result, "GDPR-34-1")["status"] == "NOT_REQUIRED"
    assert duty(result, "FADP-24-1")["status"] == "NOT_REQUIRED"
    california = duty(result, "CA-1798.82-a")
    assert california["status"] == "NOT_REQUIRED"  # name, email, text: no § 1798.82(h) element
    assert california["deadline"] is None
    assert [n["obligation"] for n in result["notifications"]] == ["GDPR-33-1", "UK-33-1"]
    ico_draft = result["notifications"][1]
    assert "Data subjects concerned are in: GB." in ico_draft["items"][0]["filled"]
    lead = result["notifications"][0]
    assert lead["items"][0]["key"] == "33(3)(a)"
    assert any(
        f"about {storage.record_count} records" in line for line in lead["items"][0]["filled"]
    )
    assert [i["key"] for i in lead["items"]] == ["33(3)(a)", "33(3)(b)", "33(3)(c)", "33(3)(d)"]
    assert lead["items"][1]["filled"] == [] and lead["items"][1]["toComplete"]  # no DPO recorded
    assert "[TO COMPLETE]" in lead["markdown"]
    assert lead["json"]["deadline"] == at(timedelta(hours=72))


async def test_the_credential_store_compromised(graphql: GraphQL, seeds: Seeds) -> None:
    holding = [
        s
        for s in entries(seeds, "preemptly/storages.yaml")
        if any(c.startswith("user.authorization.") for c in s.categories)
    ]
    [store] = {s.system for s in holding}
    assert store == "accounts-db"
    result = await impact(graphql, systemIds=[store])
    assert reached(result, "COMPROMISED") == {store}
    assert reached(result, "BACKUP") == {
        s.id for s in entries(seeds, "preemptly/systems.yaml") if s.backs_up == store
    }
    [email] = [s for s in result["systems"] if s["reach"] == "DOWNSTREAM"]
    flow = next(f for f in entries(seeds, "preemptly/flows.yaml") if f.id == "f-accounts-email")
    assert email["id"] == flow.to_system and email["categories"] == sorted(flow.categories)

    [subject] = result["subjects"]
    [storage] = holding
    assert subject["records"] == storage.record_count
    assert subject["credentials"] and not subject["financial"]
    password = next(c for c in subject["categories"] if c["key"] == "user.authorization.password")
    breach_category = next(
        c for c in entries(seeds, "reference/breach_categories.yaml") if c.key == password["key"]
    )
    assert password["usBreachElement"] == breach_category.us_breach_element

    check_authority_duty(seeds, result)
    people = duty(result, "GDPR-34-1")
    assert people["status"] == "CONDITIONAL"  # high risk (credentials), unless 34(3)(a) holds
    assert any("high risk is likely" in r for r in people["reasons"])
    preemptly = next(o for o in entries(seeds, "preemptly/organisations.yaml") if o.is_self)
    assert subject["subjectsInSources"] == ["Organisation:preemptly.serves"]
    assert {"GB", "CH", "US-CA", "DE", "FR"} <= set(subject["subjectsIn"])
    california = duty(result, "CA-1798.82-a")
    source = obligation(seeds, "CA-1798.82-a")
    # California residents among them (Preemptly serves US-CA): only the encryption safe
    # harbour is left for a person to confirm.
    assert california["status"] == "CONDITIONAL"
    assert california["deadline"] == at(timedelta(days=source.deadline_days))
    assert any(f"with user.contact.email in {storage.id}" in r for r in california["reasons"])
    assert any("affected people in US-CA" in r for r in california["reasons"])
    assert [c.split(":")[0] for c in california["conditions"]] == [
        "unless Cal. Civ. Code § 1798.82(a) applies"
    ]
    ag = duty(result, "CA-1798.82-AG")
    assert ag["authority"] == "California Attorney General"
    assert ag["deadline"] == at(timedelta(days=30 + 15))  # 15 days after the last day of notice
    assert any("more than 500 residents of US-CA" in c for c in ag["conditions"])
    assert any("several markets" in c for c in ag["conditions"])
    fdpic = duty(result, "FADP-24-1")
    assert fdpic["status"] == "REQUIRED"  # Switzerland is served, and credentials: high risk
    assert any("affected people in CH" in r for r in fdpic["reasons"])
    # Preemptly serves no other state: their laws do not reach these people.
    for key in ("NY-899-aa", "TX-521.053", "FL-501.171", "WA-19.255.010"):
        other = duty(result, key)
        assert other["status"] == "NOT_REQUIRED" and other["deadline"] is None, other
        assert any("no affected person in US-" in r for r in other["reasons"]), other
    assert {s["jurisdiction"]: s["scope"] for s in result["scopes"]} == {
        "EU": "ESTABLISHED",
        "UK": "RESIDENTS",
        "CH": "RESIDENTS",
        "US-CA": "RESIDENTS",
        "US-NY": "NONE",
        "US-TX": "NONE",
        "US-FL": "NONE",
        "US-WA": "NONE",
    }
    assert result["subjectsInRecorded"]
    assert set(preemptly.serves) - {"EEA"} <= set(subject["subjectsIn"])


async def test_an_availability_breach_of_the_credential_store(graphql: GraphQL) -> None:
    result = await impact(graphql, systemIds=["accounts-db"], kind="AVAILABILITY")
    assert duty(result, "GDPR-33-1")["status"] == "REQUIRED"
    assert not result["risk"]["likelyHighRisk"]  # credentials weigh in disclosure, not loss
    assert duty(result, "GDPR-34-1")["status"] == "NOT_REQUIRED"
    assert duty(result, "CA-1798.82-a")["status"] == "NOT_REQUIRED"
    backup = next(s for s in result["systems"] if s["reach"] == "BACKUP")
    assert "restore point" in backup["note"]


async def test_a_category_filter(graphql: GraphQL) -> None:
    result = await impact(graphql, systemIds=["accounts-db"], categories=["user.contact"])
    [subject] = result["subjects"]
    assert [c["key"] for c in subject["categories"]] == [
        "user.contact.email",
        "user.contact.organization",
        "user.contact.url",
    ]
    assert not result["risk"]["likelyHighRisk"]


async def test_a_vendor_that_only_receives_flows(graphql: GraphQL, seeds: Seeds) -> None:
    result = await impact(graphql, organisationId="northdesk-ca")
    assert reached(result, "COMPROMISED") == set()
    [subject] = result["subjects"]
    flow = next(f for f in entries(seeds, "preemptly/flows.yaml") if f.id == "f-support-northdesk")
    assert [c["key"] for c in subject["categories"]] == sorted(flow.categories)
    assert [h["systemId"] for h in subject["holdings"]] == ["northdesk-ca"]


async def test_a_duties_addressee_and_deadline_start_exemption_bases_and_risk_tests_are_enums(
    graphql: GraphQL,
) -> None:
    await answer_enums(
        graphql,
        {
            ("BreachDuty", "addressee"): "BreachAddressee",
            ("BreachDuty", "deadlineFrom"): "BreachDeadlineFrom",
            ("BreachExemptionResult", "basis"): "BreachExemptionBasis",
            ("BreachRiskFactor", "test"): "BreachRiskTest",
            ("BreachSubject", "roles"): "Role",
        },
    )
    body = await graphql(
        """query($awareAt: DateTime!) {
             breachImpact(organisationId: "nimbus-emea", awareAt: $awareAt, kind: CONFIDENTIALITY) {
               subjects { roles } risk { factors { test } }
               obligations { addressee deadlineFrom exemptions { basis } } } }""",
        {"awareAt": AWARE},
    )
    assert "errors" not in body, body
    found = body["data"]["breachImpact"]
    assert {"SUPERVISORY_AUTHORITY", "DATA_SUBJECTS"} <= {
        o["addressee"] for o in found["obligations"]
    }
    assert "AWARENESS" in {o["deadlineFrom"] for o in found["obligations"]}
    bases = {e["basis"] for o in found["obligations"] for e in o["exemptions"]}
    assert "ENCRYPTION_AT_REST" in bases
    assert "SPECIAL_CATEGORY" in {f["test"] for f in found["risk"]["factors"]}
    assert "CONTROLLER" in {role for s in found["subjects"] for role in s["roles"]}
