"""updateEngagement through GraphQL against the real Neo4j: a partial patch of an engagement an
integration registered (by its key or global id), audited, refused with its field and nothing
changed on bad input, NOT_FOUND with the nearest keys for an id naming none, and FORBIDDEN to a
key that did not register it."""

import json
from typing import Any

import pytest

from graph.database import Database
from resolvers import global_id
from resolvers.auth import keys
from resolvers.auth.principal import Principal, Role
from tests.conftest import GraphQL
from tests.graph_digest import graph_digest
from tests.registration.test_lifecycle import registered_map
from tests.registration.test_service import controller, unique_source

__all__ = ["controller"]

UPDATE = """
mutation($id: ID!, $input: EngagementPatch!) {
  updateEngagement(id: $id, input: $input) { id key created changed }
}
"""
ENGAGEMENT = """
MATCH (a:Organisation)-[e:ENGAGES {id: $id}]->(b:Organisation)
RETURN e.role AS role, e.service AS service, e.categories AS categories, e.subjects AS subjects,
       e.authorisation AS authorisation, toString(e.authorised_on) AS authorised_on,
       e.notice_days AS notice_days, a.id AS engager, b.id AS engaged
"""


def sub_engagement(source: str) -> str:
    """The sub-processor engagement `registered_map` registers: crm engages host."""
    return f"{source}:crm>{source}:host"


async def test_an_engagement_is_patched_by_key_or_global_id_and_audited(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    source = unique_source()
    await registered_map(graphql, source, controller)
    engagement_id = sub_engagement(source)
    before = await db.read(ENGAGEMENT, {"id": engagement_id})

    patch = {"subjects": ["preemptly.account_user"], "noticeDays": 30, "service": "hosting"}
    body = await graphql(UPDATE, {"id": engagement_id, "input": patch})
    again = await graphql(
        UPDATE, {"id": global_id.encode("Engagement", engagement_id), "input": patch}
    )

    assert body["data"]["updateEngagement"] == {
        "id": global_id.encode("Engagement", engagement_id),
        "key": engagement_id,
        "created": False,
        "changed": True,
    }
    assert again["data"]["updateEngagement"]["changed"] is False
    [after] = await db.read(ENGAGEMENT, {"id": engagement_id})
    assert after == {
        **before[0],
        "service": "hosting",
        "subjects": ["preemptly.account_user"],
        "notice_days": 30,
    }
    assert (after["role"], after["authorisation"], after["authorised_on"]) == (
        "SUB_PROCESSOR",
        "SPECIFIC",
        "2024-03-01",
    )
    events = await db.read(
        "MATCH (a:AuditEvent {entity_id: $id, operation: 'updateEngagement'}) "
        "RETURN a.entity_type AS type, a.before AS before, a.after AS after",
        {"id": engagement_id},
    )
    assert len(events) == 2 and {e["type"] for e in events} == {"Engagement"}
    changed = next(e for e in events if json.loads(e["before"]).get("notice_days") is None)
    assert json.loads(changed["after"])["notice_days"] == 30

    cleared = await graphql(UPDATE, {"id": engagement_id, "input": {"subjects": None}})
    assert cleared["data"]["updateEngagement"]["changed"] is True
    [now] = await db.read(ENGAGEMENT, {"id": engagement_id})
    assert now["subjects"] is None and now["service"] == "hosting"


INVALID = [
    ({"role": "CONTROLLER"}, "input.role", "BAD_USER_INPUT"),
    ({"role": None}, "input.role", "BAD_USER_INPUT"),
    ({"categories": ["user.name", "user.nothing"]}, "input.categories[1]", "BAD_USER_INPUT"),
    ({"subjects": ["t-nobody"]}, "input.subjects[0]", "NOT_FOUND"),
    ({"subjects": []}, "input.subjects", "BAD_USER_INPUT"),
    ({"authorisedOn": "2999-01-01"}, "input.authorisedOn", "BAD_USER_INPUT"),
    ({"noticeDays": 400}, "input.noticeDays", "BAD_USER_INPUT"),
    ({"service": "  "}, "input.service", "BAD_USER_INPUT"),
    ({}, "input", "BAD_USER_INPUT"),
]


@pytest.mark.parametrize(
    ("patch", "field", "code"), INVALID, ids=[f"{case[1]}-{i}" for i, case in enumerate(INVALID)]
)
async def test_an_invalid_patch_is_refused_with_its_field_and_changes_nothing(
    graphql: GraphQL,
    db: Database,
    controller: str,
    patch: dict[str, Any],
    field: str,
    code: str,
) -> None:
    source = unique_source()
    await registered_map(graphql, source, controller)
    before = await graph_digest(db)
    body = await graphql(UPDATE, {"id": sub_engagement(source), "input": patch})
    assert body["data"] is None
    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"]) == (code, field)
    assert await graph_digest(db) == before


async def test_an_id_naming_no_registered_engagement_is_not_found_with_the_nearest(
    graphql: GraphQL, db: Database, controller: str
) -> None:
    source = unique_source()
    await registered_map(graphql, source, controller)
    before = await graph_digest(db)
    misspelt = await graphql(
        UPDATE, {"id": f"{source}:crm>{source}:hots", "input": {"service": "x"}}
    )
    [error] = misspelt["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("NOT_FOUND", "id")
    assert sub_engagement(source) in error["extensions"]["suggestions"]
    assert sub_engagement(source) in error["message"]

    seeded = await graphql(UPDATE, {"id": "e-preemptly-nimbus-emea", "input": {"service": "x"}})
    [error] = seeded["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("NOT_FOUND", "id")
    assert "seeded map" in error["message"]
    assert await graph_digest(db) == before


async def test_only_the_key_that_registered_it_updates_it(
    graphql: GraphQL, db: Database, api_keys: dict[Role, str], controller: str
) -> None:
    source = unique_source()
    mine = api_keys[Role.INTEGRATION]
    engagement = {
        "source": source,
        "engagerId": "preemptly",
        "engagedId": controller,
        "role": "THIRD_PARTY",
        "categories": ["user.name"],
    }
    registered = await graphql(
        "mutation($input: EngagementInput!) { registerEngagement(input: $input) { key } }",
        {"input": engagement},
        key=mine,
    )
    engagement_id = registered["data"]["registerEngagement"]["key"]
    admin = Principal(key_id="tests", role=Role.ADMIN)
    other = (await keys.create(db, Role.INTEGRATION, "tests another engager", admin)).key

    before = await graph_digest(db)
    refused = await graphql(UPDATE, {"id": engagement_id, "input": {"service": "taken"}}, key=other)
    [error] = refused["errors"]
    assert error["extensions"] == {"code": "FORBIDDEN", "field": "id"}
    assert engagement_id in error["message"]
    assert await graph_digest(db) == before

    own = await graphql(UPDATE, {"id": engagement_id, "input": {"service": "advice"}}, key=mine)
    assert own["data"]["updateEngagement"]["changed"] is True
    viewer = await graphql(
        UPDATE, {"id": engagement_id, "input": {"service": "x"}}, key=api_keys[Role.VIEWER]
    )
    assert viewer["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": "updateEngagement"}
