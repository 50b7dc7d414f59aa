"""Each regime decided in its own law, through GraphQL on Preemptly's seeded map: territorial
reach (Preemptly, established in DE, serves the UK and Switzerland), the exporter a regime must
reach, a prospective importer's DPF certifications, a TIA without outcome, retired safeguards."""

import uuid
from typing import Any

import pytest

from tests.conftest import GraphQL
from tests.transfer.test_preemptly import CHECK, TODAY, ending, preemptly_paths

RETIRE = "mutation($id: ID!) { retireSafeguard(id: $id) { id retiredOn } }"
REGISTER = "mutation($input: SafeguardInput!) { registerSafeguard(input: $input) { key created } }"
SAFEGUARDS = """query { organisation(id: "hale-whitcombe-us") {
  safeguards(first: 100) { totalCount nodes { key retiredOn } } } }"""


async def check(graphql: GraphQL, **fields: Any) -> dict[str, Any]:
    return await graphql(CHECK, {"input": {"asOf": TODAY, **fields}})


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("regime", "law", "area"), [("UK", "UK GDPR", {"GB"}), ("CH", "FADP", {"CH"})]
)
async def test_uk_and_swiss_data_is_followed_from_where_it_is_collected(
    graphql: GraphQL, regime: str, law: str, area: set[str]
) -> None:
    """Preemptly (DE) is reached by targeting: its collection points start the regime's data,
    collecting from the person is no hop, and every hop cites the regime's own law."""
    paths = await preemptly_paths(graphql, regime)
    assert len(paths) >= 20
    for path in paths:
        assert path["origin"], path
        last = path["hops"][-1]
        assert last["country"] not in area
        assert not (last["exporterId"] == last["importerId"] == "preemptly"), last
        for hop in path["hops"]:
            assert hop["legalBasis"]["article"].startswith(law), hop
            if hop["verdict"] in {"BLOCKED", "ACTION_REQUIRED", "EXPIRED"}:
                assert hop["missing"], hop
    collected = [p for p in paths if "directly (not a transfer)" in p["origin"]]
    assert collected and all("preemptly offers its services to" in p["origin"] for p in collected)
    hosting = ending(paths, "e-preemptly-nimbus-emea")["hops"][-1]
    assert (hosting["verdict"], hosting["legalBasis"]["instrumentId"]) == (
        "ADEQUACY",
        f"{regime}-EEA",
    )


@pytest.mark.usefixtures("seeded")
async def test_uk_hops_are_decided_under_the_uk_list_extension_and_idta(graphql: GraphQL) -> None:
    decided = {p["hops"][-1]["id"]: p["hops"][-1] for p in await preemptly_paths(graphql, "UK")}
    helpdesk = decided["e-preemptly-helpdeskly"]  # EU-US DPF with the UK Extension
    assert (helpdesk["verdict"], helpdesk["legalBasis"]["instrumentId"]) == ("ADEQUACY", "UK-US")
    crm = decided["e-preemptly-pipeline-crm"]  # EU-US only: the IDTA carries UK data
    assert (crm["verdict"], crm["legalBasis"]["instrumentId"]) == (
        "SAFEGUARD",
        "sg-preemptly-pipeline-crm-idta",
    )
    assert crm["legalBasis"]["article"] == "UK GDPR Art. 46(2)(d); DPA 2018 s.119A"
    analytics = decided["e-preemptly-metricflow"]  # the Addendum to the module 2 SCCs
    assert analytics["legalBasis"]["instrumentId"] == "sg-preemptly-metricflow-uk-addendum"
    assert analytics["verdict"] == "SAFEGUARD"
    assert "e-preemptly-sendwave" not in decided  # GB is the UK's own area
    counsel = decided["e-preemptly-hale-whitcombe"]  # the Art. 49 record is for EU data only
    assert counsel["verdict"] == "BLOCKED"
    assert any("IDTA" in item and "UK_ADDENDUM module 1" in item for item in counsel["missing"])
    assert any("UK_EXTENSION" in item for item in counsel["missing"])


@pytest.mark.usefixtures("seeded")
async def test_swiss_hops_need_the_swiss_us_framework_or_swiss_sccs(graphql: GraphQL) -> None:
    decided = {p["hops"][-1]["id"]: p["hops"][-1] for p in await preemptly_paths(graphql, "CH")}
    nimbus = decided["e-nimbus-emea-nimbus-inc"]
    assert (nimbus["verdict"], nimbus["legalBasis"]["instrumentId"]) == ("ADEQUACY", "CH-US")
    assert nimbus["legalBasis"]["article"] == "FADP Art. 16(1); DPO Annex 1"
    crm = decided["e-preemptly-pipeline-crm"]
    assert crm["verdict"] == "BLOCKED"
    assert any("SWISS_US" in item for item in crm["missing"])
    assert any("SWISS_SCC module 2" in item for item in crm["missing"])
    analytics = decided["e-preemptly-metricflow"]  # EU SCCs without the Swiss adaptations
    assert analytics["verdict"] == "BLOCKED"
    assert any("Swiss adaptations" in warning for warning in analytics["warnings"])
    assert decided["e-preemptly-sendwave"]["legalBasis"]["instrumentId"] == "CH-LISTED"


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(("regime", "exporter"), [("UK", "metricflow-inc"), ("EU", "globex-inc")])
async def test_the_check_refuses_an_exporter_the_regime_does_not_reach(
    graphql: GraphQL, regime: str, exporter: str
) -> None:
    body = await check(
        graphql,
        exporterId=exporter,
        importerCountry="IN",
        exporterRole="CONTROLLER",
        importerRole="PROCESSOR",
        regime=regime,
    )
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "exporterId"
    assert f"does not reach {exporter}" in error["message"]


