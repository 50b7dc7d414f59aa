"""Synthetic deletion graphs for the tests: every id carries the test's own prefix, so tests never
see each other's nodes and need no wiping."""

from dataclasses import dataclass, field
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.database import Database, fetch

Row = dict[str, Any]


@dataclass
class Spec:
    prefix: str
    systems: list[Row] = field(default_factory=list)
    storages: list[Row] = field(default_factory=list)
    flows: list[Row] = field(default_factory=list)
    backups: list[tuple[str, str]] = field(default_factory=list)
    organisations: list[Row] = field(default_factory=list)
    operators: list[tuple[str, str, str]] = field(default_factory=list)
    engagements: list[Row] = field(default_factory=list)
    obligations: list[Row] = field(default_factory=list)
    activities: list[Row] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return self.prefix + "subject"

    def id(self, name: str) -> str:
        return self.prefix + name

    def system(self, name: str, **props: Any) -> None:
        defaults = {"owner_team": "team", "deletion_method": "API", "identifiers": ["email"]}
        self.systems.append({"id": self.id(name), "name": name, **defaults, **props})

    def storage(self, name: str, system: str, categories: list[str], **props: Any) -> None:
        defaults = {"retention_days": 30, "on_erasure": "ERASE", "controller_role": "CONTROLLER"}
        self.storages.append(
            {
                "id": self.id(name),
                "system": self.id(system),
                "categories": categories,
                "obligation": self.id(props.pop("obligation")) if "obligation" in props else None,
                "props": {**defaults, **props},
            }
        )

    def flow(self, source: str, target: str, categories: list[str]) -> None:
        fid = self.id(f"flow-{source}-{target}")
        self.flows.append(
            {"id": fid, "source": self.id(source), "target": self.id(target), "cats": categories}
        )


CATEGORIES = """
UNWIND $keys AS key MERGE (:DataCategory {key: key})
"""
NODES = """
MERGE (ds:DataSubject {key: $subject})
WITH ds
UNWIND $systems AS row
CREATE (s:System) SET s = row
"""
ORGANISATIONS = """
UNWIND $organisations AS row CREATE (o:Organisation) SET o = row
WITH o MATCH (c:Country {code: o.country}) CREATE (o)-[:ESTABLISHED_IN]->(c)
"""
OBLIGATIONS = """
UNWIND $obligations AS row CREATE (r:RetentionObligation) SET r = row
"""
STORAGES = """
UNWIND $storages AS row
MATCH (s:System {id: row.system}), (ds:DataSubject {key: $subject})
CREATE (st:Storage {id: row.id})-[:IN_SYSTEM]->(s)
SET st += row.props
CREATE (st)-[:OF_SUBJECT]->(ds)
WITH st, row
CALL (st, row) {
  UNWIND row.categories AS key
  MATCH (c:DataCategory {key: key})
  CREATE (st)-[:OF_CATEGORY]->(c)
}
CALL (st, row) {
  MATCH (r:RetentionObligation {id: row.obligation})
  CREATE (st)-[:RETAINED_UNDER]->(r)
}
"""
FLOWS = """
UNWIND $flows AS row
MATCH (a:System {id: row.source})
MATCH (b) WHERE (b:System OR b:Organisation) AND b.id = row.target
CREATE (a)-[:FLOWS_TO {id: row.id, categories: row.cats, mode: 'PUSH'}]->(b)
"""
BACKUPS = """
UNWIND $backups AS pair
MATCH (b:System {id: pair[0]}), (s:System {id: pair[1]})
CREATE (b)-[:BACKS_UP]->(s)
"""
OPERATORS = """
UNWIND $operators AS row
MATCH (s:System {id: row[0]}), (o:Organisation {id: row[1]})
CREATE (s)-[:OPERATED_BY {role: row[2]}]->(o)
"""
ENGAGEMENTS = """
UNWIND $engagements AS row
MATCH (a:Organisation {id: row.engager}), (b:Organisation {id: row.engaged})
CREATE (a)-[:ENGAGES {id: row.id, role: row.role, service: row.service,
                      categories: row.categories}]->(b)
"""
ACTIVITIES = """
UNWIND $activities AS row
MATCH (s:System {id: row.system}), (ds:DataSubject {key: $subject}),
      (o:Organisation {id: row.controller})
CREATE (pa:ProcessingActivity {id: row.id, preemptly_role: 'PROCESSOR'})
CREATE (pa)-[:RUNS_ON]->(s), (pa)-[:CONCERNS]->(ds), (pa)-[:CONTROLLED_BY]->(o)
"""


async def create(db: Database, spec: Spec) -> None:
    keys = sorted(
        {k for st in spec.storages for k in st["categories"]}
        | {k for f in spec.flows for k in f["cats"]}
    )
    params: dict[str, Any] = {
        "keys": keys,
        "subject": spec.subject,
        "systems": spec.systems,
        "organisations": [{"country": "DE", **row} for row in spec.organisations],
        "obligations": spec.obligations,
        "storages": spec.storages,
        "flows": spec.flows,
        "backups": [list(pair) for pair in spec.backups],
        "operators": [list(row) for row in spec.operators],
        "engagements": spec.engagements,
        "activities": spec.activities,
    }

    async def work(tx: AsyncManagedTransaction) -> None:
        for statement in (
            CATEGORIES,
            NODES,
            ORGANISATIONS,
            OBLIGATIONS,
            STORAGES,
            FLOWS,
            BACKUPS,
            OPERATORS,
            ENGAGEMENTS,
            ACTIVITIES,
        ):
            await fetch(tx, db, statement, params)

    await db.write_tx(work)
