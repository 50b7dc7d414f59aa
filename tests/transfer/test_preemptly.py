"""Transfer decisions on Preemptly's seeded map, through GraphQL: every hop is explained, and the
vendors of `seeds/data/preemptly/*.yaml` get the decisions their certifications and safeguards
call for."""

from typing import Any

import pytest

from graph.database import Database
from seeds.loader import load_all, read
from tests.conftest import GraphQL, enum_of

SEEDED_ORGANISATIONS = {entry.id for entry in read().entries("preemptly/organisations.yaml")}
TODAY = "2026-11-26"

PATH_FIELDS = """
verdict specialCategory evaluatedFor origin
hops {
  id channel verdict reason country via exporterId importerId sccModule recordedSccModule
  tiaStatus mechanism safeguardType missing warnings evidence evaluatedFor
  legalBasis { article instrument instrumentId source }
}
"""
ASSESSMENT = (
    """query($regime: RegimeKey!, $asOf: Date) {
  transferAssessment(regime: $regime, asOf: $asOf, first: 500) {
    totalCount truncated paths {"""
    + PATH_FIELDS
    + "} } }"
)
TRANSFERS = (
    """query($org: ID!, $regime: RegimeKey!, $asOf: Date) {
  transfers(organisationId: $org, regime: $regime, asOf: $asOf, first: 500) {
    truncated paths {"""
    + PATH_FIELDS
    + "} } }"
)
CHECK = """
query($input: TransferCheckInput!) {
  transferCheck(input: $input) {
    verdict reason country missing warnings sccModule tiaStatus
    legalBasis { article instrumentId }
  }
}
"""


@pytest.fixture(scope="module")
async def seeded(db: Database) -> None:
    await load_all(db)


async def preemptly_paths(
    graphql: GraphQL, regime: str = "EU", as_of: str = TODAY
) -> list[dict[str, Any]]:
    """The whole-map assessment's paths whose every party is on Preemptly's map."""
    body = await graphql(ASSESSMENT, {"regime": regime, "asOf": as_of})
    assert "errors" not in body, body
    assessment = body["data"]["transferAssessment"]
    assert not assessment["truncated"], assessment["totalCount"]
    return [
        path
        for path in assessment["paths"]
        if all(
            {hop["exporterId"], hop["importerId"]} <= SEEDED_ORGANISATIONS for hop in path["hops"]
        )
    ]


def ending(paths: list[dict[str, Any]], hop_id: str) -> dict[str, Any]:
    [path] = [path for path in paths if path["hops"][-1]["id"] == hop_id]
    return path


async def check(graphql: GraphQL, **fields: Any) -> dict[str, Any]:
    body = await graphql(CHECK, {"input": {"asOf": TODAY, **fields}})
    assert "errors" not in body, body
    decision: dict[str, Any] = body["data"]["transferCheck"]
    return decision


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("regime", ["EU", "UK", "CH"])
async def test_no_hop_on_the_map_is_left_unexplained(graphql: GraphQL, regime: str) -> None:
    paths = await preemptly_paths(graphql, regime)
    if regime == "EU":
        assert len(paths) >= 15
    for path in paths:
        assert path["evaluatedFor"] == TODAY
        for hop in path["hops"]:
            assert hop["verdict"] and hop["reason"], hop
            assert hop["legalBasis"]["article"] and hop["legalBasis"]["source"], hop
            assert hop["evidence"] and hop["evaluatedFor"] == TODAY, hop
            if hop["verdict"] in {"BLOCKED", "ACTION_REQUIRED"}:
                assert hop["missing"], hop


@pytest.mark.usefixtures("seeded")
async def test_the_eu_decisions_of_preemptlys_vendors(graphql: GraphQL) -> None:
    paths = await preemptly_paths(graphql)
    decided = {path["hops"][-1]["id"]: path["hops"][-1] for path in paths}

    crm = decided["f-website-sales-crm"]  # US processor with an active EU-US certification
    assert (crm["verdict"], crm["legalBasis"]["instrumentId"]) == ("ADEQUACY", "EU-US")
    assert crm["legalBasis"]["article"] == "GDPR Art. 45"

    metricflow = decided["e-preemptly-metricflow"]  # no DPF; SCC module 2 with a TIA
    assert metricflow["verdict"] == "SAFEGUARD"
    assert metricflow["legalBasis"]["instrumentId"] == "sg-preemptly-metricflow-scc2"
    assert (metricflow["sccModule"], metricflow["tiaStatus"]) == (2, "DONE")

    cortexa = decided["e-preemptly-cortexa"]  # SCC module 3 signed, TIA never done
    assert cortexa["verdict"] == "ACTION_REQUIRED"
    assert (cortexa["sccModule"], cortexa["recordedSccModule"]) == (3, 3)
    assert cortexa["tiaStatus"] == "MISSING"
    assert any("transfer impact assessment" in item for item in cortexa["missing"])

    for pipeda in ("f-support-northdesk", "e-metricflow-mapleinsight"):  # Canada, PIPEDA
        assert decided[pipeda]["verdict"] == "ADEQUACY", decided[pipeda]
        assert decided[pipeda]["legalBasis"]["instrumentId"] == "EU-CA"

    counsel = decided["e-preemptly-hale-whitcombe"]  # added seed: Art. 49(1)(e)
    assert counsel["verdict"] == "DEROGATION"
    assert counsel["legalBasis"]["instrumentId"] == "GDPR-49-1-e"
    assert any("occasional" in warning for warning in counsel["warnings"])


