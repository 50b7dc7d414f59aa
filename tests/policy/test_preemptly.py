"""Each claim of Preemptly's privacy policy decided on the seeded map, through GraphQL, with the
evidence behind it."""

from pathlib import Path
from typing import Any

import pytest

from resolvers.auth.principal import Role
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("seeded")

TEXT = Path(__file__).parents[2] / "seeds" / "data" / "policies" / "preemptly-privacy-policy.txt"

CHECK = """
{
  policyCheck(policy: "preemptly", asOf: "2026-06-01") {
    policy { key owner lastUpdated }
    contradicted
    counts { verdict count }
    claims { key section words note kind parameters verdict checked lacks
             evidence { path detail } support { path detail } }
    undisclosed { kind key detail evidence { path detail } }
  }
}
"""
VERDICTS = {
    "collected-categories": "CONTRADICTED",
    "purposes": "CONTRADICTED",
    "no-sale": "HOLDS",
    "recipients": "UNCHECKABLE",
    "encryption": "CONTRADICTED",
    "access-controls": "CONTRADICTED",
    "assessments": "UNCHECKABLE",
    "data-centres": "UNCHECKABLE",
    "training": "UNCHECKABLE",
    "retention": "CONTRADICTED",
    "erasure": "UNCHECKABLE",
    "rights": "CONTRADICTED",
    "cookies": "HOLDS",
    "transfers": "CONTRADICTED",
    "children": "HOLDS",
    "compliance": "CONTRADICTED",
}


@pytest.fixture
async def check(graphql: GraphQL) -> dict[str, Any]:
    body = await graphql(CHECK)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["policyCheck"]
    return result


