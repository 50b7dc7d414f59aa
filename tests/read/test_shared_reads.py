"""Shared reads on Preemptly's seeded map: a root list or lookup reads its selection's nested
levels in its own statement, and answers exactly as the fields do through their own loaders.

Each document is answered three times through the service: with shared reads, whose nested
fields the plain pass of schema/execution.py reads from the primed loaders; with graphql-core
completing every field; and with the planner turned off (every nested field then runs its
loader's statement). The bodies must be equal."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from bench.run import SYSTEM_LOOKUP, SYSTEMS_PAGE
from resolvers.auth.principal import Role
from resolvers.global_id import encode
from schema import execution, read

pytestmark = pytest.mark.usefixtures("seeded")

SYSTEM = """
  key name
  categories(first: 3) { totalCount pageInfo { hasNextPage endCursor }
    nodes { key parent { key parent { key } } children(first: 2) { nodes { key } } } }
  subjects { nodes { key systems(first: 2) { nodes { key } } } }
  storages { edges { cursor node { key system { key } subject { key }
    categories { nodes { key } } retentionObligations { nodes { key } } } } }
  organisations { nodes { role organisation { key establishedIn { code name }
    countries { nodes { how country { code } } }
    subProcessors { nodes { role engaged { key legalName } } }
    engagedBy { nodes { engager { key } } }
    safeguards { nodes { key exporter { key } importer { key } sccModule { key } } }
    dpfCertifications { nodes { key status } } } } }
  securityMeasures { nodes { key } }
  hostingCountries { nodes { code adequacy { nodes { status regime { key
    area(first: 3) { totalCount nodes { code } } } } } } }
  accessedFrom { nodes { purpose country { code } } }
  backups { nodes { key } } backupOf { nodes { key } }
  activities { nodes { key purposes { nodes { key parent { key } children { nodes { key } } } }
    subjects { nodes { key } } categories { nodes { key } } systems { nodes { key } }
    controllers { nodes { key } } recipients { nodes { role organisation { key } } }
    legalBases { nodes { key } } } }
