"""The whole schema answers on Preemptly's seeded map: every field without required arguments, of
every type reachable from `Query`, to depth 4, through every root list and lookup, answers with
no error. The selections are generated from the schema itself, so a new field is covered the day
it is added; a new root field with required arguments must name them in ROOT_ARGUMENTS."""

from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
)
from graphql.pyutils import Undefined

from app.settings import Settings
from resolvers.auth.principal import Role
from resolvers.global_id import encode
from schema import execution
from schema.build import build_schema

pytestmark = pytest.mark.usefixtures("seeded")

DEPTH = 4
ROOT_ARGUMENTS: dict[str, str] = {
    "accessPlan": 'subject: "preemptly.account_user"',
    "deletionPlan": 'subject: "preemptly.account_user"',
    "lineage": 'from: "accounts-db", direction: BOTH',
    "transfers": 'organisationId: "nimbus-emea"',
    "transferCheck": 'input: {exporterId: "preemptly", importerId: "nimbus-inc", '
    "exporterRole: CONTROLLER, importerRole: PROCESSOR, "
    'categories: ["user.contact.email"]}',
    "system": 'id: "accounts-db"',
    "organisation": 'id: "nimbus-inc"',
    "country": 'code: "US"',
    "dataCategory": 'key: "user.contact.email"',
    "dataSubject": 'key: "preemptly.account_user"',
    "node": f'id: "{encode("System", "accounts-db")}"',
    "breachImpact": 'organisationId: "nimbus-emea", awareAt: "2026-11-30T09:00:00+00:00", '
    "kind: CONFIDENTIALITY",
    "policyCheck": 'policy: "preemptly"',
    "mapOverview": "groupBy: ORGANISATION",
    "mapGroup": 'groupBy: OWNER_TEAM, key: "platform"',
    "mapNeighbourhood": 'id: "accounts-db"',
}
"""The arguments of each root lookup and decision that requires some, naming seeded entities."""


def unwrap(kind: GraphQLType) -> GraphQLType:
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    return kind


def required(field: GraphQLField) -> bool:
    return any(
        isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined
        for argument in field.args.values()
    )


def label(alias: str, name: str) -> str:
    return f"{alias}_{name}: {name}" if alias else name


def selection(schema: GraphQLSchema, kind: GraphQLType, depth: int, alias: str = "") -> str:
    """Every field of `kind` without required arguments, objects down to `depth` more levels;
    each possible type of an interface or union by an inline fragment, its fields aliased by the
    type's name (two types may give one field name different types)."""
    named = unwrap(kind)
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        fragments = [
            f"... on {possible.name} {selection(schema, possible, depth, possible.name)}"
            for possible in schema.get_possible_types(named)
        ]
        return "{ __typename " + " ".join(fragments) + " }"
    assert isinstance(named, GraphQLObjectType)
    parts = ["__typename"]
    for name, field in named.fields.items():
        if required(field):
            continue
        inner = unwrap(field.type)
        if isinstance(inner, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            if depth > 0:
                parts.append(f"{label(alias, name)} {selection(schema, inner, depth - 1)}")
        else:
            parts.append(label(alias, name))
    return "{ " + " ".join(parts) + " }"


def documents(settings: Settings) -> list[tuple[str, str]]:
    schema = build_schema(settings)._schema
    found = []
    for name, field in schema.query_type.fields.items():
        arguments = ROOT_ARGUMENTS.get(name)
        if required(field):
            assert arguments is not None, f"name seeded arguments for Query.{name}"
        call = f"{name}({arguments})" if arguments else name
        inner = unwrap(field.type)
        body = (
            selection(schema, inner, DEPTH)
            if isinstance(inner, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
            else ""
        )
        found.append((name, f"{{ {call} {body} }}"))
    return found


async def test_every_field_answers_on_the_seeded_map(
    roomy: httpx.AsyncClient, settings: Settings, api_keys: dict[Role, str]
) -> None:
    headers = {"Authorization": f"Bearer {api_keys[Role.ADMIN]}"}
    failures: dict[str, Any] = {}
    for name, document in documents(settings):
        response = await roomy.post("/graphql", json={"query": document}, headers=headers)
        body = response.json()
        if response.status_code != 200 or body.get("errors") or not body.get("data"):
            failures[name] = body.get("errors") or response.text
    assert not failures, "\n".join(f"{name}: {errors}" for name, errors in failures.items())


MOVING = {"drift"}
"""Root fields whose answer moves with the clock (drift's window ends now)."""


async def test_the_plain_pass_changes_no_answer_on_the_seeded_map(
    roomy: httpx.AsyncClient,
    settings: Settings,
    api_keys: dict[Role, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every document above answers the same with schema/execution.py's plain pass and with
    graphql-core completing every field; the pass is taken (it completes thousands of objects
    here), so the comparison is not of one path with itself."""
    headers = {"Authorization": f"Bearer {api_keys[Role.ADMIN]}"}
    completed: list[str] = []
    plain_object = execution.PlainExecutionContext.plain_object

    def counted(self: Any, parent_type: Any, source: Any, grouped: Any) -> dict[str, Any]:
        completed.append(parent_type.name)
        return plain_object(self, parent_type, source, grouped)

    monkeypatch.setattr(execution.PlainExecutionContext, "plain_object", counted)
    cases = [(name, document) for name, document in documents(settings) if name not in MOVING]
    answers = {}
    for name, document in cases:
        response = await roomy.post("/graphql", json={"query": document}, headers=headers)
        answers[name] = response.json()
    assert len(completed) > 1000
    assert {"LineageNode", "MapNode", "DeletionStep", "AccessLocation"} <= set(completed)
    monkeypatch.setattr(execution, "plain_types", lambda schema: frozenset())
    completed.clear()
    for name, document in cases:
        response = await roomy.post("/graphql", json={"query": document}, headers=headers)
        assert response.json() == answers[name], name
    assert completed == []