def claims(check: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {claim["key"]: claim for claim in check["claims"]}


def paths(claim: dict[str, Any]) -> list[list[str]]:
    return [evidence["path"] for evidence in claim["evidence"]]


async def test_each_claim_is_decided_in_policy_order(check: dict[str, Any]) -> None:
    assert check["policy"] == {
        "key": "preemptly",
        "owner": "preemptly",
        "lastUpdated": "2025-12-02",
    }
    assert {claim["key"]: claim["verdict"] for claim in check["claims"]} == VERDICTS
    assert [claim["key"] for claim in check["claims"]] == list(VERDICTS)
    assert check["contradicted"]
    assert {c["verdict"]: c["count"] for c in check["counts"]} == {
        "CONTRADICTED": 8, "UNCHECKABLE": 5, "HOLDS": 3
    }  # fmt: skip
    policy_text = " ".join(TEXT.read_text(encoding="utf-8").split())
    for claim in check["claims"]:
        assert claim["words"] in policy_text, claim
        if claim["verdict"] == "CONTRADICTED":
            assert claim["evidence"] and all(e["path"] and e["detail"] for e in claim["evidence"])
        if claim["verdict"] == "UNCHECKABLE":
            assert claim["lacks"] and not claim["evidence"], claim
        if claim["verdict"] == "HOLDS":
            assert not claim["evidence"] and not claim["lacks"] and claim["checked"] > 0


async def test_section_5_is_contradicted_by_the_lead_sheets_unencrypted_at_rest(
    check: dict[str, Any],
) -> None:
    encryption = claims(check)["encryption"]
    assert encryption["section"] == "5"
    assert encryption["words"] == "Encryption of data in transit and at rest"
    assert '"enc_at_rest"' in encryption["parameters"]
    sheets = [e for e in encryption["evidence"] if "System:event-lead-sheets" in e["path"]]
    assert [e["path"] for e in sheets] == [
        ["Storage:st-lead-sheets", "IN_SYSTEM", "System:event-lead-sheets"]
    ]
    assert (
        "records no enc_in_transit or enc_at_rest (recorded: access_control)" in sheets[0]["detail"]
    )
    systems = {path[2] if path[1] == "IN_SYSTEM" else path[0] for path in paths(encryption)}
    assert "System:ai-insights" in systems and "System:accounts-db-backup" in systems
    assert "System:accounts-db" not in systems
    access = claims(check)["access-controls"]
    assert paths(access) == [["Storage:st-cookies", "IN_SYSTEM", "System:website"]]


async def test_section_10_is_contradicted_by_blocked_transfer_paths(check: dict[str, Any]) -> None:
    transfers = claims(check)["transfers"]
    assert transfers["evidence"] and all(
        "BLOCKED" in evidence["detail"] for evidence in transfers["evidence"]
    )
    india = [p for p in paths(transfers) if p[-1] == "Organisation:nimbus-india"]
    assert india, paths(transfers)
    # Nimbus India's remote access to the accounts database is charged to Nimbus India itself
    assert "REMOTE_ACCESS access:accounts-db:nimbus-india@IN: BLOCKED" in {p[-2] for p in india}
    assert transfers["checked"] > len(transfers["evidence"])  # the lawful paths were checked too


async def test_the_other_claims_with_their_evidence(check: dict[str, Any]) -> None:
    by_key = claims(check)
    categories = [e["detail"].split(" ")[0] for e in by_key["collected-categories"]["evidence"]]
    assert categories == ["system.authentication", "user.privacy_preferences"]
    assert paths(by_key["purposes"]) == [
        ["ProcessingActivity:pa-ai-insights", "FOR_PURPOSE", "DataUse:personalize.profiling"]
    ]
    assert by_key["recipients"]["lacks"] == [
        "the purpose for which Organisation:hale-whitcombe-us receives data"
    ]
    assert paths(by_key["retention"]) == [
        ["Storage:st-lead-sheets", "IN_SYSTEM", "System:event-lead-sheets"]
    ]
    assert by_key["erasure"]["lacks"] == ["the deletion method of System:event-lead-sheets"]
    # Section 7 under each regime that reaches Preemptly (established in DE; serves GB, CH and
    # US-CA) and grants the right, with its article from regimes.yaml.
    rights = by_key["rights"]
    assert [e["detail"] for e in rights["evidence"]] == [
        "ACCESS (CCPA Cal. Civ. Code § 1798.110, § 1798.115; CH Art. 25 FADP; EU Art. 15 GDPR; "
        "UK Art. 15 UK GDPR): event-lead-sheets has no retrieval method",
        "PORTABILITY (CCPA Cal. Civ. Code § 1798.130(a)(2)(A); CH Art. 28 FADP; EU Art. 20 GDPR; "
        "UK Art. 20 UK GDPR): event-lead-sheets has no retrieval method",
    ]
    assert any("correction" in fact for fact in rights["lacks"])
    restriction = next(f for f in rights["lacks"] if f.startswith("RESTRICTION"))
    assert "EU Art. 18 GDPR" in restriction and "CH" not in restriction  # no Swiss restriction
    assert "DELETION: the deletion method of System:event-lead-sheets" in rights["lacks"]
    # Section 14: the UK and Switzerland reach Preemptly too ("other relevant privacy
    # frameworks"); the right to object, which EU and Swiss law grant, is not offered.
    compliance = by_key["compliance"]
    objections = [e for e in compliance["evidence"] if "OBJECTION" in e["detail"]]
    assert [e["path"] for e in objections] == [
        ["Regime:CH", "GRANTS", "RegimeRight:CH:OBJECTION"],
        ["Regime:EU", "GRANTS", "RegimeRight:EU:OBJECTION"],
    ]
    assert "Art. 21(1) GDPR" in objections[1]["detail"]
    assert any(
        fact.startswith("whether UK GDPR grants OBJECTION") and "M" in fact
        for fact in compliance["lacks"]
    )  # the UK's copy of the text was not re-read: to verify, not a contradiction
    assert not any("OPT_OUT_OF_SALE" in e["detail"] for e in compliance["evidence"])  # no sale
    regimes = {
        e["detail"].split(" ")[0] for e in compliance["evidence"] if "BLOCKED" in e["detail"]
    }
    assert {"EU", "UK", "CH"} <= regimes
    assert by_key["training"]["lacks"][0].startswith("staff training records")
    assert by_key["children"]["checked"] == 2 and by_key["no-sale"]["checked"] > 1
    assert paths({"evidence": by_key["children"]["support"]}) == [
        ["Organisation:preemptly.directed_at_children = false"],
        ["Organisation:preemptly.minimum_age = 16"],
    ]
    assert paths({"evidence": by_key["no-sale"]["support"]}) == [
        ["Organisation:preemptly.sells_personal_data = false"]
    ]
    cookies = paths({"evidence": by_key["cookies"]["support"]})
    assert ["Storage:st-cookies", "IN_SYSTEM", "System:website", "OF_CATEGORY",
            "DataCategory:user.device.cookie"] in cookies  # fmt: skip


async def test_practices_the_policy_does_not_disclose(check: dict[str, Any]) -> None:
    found = {(item["kind"], item["key"]) for item in check["undisclosed"]}
    assert {
        ("CATEGORY", "system.authentication"),
        ("CATEGORY", "user.privacy_preferences"),
        ("PURPOSE", "personalize.profiling"),
        ("RECIPIENT", "hale-whitcombe-us"),
        ("TRANSFER_COUNTRY", "US"),
        ("TRANSFER_COUNTRY", "IN"),
        ("TRANSFER_COUNTRY", "AU"),
    } <= found
    assert not any(kind == "SPECIAL_CATEGORY" for kind, _ in found)
    recipient = next(item for item in check["undisclosed"] if item["kind"] == "RECIPIENT")
    assert recipient["evidence"][0]["path"] == [
        "Organisation:preemptly", "ENGAGES e-preemptly-hale-whitcombe",
        "Organisation:hale-whitcombe-us",
    ]  # fmt: skip
    surveyly = next(i for i in check["undisclosed"] if i["key"] == "AU")
    assert surveyly["evidence"][0]["path"][-1] == "Organisation:surveyly-au"


async def test_an_unknown_policy_is_not_found(graphql: GraphQL) -> None:
    body = await graphql('{ policyCheck(policy: "preemptly-2024") { contradicted } }')
    assert body["data"] is None
    error = body["errors"][0]
    extensions = error["extensions"]
    assert (extensions["code"], extensions["field"]) == ("NOT_FOUND", "policy")
    assert "preemptly" in extensions["suggestions"]
    assert "preemptly" in error["message"]


async def test_a_viewer_may_not_check_a_policy(graphql: GraphQL, api_keys: dict[Role, str]) -> None:
    body = await graphql(CHECK, key=api_keys[Role.VIEWER])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    analyst = await graphql(CHECK, key=api_keys[Role.ANALYST])
    assert "errors" not in analyst
