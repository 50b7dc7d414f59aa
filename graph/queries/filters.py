"""The filters of the list fields and of `dataMap`, as Cypher predicates over the node `n`.

Each kind names the filters that apply to it; the values are always parameters (`$search`,
`$country`, `$category`, `$subject`, `$organisation`, `$role`, `$eea`, `$special_categories`,
`$regime`).
A category filter matches the category and its descendants (the prefix rule of MODEL.md)."""

from collections.abc import Mapping
from typing import LiteralString

FILTER_NAMES: tuple[str, ...] = (
    "search",
    "country",
    "category",
    "subject",
    "organisation",
    "role",
    "kind",
    "eea",
    "special_categories",
    "regime",
)


def live(var: LiteralString) -> LiteralString:
    """Whether the entity or relationship `var` is not retired today: a retired flow,
    engagement, safeguard, system or organisation counts in no decision, plan, lineage or map."""
    return "(" + var + ".retired_on IS NULL OR " + var + ".retired_on > date())"


def relevant(key: LiteralString, requested: LiteralString) -> LiteralString:
    """The plans' prefix rule of MODEL.md over two category-key expressions: `key` is
    `requested`, a descendant of it or an ancestor of it."""
    return (
        key
        + " = "
        + requested
        + " OR "
        + key
        + " STARTS WITH "
        + requested
        + " + '.' OR "
        + requested
        + " STARTS WITH "
        + key
        + " + '.'"
    )


def for_subject(edge: LiteralString, subject: LiteralString) -> LiteralString:
    """Whether the flow or engagement `edge` is followed for the data subject `subject` (a
    parameter, null = any subject): it names that subject, or names none (MODEL.md)."""
    return (
        "("
        + subject
        + " IS NULL OR "
        + edge
        + ".subjects IS NULL OR "
        + subject
        + " IN "
        + edge
        + ".subjects)"
    )


def for_any_subject(edge: LiteralString, subjects: LiteralString) -> LiteralString:
    """`for_subject` for a list of data subjects `subjects` (a parameter, null = any subject):
    whether the flow or engagement `edge` is followed for one of them."""
    each: LiteralString = for_subject(edge, "x")
    return "(" + subjects + " IS NULL OR any(x IN " + subjects + " WHERE " + each + "))"


IN_CATEGORY: LiteralString = "(c.key = $category OR c.key STARTS WITH $category + '.')"
SPECIAL: LiteralString = "c.special_category = true"

UNDER_REGIME: LiteralString = (
    "(EXISTS { (n)-[:OPERATED_BY]->(:Organisation)-[:ESTABLISHED_IN]->(:Country)"
    "-[:IN_AREA_OF]->(:Regime {key: $regime}) } "
    "OR EXISTS { MATCH (n)<-[:IN_SYSTEM]-(st:Storage) "
    "  WITH CASE WHEN size(coalesce(st.subjects_in, [])) > 0 THEN st.subjects_in "
    "    ELSE coalesce(head(COLLECT { MATCH (me:Organisation {is_self: true}) "
    "      RETURN me.serves }), []) END AS markets "
    "  MATCH (r:Regime {key: $regime}) "
    "  WHERE size(markets) = 0 OR any(m IN markets WHERE m IN coalesce(r.markets, []) "
    "    OR EXISTS { (:Country {code: m})-[:IN_AREA_OF]->(r) }) })"
)
"""Whether the regime `$regime` governs the system `n`: an organisation operating it is
established in the regime's area (GDPR Art. 3(1) and its counterparts), or one of its storages
may hold people of the regime's area or markets: the storage's `subjects_in`, else the markets the
map's owner serves, and neither recorded, it may (the rule of the transfer engine's and the policy
check's reach)."""

