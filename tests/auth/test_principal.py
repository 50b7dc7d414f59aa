import hashlib
import logging
import uuid

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError
from typer.testing import CliRunner

from app.cli import cli
from app.main import create_app
from app.settings import Settings
from graph.database import Database
from resolvers.auth.principal import Role, key_id_of
from schema.auth import required_role
from schema.build import build_schema
from tests.conftest import GraphQL, NewKey
from tests.graph.test_faults import free_port
from tests.graph_digest import graph_digest

ROOTS = frozenset({"Query", "Mutation"})
RETIRE = 'mutation { retireSystem(id: "t-auth:none") { id } }'

# Every root field of the schema, with the least role that may run it and a document that runs it.
OPERATIONS: list[tuple[str, Role, str]] = [
    ("about", Role.VIEWER, "{ about { version } }"),
    ("systems", Role.VIEWER, "{ systems(first: 1) { totalCount } }"),
    ("processors", Role.VIEWER, "{ processors(first: 1) { totalCount } }"),
    ("dataCategories", Role.VIEWER, "{ dataCategories(first: 1) { totalCount } }"),
    ("dataSubjects", Role.VIEWER, "{ dataSubjects(first: 1) { totalCount } }"),
    ("processingActivities", Role.VIEWER, "{ processingActivities(first: 1) { totalCount } }"),
    ("countries", Role.VIEWER, "{ countries(first: 1) { totalCount } }"),
    ("system", Role.VIEWER, '{ system(id: "t-auth-none") { id } }'),
    ("organisation", Role.VIEWER, '{ organisation(id: "t-auth-none") { id } }'),
    ("organisations", Role.VIEWER, "{ organisations(first: 1) { totalCount } }"),
    ("dataSubject", Role.VIEWER, '{ dataSubject(key: "t-auth-none") { key } }'),
    ("country", Role.VIEWER, '{ country(code: "DE") { code } }'),
    ("dataCategory", Role.VIEWER, '{ dataCategory(key: "user") { key } }'),
    ("node", Role.VIEWER, '{ node(id: "U3lzdGVtOnQtYXV0aC1ub25l") { id } }'),
    ("dataMap", Role.VIEWER, "{ dataMap(maxNodes: 1) { truncated } }"),
    ("mapOverview", Role.VIEWER, "{ mapOverview(groupBy: OWNER_TEAM) { __typename } }"),
    (
        "mapGroup",
        Role.VIEWER,
        '{ mapGroup(groupBy: OWNER_TEAM, key: "t-auth-none") { __typename } }',
    ),
    ("mapNeighbourhood", Role.VIEWER, '{ mapNeighbourhood(id: "t-auth-none") { __typename } }'),
    ("lineage", Role.ANALYST, '{ lineage(from: "t-auth-none") { truncated } }'),
    ("accessPlan", Role.ANALYST, '{ accessPlan(subject: "t-auth-none") { __typename } }'),
    ("transferAssessment", Role.ANALYST, "{ transferAssessment(first: 1) { totalCount } }"),
    ("transfers", Role.ANALYST, '{ transfers(systemId: "t-auth-none") { totalCount } }'),
    (
        "transferCheck",
        Role.ANALYST,
        '{ transferCheck(input: {exporterId: "t-auth-none", exporterRole: CONTROLLER, '
        "importerRole: PROCESSOR}) { __typename } }",
    ),
    ("drift", Role.ANALYST, "{ drift { since } }"),
    ("auditLog", Role.ANALYST, "{ auditLog(limit: 1) { id } }"),
    ("fidesManifest", Role.ANALYST, '{ fidesManifest(source: "t-auth-none") }'),
    (
        "breachImpact",
        Role.ANALYST,
        '{ breachImpact(systemIds: ["t-auth-none"], awareAt: "2026-01-01T00:00:00Z", '
        "kind: CONFIDENTIALITY) { kind } }",
    ),
    ("policyCheck", Role.ANALYST, '{ policyCheck(policy: "t-auth-none") { contradicted } }'),
    (
        "recordsOfProcessing",
        Role.ANALYST,
        '{ recordsOfProcessing(profile: "GDPR") { profile } }',
    ),
    ("apiKeys", Role.ADMIN, "{ apiKeys { id } }"),
    ("drift", Role.ANALYST, "{ drift { since } }"),
    ("deletionPlan", Role.ANALYST, '{ deletionPlan(subject: "t-auth-none") { __typename } }'),
    (
        "registerProcessor",
        Role.INTEGRATION,
        'mutation { registerProcessor(input: {source: "t-auth", externalId: "p", '
        'legalName: "P", country: "US", engagedBy: "t-auth:none"}) { id } }',
    ),
    (
        "registerProcessors",
        Role.INTEGRATION,
        'mutation { registerProcessors(inputs: [{source: "t-auth", externalId: "p", '
        'legalName: "P", country: "US", engagedBy: "t-auth:none"}]) { id } }',
    ),
    (
        "registerSubProcessor",
        Role.INTEGRATION,
        'mutation { registerSubProcessor(input: {source: "t-auth", externalId: "s", '
        'legalName: "S", country: "US", processorId: "t-auth:none", authorisation: GENERAL, '
        'authorisedOn: "2024-01-01"}) { id } }',
    ),
    (
        "registerSystem",
        Role.INTEGRATION,
        'mutation { registerSystem(input: {source: "t-auth", externalId: "s", name: "S", '
        'kind: SAAS, operatorId: "t-auth:none", operatorRole: PROCESSOR, hostedIn: ["US"]}) '
        "{ id } }",
    ),
    (
        "registerDataFlow",
        Role.INTEGRATION,
        'mutation { registerDataFlow(input: {source: "t-auth", externalId: "f", '
        'fromSystemId: "t-auth:none", toOrganisationId: "t-auth:none", '
        'categories: ["user.name"], purpose: "marketing", mode: PUSH}) { id } }',
    ),
    (
        "registerSafeguard",
        Role.INTEGRATION,
        'mutation { registerSafeguard(input: {source: "t-auth", externalId: "g", type: BCR, '
        'regimes: [EU], signedOn: "2024-01-01", exporterId: "t-auth:a", importerId: "t-auth:b"}) '
        "{ id } }",
    ),
    (
        "updateProcessor",
        Role.INTEGRATION,
        'mutation { updateProcessor(id: "t-auth:none", input: {legalName: "P"}) { id } }',
    ),
    (
        "updateSystem",
        Role.INTEGRATION,
        'mutation { updateSystem(id: "t-auth:none", input: {name: "S"}) { id } }',
    ),
    (
        "updateDataFlow",
        Role.INTEGRATION,
        'mutation { updateDataFlow(id: "t-auth:none", input: {mode: PULL}) { id } }',
    ),
    (
        "updateSafeguard",
        Role.INTEGRATION,
        'mutation { updateSafeguard(id: "t-auth:none", input: {module: 2}) { id } }',
    ),
    ("retireProcessor", Role.INTEGRATION, 'mutation { retireProcessor(id: "t-auth:none") { id } }'),
    (
        "retireEngagement",
        Role.INTEGRATION,
        'mutation { retireEngagement(id: "t-auth:none") { id } }',
    ),
    ("retireSystem", Role.INTEGRATION, RETIRE),
    ("retireDataFlow", Role.INTEGRATION, 'mutation { retireDataFlow(id: "t-auth:none") { id } }'),
    (
        "registerDpfCertification",
        Role.INTEGRATION,
        'mutation { registerDpfCertification(input: {source: "t-auth", externalId: "d", '
        'organisationId: "t-auth:none", framework: EU_US, status: ACTIVE, dataTypes: [NON_HR], '
        'certifiedOn: "2024-01-01"}) { id } }',
    ),
    (
        "retireSafeguard",
        Role.INTEGRATION,
        'mutation { retireSafeguard(id: "t-auth:none") { id } }',
    ),
    (
        "registerSystems",
        Role.INTEGRATION,
        'mutation { registerSystems(inputs: [{source: "t-auth", externalId: "s", name: "S", '
        'kind: SAAS, operatorId: "t-auth:none", operatorRole: PROCESSOR, hostedIn: ["US"]}]) '
        "{ id } }",
    ),
    (
        "importFides",
        Role.INTEGRATION,
        'mutation { importFides(input: {manifests: ["system: 7"], source: "t-auth", '
        'country: "DE"}) { changed } }',
    ),
    (
        "registerOrganisation",
        Role.INTEGRATION,
        'mutation { registerOrganisation(input: {source: "t-auth", externalId: "o", '
        'legalName: "O", country: "XX", kind: COMPANY}) { id } }',
    ),
    (
        "registerOrganisations",
        Role.INTEGRATION,
        'mutation { registerOrganisations(inputs: [{source: "t-auth", externalId: "o", '
        'legalName: "O", country: "XX", kind: COMPANY}]) { id } }',
    ),
    (
        "registerEngagement",
        Role.INTEGRATION,
        'mutation { registerEngagement(input: {source: "t-auth", engagerId: "t-auth:none", '
        'engagedId: "t-auth:other", role: PROCESSOR}) { id } }',
    ),
    (
        "registerEngagements",
        Role.INTEGRATION,
        'mutation { registerEngagements(inputs: [{source: "t-auth", engagerId: "t-auth:none", '
        'engagedId: "t-auth:other", role: PROCESSOR}]) { id } }',
    ),
    (
        "registerStorage",
        Role.INTEGRATION,
        'mutation { registerStorage(input: {source: "t-auth", externalId: "st", '
        'systemId: "t-auth:none", subject: "customer", categories: ["user.name"], '
        "controllerRole: CONTROLLER}) { id } }",
    ),
    (
        "registerStorages",
        Role.INTEGRATION,
        'mutation { registerStorages(inputs: [{source: "t-auth", externalId: "st", '
        'systemId: "t-auth:none", subject: "customer", categories: ["user.name"], '
        "controllerRole: CONTROLLER}]) { id } }",
    ),
    (
        "registerProcessingActivity",
        Role.INTEGRATION,
        'mutation { registerProcessingActivity(input: {source: "t-auth", externalId: "pa", '
        'name: "A", purpose: "essential.service", subjects: ["customer"], '
        'categories: ["user.name"], controllerId: "t-auth:none", preemptlyRole: PROCESSOR}) '
        "{ id } }",
    ),
    (
        "registerProcessingActivities",
        Role.INTEGRATION,
        'mutation { registerProcessingActivities(inputs: [{source: "t-auth", externalId: "pa", '
        'name: "A", purpose: "essential.service", subjects: ["customer"], '
        'categories: ["user.name"], controllerId: "t-auth:none", preemptlyRole: PROCESSOR}]) '
        "{ id } }",
    ),
    (
        "registerDataFlows",
        Role.INTEGRATION,
        'mutation { registerDataFlows(inputs: [{source: "t-auth", externalId: "f", '
        'fromSystemId: "t-auth:none", toSystemId: "t-auth:other", categories: ["user.name"], '
        'purpose: "essential.service", mode: PUSH}]) { id } }',
    ),
    (
        "updateOrganisation",
        Role.INTEGRATION,
        'mutation { updateOrganisation(id: "t-auth:none", input: {legalName: "O"}) { id } }',
    ),
    (
        "updateStorage",
        Role.INTEGRATION,
        'mutation { updateStorage(id: "t-auth:none", input: {retentionDays: 1}) { id } }',
    ),
    (
        "updateEngagement",
        Role.INTEGRATION,
        'mutation { updateEngagement(id: "t-auth:none>t-auth:other", input: {service: "E"}) '
        "{ id } }",
    ),
    (
        "updateProcessingActivity",
        Role.INTEGRATION,
        'mutation { updateProcessingActivity(id: "t-auth:none", input: {name: "A"}) { id } }',
    ),
    (
        "retireOrganisation",
        Role.INTEGRATION,
        'mutation { retireOrganisation(id: "t-auth:none") { id } }',
    ),
    ("retireStorage", Role.INTEGRATION, 'mutation { retireStorage(id: "t-auth:none") { id } }'),
    (
        "retireProcessingActivity",
        Role.INTEGRATION,
        'mutation { retireProcessingActivity(id: "t-auth:none") { id } }',
    ),
    ("createApiKey", Role.ADMIN, 'mutation { createApiKey(role: VIEWER, name: "t") { key } }'),
    ("revokeApiKey", Role.ADMIN, 'mutation { revokeApiKey(id: "t-auth-none") { id } }'),
    (
        "restoreRetired",
        Role.ADMIN,
        'mutation { restoreRetired(kind: SYSTEM, id: "t-auth-none") { id } }',
    ),
]


