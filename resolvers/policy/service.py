"""What `policyCheck` and `datamap check policy` call: read the policy and its owner's map, take
the transfer paths from the transfer assessment, and decide every claim."""

import difflib
from dataclasses import dataclass
from datetime import date

from graph.database import Database
from graph.queries import policy as queries
from resolvers.errors import NotFound
from resolvers.policy import decisions, facts
from resolvers.policy.decisions import ClaimResult, Practice, Verdict
from resolvers.transfer import service as transfer_service
from resolvers.transfer.hops import organisation_holder, system_holder


@dataclass(frozen=True)
class PolicyCheck:
    policy: facts.Policy
    as_of: date
    results: tuple[ClaimResult, ...]
    undisclosed: tuple[Practice, ...]

    @property
    def contradicted(self) -> bool:
        return any(result.verdict is Verdict.CONTRADICTED for result in self.results)


def unknown_policy(key: str, known: list[str]) -> NotFound:
    near = difflib.get_close_matches(key, known, n=3, cutoff=0.3) or sorted(known)
    listed = ", ".join(near) if near else "none is loaded"
    return NotFound(f"no policy {key!r}; policies: {listed}", field="policy", suggestions=near)


async def policy_check(db: Database, key: str, as_of: date) -> PolicyCheck:
    row = await queries.policy(db, key)
    if row["policy"] is None:
        raise unknown_policy(key, row["keys"])
    policy = facts.policy(row)
    rows = await queries.owner_map(db, policy.owner, as_of)
    if rows.owner is None:
        raise NotFound(
            f"policy {key!r} belongs to organisation {policy.owner!r}, which is not on the map",
            field="policy",
        )
    owner_map = facts.owner_map(rows)
    owned = frozenset(
        {
            owner_map.owner.id,
            organisation_holder(owner_map.owner.id),
            *(engaged["organisation"] for engaged in rows.engaged),
            *(system_holder(system.id) for system in owner_map.systems),
        }
    )
    transfers: list[facts.Transfer] = []
    for regime in decisions.transfer_regimes(policy):
        paths = await transfer_service.assess(db, regime=regime, as_of=as_of)
        transfers.extend(facts.transfers(regime, paths, owned))
    results, practices = decisions.check(policy, owner_map, transfers)
    return PolicyCheck(policy, as_of, tuple(results), tuple(practices))
