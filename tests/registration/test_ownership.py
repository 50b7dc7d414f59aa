"""Who may change what: an integration updates and retires only what its own key registered,
never the seeded map; no one retires the map's owner; an admin restores what was retired."""

from typing import Any

import pytest

from graph.database import Database
from resolvers.auth import keys
from resolvers.auth.principal import Principal, Role
from tests.conftest import GraphQL
from tests.graph_digest import graph_digest
from tests.registration.test_map import (
    BULK,
    MUTATIONS,
    activity,
    flow,
    retire,
    source,
    storage,
    system,
    update,
    vendor,
)
from tests.registration.test_service import (
    REGISTER_FLOW,
    REGISTER_PROCESSOR,
    REGISTER_SUB_PROCESSOR,
    REGISTER_SYSTEM,
    controller,
    processor,
    unique_source,
)

__all__ = ["controller", "source"]

RETIRE = "mutation($id: ID!) {{ {field}(id: $id) {{ id retiredOn }} }}"
RESTORE = "mutation($kind: RetiredKind!, $id: ID!) { restoreRetired(kind: $kind, id: $id) { id } }"
UPDATE_SYSTEM = """mutation($id: ID!, $patch: SystemPatch!) {
  updateSystem(id: $id, input: $patch) { id: key changed } }"""


@pytest.fixture(scope="module")
async def other_integration(db: Database) -> str:
    actor = Principal(key_id="tests", role=Role.ADMIN)
    return (await keys.create(db, Role.INTEGRATION, "tests other integration", actor)).key


def refusal(body: dict[str, Any], field: str = "id") -> tuple[str, str]:
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "FORBIDDEN", "field": field}, error
    return error["extensions"]["code"], error["message"]


def system_input(source: str, operator: str, name: str = "App") -> dict[str, Any]:
    return {
        "source": source,
        "externalId": "app",
        "name": name,
        "kind": "APPLICATION",
        "operatorId": operator,
        "operatorRole": "CONTROLLER",
        "hostedIn": ["DE"],
    }


@pytest.mark.parametrize(
    ("field", "entity_id"),
    [
        ("retireProcessor", "preemptly"),
        ("retireProcessor", "nimbus-inc"),
        ("retireSystem", "website"),
        ("retireDataFlow", "f-app-accounts"),
        ("retireEngagement", "e-preemptly-nimbus-emea"),
    ],
)
async def test_an_integration_cannot_retire_the_seeded_map(
    graphql: GraphQL, seeded: Database, api_keys: dict[Role, str], field: str, entity_id: str
) -> None:
    body = await graphql(
        RETIRE.format(field=field), {"id": entity_id}, key=api_keys[Role.INTEGRATION]
    )
    _, message = refusal(body)
    assert entity_id in message
    rows = await seeded.read(
        "MATCH (n) WHERE n.id = $id RETURN n.retired_on AS on "
        "UNION MATCH ()-[n]->() WHERE n.id = $id RETURN n.retired_on AS on",
        {"id": entity_id},
    )
    assert rows == [{"on": None}]


async def test_no_one_retires_the_map_s_owner(graphql: GraphQL, seeded: Database) -> None:
    _, message = refusal(await graphql(RETIRE.format(field="retireProcessor"), {"id": "preemptly"}))
    assert "preemptly" in message
    assessed = await graphql("{ transferAssessment(first: 1) { totalCount } }")
    assert "errors" not in assessed, assessed


