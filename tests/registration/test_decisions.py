"""The transfer decisions a register or update payload returns, decided by the transfer engine on
the committed graph with the real reference facts (EU, UK and CH adequacy lists)."""

from datetime import date
from typing import Any

import pytest

from graph.database import Database
from resolvers.registration.decisions import Subject
from resolvers.transfer.decisions import Hop, HopDecision, LegalBasis, Party, PathDecision, Verdict
from seeds.loader import load_all
from tests.conftest import GraphQL
from tests.registration.test_service import controller, processor, unique_source

__all__ = ["controller"]

DECISIONS = """
transferDecisions {
  regime
  path {
    verdict
    hops { id channel exporterId importerId country verdict sccModule missing
           legalBasis { article instrumentId } }
  }
}
"""
REGISTER_PROCESSOR = (
    "mutation($input: ProcessorInput!) { registerProcessor(input: $input) { "
    "id: key " + DECISIONS + "} }"
)
REGISTER_PROCESSORS = (
    "mutation($inputs: [ProcessorInput!]!) { registerProcessors(inputs: $inputs) { id: key "
    + DECISIONS
    + "} }"
)
REGISTER_SUB_PROCESSOR = (
    "mutation($input: SubProcessorInput!) { registerSubProcessor(input: $input) { "
    "id: key " + DECISIONS + "} }"
)
REGISTER_SAFEGUARD = (
    "mutation($input: SafeguardInput!) { registerSafeguard(input: $input) { "
    "id: key " + DECISIONS + "} }"
)
UPDATE_SAFEGUARD = (
    "mutation($id: ID!, $input: SafeguardPatch!) { updateSafeguard(id: $id, input: $input) { "
    "id: key " + DECISIONS + "} }"
)


@pytest.fixture(scope="module")
async def reference_facts(db: Database) -> None:
    """The seeds (reference facts and Preemptly's map); loading is idempotent."""
    await load_all(db)


def last_hops(payload: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (decision["regime"], decision["path"]["hops"][-1])
        for decision in payload["transferDecisions"]
    ]


@pytest.mark.usefixtures("reference_facts")
async def test_a_us_sub_processor_without_dpf_or_safeguard_needs_sccs_until_they_are_recorded(
    graphql: GraphQL, controller: str
) -> None:
    source = unique_source()
    vendor = await graphql(
        REGISTER_PROCESSOR, {"input": processor(source, "crm", controller, country="DE")}
    )
    assert vendor["data"]["registerProcessor"]["transferDecisions"] == []

    sub = await graphql(
        REGISTER_SUB_PROCESSOR,
        {
            "input": {
                "source": source,
                "externalId": "host",
                "legalName": "Host Inc",
                "country": "US",
                "processorId": f"{source}:crm",
                "authorisation": "GENERAL",
                "authorisedOn": "2024-03-01",
                "categories": ["user.contact.email"],
            }
        },
    )
    engagement = f"{source}:crm>{source}:host"
    [(regime, hop)] = last_hops(sub["data"]["registerSubProcessor"])
    assert regime == "EU"
    assert hop["id"] == engagement
    assert (hop["exporterId"], hop["importerId"], hop["country"]) == (
        f"{source}:crm",
        f"{source}:host",
        "US",
    )
    assert hop["verdict"] == "BLOCKED"
    assert any("Art. 46 safeguard" in missing for missing in hop["missing"]), hop

    scc = {
        "source": source,
        "externalId": "scc",
        "type": "SCC",
        "module": 3,
        "regimes": ["EU"],
        "signedOn": "2024-03-01",
        "exporterId": f"{source}:crm",
        "importerId": f"{source}:host",
    }
    recorded = await graphql(REGISTER_SAFEGUARD, {"input": scc})
    [(_, hop)] = last_hops(recorded["data"]["registerSafeguard"])
    assert hop["id"] == engagement
    assert hop["verdict"] == "ACTION_REQUIRED"
    assert hop["legalBasis"] == {"article": "GDPR Art. 46(2)(c)", "instrumentId": f"{source}:scc"}
    assert hop["sccModule"] == 3
    assert any("transfer impact assessment" in missing for missing in hop["missing"]), hop

    assessed = await graphql(
        UPDATE_SAFEGUARD,
        {"id": f"{source}:scc", "input": {"tiaOn": "2024-03-01", "tiaOutcome": "ADEQUATE"}},
    )
    [(_, hop)] = last_hops(assessed["data"]["updateSafeguard"])
    assert (hop["verdict"], hop["missing"]) == ("SAFEGUARD", [])


@pytest.mark.usefixtures("reference_facts")
async def test_each_payload_of_a_bulk_registration_has_its_own_decisions(
    graphql: GraphQL, controller: str
) -> None:
    source = unique_source()
    inputs = [
        processor(source, "us-vendor", controller, country="US"),
        processor(source, "ch-vendor", controller, country="CH"),
        processor(source, "fr-vendor", controller, country="FR"),
    ]
    body = await graphql(REGISTER_PROCESSORS, {"inputs": inputs})
    us, ch, fr = body["data"]["registerProcessors"]

    [(regime, hop)] = last_hops(us)
    assert (regime, hop["importerId"], hop["verdict"]) == ("EU", f"{source}:us-vendor", "BLOCKED")
    [(regime, hop)] = last_hops(ch)
    assert (regime, hop["importerId"], hop["verdict"]) == ("EU", f"{source}:ch-vendor", "ADEQUACY")
    assert fr["transferDecisions"] == []


def path_of(*hops: tuple[str, str, str, str]) -> PathDecision:
    """A path of (hop id, channel, exporter id, importer id) hops, each decided SAFEGUARD."""
    day = date(2025, 1, 1)
    decisions = tuple(
        HopDecision(
            hop=Hop(
                id=hop_id,
                channel=channel,
                exporter=Party(exporter, "DE"),
                importer=Party(importer, "US"),
                exporter_role="CONTROLLER",
                importer_role="PROCESSOR",
                country="US",
            ),
            verdict=Verdict.SAFEGUARD,
            legal_basis=LegalBasis("GDPR Art. 46(2)(c)"),
            evaluated_for=day,
        )
        for hop_id, channel, exporter, importer in hops
    )
    return PathDecision(hops=decisions, verdict=Verdict.SAFEGUARD, evaluated_for=day)


def test_a_flow_subject_matches_its_hops_per_country_and_a_safeguard_subject_its_parties() -> None:
    path = path_of(
        ("src:flow-1@US", "FLOW", "a", "b"),
        ("a>c", "ENGAGEMENT", "b", "c"),
    )
    assert Subject(flow_id="src:flow-1").touches(path)
    assert not Subject(flow_id="src:flow").touches(path)
    assert not Subject(flow_id="a>c").touches(path)
    assert Subject(parties=("b", "c")).touches(path)
    assert not Subject(parties=("c", "b")).touches(path)
    assert Subject(organisation_id="c").touches(path)
    assert not Subject(organisation_id="d").touches(path)