def test_the_matrix_names_every_root_field(settings: Settings) -> None:
    roots = build_schema(settings)._schema
    fields = {
        *roots.query_type.fields,
        *(roots.mutation_type.fields if roots.mutation_type else {}),
    }
    assert {name for name, _, _ in OPERATIONS} == fields


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
async def test_every_operation_against_every_role(
    graphql: GraphQL, db: Database, api_keys: dict[Role, str], role: Role
) -> None:
    """Every refused call is FORBIDDEN with its field, and one digest taken around all of a role's
    refused calls shows that none of them read into or wrote to the graph (a write by any one
    of them would change it, audit events included)."""
    refused = [(field, doc) for field, needs, doc in OPERATIONS if not role.allows(needs)]
    allowed = [(field, doc) for field, needs, doc in OPERATIONS if role.allows(needs)]
    before = await graph_digest(db)
    for field, document in refused:
        body = await graphql(document, key=api_keys[role])
        assert body["data"] is None, field
        assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": field}
    assert await graph_digest(db) == before
    for field, document in allowed:
        body = await graphql(document, key=api_keys[role])
        codes = [error["extensions"]["code"] for error in body.get("errors", [])]
        assert "FORBIDDEN" not in codes, (field, body)


async def test_a_field_in_a_fragment_is_checked_too(
    graphql: GraphQL, api_keys: dict[Role, str]
) -> None:
    document = "query { about { version } ...Keys } fragment Keys on Query { apiKeys { id } }"
    body = await graphql(document, key=api_keys[Role.VIEWER])
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_each_operation_of_a_document_is_checked_by_its_own_fields(
    client: httpx.AsyncClient, api_keys: dict[Role, str]
) -> None:
    """The roles a document needs are kept per text and operation name: asking for one
    operation, then the other, then the first again, answers each by its own fields."""
    document = "query Open { about { version } } query Keys { apiKeys { id } }"
    headers = {"Authorization": f"Bearer {api_keys[Role.VIEWER]}"}
    codes = []
    for name in ("Open", "Keys", "Open", "Keys"):
        response = await client.post(
            "/graphql", json={"query": document, "operationName": name}, headers=headers
        )
        codes.append([e["extensions"]["code"] for e in response.json().get("errors", [])])
    assert codes == [[], ["FORBIDDEN"], [], ["FORBIDDEN"]]