@pytest.mark.usefixtures("seeded")
async def test_the_check_takes_a_prospective_importers_certifications(graphql: GraphQL) -> None:
    roles = {"exporterRole": "CONTROLLER", "importerRole": "PROCESSOR", "exporterId": "preemptly"}
    eu_us = {"framework": "EU_US", "status": "ACTIVE", "dataTypes": ["NON_HR"]}
    certified = await check(
        graphql,
        importerCountry="US",
        importerCertifications=[{**eu_us, "certifiedOn": "2024-01-01"}],
        **roles,
    )
    assert certified["data"]["transferCheck"]["legalBasis"]["instrumentId"] == "EU-US"
    extension_alone = await check(
        graphql,
        importerCountry="US",
        regime="UK",
        importerCertifications=[
            {**eu_us, "framework": "UK_EXTENSION", "certifiedOn": "2024-01-01"}
        ],
        **roles,
    )
    decision = extension_alone["data"]["transferCheck"]
    assert decision["verdict"] == "BLOCKED"
    assert any("EU_US DPF certification" in item for item in decision["missing"])
    hr = await check(
        graphql,
        importerCountry="US",
        hrData=True,
        importerCertifications=[{**eu_us, "certifiedOn": "2024-01-01"}],
        **roles,
    )
    assert any("covering HR data" in i for i in hr["data"]["transferCheck"]["missing"])
    lapsed = await check(
        graphql,
        importerCountry="US",
        importerCertifications=[{**eu_us, "certifiedOn": "2024-01-01", "expiresOn": "2025-01-01"}],
        **roles,
    )
    assert lapsed["data"]["transferCheck"]["verdict"] == "BLOCKED"
    bad = await check(
        graphql,
        importerCountry="US",
        importerCertifications=[{**eu_us, "dataTypes": [], "certifiedOn": "2024-01-01"}],
        **roles,
    )
    assert bad["errors"][0]["extensions"]["field"] == "dataTypes"


@pytest.mark.usefixtures("seeded")
async def test_a_tia_date_without_outcome_is_no_tia_and_a_retired_safeguard_counts_nowhere(
    graphql: GraphQL,
) -> None:
    external = uuid.uuid4().hex[:8]
    registered = await graphql(
        REGISTER,
        {
            "input": {
                "source": "t-regimes",
                "externalId": external,
                "type": "IDTA",
                "regimes": ["UK"],
                "signedOn": "2026-01-05",
                "tiaOn": "2026-01-04",
                "exporterId": "preemptly",
                "importerId": "hale-whitcombe-us",
            }
        },
    )
    assert "errors" not in registered, registered
    safeguard_id = registered["data"]["registerSafeguard"]["key"]
    roles = {"exporterRole": "CONTROLLER", "importerRole": "THIRD_PARTY", "regime": "UK"}
    pair = {"exporterId": "preemptly", "importerId": "hale-whitcombe-us"}
    with_idta = (await check(graphql, **pair, **roles))["data"]["transferCheck"]
    assert with_idta["legalBasis"]["instrumentId"] == safeguard_id
    assert (with_idta["verdict"], with_idta["tiaStatus"]) == ("ACTION_REQUIRED", "MISSING")
    assert any("no outcome" in item for item in with_idta["missing"])

    retired = await graphql(RETIRE, {"id": safeguard_id})
    assert "errors" not in retired, retired
    shown = (await graphql(SAFEGUARDS))["data"]["organisation"]["safeguards"]
    assert shown["totalCount"] <= 100, "the page holds every safeguard of the importer"
    [recorded] = [s for s in shown["nodes"] if s["key"] == safeguard_id]
    assert recorded["retiredOn"] == retired["data"]["retireSafeguard"]["retiredOn"]
    on = recorded["retiredOn"]
    before = (await check(graphql, **pair, **roles))["data"]["transferCheck"]
    assert before["legalBasis"]["instrumentId"] == safeguard_id  # asOf before the retirement
    after = (await check(graphql, **pair, **roles, asOf=on))["data"]["transferCheck"]
    assert after["verdict"] == "BLOCKED" and after["legalBasis"]["instrumentId"] is None
    paths = await preemptly_paths(graphql, "UK", as_of=on)
    assert not any(
        hop["legalBasis"]["instrumentId"] == safeguard_id for p in paths for hop in p["hops"]
    )