SYSTEM: dict[str, LiteralString] = {
    "search": "toLower(n.name) CONTAINS toLower($search)",
    "country": "EXISTS { (n)-[:HOSTED_IN]->(:Country {code: $country}) }",
    "category": (
        "EXISTS { (n)<-[:IN_SYSTEM]-(:Storage)-[:OF_CATEGORY]->(c:DataCategory) "
        "WHERE " + IN_CATEGORY + " }"
    ),
    "subject": (
        "EXISTS { (n)<-[:IN_SYSTEM]-(:Storage)-[:OF_SUBJECT]->(:DataSubject {key: $subject}) }"
    ),
    "organisation": "EXISTS { (n)-[:OPERATED_BY]->(:Organisation {id: $organisation}) }",
    "role": "EXISTS { (n)-[:OPERATED_BY {role: $role}]->(:Organisation) }",
    "eea": (
        "(EXISTS { (n)-[:HOSTED_IN]->(:Country) } AND $eea = (NOT EXISTS { "
        "(n)-[:HOSTED_IN]->(c:Country) WHERE coalesce(c.eea, false) = false }))"
    ),
    "special_categories": (
        "$special_categories = EXISTS { (n)<-[:IN_SYSTEM]-(:Storage)-[:OF_CATEGORY]->"
        "(c:DataCategory) WHERE " + SPECIAL + " }"
    ),
    "regime": UNDER_REGIME,
}

ORGANISATION: dict[str, LiteralString] = {
    "search": "toLower(n.legal_name) CONTAINS toLower($search)",
    "country": "n.country = $country",
    "category": (
        "EXISTS { (n)<-[:OPERATED_BY]-(:System)<-[:IN_SYSTEM]-(:Storage)-[:OF_CATEGORY]->"
        "(c:DataCategory) WHERE " + IN_CATEGORY + " }"
    ),
    "subject": (
        "EXISTS { (n)<-[:OPERATED_BY]-(:System)<-[:IN_SYSTEM]-(:Storage)-[:OF_SUBJECT]->"
        "(:DataSubject {key: $subject}) }"
    ),
    "organisation": "EXISTS { (:Organisation {id: $organisation})-[:ENGAGES]->(n) }",
    "role": (
        "(EXISTS { (:Organisation)-[:ENGAGES {role: $role}]->(n) } "
        "OR EXISTS { (:System)-[:OPERATED_BY {role: $role}]->(n) })"
    ),
    "kind": "n.kind = $kind",
    "eea": "EXISTS { (n)-[:ESTABLISHED_IN]->(c:Country) WHERE coalesce(c.eea, false) = $eea }",
    "special_categories": (
        "$special_categories = EXISTS { (n)<-[:OPERATED_BY]-(:System)<-[:IN_SYSTEM]-(:Storage)"
        "-[:OF_CATEGORY]->(c:DataCategory) WHERE " + SPECIAL + " }"
    ),
}

PROCESSOR: LiteralString = (
    "NOT coalesce(n.is_self, false) AND (EXISTS { (:Organisation)-[e:ENGAGES]->(n) "
    "WHERE e.role IN ['PROCESSOR', 'SUB_PROCESSOR'] } "
    "OR EXISTS { (:System)-[o:OPERATED_BY]->(n) WHERE o.role IN ['PROCESSOR', 'SUB_PROCESSOR'] })"
)
"""A processor or sub-processor of the map: an organisation other than the map's owner engaged,
or operating a system, as PROCESSOR or SUB_PROCESSOR (the owner's own processor role for its
customers is `organisations(filter: {role: PROCESSOR})`)."""

DATA_CATEGORY: dict[str, LiteralString] = {
    "search": "toLower(n.name) CONTAINS toLower($search)",
    "country": (
        "EXISTS { (n)<-[:OF_CATEGORY]-(:Storage)-[:IN_SYSTEM]->(:System)-[:HOSTED_IN]->"
        "(:Country {code: $country}) }"
    ),
    "category": "(n.key = $category OR n.key STARTS WITH $category + '.')",
    "subject": (
        "EXISTS { (n)<-[:OF_CATEGORY]-(:Storage)-[:OF_SUBJECT]->(:DataSubject {key: $subject}) }"
    ),
    "organisation": (
        "EXISTS { (n)<-[:OF_CATEGORY]-(:Storage)-[:IN_SYSTEM]->(:System)-[:OPERATED_BY]->"
        "(:Organisation {id: $organisation}) }"
    ),
    "special_categories": "coalesce(n.special_category, false) = $special_categories",
}

