"""The records of processing (Art. 30) on Preemptly's seeded map, through GraphQL: each record is
checked against the graph it was read from, and every empty cell says what is missing."""

import json
from typing import Any

import pytest

from graph.database import Database
from seeds.loader import load_all
from tests.conftest import GraphQL

AS_OF = "2026-11-26"
CELL = "values sources { kind key id } missing"
RECORDS = f"""query($profile: String!, $regime: TransferRegime, $asOf: Date) {{
  recordsOfProcessing(profile: $profile, regime: $regime, asOf: $asOf) {{
    profile regime evaluatedFor
    controllerColumns {{ position heading item field }}
    controllerRecords {{
      activityId name
      controller {{ {CELL} }} purposes {{ {CELL} }} dataSubjects {{ {CELL} }}
      dataCategories {{ {CELL} }} recipients {{ {CELL} }} transferCountries {{ {CELL} }}
      transferMechanisms {{ {CELL} }} erasure {{ {CELL} }} security {{ {CELL} }}
      transfers {{ hopId country importerId verdict mechanism instrumentId sccModule article }}
      columns {{ column {{ heading item field }} cell {{ {CELL} }} }}
    }}
    processorRecords {{
      controllerId name activityIds
      processor {{ {CELL} }} controller {{ {CELL} }} processing {{ {CELL} }}
      transferCountries {{ {CELL} }} transferMechanisms {{ {CELL} }} security {{ {CELL} }}
      transfers {{ hopId country verdict mechanism instrumentId }}
      columns {{ column {{ heading item field }} cell {{ {CELL} }} }}
    }}
  }}
}}"""


@pytest.fixture(scope="module")
async def seeded(db: Database) -> None:
    await load_all(db)


async def records(graphql: GraphQL, profile: str = "GDPR", **variables: Any) -> dict[str, Any]:
    body = await graphql(RECORDS, {"profile": profile, "asOf": AS_OF, **variables})
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["recordsOfProcessing"]
    return result


async def test_dump(seeded: None, graphql: GraphQL) -> None:
    result = await records(graphql)
    print(json.dumps(result["controllerRecords"][0], indent=1)[:6000])
    print(json.dumps(result["processorRecords"][0], indent=1)[:3000])
    assert False
