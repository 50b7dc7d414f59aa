"""Test maps for policy checks, written with Cypher: every id starts with the map's prefix
(`t-pol-ok-`, `t-pol-bad-`), and `remove` deletes every node whose id or key has a prefix,
since a live test organisation would add transfer paths to other tests' assessments."""

from typing import Any

from graph.database import Database

Row = dict[str, Any]

ORGANISATIONS = """
UNWIND $rows AS row
MERGE (o:Organisation {id: row.id}) SET o += row.props
WITH o, row MATCH (c:Country {code: row.props.country}) MERGE (o)-[:ESTABLISHED_IN]->(c)
WITH o, row UNWIND row.dpf AS framework
MERGE (d:DpfCertification {id: row.id + ':' + framework})
SET d.framework = framework, d.status = 'ACTIVE', d.data_types = ['HR', 'NON_HR'],
    d.certified_on = date('2024-01-01')
MERGE (o)-[:CERTIFIED_UNDER]->(d)
"""
ENGAGEMENTS = """
UNWIND $rows AS row
MATCH (a:Organisation {id: row.organisation}), (b:Organisation {id: row.engages})
MERGE (a)-[e:ENGAGES {id: row.id}]->(b)
SET e.role = row.role, e.service = 'test', e.authorisation = 'SPECIFIC',
    e.authorised_on = date('2024-01-01'), e.categories = row.categories
"""
SYSTEMS = """
UNWIND $rows AS row
MERGE (s:System {id: row.id}) SET s += row.props
WITH s, row MATCH (o:Organisation {id: row.operator})
MERGE (s)-[op:OPERATED_BY]->(o) SET op.role = row.role
WITH s, row UNWIND row.hosted AS code MATCH (c:Country {code: code}) MERGE (s)-[:HOSTED_IN]->(c)
WITH DISTINCT s, row UNWIND row.props.security_measures AS key
MATCH (m:SecurityMeasure {key: key}) MERGE (s)-[:PROTECTED_BY]->(m)
"""
BACKUPS = """
UNWIND $rows AS row
MATCH (b:System {id: row.backup}), (s:System {id: row.system}) MERGE (b)-[:BACKS_UP]->(s)
"""
STORAGES = """
UNWIND $rows AS row
MATCH (s:System {id: row.system})
MERGE (st:Storage {id: row.id}) SET st += row.props, st.categories = row.categories
MERGE (st)-[:IN_SYSTEM]->(s)
MERGE (d:DataSubject {key: row.subject}) MERGE (st)-[:OF_SUBJECT]->(d)
WITH st, row UNWIND row.categories AS key
MATCH (c:DataCategory {key: key}) MERGE (st)-[:OF_CATEGORY]->(c)
"""
FLOWS = """
UNWIND $rows AS row
MATCH (a:System {id: row.source}), (b:System {id: row.target})
MERGE (a)-[f:FLOWS_TO {id: row.id}]->(b)
SET f.categories = row.categories, f.purpose = row.purpose, f.mode = 'PUSH'
"""
ACTIVITIES = """
UNWIND $rows AS row
MERGE (pa:ProcessingActivity {id: row.id}) SET pa += row.props
WITH pa, row MATCH (u:DataUse {key: row.props.purpose}) MERGE (pa)-[:FOR_PURPOSE]->(u)
WITH pa, row MATCH (o:Organisation {id: row.controller}) MERGE (pa)-[:CONTROLLED_BY]->(o)
WITH pa, row
CALL (pa, row) {
  MATCH (b:LegalBasis {key: row.props.legal_basis}) MERGE (pa)-[:ON_LEGAL_BASIS]->(b)
}
CALL (pa, row) {
  UNWIND row.props.categories AS key
  MATCH (c:DataCategory {key: key}) MERGE (pa)-[:USES_CATEGORY]->(c)
}
CALL (pa, row) {
  UNWIND row.systems AS id MATCH (s:System {id: id}) MERGE (pa)-[:RUNS_ON]->(s)
}
CALL (pa, row) {
  UNWIND row.discloses_to AS d
  MATCH (o:Organisation {id: d.organisation}) MERGE (pa)-[r:DISCLOSES_TO]->(o) SET r.role = d.role
}
"""
REMOVE = """
MATCH (n) WHERE n.id STARTS WITH $prefix OR n.key STARTS WITH $prefix DETACH DELETE n
"""

STATEMENTS = (
    ("organisations", ORGANISATIONS),
    ("engagements", ENGAGEMENTS),
    ("systems", SYSTEMS),
    ("backups", BACKUPS),
    ("storages", STORAGES),
    ("flows", FLOWS),
    ("activities", ACTIVITIES),
)


class Map:
    """A map under construction: call the builders, then `write`."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.rows: dict[str, list[Row]] = {name: [] for name, _ in STATEMENTS}

    def id(self, name: str) -> str:
        return self.prefix + name

    def organisation(self, name: str, country: str, *dpf: str, **props: Any) -> None:
        self.rows["organisations"].append(
            {"id": self.id(name), "dpf": list(dpf), "props": {"country": country, **props}}
        )

    def engage(self, organisation: str, engages: str, role: str, categories: list[str]) -> None:
        self.rows["engagements"].append(
            {
                "id": self.id(f"e-{organisation}-{engages}"),
                "organisation": self.id(organisation),
                "engages": self.id(engages),
                "role": role,
                "categories": categories,
            }
        )

    def system(
        self, name: str, operator: str, role: str, hosted: str, *measures: str, **props: Any
    ) -> None:
        self.rows["systems"].append(
            {
                "id": self.id(name),
                "operator": self.id(operator),
                "role": role,
                "hosted": [hosted],
                "props": {"name": name, "security_measures": list(measures), **props},
            }
        )
        if "backs_up" in props:
            self.rows["backups"].append(
                {"backup": self.id(name), "system": self.id(props.pop("backs_up"))}
            )
            self.rows["systems"][-1]["props"].pop("backs_up")

    def storage(self, name: str, system: str, categories: list[str], **props: Any) -> None:
        self.rows["storages"].append(
            {
                "id": self.id(name),
                "system": self.id(system),
                "subject": self.id("subject"),
                "categories": categories,
                "props": {"controller_role": "CONTROLLER", **props},
            }
        )

    def flow(self, source: str, target: str, categories: list[str], purpose: str) -> None:
        self.rows["flows"].append(
            {
                "id": self.id(f"f-{source}-{target}"),
                "source": self.id(source),
                "target": self.id(target),
                "categories": categories,
                "purpose": purpose,
            }
        )

    def activity(
        self,
        name: str,
        purpose: str,
        basis: str | None,
        categories: list[str],
        systems: list[str],
        discloses_to: dict[str, str] | None = None,
    ) -> None:
        self.rows["activities"].append(
            {
                "id": self.id(name),
                "controller": self.id("owner"),
                "systems": [self.id(system) for system in systems],
                "discloses_to": [
                    {"organisation": self.id(org), "role": role}
                    for org, role in (discloses_to or {}).items()
                ],
                "props": {
                    "name": name,
                    "purpose": purpose,
                    "legal_basis": basis,
                    "categories": categories,
                    "preemptly_role": "CONTROLLER",
                },
            }
        )

    async def write(self, db: Database) -> None:
        for name, statement in STATEMENTS:
            if self.rows[name]:
                await db.write(statement, {"rows": self.rows[name]})

    async def remove(self, db: Database) -> None:
        await db.write(REMOVE, {"prefix": self.prefix})