"""

DOCUMENTS: dict[str, tuple[str, dict[str, Any]]] = {
    "systems page": (f"{{ systems {{ totalCount nodes {{ {SYSTEM} }} }} }}", {}),
    "second page, edges": (
        "query($after: String) { systems(first: 2, after: $after) { edges { cursor node { "
        "key organisations(first: 1) { totalCount nodes { organisation { key } } } } } } }",
        {"after": "b2Zmc2V0OjE="},
    ),
    "aliases with their own windows": (
        "{ systems(first: 5) { nodes { key "
        "one: categories(first: 1) { nodes { key } } "
        'two: categories(first: 2, after: "b2Zmc2V0OjA=") { nodes { key } } '
        "all: categories { totalCount nodes { key } } } } }",
        {},
    ),
    "fragments": (
        "fragment Org on Organisation { key establishedIn { code } } "
        "fragment Sys on Node { ... on System { "
        "organisations { nodes { organisation { ...Org } } } } } "
        "{ systems(first: 4) { nodes { ...Sys "
        "... on System { hostingCountries { nodes { code } } } } } }",
        {},
    ),
    "variables and skipped fields": (
        "query($first: Int!, $skip: Boolean!) { organisations(first: $first) { nodes { key "
        "systems(first: $first) { nodes { role system { key storages { nodes { key } } } } } "
        "establishedIn @skip(if: $skip) { code } } } }",
        {"first": 3, "skip": True},
    ),
    "organisations page": (
        "{ organisations { nodes { key establishedIn { code adequacy { nodes { status } } } "
        "subProcessors { nodes { engaged { key subProcessors { nodes { engaged { key } } } } } } "
        "systems { nodes { system { key categories { nodes { key } } } } } } } }",
        {},
    ),
    "categories page": (
        "{ dataCategories(first: 20) { nodes { key parent { key } "
        "children { nodes { key } } systems { nodes { key } } } } }",
        {},
    ),
    "activities page": (
        "{ processingActivities { nodes { key systems { nodes { key hostingCountries "
        "{ nodes { code } } } } recipients { nodes { organisation { key countries "
        "{ nodes { how } } } } } } } }",
        {},
    ),
    "countries page": (
        "{ countries(first: 30) { nodes { code adequacy { nodes { regime { key } status } } } } }",
        {},
    ),
    "system lookup": (f'{{ system(id: "accounts-db") {{ {SYSTEM} }} }}', {}),
    "organisation lookup": (
        '{ organisation(id: "nimbus-inc") { key establishedIn { code } '
        "safeguards { nodes { key importer { key establishedIn { code } } } } "
        "engagedBy { nodes { engager { key } } } } }",
        {},
    ),
    "country lookup": ('{ country(code: "us") { code adequacy { nodes { status } } } }', {}),
    "category lookup": (
        '{ dataCategory(key: "user.contact") { key parent { key } children { nodes { key '
        "systems { nodes { key } } } } } }",
        {},
    ),
    "node lookup": (
        f'{{ node(id: "{encode("System", "accounts-db")}") {{ id ... on System {{ '
        "storages { nodes { key } } } ... on Organisation { systems { nodes { role } } } } }",
        {},
    ),
    "a lookup that names nothing": (
        '{ system(id: "accounts-dbb") { key storages { nodes { key } } } }',
        {},
    ),
    "a window the field refuses": (
        "{ systems(first: 2) { nodes { key categories(first: -1) { nodes { key } } } } }",
        {},
    ),
}


REFUSED = {"a lookup that names nothing", "a window the field refuses"}


async def answer(
    roomy: httpx.AsyncClient, app: FastAPI, key: str, document: str, variables: dict[str, Any]
) -> tuple[Any, int]:
    before = app.state.db.statements
    response = await roomy.post(
        "/graphql",
        json={"query": document, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
    )
    return response.json(), app.state.db.statements - before


@pytest.mark.parametrize("name", DOCUMENTS)
async def test_shared_reads_answer_as_the_fields_do(
    name: str,
    roomy: httpx.AsyncClient,
    roomy_app: FastAPI,
    api_keys: dict[Role, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document, variables = DOCUMENTS[name]
    key = api_keys[Role.ADMIN]
    await answer(roomy, roomy_app, key, "{ __typename }", {})  # the key, cached from here on
    shared, shared_statements = await answer(roomy, roomy_app, key, document, variables)
    with monkeypatch.context() as patched:  # graphql-core completes every field
        patched.setattr(execution, "plain_types", lambda schema: frozenset())
        completed, _ = await answer(roomy, roomy_app, key, document, variables)
    monkeypatch.setattr(read, "connection_plan", lambda info: ())
    monkeypatch.setattr(read, "node_plan", lambda info, label: ())
    plain, plain_statements = await answer(roomy, roomy_app, key, document, variables)
    assert shared == completed
    assert shared == plain
    if name in REFUSED:
        assert "errors" in shared
        assert shared_statements <= plain_statements
    else:
        assert "errors" not in shared, shared
        assert shared_statements < plain_statements, (shared_statements, plain_statements)


async def test_the_bench_documents_run_one_statement(
    roomy: httpx.AsyncClient,
    roomy_app: FastAPI,
    api_keys: dict[Role, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The nested page and the lookup of bench/run.py: the root field's statement is the only
    one once the key is cached, and the plain pass completes the page whole, its relationship
    fields read from the primed loaders."""
    entered: list[str] = []
    execute_fields = execution.PlainExecutionContext.execute_fields

    def counted(self: Any, parent_type: Any, *args: Any) -> Any:
        entered.append(parent_type.name)
        return execute_fields(self, parent_type, *args)

    key = api_keys[Role.ADMIN]
    await answer(roomy, roomy_app, key, "{ __typename }", {})
    monkeypatch.setattr(execution.PlainExecutionContext, "execute_fields", counted)
    for document, variables in (
        (SYSTEMS_PAGE, {"first": 10}),
        (SYSTEM_LOOKUP, {"key": "accounts-db"}),
    ):
        body, statements = await answer(roomy, roomy_app, key, document, variables)
        assert "errors" not in body, body
        assert body["data"]["systems" if "systems" in body["data"] else "system"]
        assert statements == 1, document
    # graphql-core handed over the root fields' values (and the operation) and nothing below
    assert entered == ["Query", "SystemConnection", "Query", "System"]