@pytest.mark.usefixtures("seeded")
async def test_a_hops_closed_vocabularies_are_enums_answered_from_the_decision(
    graphql: GraphQL,
) -> None:
    """Channel, mechanism, safeguard type and TIA status are GraphQL enums; on the seeded map
    each hop answers one of their members, its mechanism the ground its decision rests on."""
    members = {
        field: await enum_of(graphql, "TransferHop", field)
        for field in ("channel", "mechanism", "safeguardType", "tiaStatus")
    }
    assert {field: name for field, (name, _) in members.items()} == {
        "channel": "TransferChannel",
        "mechanism": "TransferMechanism",
        "safeguardType": "SafeguardType",
        "tiaStatus": "TiaStatus",
    }
    hops = [hop for path in await preemptly_paths(graphql) for hop in path["hops"]]
    for hop in hops:
        for field, (_, values) in members.items():
            assert hop[field] is None or hop[field] in values, (field, hop)
        if hop["verdict"] in {"ADEQUACY", "SAFEGUARD", "DEROGATION"}:
            assert hop["mechanism"] == hop["verdict"], hop
        if hop["verdict"] == "NOT_A_TRANSFER":
            assert hop["mechanism"] == "NONE", hop
        assert (hop["safeguardType"] is not None) == (
            hop["mechanism"] in {"SAFEGUARD", "DEROGATION"}
        ), hop
    assert {"FLOW", "ENGAGEMENT", "REMOTE_ACCESS"} <= {h["channel"] for h in hops}
    decided = {hop["id"]: hop for hop in hops}
    metricflow = decided["e-preemptly-metricflow"]
    assert (metricflow["mechanism"], metricflow["safeguardType"]) == ("SAFEGUARD", "SCC")
    assert decided["f-website-sales-crm"]["mechanism"] == "ADEQUACY"
    counsel = decided["e-preemptly-hale-whitcombe"]
    assert (counsel["mechanism"], counsel["safeguardType"]) == ("DEROGATION", "DEROGATION")


@pytest.mark.usefixtures("seeded")
async def test_remote_access_is_charged_to_the_organisation_that_has_it(graphql: GraphQL) -> None:
    """The support desk is reached from Canada by Northdesk (PIPEDA), not by its US operator; the
    Nimbus databases in DE are reached from the US by Nimbus Inc. (EU-US DPF), not Nimbus EMEA."""
    paths = await preemptly_paths(graphql)
    canada = ending(paths, "access:support-desk:northdesk-ca@CA")["hops"][-1]
    assert (canada["exporterId"], canada["importerId"]) == ("helpdeskly-inc", "northdesk-ca")
    assert canada["via"] == ["ACCESSED_FROM"]
    assert (canada["verdict"], canada["legalBasis"]["instrumentId"]) == ("ADEQUACY", "EU-CA")
    assert not [path for path in paths if path["hops"][-1]["id"] == "f-app-support@CA"]
    for system in ("accounts-db", "customer-data-db"):
        us = ending(paths, f"access:{system}:nimbus-inc@US")["hops"][-1]
        assert (us["exporterId"], us["importerId"]) == ("nimbus-emea", "nimbus-inc")
        assert (us["verdict"], us["legalBasis"]["instrumentId"]) == ("ADEQUACY", "EU-US")
        india = ending(paths, f"access:{system}:nimbus-india@IN")["hops"][-1]
        assert india["legalBasis"]["instrumentId"] == "sg-nimbus-emea-nimbus-india-scc3"
    assert not any(
        "DPF certification of nimbus-emea" in item
        for path in paths
        for hop in path["hops"]
        for item in hop["missing"]
    )


