"""Whose data a transfer carries (issue 19): a subject-filtered assessment follows only the flows
and engagements that carry that subject's data (those that name it or name no subject), and a
regime's data reached by targeting is its collected subjects' data only."""

from typing import Any

import pytest

from resolvers.transfer.decisions import Hop, Party
from resolvers.transfer.hops import HopGraph, chains
from tests.conftest import GraphQL

ASSESSMENT = """
query($regime: RegimeKey!, $subject: ID) {
  transferAssessment(regime: $regime, asOf: "2026-11-26", subject: $subject, first: 500) {
    totalCount truncated paths { verdict origin hops { id channel importerId subjects } }
  }
}
"""
TRANSFERS = """
query($org: ID!, $subject: ID) {
  transfers(organisationId: $org, asOf: "2026-11-26", subject: $subject, first: 500) {
    paths { hops { id subjects } }
  }
}
"""


async def assessment(
    graphql: GraphQL, subject: str | None, regime: str = "EU"
) -> list[dict[str, Any]]:
    body = await graphql(ASSESSMENT, {"regime": regime, "subject": subject})
    assert "errors" not in body, body["errors"]
    found = body["data"]["transferAssessment"]
    assert not found["truncated"], found["totalCount"]
    paths: list[dict[str, Any]] = found["paths"]
    return paths


def leaving(paths: list[dict[str, Any]]) -> set[str]:
    return {path["hops"][-1]["id"] for path in paths}


@pytest.mark.usefixtures("seeded")
async def test_a_subjects_assessment_leaves_out_flows_that_carry_other_subjects(
    graphql: GraphQL,
) -> None:
    everyone = await assessment(graphql, None)
    account_users = await assessment(graphql, "preemptly.account_user")
    end_customers = await assessment(graphql, "preemptly.end_customer_contact")
    # The pull to Globex carries end-customer contacts only (seeds/data/preemptly/flows.yaml).
    assert "f-customer-data-globex" in leaving(everyone)
    assert "f-customer-data-globex" in leaving(end_customers)
    assert "f-customer-data-globex" not in leaving(account_users)
    assert leaving(account_users) < leaving(everyone)
    for path in account_users:
        for hop in path["hops"]:
            if hop["channel"] in {"FLOW", "ENGAGEMENT", "OPERATION"}:
                assert hop["subjects"] is None or "preemptly.account_user" in hop["subjects"], hop


@pytest.mark.usefixtures("seeded")
async def test_transfers_through_an_organisation_take_the_subject_too(graphql: GraphQL) -> None:
    async def hops(subject: str | None) -> set[str]:
        body = await graphql(TRANSFERS, {"org": "globex-inc", "subject": subject})
        assert "errors" not in body, body["errors"]
        return {h["id"] for p in body["data"]["transfers"]["paths"] for h in p["hops"]}

    assert "f-customer-data-globex" in await hops("preemptly.end_customer_contact")
    assert "f-customer-data-globex" not in await hops("preemptly.account_user")


@pytest.mark.usefixtures("seeded")
async def test_an_unknown_subject_is_not_found_with_the_nearest_keys(graphql: GraphQL) -> None:
    body = await graphql(ASSESSMENT, {"regime": "EU", "subject": "preemptly.acount_user"})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["field"] == "subject"
    assert "preemptly.account_user" in error["message"]


def party(key: str, country: str) -> Party:
    return Party(id=key, country=country)


def flow(key: str, source: str, target: str, subjects: tuple[str, ...] | None) -> Hop:
    return Hop(
        id=key,
        channel="FLOW",
        exporter=party("a", "DE"),
        importer=party("b", "US"),
        exporter_role="CONTROLLER",
        importer_role="PROCESSOR",
        country="US",
        source=source,
        target=target,
        subjects=subjects,
    )


def test_the_walk_follows_only_hops_that_carry_what_the_holder_holds() -> None:
    graph = HopGraph(
        hops=(
            flow("f-other", "system:a", "system:b", ("prospect",)),
            flow("f-any", "system:a", "system:c", None),
            flow("f-mine", "system:c", "system:d", ("consultant", "prospect")),
            flow("f-from-b", "system:b", "system:e", None),
            flow("f-everyone", "system:x", "system:b", None),
        ),
        origins={"system:a": "collects consultants", "system:x": "established"},
        operators={},
        carried={"system:a": frozenset({"consultant"})},
    )
    found = chains(graph)
    assert [hop.id for hop in found["f-mine"][1]] == ["f-any", "f-mine"]
    assert "f-other" not in found  # prospects' data, which a collects none of
    # b holds any subject's data from x (an origin by establishment), so its flow is on a path.
    assert [hop.id for hop in found["f-from-b"][1]] == ["f-everyone", "f-from-b"]


def test_a_holder_reached_again_with_other_subjects_is_walked_again() -> None:
    graph = HopGraph(
        hops=(
            flow("f-a-b", "system:a", "system:b", ("consultant",)),
            flow("f-c-b", "system:c", "system:b", ("prospect",)),
            flow("f-b-out", "system:b", "system:d", ("prospect",)),
        ),
        origins={"system:a": "collects consultants", "system:c": "collects prospects"},
        operators={},
        carried={"system:a": frozenset({"consultant"}), "system:c": frozenset({"prospect"})},
    )
    assert [hop.id for hop in chains(graph)["f-b-out"][1]] == ["f-c-b", "f-b-out"]