async def test_an_integration_changes_only_what_its_own_key_registered(
    graphql: GraphQL, api_keys: dict[Role, str], other_integration: str, controller: str
) -> None:
    source = unique_source()
    mine = api_keys[Role.INTEGRATION]
    registered = await graphql(
        REGISTER_SYSTEM, {"input": system_input(source, controller)}, key=mine
    )
    system_id = registered["data"]["registerSystem"]["id"]

    again = await graphql(
        REGISTER_SYSTEM, {"input": system_input(source, controller, "Taken")}, key=other_integration
    )
    _, message = refusal(again, "input.externalId")
    assert system_id in message
    patched = await graphql(
        UPDATE_SYSTEM, {"id": system_id, "patch": {"name": "Taken"}}, key=other_integration
    )
    refusal(patched)
    retired = await graphql(
        RETIRE.format(field="retireSystem"), {"id": system_id}, key=other_integration
    )
    refusal(retired)

    own = await graphql(UPDATE_SYSTEM, {"id": system_id, "patch": {"name": "Mine"}}, key=mine)
    assert own["data"]["updateSystem"] == {"id": system_id, "changed": True}
    retired = await graphql(RETIRE.format(field="retireSystem"), {"id": system_id}, key=mine)
    assert retired["data"]["retireSystem"]["id"] == system_id


