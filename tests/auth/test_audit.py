import json
import uuid

from graph.database import Database
from resolvers.auth.audit import EntityType
from resolvers.auth.principal import Role, key_id_of
from resolvers.global_id import encode
from tests.conftest import GraphQL, enum_of

AUDIT = """
query($filter: AuditFilter) {
  auditLog(filter: $filter) { actorKeyId operation entityType entityId before after at }
}
"""
REGISTER_SYSTEM = """
mutation($input: SystemInput!) { registerSystem(input: $input) { id: key } }
"""


async def test_every_mutation_leaves_one_event_with_actor_entity_and_before_after(
    graphql: GraphQL, db: Database, api_keys: dict[Role, str]
) -> None:
    operator = f"t-audit-{uuid.uuid4().hex[:10]}"
    await db.write(
        "CREATE (:Organisation {id: $id, legal_name: 'Op', country: 'DE'})", {"id": operator}
    )
    source = f"t-audit-{uuid.uuid4().hex[:10]}"
    system = {
        "source": source,
        "externalId": "s",
        "name": "First",
        "kind": "DATABASE",
        "operatorId": operator,
        "operatorRole": "CONTROLLER",
        "hostedIn": ["DE"],
    }
    integration = api_keys[Role.INTEGRATION]
    await graphql(REGISTER_SYSTEM, {"input": system}, key=integration)
    await graphql(REGISTER_SYSTEM, {"input": {**system, "name": "Second"}}, key=integration)
    await graphql(
        'mutation($id: ID!) { retireSystem(id: $id, on: "2025-05-01") { id } }',
        {"id": f"{source}:s"},
        key=integration,
    )
    refused = await graphql(
        REGISTER_SYSTEM, {"input": {**system, "hostedIn": ["XX"]}}, key=integration
    )
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    body = await graphql(AUDIT, {"filter": {"entityId": f"{source}:s"}}, key=api_keys[Role.ANALYST])
    events = list(reversed(body["data"]["auditLog"]))
    assert [e["operation"] for e in events] == ["registerSystem", "registerSystem", "retireSystem"]
    by_id = await graphql(
        AUDIT,
        {"filter": {"entityId": encode("System", f"{source}:s")}},
        key=api_keys[Role.ANALYST],
    )
    assert by_id["data"]["auditLog"] == body["data"]["auditLog"]
    assert {e["actorKeyId"] for e in events} == {key_id_of(integration)}
    assert {e["entityType"] for e in events} == {"System"}
    assert events[0]["before"] is None
    assert json.loads(events[0]["after"])["name"] == "First"
    assert json.loads(events[1]["before"])["name"] == "First"
    assert json.loads(events[1]["after"])["name"] == "Second"
    assert json.loads(events[1]["after"])["operator"] == {"id": operator, "role": "CONTROLLER"}
    assert "retired_on" not in json.loads(events[2]["before"])
    assert json.loads(events[2]["after"])["retired_on"] == "2025-05-01"


async def test_key_management_is_audited_without_the_hash(
    graphql: GraphQL, api_keys: dict[Role, str]
) -> None:
    created = await graphql(
        'mutation { createApiKey(role: VIEWER, name: "t-audit") { apiKey { id } } }'
    )
    key_id = created["data"]["createApiKey"]["apiKey"]["id"]
    await graphql(f'mutation {{ revokeApiKey(id: "{key_id}") {{ id }} }}')
    body = await graphql(AUDIT, {"filter": {"entityId": key_id}})
    events = body["data"]["auditLog"]
    assert sorted(e["operation"] for e in events) == ["createApiKey", "revokeApiKey"]
    assert {e["actorKeyId"] for e in events} == {key_id_of(api_keys[Role.ADMIN])}
    assert all("hash" not in (e["after"] or "") for e in events)


async def test_the_audit_limit_is_capped(graphql: GraphQL) -> None:
    body = await graphql("{ auditLog(limit: 100000) { id } }")
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "limit"}


async def test_the_api_key_inventory_is_the_admins_own(
    graphql: GraphQL, api_keys: dict[Role, str]
) -> None:
    created = await graphql(
        'mutation { createApiKey(role: VIEWER, name: "t-audit inventory") { apiKey { id } } }'
    )
    key_id = created["data"]["createApiKey"]["apiKey"]["id"]
    analyst = api_keys[Role.ANALYST]
    asked = await graphql(AUDIT, {"filter": {"entityType": "ApiKey"}}, key=analyst)
    assert asked["data"] is None
    assert asked["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": "filter.entityType"}
    unfiltered = await graphql(AUDIT, {"filter": {"entityId": key_id}}, key=analyst)
    assert unfiltered["data"]["auditLog"] == []
    admin = await graphql(AUDIT, {"filter": {"entityId": key_id}})
    assert [event["entityType"] for event in admin["data"]["auditLog"]] == ["ApiKey"]


async def test_node_counts_show_the_service_s_own_records_only_to_their_readers(
    graphql: GraphQL, api_keys: dict[Role, str]
) -> None:
    query = "{ about { nodeCounts { label } } }"

    async def labels(role: Role) -> set[str]:
        body = await graphql(query, key=api_keys[role])
        return {row["label"] for row in body["data"]["about"]["nodeCounts"]}

    viewer, analyst, admin = (
        await labels(Role.VIEWER),
        await labels(Role.ANALYST),
        await labels(Role.ADMIN),
    )
    assert {"ApiKey", "AuditEvent"} <= admin
    assert "ApiKey" not in viewer and "AuditEvent" not in viewer
    assert "ApiKey" not in analyst and "AuditEvent" in analyst
    assert viewer - {"AuditEvent"} <= analyst


INPUT_FIELD = """query($type: String!) { __type(name: $type) {
  inputFields { name type { kind name } } } }"""


async def test_an_events_entity_type_is_one_enum_in_answers_and_the_filter(
    graphql: GraphQL, db: Database
) -> None:
    types = {member.value for member in EntityType}
    assert await enum_of(graphql, "AuditEvent", "entityType") == ("EntityType", types)
    assert (await enum_of(graphql, "FidesImportedEntity", "entityType"))[0] == "EntityType"
    body = await graphql(INPUT_FIELD, {"type": "AuditFilter"})
    fields = {f["name"]: f["type"] for f in body["data"]["__type"]["inputFields"]}
    assert fields["entityType"] == {"kind": "ENUM", "name": "EntityType"}

    await graphql(
        'mutation { createApiKey(role: VIEWER, name: "t-audit types") { apiKey { id } } }'
    )
    typo = await graphql(AUDIT, {"filter": {"entityType": "Sytem"}})
    assert typo.get("data") is None
    assert typo["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "filter.entityType",
    }
    keys = await graphql(AUDIT, {"filter": {"entityType": "ApiKey"}})
    assert "errors" not in keys, keys
    assert {event["entityType"] for event in keys["data"]["auditLog"]} == {"ApiKey"}
    # Every entity type the graph's events hold (this session's) is a member: one outside the
    # enum would fail the audit log (INTERNAL), never answer as a string.
    stored = await db.read("MATCH (a:AuditEvent) RETURN DISTINCT a.entity_type AS type")
    assert {row["type"] for row in stored} <= types
    everything = await graphql("{ auditLog(limit: 500) { entityType } }")
    assert "errors" not in everything, everything