DATA_SUBJECT: dict[str, LiteralString] = {
    "search": "toLower(n.name) CONTAINS toLower($search)",
    "country": (
        "EXISTS { (n)<-[:OF_SUBJECT]-(:Storage)-[:IN_SYSTEM]->(:System)-[:HOSTED_IN]->"
        "(:Country {code: $country}) }"
    ),
    "category": (
        "EXISTS { (n)<-[:OF_SUBJECT]-(:Storage)-[:OF_CATEGORY]->(c:DataCategory) "
        "WHERE " + IN_CATEGORY + " }"
    ),
    "subject": "n.key = $subject",
    "organisation": (
        "EXISTS { (n)<-[:OF_SUBJECT]-(:Storage)-[:IN_SYSTEM]->(:System)-[:OPERATED_BY]->"
        "(:Organisation {id: $organisation}) }"
    ),
    "special_categories": (
        "$special_categories = EXISTS { (n)<-[:OF_SUBJECT]-(:Storage)-[:OF_CATEGORY]->"
        "(c:DataCategory) WHERE " + SPECIAL + " }"
    ),
}

PROCESSING_ACTIVITY: dict[str, LiteralString] = {
    "search": "toLower(n.name) CONTAINS toLower($search)",
    "country": ("EXISTS { (n)-[:RUNS_ON]->(:System)-[:HOSTED_IN]->(:Country {code: $country}) }"),
    "category": "EXISTS { (n)-[:USES_CATEGORY]->(c:DataCategory) WHERE " + IN_CATEGORY + " }",
    "subject": "EXISTS { (n)-[:CONCERNS]->(:DataSubject {key: $subject}) }",
    "organisation": (
        "EXISTS { (n)-[:CONTROLLED_BY|DISCLOSES_TO]->(:Organisation {id: $organisation}) }"
    ),
    "role": "n.preemptly_role = $role",
    "special_categories": (
        "$special_categories = EXISTS { (n)-[:USES_CATEGORY]->(c:DataCategory) "
        "WHERE " + SPECIAL + " }"
    ),
}

COUNTRY: dict[str, LiteralString] = {
    "search": "toLower(n.name) CONTAINS toLower($search)",
    "country": "n.code = $country",
    "eea": "coalesce(n.eea, false) = $eea",
}

UNKNOWN_REFERENCES: LiteralString = (
    "[x IN ["
    "CASE WHEN $country IS NOT NULL AND NOT EXISTS { (:Country {code: $country}) } "
    "THEN 'country' END, "
    "CASE WHEN $category IS NOT NULL AND NOT EXISTS { (:DataCategory {key: $category}) } "
    "THEN 'category' END, "
    "CASE WHEN $subject IS NOT NULL AND NOT EXISTS { (:DataSubject {key: $subject}) } "
    "THEN 'subject' END, "
    "CASE WHEN $organisation IS NOT NULL AND NOT EXISTS { (:Organisation {id: $organisation}) } "
    "THEN 'organisation' END"
    "] WHERE x IS NOT NULL]"
)
"""The names of the filters whose value names no node of the graph."""


def where(predicates: Mapping[str, LiteralString], active: list[str]) -> LiteralString:
    """The WHERE clause body for the `active` filters of a kind (`true` when none is)."""
    chosen = [predicates[name] for name in FILTER_NAMES if name in active]
    return " AND ".join(chosen) if chosen else "true"


def parameters(values: Mapping[str, object]) -> dict[str, object]:
    """Every filter parameter, None where the filter is not set."""
    return {name: values.get(name) for name in FILTER_NAMES}