@pytest.mark.parametrize(
    "key", [None, "not-a-key", "dmk_000000000000_guess"], ids=["none", "garbage", "unknown"]
)
async def test_no_valid_key_is_401_and_nothing_runs(
    graphql: GraphQL, db: Database, key: str | None
) -> None:
    before = await graph_digest(db)
    body = await graphql(RETIRE, key=key, status=401)
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert await graph_digest(db) == before


async def test_a_wrong_secret_for_a_real_key_id_is_401(
    graphql: GraphQL, api_keys: dict[Role, str]
) -> None:
    real = api_keys[Role.ADMIN]
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    body = await graphql("{ about { version } }", key=forged, status=401)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_revoked_key_stops_working_and_keys_are_stored_hashed(
    graphql: GraphQL, db: Database
) -> None:
    created = await graphql(
        'mutation { createApiKey(role: VIEWER, name: "t-auth-revoke") { key apiKey { id role } } }'
    )
    key = created["data"]["createApiKey"]["key"]
    key_id = created["data"]["createApiKey"]["apiKey"]["id"]
    assert key_id_of(key) == key_id
    stored = await db.read("MATCH (k:ApiKey {id: $id}) RETURN properties(k) AS k", {"id": key_id})
    assert key not in repr(stored)
    assert stored[0]["k"]["hash"] == hashlib.sha256(key.encode()).hexdigest()

    assert "errors" not in await graphql("{ about { version } }", key=key)
    revoked = await graphql(f'mutation {{ revokeApiKey(id: "{key_id}") {{ revokedAt }} }}')
    assert revoked["data"]["revokeApiKey"]["revokedAt"] is not None
    await graphql("{ about { version } }", key=key, status=401)