@pytest.mark.usefixtures("seeded")
async def test_the_nimbus_chain_shows_its_onward_hops(graphql: GraphQL) -> None:
    path = ending(await preemptly_paths(graphql), "e-nimbus-inc-nimbus-india")
    hops = path["hops"]
    assert hops[-1]["id"] == "e-nimbus-inc-nimbus-india"
    assert [(hop["exporterId"], hop["importerId"]) for hop in hops] == [
        ("nimbus-emea", "nimbus-inc"),
        ("nimbus-inc", "nimbus-india"),
    ]
    assert [hop["country"] for hop in hops] == ["US", "IN"]
    assert hops[0]["verdict"] == "ADEQUACY"
    assert hops[0]["legalBasis"]["instrumentId"] == "EU-US"
    # The SCCs on record bind Nimbus EMEA to Nimbus India, not the US parent's onward hop: the
    # hop says so, and what would make it lawful.
    assert hops[1]["verdict"] == "BLOCKED"
    assert path["verdict"] == "BLOCKED"
    assert any(
        "sg-nimbus-emea-nimbus-india-scc3" in warning and "only the pair" in warning
        for warning in hops[1]["warnings"]
    )
    assert any("SCC module 3 (PROCESSOR→PROCESSOR)" in item for item in hops[1]["missing"])
    assert any("transfer impact assessment" in item for item in hops[1]["missing"])


@pytest.mark.usefixtures("seeded")
async def test_the_old_sccs_hold_before_their_end_and_are_expired_after(
    graphql: GraphQL,
) -> None:
    before = ending(await preemptly_paths(graphql, as_of="2022-12-27"), "e-preemptly-surveyly")
    after = ending(await preemptly_paths(graphql, as_of="2022-12-28"), "e-preemptly-surveyly")
    assert before["verdict"] == "SAFEGUARD"
    assert after["verdict"] == "EXPIRED"
    expired = after["hops"][-1]
    assert expired["legalBasis"]["instrumentId"] == "sg-preemptly-surveyly-scc-2010"
    assert any("expired on 2022-12-27" in warning for warning in expired["warnings"])


@pytest.mark.usefixtures("seeded")
async def test_uk_data_follows_the_uk_extension_and_the_idta(graphql: GraphQL) -> None:
    roles = {"exporterRole": "CONTROLLER", "importerRole": "PROCESSOR", "regime": "UK"}
    extension = await check(graphql, exporterId="preemptly", importerId="helpdeskly-inc", **roles)
    eu_us_only = await check(
        graphql, exporterId="preemptly", importerId="pipeline-crm-inc", **roles
    )
    assert (extension["verdict"], extension["legalBasis"]["instrumentId"]) == (
        "ADEQUACY",
        "UK-US",
    )
    assert eu_us_only["verdict"] == "SAFEGUARD"
    assert eu_us_only["legalBasis"]["instrumentId"] == "sg-preemptly-pipeline-crm-idta"


@pytest.mark.usefixtures("seeded")
async def test_swiss_data_needs_the_swiss_us_framework(graphql: GraphQL) -> None:
    without = await check(
        graphql,
        exporterId="logvault-ch",
        importerId="helpdeskly-inc",
        exporterRole="CONTROLLER",
        importerRole="PROCESSOR",
        regime="CH",
    )
    assert without["verdict"] != "ADEQUACY"
    assert any("SWISS_US" in item for item in without["missing"])
    paths = await preemptly_paths(graphql, "CH")
    certified = ending(paths, "e-nimbus-emea-nimbus-inc")["hops"][-1]
    assert (certified["verdict"], certified["legalBasis"]["instrumentId"]) == (
        "ADEQUACY",
        "CH-US",
    )


@pytest.mark.usefixtures("seeded")
async def test_adequacy_scope_confidence_tags_and_a_hops_place_are_enums(graphql: GraphQL) -> None:
    assert (await enum_of(graphql, "AdequacyDecision", "scope"))[0] == "AdequacyScope"
    assert (await enum_of(graphql, "AdequacyDecision", "dpfFramework"))[0] == "DpfFramework"
    assert (await enum_of(graphql, "AdequacyDecision", "confidence"))[0] == "Confidence"
    assert (await enum_of(graphql, "BreachDuty", "confidence"))[0] == "Confidence"
    assert (await enum_of(graphql, "TransferHop", "via"))[0] == "TransferPlace"
    for type_name, field in [
        ("BreachSystem", "operatorRole"),
        ("BreachHolding", "controllerRole"),
    ]:
        assert (await enum_of(graphql, type_name, field))[0] == "Role"
    body = await graphql(
        '{ country(code: "US") { adequacy { nodes { regime { key } '
        "decisions { scope dpfFramework } } } } }"
    )
    assert "errors" not in body, body
    decisions = [
        d for entry in body["data"]["country"]["adequacy"]["nodes"] for d in entry["decisions"]
    ]
    assert {"scope": "DPF", "dpfFramework": "EU_US"} in decisions
