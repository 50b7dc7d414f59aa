"""plan_access and build_lineage over plain data, without a server."""

from resolvers.access.decisions import (
    AccessFacts,
    Flow,
    HeldAs,
    Law,
    Missing,
    Organisation,
    Reach,
    Record,
    SystemFacts,
    plan_access,
)
from resolvers.lineage.decisions import Cap, Direction, Hop, Reached, build_lineage

ME = Organisation(id="me", legal_name="Me", country="DE", is_self=True)
VENDOR = Organisation(id="vendor", legal_name="Vendor", country="US")


def system(key: str, operator: Organisation = ME, **facts: object) -> SystemFacts:
    defaults: dict[str, object] = {
        "name": key,
        "kind": "DATABASE",
        "owner_team": "team",
        "retrieval_method": "API",
        "identifiers": ("email",),
        "operator": operator,
        "operator_role": "PROCESSOR" if operator is VENDOR else "CONTROLLER",
        "hosted_in": (),
        "accessed_from": (),
    }
    return SystemFacts(id=key, **{**defaults, **facts})  # type: ignore[arg-type]


def stored(key: str, categories: tuple[str, ...], days: int | None = 30) -> Record:
    return Record(
        id=key,
        held_as=HeldAs.STORED,
        categories=categories,
        role="CONTROLLER",
        retention="kept",
        retention_days=days,
    )


def facts(**parts: object) -> AccessFacts:
    defaults: dict[str, object] = {
        "subject": "s",
        "subject_name": None,
        "regime": "EU",
        "law": Law(key="EU", transfer_article="GDPR Art. 44"),
        "area": frozenset({"DE"}),
        "right_items": [],
        "holdings": [],
        "activities": [],
        "copies": [],
        "sources": [],
        "backups": [],
        "engagements": {},
        "engaged_as": {},
        "safeguards": [],
    }
    return AccessFacts(**{**defaults, **parts})  # type: ignore[arg-type]


def test_a_copy_holds_only_what_every_flow_on_its_path_carries() -> None:
    flows = (
        Flow(id="f1", categories=("user",)),
        Flow(id="f2", categories=("user.contact",)),
    )
    plan = plan_access(
        facts(
            holdings=[(system("a"), stored("st-a", ("user.contact.email", "user.name")))],
            copies=[Reach(start="a", flows=flows, system=system("c"), organisation=None)],
        ),
        None,
    )
    copy = next(loc for loc in plan.locations if loc.system.id == "c")
    assert copy.categories == {"user.contact.email"}
    assert copy.held_as == [HeldAs.COPY]
    assert copy.missing == [Missing.RETENTION]


def test_a_vendor_abroad_is_a_transfer_and_a_vendor_at_home_is_not() -> None:
    plan = plan_access(
        facts(
            holdings=[
                (system("abroad", VENDOR, hosted_in=("US",)), stored("st-1", ("user.name",))),
                (
                    system("home", Organisation(id="local", legal_name="L", country="DE")),
                    stored("st-2", ("user.name",)),
                ),
            ]
        ),
        ["user"],
    )
    assert [r.organisation.id for r in plan.transfers] == ["vendor"]
    assert {r.organisation.id for r in plan.recipients} == {"vendor", "local"}


def test_unknown_retention_without_an_obligation_is_a_gap_and_with_one_is_not() -> None:
    bound = Record(
        id="st-books",
        held_as=HeldAs.STORED,
        categories=("user.name",),
        role="CONTROLLER",
        retention="10 years",
        retention_days=None,
        obligation="DE-HGB",
    )
    plan = plan_access(
        facts(
            holdings=[
                (system("books"), bound),
                (system("sheet", owner_team=None), stored("st-s", ("user.name",), None)),
            ]
        ),
        None,
    )
    assert [(gap.system.id, gap.missing) for gap in plan.gaps] == [
        ("sheet", [Missing.OWNER, Missing.RETENTION])
    ]


def test_build_lineage_prefers_the_shorter_direction_and_keeps_downstream_on_a_tie() -> None:
    def hop(a: str, b: str) -> Hop:
        return Hop(from_id=a, to_id=b, relationship="FLOWS_TO", edge_id=f"{a}{b}", categories=None)

    reached = [
        Reached("x", "System", None, 1, Direction.DOWNSTREAM, (hop("s", "x"),)),
        Reached("x", "System", None, 1, Direction.UPSTREAM, (hop("s", "x"),)),
        Reached("y", "System", None, 2, Direction.DOWNSTREAM, (hop("x", "y"),)),
        Reached("y", "System", None, 1, Direction.UPSTREAM, (hop("s", "y"),)),
        Reached("z", "System", None, 3, Direction.DOWNSTREAM, ()),
    ]
    nodes, caps = build_lineage("s", reached, hops=2, max_nodes=10, max_paths=3, categories=None)
    assert [(n.id, n.degree, n.direction) for n in nodes] == [
        ("x", 1, Direction.DOWNSTREAM),
        ("y", 1, Direction.UPSTREAM),
    ]
    assert caps == [Cap.HOPS]