async def test_a_key_is_looked_up_on_its_first_request_only(
    graphql: GraphQL, app: FastAPI, new_admin_key: NewKey
) -> None:
    key = await new_admin_key()
    costs = []
    for _ in range(3):
        before = app.state.db.statements
        assert "errors" not in await graphql("{ countries(first: 1) { totalCount } }", key=key)
        costs.append(app.state.db.statements - before)
    assert costs == [2, 1, 1]  # the key's lookup, then the list only


async def test_a_revoked_key_is_refused_on_its_next_request_in_this_process(
    graphql: GraphQL, app: FastAPI, new_admin_key: NewKey
) -> None:
    key = await new_admin_key()
    key_id = key_id_of(key)
    for _ in range(2):
        assert "errors" not in await graphql("{ about { version } }", key=key)
    assert app.state.key_cache.get(key_id) is not None
    revoked = await graphql(f'mutation {{ revokeApiKey(id: "{key_id}") {{ revokedAt }} }}')
    assert revoked["data"]["revokeApiKey"]["revokedAt"] is not None
    assert app.state.key_cache.get(key_id) is None
    body = await graphql("{ about { version } }", key=key, status=401)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_an_unknown_key_id_is_looked_up_once_like_a_known_one(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    unknown = {"Authorization": "Bearer dmk_00000000t0un_" + "x" * 43}
    costs = []
    for _ in range(3):
        before = app.state.db.statements
        response = await client.post(
            "/graphql", json={"query": "{ about { version } }"}, headers=unknown
        )
        assert response.status_code == 401
        costs.append(app.state.db.statements - before)
    assert costs == [1, 0, 0]


async def test_a_cache_of_zero_seconds_looks_the_key_up_on_every_request(
    settings: Settings, api_keys: dict[Role, str]
) -> None:
    app = create_app(settings.model_copy(update={"api_key_cache_seconds": 0}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            costs = []
            for _ in range(2):
                before = app.state.db.statements
                response = await http.post(
                    "/graphql",
                    json={"query": "{ countries(first: 1) { totalCount } }"},
                    headers={"Authorization": f"Bearer {api_keys[Role.VIEWER]}"},
                )
                assert response.status_code == 200, response.text
                costs.append(app.state.db.statements - before)
    assert costs == [2, 2]


async def test_a_key_that_cannot_be_checked_is_503_unavailable(settings: Settings) -> None:
    app = create_app(
        settings.model_copy(
            update={"neo4j_uri": f"bolt://127.0.0.1:{free_port()}", "neo4j_connection_timeout_s": 1}
        )
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.post(
                "/graphql",
                json={"query": "{ about { version } }"},
                headers={"Authorization": "Bearer dmk_000000000000_x"},
            )
    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAVAILABLE"}


async def test_the_health_probes_need_no_key(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health/live")).status_code == 200


async def test_development_mode_serves_without_a_key_and_says_so(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings.model_copy(update={"auth_disabled": True}))
    with caplog.at_level(logging.WARNING, logger="datamap"):
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                response = await http.post("/graphql", json={"query": "{ apiKeys { id } }"})
    assert response.status_code == 200
    assert "errors" not in response.json()
    assert "DATAMAP_AUTH_DISABLED=true" in caplog.text


def test_development_mode_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="refused in production"):
        Settings(auth_disabled=True, environment="production")


def test_the_role_table_defaults() -> None:
    assert required_role("Query", "lineage", ROOTS) is Role.ANALYST
    assert required_role("Query", "someNewField", ROOTS) is Role.VIEWER
    assert required_role("Mutation", "someNewMutation", ROOTS) is Role.INTEGRATION
    assert required_role("Mutation", "createApiKey", ROOTS) is Role.ADMIN
    assert required_role("Subscription", "anything", ROOTS | {"Subscription"}) is Role.INTEGRATION
    assert required_role("System", "name", ROOTS) is None
    assert required_role("Query", "__schema", ROOTS) is None


def test_roles_are_ordered() -> None:
    assert Role.ADMIN.allows(Role.INTEGRATION)
    assert Role.ANALYST.allows(Role.VIEWER)
    assert not Role.ANALYST.allows(Role.INTEGRATION)
    assert not Role.VIEWER.allows(Role.ANALYST)


def test_the_cli_prints_a_new_key_once_and_lists_it_without_the_key(db: Database) -> None:
    name = f"t-auth-cli-{uuid.uuid4().hex[:8]}"
    runner = CliRunner()
    created = runner.invoke(cli, ["keys", "create", "--role", "analyst", "--name", name])
    assert created.exit_code == 0, created.output
    key = created.output.strip().splitlines()[-1]
    key_id = key_id_of(key)
    assert key_id is not None

    listed = runner.invoke(cli, ["keys", "list"])
    assert listed.exit_code == 0
    assert f"{key_id}  analyst" in listed.output
    assert key not in listed.output

    revoked = runner.invoke(cli, ["keys", "revoke", key_id])
    assert revoked.exit_code == 0
    assert "revoked" in runner.invoke(cli, ["keys", "list"]).output.split(key_id)[1].splitlines()[0]


async def test_the_last_active_admin_key_cannot_be_revoked(
    graphql: GraphQL, db: Database, new_admin_key: NewKey
) -> None:
    last = await new_admin_key()
    last_id = key_id_of(last)
    await graphql("{ about { version } }")  # the session's admin key is in the key cache now
    others = await db.write(
        "MATCH (k:ApiKey {role: 'admin'}) WHERE k.revoked_at IS NULL AND k.id <> $id "
        "SET k.revoked_at = datetime() RETURN k.id AS id",
        {"id": last_id},
    )
    try:
        body = await graphql(f'mutation {{ revokeApiKey(id: "{last_id}") {{ revokedAt }} }}')
    finally:
        await db.write(
            "MATCH (k:ApiKey) WHERE k.id IN $ids SET k.revoked_at = null",
            {"ids": [row["id"] for row in others]},
        )
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": "id"}
    assert last_id in body["errors"][0]["message"]
    active = await db.read("MATCH (k:ApiKey {id: $id}) RETURN k.revoked_at AS at", {"id": last_id})
    assert active == [{"at": None}]
    revoked = await graphql(f'mutation {{ revokeApiKey(id: "{last_id}") {{ revokedAt }} }}')
    assert revoked["data"]["revokeApiKey"]["revokedAt"] is not None