async def test_an_admin_restores_a_retired_entity(
    graphql: GraphQL, db: Database, api_keys: dict[Role, str], controller: str
) -> None:
    source = unique_source()
    integration = api_keys[Role.INTEGRATION]
    body = await graphql(
        REGISTER_PROCESSOR, {"input": processor(source, "crm", controller)}, key=integration
    )
    org_id = body["data"]["registerProcessor"]["id"]
    flow_source = await graphql(
        REGISTER_SYSTEM, {"input": system_input(source, controller)}, key=integration
    )
    system_id = flow_source["data"]["registerSystem"]["id"]
    flow = await graphql(
        REGISTER_FLOW,
        {
            "input": {
                "source": source,
                "externalId": "out",
                "fromSystemId": system_id,
                "toOrganisationId": org_id,
                "categories": ["user.contact"],
                "purpose": "essential.service",
                "mode": "PUSH",
            }
        },
        key=integration,
    )
    flow_id = flow["data"]["registerDataFlow"]["id"]
    for field, kind, entity_id in (
        ("retireProcessor", "ORGANISATION", org_id),
        ("retireDataFlow", "DATA_FLOW", flow_id),
    ):
        await graphql(RETIRE.format(field=field), {"id": entity_id}, key=integration)
        denied = await graphql(RESTORE, {"kind": kind, "id": entity_id}, key=integration)
        assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        restored = await graphql(RESTORE, {"kind": kind, "id": entity_id})
        assert restored == {"data": {"restoreRetired": {"id": entity_id}}}
    rows = await db.read(
        "MATCH (o:Organisation {id: $org}) MATCH ()-[f:FLOWS_TO {id: $flow}]->() "
        "RETURN o.retired_on AS org, f.retired_on AS flow",
        {"org": org_id, "flow": flow_id},
    )
    assert rows == [{"org": None, "flow": None}]
    missing = await graphql(RESTORE, {"kind": "SYSTEM", "id": "t-none"})
    assert missing["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "id"}


@pytest.mark.parametrize(
    ("document", "change", "field"),
    [
        (REGISTER_PROCESSOR, {"legalName": "Acme\u0000Corp"}, "input.legalName"),
        (REGISTER_PROCESSOR, {"legalName": "Acme \u0007\u001b[31m"}, "input.legalName"),
        (REGISTER_PROCESSOR, {"legalName": "\u202eproC emcA"}, "input.legalName"),
        (REGISTER_PROCESSOR, {"legalName": "\u200b\u200c\u200d"}, "input.legalName"),
        (REGISTER_PROCESSOR, {"externalId": "a>b"}, "input.externalId"),
        (REGISTER_PROCESSOR, {"engagedBy": "SELF"}, "input.engagedBy"),
        (REGISTER_SUB_PROCESSOR, {"processorId": "SELF"}, "input.processorId"),
        (REGISTER_FLOW, {"toSystemId": "FROM"}, "input.toSystemId"),
    ],
)
async def test_input_that_would_lie_or_loop_is_refused_with_its_field(
    graphql: GraphQL, controller: str, document: str, change: dict[str, Any], field: str
) -> None:
    source = unique_source()
    own = f"{source}:x"
    base: dict[str, Any] = {
        REGISTER_PROCESSOR: processor(source, "x", controller),
        REGISTER_SUB_PROCESSOR: {
            "source": source,
            "externalId": "x",
            "legalName": "Host Inc",
            "country": "US",
            "processorId": controller,
            "authorisation": "SPECIFIC",
            "authorisedOn": "2024-03-01",
        },
        REGISTER_FLOW: {
            "source": source,
            "externalId": "x",
            "fromSystemId": "website",
            "toSystemId": "accounts-db",
            "categories": ["user.contact"],
            "purpose": "essential.service",
            "mode": "PUSH",
        },
    }[document]
    values = {
        key: own if value == "SELF" else base["fromSystemId"] if value == "FROM" else value
        for key, value in change.items()
    }
    body = await graphql(document, {"input": {**base, **values}})
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def register_as(graphql: GraphQL, key: str, mutation: str, variables: dict[str, Any]) -> str:
    """The key of what `key` registered."""
    body = await graphql(mutation, variables, key=key)
    assert "errors" not in body, body["errors"]
    (payload,) = body["data"].values()
    registered: str = payload["key"]
    return registered


def engagement(source: str, vendor_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "source": source,
        "engagerId": "preemptly",
        "engagedId": vendor_id,
        "role": "PROCESSOR",
        "service": "timesheets",
        "categories": ["user.name", "user.contact.email"],
        "authorisation": "SPECIFIC",
        "authorisedOn": "2025-01-10",
        **extra,
    }


async def vendor_map(graphql: GraphQL, key: str, source: str) -> dict[str, str]:
    """An organisation engaged by the owner, a system, a storage, an activity and a flow, all
    registered by `key`: their keys by kind."""
    ids = {
        "organisation": await register_as(
            graphql, key, MUTATIONS["registerOrganisation"], {"input": vendor(source)}
        )
    }
    org = ids["organisation"]
    ids["engagement"] = await register_as(
        graphql, key, MUTATIONS["registerEngagement"], {"input": engagement(source, org)}
    )
    ids["system"] = await register_as(
        graphql, key, MUTATIONS["registerSystem"], {"input": system(source, org)}
    )
    ids["storage"] = await register_as(
        graphql, key, MUTATIONS["registerStorage"], {"input": storage(source, ids["system"])}
    )
    ids["activity"] = await register_as(
        graphql,
        key,
        MUTATIONS["registerProcessingActivity"],
        {"input": activity(source, ids["system"], org)},
    )
    ids["flow"] = await register_as(
        graphql, key, MUTATIONS["registerDataFlow"], {"input": flow(source, ids["system"], org)}
    )
    return ids


def taken(source: str, ids: dict[str, str]) -> list[tuple[str, dict[str, Any], str]]:
    """Registrations, by another key, of what `ids` names (in a bulk call, the second input;
    the first is new): the mutation, its variables, and the field its refusal names."""
    fresh = f"{source}-fresh"
    org, system_id = ids["organisation"], ids["system"]
    return [
        (
            MUTATIONS["registerOrganisation"],
            {"input": vendor(source, legalName="Taken Inc")},
            "input.externalId",
        ),
        (
            BULK["registerOrganisations"],
            {"inputs": [vendor(fresh), vendor(source, legalName="Taken Inc")]},
            "inputs[1].externalId",
        ),
        (
            MUTATIONS["registerEngagement"],
            {"input": engagement(source, org, service="taken")},
            "input.engagedId",
        ),
        (
            BULK["registerSystems"],
            {"inputs": [system(fresh, org), system(source, org, name="Taken")]},
            "inputs[1].externalId",
        ),
        (
            BULK["registerStorages"],
            {"inputs": [storage(fresh, system_id), storage(source, system_id, retentionDays=1)]},
            "inputs[1].externalId",
        ),
        (
            BULK["registerProcessingActivities"],
            {
                "inputs": [
                    activity(fresh, system_id, org),
                    activity(source, system_id, org, name="Taken"),
                ]
            },
            "inputs[1].externalId",
        ),
        (
            BULK["registerDataFlows"],
            {"inputs": [flow(fresh, system_id, org), flow(source, system_id, org, mode="PUSH")]},
            "inputs[1].externalId",
        ),
    ]


def changes(ids: dict[str, str]) -> list[tuple[str, dict[str, Any]]]:
    """Another key's updates and retirements of what `ids` names: the mutation, its variables."""
    return [
        (
            update("updateOrganisation", "OrganisationPatch"),
            {"id": ids["organisation"], "input": {"serves": ["GB"]}},
        ),
        (update("updateSystem", "SystemPatch"), {"id": ids["system"], "input": {"ownerTeam": "x"}}),
        (
            update("updateStorage", "StoragePatch"),
            {"id": ids["storage"], "input": {"retentionDays": 1}},
        ),
        (
            update("updateProcessingActivity", "ProcessingActivityPatch"),
            {"id": ids["activity"], "input": {"profiling": True}},
        ),
        (update("updateDataFlow", "DataFlowPatch"), {"id": ids["flow"], "input": {"mode": "PUSH"}}),
        (
            update("updateEngagement", "EngagementPatch"),
            {"id": ids["engagement"], "input": {"service": "x"}},
        ),
        (retire("retireOrganisation"), {"id": ids["organisation"]}),
        (retire("retireEngagement"), {"id": ids["engagement"]}),
        (retire("retireSystem"), {"id": ids["system"]}),
        (retire("retireStorage"), {"id": ids["storage"]}),
        (retire("retireProcessingActivity"), {"id": ids["activity"]}),
        (retire("retireDataFlow"), {"id": ids["flow"]}),
    ]


async def test_another_key_changes_nothing_of_an_integration_s_map(
    seeded: Database,
    db: Database,
    graphql: GraphQL,
    api_keys: dict[Role, str],
    other_integration: str,
    source: str,
) -> None:
    ids = await vendor_map(graphql, api_keys[Role.INTEGRATION], source)
    before = await graph_digest(db)
    for mutation, variables, field in taken(source, ids):
        body = await graphql(mutation, variables, key=other_integration)
        _, message = refusal(body, field)
        assert source in message, message
    for mutation, variables in changes(ids):
        _, message = refusal(await graphql(mutation, variables, key=other_integration))
        assert variables["id"] in message, message
    assert await graph_digest(db) == before


async def test_the_owning_key_and_an_admin_change_and_restore_the_new_kinds(
    seeded: Database,
    db: Database,
    graphql: GraphQL,
    api_keys: dict[Role, str],
    source: str,
) -> None:
    mine = api_keys[Role.INTEGRATION]
    ids = await vendor_map(graphql, mine, source)
    again = await graphql(
        MUTATIONS["registerStorage"],
        {"input": storage(source, ids["system"], retentionDays=365)},
        key=mine,
    )
    assert again["data"]["registerStorage"]["changed"] is True
    for mutation, variables in changes(ids):
        body = await graphql(mutation, variables)  # the admin key
        assert "errors" not in body, body["errors"]
    for kind, entity in (
        ("ORGANISATION", "organisation"),
        ("ENGAGEMENT", "engagement"),
        ("SYSTEM", "system"),
        ("STORAGE", "storage"),
        ("PROCESSING_ACTIVITY", "activity"),
        ("DATA_FLOW", "flow"),
    ):
        denied = await graphql(RESTORE, {"kind": kind, "id": ids[entity]}, key=mine)
        assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN", denied
        assert await graphql(RESTORE, {"kind": kind, "id": ids[entity]}) == {
            "data": {"restoreRetired": {"id": ids[entity]}}
        }
    retired = await db.read(
        "MATCH (n) WHERE n.source = $source AND n.retired_on IS NOT NULL RETURN n.id AS id "
        "UNION MATCH ()-[n]->() WHERE n.source = $source AND n.retired_on IS NOT NULL "
        "RETURN n.id AS id",
        {"source": source},
    )
    assert retired == []
    owners = await db.read(
        "MATCH (n) WHERE n.source = $source RETURN DISTINCT n.registered_by AS key "
        "UNION MATCH ()-[n]->() WHERE n.source = $source RETURN DISTINCT n.registered_by AS key",
        {"source": source},
    )
    assert len(owners) == 1 and owners[0]["key"] is not None
