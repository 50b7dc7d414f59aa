"""An integration completes the map through the API alone: a new vendor system with what it
holds, the activity that uses it, a flow and the safeguard, after which the access, deletion and
transfer answers for it have no gap. Bad input to the new mutations changes nothing."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from graph.database import Database
from tests.conftest import GraphQL
from tests.graph_digest import graph_digest

SUBJECT = "consultant"  # a fideslang subject Preemptly's map does not use

PAYLOAD = "{ id key created changed }"
MUTATIONS = {
    name: f"mutation($input: {kind}!) {{ {name}(input: $input) {PAYLOAD} }}"
    for name, kind in {
        "registerOrganisation": "OrganisationInput",
        "registerEngagement": "EngagementInput",
        "registerSystem": "SystemInput",
        "registerStorage": "StorageInput",
        "registerProcessingActivity": "ProcessingActivityInput",
        "registerDataFlow": "DataFlowInput",
    }.items()
}
BULK = {
    name: f"mutation($inputs: [{kind}!]!) {{ {name}(inputs: $inputs) {PAYLOAD} }}"
    for name, kind in {
        "registerOrganisations": "OrganisationInput",
        "registerStorages": "StorageInput",
        "registerProcessingActivities": "ProcessingActivityInput",
        "registerSystems": "SystemInput",
        "registerDataFlows": "DataFlowInput",
    }.items()
}
SAFEGUARD = """
mutation($input: SafeguardInput!) {
  registerSafeguard(input: $input) {
    id transferDecisions { regime path { verdict hops { verdict missing } } }
  }
}
"""
ANSWERS = """
query ($subject: ID!) {
  accessPlan(subject: $subject) {
    locations { systemId heldAs }
    recipients { organisation { id } reasons }
    gaps { systemId missing clearedBy }
    transfers { organisation { id } decisions { verdict } }
  }
  deletionPlan(subject: $subject) {
    steps { systems actions { system action } }
    notifications { recipient { id } }
    blockers { kind system clearedBy }
    unplanned { system }
  }
}
"""


@pytest.fixture
async def source(db: Database) -> AsyncIterator[str]:
    """A source of this test only; what it registered is removed afterwards."""
    name = f"t-map-{uuid.uuid4().hex[:10]}"
    yield name
    await db.write(
        "MATCH (n) WHERE n.source = $source DETACH DELETE n "
        "WITH count(*) AS done MATCH ()-[r {source: $source}]->() DELETE r",
        {"source": name},
    )


async def ok(graphql: GraphQL, mutation: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = await graphql(mutation, variables)
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return next(iter(data.values()))  # type: ignore[no-any-return]


def vendor(source: str, **extra: Any) -> dict[str, Any]:
    return {
        "source": source,
        "externalId": "vendor",
        "legalName": "Ledgerbook Inc",
        "country": "US",
        "kind": "COMPANY",
        **extra,
    }


def system(source: str, vendor_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "source": source,
        "externalId": "timesheets",
        "name": "Timesheets",
        "kind": "SAAS",
        "operatorId": vendor_id,
        "operatorRole": "PROCESSOR",
        "hostedIn": ["US"],
        "accessedFrom": [{"country": "IE", "purpose": "support"}],
        "ownerTeam": "finance",
        "deletionMethod": "API",
        "retrievalMethod": "REST export by email",
        "identifiers": ["email"],
        "securityMeasures": ["enc_at_rest", "enc_in_transit", "access_control"],
        **extra,
    }


def storage(source: str, system_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "source": source,
        "externalId": "timesheets-consultants",
        "systemId": system_id,
        "subject": SUBJECT,
        "categories": ["user.name", "user.contact.email"],
        "retention": "2 years after the contract ends",
        "retentionDays": 730,
        "onErasure": "ERASE",
        "collectedFromSubject": True,
        "subjectsIn": ["DE"],  # consultants in Germany: EU data only (issue 18's reach)
        "controllerRole": "CONTROLLER",
        "recordCount": 120,
        **extra,
    }


def activity(source: str, system_id: str, vendor_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "source": source,
        "externalId": "consultant-billing",
        "name": "Bill consultants' time",
        "purpose": "essential.service.payment_processing",
        "legalBasis": "GDPR-6-1-b",
        "subjects": [SUBJECT],
        "categories": ["user.name", "user.contact.email"],
        "systemIds": [system_id],
        "controllerId": "preemptly",
        "recipients": [{"organisationId": vendor_id, "role": "PROCESSOR"}],
        "retentionDays": 730,
        "preemptlyRole": "CONTROLLER",
        **extra,
    }


def flow(source: str, system_id: str, vendor_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "source": source,
        "externalId": "timesheets-support",
        "fromSystemId": system_id,
        "toOrganisationId": vendor_id,
        "categories": ["user.contact.email"],
        "subjects": [SUBJECT],
        "purpose": "essential.service.operations.support",
        "mode": "REMOTE_ACCESS",
        **extra,
    }


async def register_vendor_system(graphql: GraphQL, source: str) -> tuple[str, str]:
    vendor_id = (await ok(graphql, MUTATIONS["registerOrganisation"], {"input": vendor(source)}))[
        "key"
    ]
    engagement = {
        "source": source,
        "engagerId": "preemptly",
        "engagedId": vendor_id,
        "role": "PROCESSOR",
        "service": "timesheets",
        "categories": ["user.name", "user.contact.email"],
        "subjects": [SUBJECT],
        "authorisation": "SPECIFIC",
        "authorisedOn": "2025-01-10",
    }
    assert (await ok(graphql, MUTATIONS["registerEngagement"], {"input": engagement}))[
        "key"
    ] == f"preemptly>{vendor_id}"
    system_id = (
        await ok(graphql, MUTATIONS["registerSystem"], {"input": system(source, vendor_id)})
    )["key"]
    await ok(graphql, MUTATIONS["registerStorage"], {"input": storage(source, system_id)})
    await ok(
        graphql,
        MUTATIONS["registerProcessingActivity"],
        {"input": activity(source, system_id, vendor_id)},
    )
    await ok(graphql, MUTATIONS["registerDataFlow"], {"input": flow(source, system_id, vendor_id)})
    return vendor_id, system_id


async def test_a_system_registered_through_the_api_alone_leaves_no_gap(
    seeded: Database, graphql: GraphQL, source: str
) -> None:
    vendor_id, system_id = await register_vendor_system(graphql, source)
    safeguard = {
        "source": source,
        "externalId": "scc",
        "type": "SCC",
        "module": 2,
        "regimes": ["EU"],
        "signedOn": "2025-01-10",
        "tiaOn": "2025-01-05",
        "tiaOutcome": "ADEQUATE",
        "exporterId": "preemptly",
        "importerId": vendor_id,
    }
    registered = await ok(graphql, SAFEGUARD, {"input": safeguard})
    paths = [found["path"] for found in registered["transferDecisions"]]
    assert paths
    verdicts = {path["verdict"] for path in paths}
    assert "SAFEGUARD" in verdicts  # the US hosting, under the SCCs
    assert verdicts <= {"SAFEGUARD", "NOT_A_TRANSFER"}  # remote access from IE stays in the EEA
    assert all(not hop["missing"] for path in paths for hop in path["hops"])

    body = await graphql(ANSWERS, {"subject": SUBJECT})
    assert "errors" not in body, body["errors"]
    access, deletion = body["data"]["accessPlan"], body["data"]["deletionPlan"]
    assert [loc["systemId"] for loc in access["locations"]] == [system_id]
    assert access["gaps"] == []
    [recipient] = access["recipients"]
    assert recipient["organisation"]["id"] == vendor_id
    [transfer] = access["transfers"]
    assert {d["verdict"] for d in transfer["decisions"]} <= {"SAFEGUARD", "NOT_A_TRANSFER"}
    assert deletion["steps"] == [
        {"systems": [system_id], "actions": [{"system": system_id, "action": "ERASE"}]}
    ]
    assert [n["recipient"]["id"] for n in deletion["notifications"]] == [vendor_id]
    assert deletion["blockers"] == []
    assert deletion["unplanned"] == []


async def test_registering_again_changes_nothing(
    seeded: Database, db: Database, graphql: GraphQL, source: str
) -> None:
    vendor_id, system_id = await register_vendor_system(graphql, source)
    before = await graph_digest(db, audit=False)
    again = [
        await ok(graphql, MUTATIONS["registerSystem"], {"input": system(source, vendor_id)}),
        await ok(graphql, MUTATIONS["registerStorage"], {"input": storage(source, system_id)}),
        await ok(
            graphql,
            MUTATIONS["registerProcessingActivity"],
            {"input": activity(source, system_id, vendor_id)},
        ),
    ]
    assert [(row["created"], row["changed"]) for row in again] == [(False, False)] * 3
    assert await graph_digest(db, audit=False) == before


async def test_a_storage_is_updated_and_retired(
    seeded: Database, db: Database, graphql: GraphQL, source: str
) -> None:
    _, system_id = await register_vendor_system(graphql, source)
    storage_id = f"{source}:timesheets-consultants"
    updated = await ok(
        graphql,
        "mutation($id: ID!, $input: StoragePatch!) { updateStorage(id: $id, input: $input) "
        + PAYLOAD
        + " }",
        {
            "id": storage_id,
            "input": {"retentionDays": None, "retentionObligation": "US-IRS-GENERAL"},
        },
    )
    assert updated["changed"] is True
    [row] = await db.read(
        "MATCH (st:Storage {id: $id})-[:RETAINED_UNDER]->(o) RETURN st.retention_days AS days, "
        "o.id AS obligation",
        {"id": storage_id},
    )
    assert row == {"days": None, "obligation": "US-IRS-GENERAL"}
    await ok(
        graphql,
        "mutation($id: ID!) { retireStorage(id: $id) { id retiredOn } }",
        {"id": storage_id},
    )
    body = await graphql(ANSWERS, {"subject": SUBJECT})
    locations = body["data"]["accessPlan"]["locations"]
    assert [loc["heldAs"] for loc in locations if loc["systemId"] == system_id] == [["PROCESSED"]]


async def test_a_gap_names_the_mutation_and_field_that_clears_it(
    seeded: Database, graphql: GraphQL, source: str
) -> None:
    vendor_id = (await ok(graphql, MUTATIONS["registerOrganisation"], {"input": vendor(source)}))[
        "key"
    ]
    bare = system(source, vendor_id, ownerTeam=None, retrievalMethod=None, deletionMethod=None)
    system_id = (await ok(graphql, MUTATIONS["registerSystem"], {"input": bare}))["key"]
    await ok(
        graphql,
        MUTATIONS["registerStorage"],
        {"input": storage(source, system_id, retentionDays=None, retention=None)},
    )
    body = await graphql(ANSWERS, {"subject": SUBJECT})
    [gap] = body["data"]["accessPlan"]["gaps"]
    assert gap["missing"] == ["OWNER", "RETRIEVAL_METHOD", "RETENTION"]
    assert [field.split(" ")[0] for field in gap["clearedBy"]] == [
        "updateSystem.ownerTeam",
        "updateSystem.retrievalMethod",
        "registerStorage.retentionDays",
    ]
    blockers = {b["kind"]: b["clearedBy"] for b in body["data"]["deletionPlan"]["blockers"]}
    assert blockers["NO_OWNER"].startswith("updateSystem.ownerTeam")
    assert blockers["NO_DELETION_METHOD"].startswith("updateSystem.deletionMethod")
    assert blockers["UNKNOWN_RETENTION"].startswith("registerStorage.retentionDays")


async def test_markets_decide_which_regimes_reach_a_registered_collection_point(
    seeded: Database, db: Database, graphql: GraphQL, source: str
) -> None:
    customer = {**vendor(source, externalId="customer"), "serves": ["EEA", "US-CA", "GB"]}
    customer_id = (await ok(graphql, MUTATIONS["registerOrganisation"], {"input": customer}))["key"]
    [row] = await db.read(
        "MATCH (o:Organisation {id: $id}) RETURN o.serves AS serves", {"id": customer_id}
    )
    eea = {r["code"] for r in await db.read("MATCH (c:Country {eea: true}) RETURN c.code AS code")}
    assert {"DE", "FR", "NO"} <= eea
    assert set(row["serves"]) == eea | {"GB", "US-CA"}  # `EEA` spelled out as the graph's states
    again = await ok(graphql, MUTATIONS["registerOrganisation"], {"input": customer})
    assert (again["created"], again["changed"]) == (False, False)

    vendor_id, _ = await register_vendor_system(graphql, source)  # consultants in DE
    uk = """query($org: ID!) { transfers(organisationId: $org, regime: UK,
      subject: "consultant") { paths { verdict } } }"""
    body = await graphql(uk, {"org": vendor_id})
    assert body["data"]["transfers"]["paths"] == []  # the UK does not reach them
    await ok(
        graphql,
        "mutation($id: ID!, $input: StoragePatch!) { updateStorage(id: $id, input: $input) "
        + PAYLOAD
        + " }",
        {"id": f"{source}:timesheets-consultants", "input": {"subjectsIn": ["DE", "GB"]}},
    )
    body = await graphql(uk, {"org": vendor_id})
    verdicts = {p["verdict"] for p in body["data"]["transfers"]["paths"]}
    # The US hosting has no UK tool (the SCCs are EU only); the access from IE is adequate.
    assert verdicts == {"BLOCKED", "ADEQUACY"}


BAD_INPUTS = [
    (
        "registerStorages",
        lambda s, sys: [storage(s, sys), storage(s, sys, externalId="b", colour="red")],
        "inputs[1]",
    ),
    (
        "registerStorages",
        lambda s, sys: (
            [storage(s, sys, externalId=f"x{i}") for i in range(3)]
            + [storage(s, sys, externalId="x3", categories=["user.name", "user.not_a_category"])]
        ),
        "inputs[3].categories[1]",
    ),
    (
        "registerStorages",
        lambda s, sys: [storage(s, sys), storage(s, "nowhere", externalId="b")],
        "inputs[1].systemId",
    ),
    (
        "registerStorages",
        lambda s, sys: [storage(s, sys, subject="nobody")],
        "inputs[0].subject",
    ),
    (
        "registerStorages",
        lambda s, sys: [storage(s, sys, retentionObligation="NO-SUCH-RULE")],
        "inputs[0].retentionObligation",
    ),
    (
        "registerStorages",
        lambda s, sys: [storage(s, sys), storage(s, sys)],
        "inputs[1]",
    ),
    (
        "registerProcessingActivities",
        lambda s, sys: [activity(s, sys, "preemptly", systemIds=[sys, "nowhere"])],
        "inputs[0].systemIds[1]",
    ),
    (
        "registerProcessingActivities",
        lambda s, sys: [activity(s, sys, "preemptly", subjects=[SUBJECT, "nobody"])],
        "inputs[0].subjects[1]",
    ),
    (
        "registerProcessingActivities",
        lambda s, sys: [activity(s, sys, "preemptly", legalBasis=None)],
        "inputs[0]",
    ),
    (
        "registerOrganisations",
        lambda s, sys: [vendor(s, externalId="a"), vendor(s, externalId="a", country="XX")],
        "inputs[1].country",
    ),
    (
        "registerOrganisations",
        lambda s, sys: [vendor(s, serves=["EEA", "US-CA", "US-XX"])],
        "inputs[0].serves[2]",
    ),
    (
        "registerStorages",
        lambda s, sys: [storage(s, sys, subjectsIn=["Germany"])],
        "inputs[0].subjectsIn[0]",
    ),
    (
        "registerSystems",
        lambda s, sys: [system(s, "preemptly", securityMeasures=["enc_at_rest", "magic"])],
        "inputs[0].securityMeasures[1]",
    ),
    (
        "registerDataFlows",
        lambda s, sys: [flow(s, sys, "preemptly", subjects=["nobody"])],
        "inputs[0].subjects[0]",
    ),
]


NAMING_NOTHING = {
    "inputs[1].systemId",
    "inputs[0].subject",
    "inputs[0].retentionObligation",
    "inputs[0].systemIds[1]",
    "inputs[0].subjects[1]",
    "inputs[0].securityMeasures[1]",
    "inputs[0].subjects[0]",
}
"""The cases whose reference names no entity: NOT_FOUND with the nearest keys (as every dangling
reference of a registration), not BAD_USER_INPUT."""


@pytest.mark.parametrize(("mutation", "inputs", "field"), BAD_INPUTS)
async def test_bad_input_is_refused_naming_the_field_and_changes_nothing(
    seeded: Database,
    db: Database,
    graphql: GraphQL,
    source: str,
    mutation: str,
    inputs: Any,
    field: str,
) -> None:
    system_id = (
        await ok(graphql, MUTATIONS["registerSystem"], {"input": system(source, "preemptly")})
    )["key"]
    before = await graph_digest(db)
    body = await graphql(BULK[mutation], {"inputs": inputs(source, system_id)})
    assert body["data"] is None
    [error] = body["errors"]
    code = "NOT_FOUND" if field in NAMING_NOTHING else "BAD_USER_INPUT"
    assert error["extensions"]["code"] == code, error
    assert error["extensions"]["field"] == field, error
    assert await graph_digest(db) == before


async def test_an_impossible_date_is_refused(
    seeded: Database, db: Database, graphql: GraphQL, source: str
) -> None:
    before = await graph_digest(db)
    engagement = {
        "source": source,
        "engagerId": "preemptly",
        "engagedId": "nimbus-emea",
        "role": "PROCESSOR",
        "authorisedOn": "2999-01-01",
    }
    body = await graphql(MUTATIONS["registerEngagement"], {"input": engagement})
    assert body["errors"][0]["extensions"]["field"] == "input.authorisedOn"
    assert await graph_digest(db) == before


def update(name: str, patch: str) -> str:
    return f"mutation($id: ID!, $input: {patch}!) {{ {name}(id: $id, input: $input) {PAYLOAD} }}"


def retire(name: str) -> str:
    return f"mutation($id: ID!) {{ {name}(id: $id) {{ id retiredOn }} }}"


LOCATIONS = """
query ($subject: ID!) {
  accessPlan(subject: $subject) { locations { systemId reasons } }
}
"""


async def test_an_activity_and_an_organisation_are_updated_and_retired(
    seeded: Database, db: Database, graphql: GraphQL, source: str
) -> None:
    vendor_id, system_id = await register_vendor_system(graphql, source)
    activity_id = f"{source}:consultant-billing"
    changed = await ok(
        graphql,
        update("updateProcessingActivity", "ProcessingActivityPatch"),
        {"id": activity_id, "input": {"retentionDays": 365, "automatedDecisionMaking": True}},
    )
    assert (changed["key"], changed["changed"]) == (activity_id, True)
    organisation = await ok(
        graphql,
        update("updateOrganisation", "OrganisationPatch"),
        {"id": vendor_id, "input": {"serves": ["GB"], "kind": "GROUP_COMPANY"}},
    )
    assert organisation["changed"] is True
    [row] = await db.read(
        "MATCH (pa:ProcessingActivity {id: $activity}), (o:Organisation {id: $vendor}) "
        "RETURN pa.retention_days AS days, pa.automated_decision_making AS adm, "
        "o.serves AS serves, o.kind AS kind",
        {"activity": activity_id, "vendor": vendor_id},
    )
    assert row == {"days": 365, "adm": True, "serves": ["GB"], "kind": "GROUP_COMPANY"}

    def activity_reasons(body: dict[str, Any]) -> list[str]:
        locations = body["data"]["accessPlan"]["locations"]
        return [r for loc in locations if loc["systemId"] == system_id for r in loc["reasons"]]

    before = await graphql(LOCATIONS, {"subject": SUBJECT})
    assert f"runs activity {activity_id} on user.contact.email, user.name" in activity_reasons(
        before
    )
    retired = await ok(
        graphql,
        retire("retireProcessingActivity"),
        {"id": changed["id"]},  # the global id works as well as the key
    )
    assert retired["id"] == changed["id"]
    after = await graphql(LOCATIONS, {"subject": SUBJECT})
    assert not any(activity_id in reason for reason in activity_reasons(after))
    await ok(graphql, retire("retireOrganisation"), {"id": vendor_id})
    [gone] = await db.read(
        "MATCH (o:Organisation {id: $id}) RETURN o.retired_on IS NOT NULL AS retired",
        {"id": vendor_id},
    )
    assert gone["retired"] is True


async def test_a_copy_along_a_flow_that_names_no_subject_says_it_is_inferred(
    seeded: Database, graphql: GraphQL, source: str
) -> None:
    vendor_id, system_id = await register_vendor_system(graphql, source)
    archive = system(source, vendor_id, externalId="archive", name="Timesheet archive")
    archive_id = (await ok(graphql, MUTATIONS["registerSystem"], {"input": archive}))["key"]
    named = flow(source, system_id, vendor_id, externalId="to-archive", toOrganisationId=None)
    await ok(
        graphql,
        BULK["registerDataFlows"],
        {
            "inputs": [
                {**named, "toSystemId": archive_id, "mode": "PUSH"},
                {
                    **named,
                    "externalId": "to-archive-unnamed",
                    "toSystemId": archive_id,
                    "mode": "PUSH",
                    "subjects": None,
                },
            ]
        },
    )
    body = await graphql(LOCATIONS, {"subject": SUBJECT})
    assert "errors" not in body, body["errors"]
    [copy] = [
        loc for loc in body["data"]["accessPlan"]["locations"] if loc["systemId"] == archive_id
    ]
    # Of the two flows into the archive, the reason gives the one that names the subject.
    assert copy["reasons"] == [
        f"receives user.contact.email from {system_id} via {source}:to-archive"
    ]
    await ok(graphql, retire("retireDataFlow"), {"id": f"{source}:to-archive"})
    body = await graphql(LOCATIONS, {"subject": SUBJECT})
    [copy] = [
        loc for loc in body["data"]["accessPlan"]["locations"] if loc["systemId"] == archive_id
    ]
    unnamed = f"{source}:to-archive-unnamed"
    assert copy["reasons"] == [
        f"receives user.contact.email from {system_id} via {unnamed} (inferred from categories "
        f"alone: {unnamed} names no data subject)"
    ]
