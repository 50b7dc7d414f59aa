"""Art. 15(2) of an access plan: for each recipient in a third country, the decision the transfer
engine makes (`resolvers.transfer.service.assess`) on the transfers that carry the plan's data to
it, beside the safeguards on record.

The engine answers for a whole regime; a plan keeps the paths whose leaving hop goes to one of its
recipients from one of its own holders (a listed system, a recipient or the controller) into
another. The engine reads the whole map, so the GraphQL plan asks it only when a field needs it.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from graph.database import Database
from resolvers.access.decisions import AccessPlan, Recipient
from resolvers.transfer.decisions import HopDecision, PathDecision, Verdict, worst
from resolvers.transfer.hops import organisation_holder, system_holder
from resolvers.transfer.service import assess

TRANSFER_NOTE = (
    "For each recipient in a third country, the transfer engine's decision under {law} on each "
    "transfer that carries the data to it (the country, adequacy, the safeguard with its "
    "instrument, the derogation or exception relied on, or what is missing)."
)
NO_TRANSFER_RULES = (
    "{name} has no transfer regime: its right to know asks for no transfer safeguards, so no "
    "transfer is assessed (GDPR Chapter V and Art. 15(2) do not apply)."
)


@dataclass(frozen=True)
class TransferAnswer:
    """One recipient's transfers: what the engine decided and what is on record."""

    recipient: Recipient
    decisions: tuple[HopDecision, ...] = ()

    @property
    def verdict(self) -> Verdict | None:
        """The worst decision, or None when the engine found no transfer to it for the plan."""
        return worst(d.verdict for d in self.decisions) if self.decisions else None


@dataclass(frozen=True)
class TransferAnswers:
    regime: str
    applies: bool
    note: str
    evaluated_for: date
    answers: list[TransferAnswer] = field(default_factory=list)


def plan_holders(plan: AccessPlan) -> frozenset[str]:
    """Where the plan's data sits, named as the transfer engine names holders."""
    holders = {system_holder(location.system.id) for location in plan.locations}
    holders |= {organisation_holder(r.organisation.id) for r in plan.recipients}
    if plan.controller is not None:
        holders.add(organisation_holder(plan.controller.id))
    return frozenset(holders)


def answers_for(plan: AccessPlan, paths: Sequence[PathDecision]) -> list[TransferAnswer]:
    """Each recipient in a third country, or that a path of the plan's data leaves the area to,
    with the decisions on the leaving hops of those paths (one per hop)."""
    holders = plan_holders(plan)
    recipients = {r.organisation.id: r for r in plan.recipients}
    decided: dict[str, dict[str, HopDecision]] = {}
    for path in paths:
        hop = path.last.hop
        if hop.importer.id in recipients and hop.source in holders and hop.target in holders:
            decided.setdefault(hop.importer.id, {}).setdefault(hop.id, path.last)
    return [
        TransferAnswer(
            recipient=recipient,
            decisions=tuple(sorted(decided.get(key, {}).values(), key=lambda d: d.hop.id)),
        )
        for key, recipient in sorted(recipients.items())
        if recipient.third_country or key in decided
    ]


async def transfer_answers(db: Database, plan: AccessPlan, as_of: date) -> TransferAnswers:
    if not plan.law.transfers:
        note = NO_TRANSFER_RULES.format(name=plan.law.name or plan.regime)
        return TransferAnswers(regime=plan.regime, applies=False, note=note, evaluated_for=as_of)
    paths = await assess(db, regime=plan.regime, as_of=as_of)
    return TransferAnswers(
        regime=plan.regime,
        applies=True,
        note=TRANSFER_NOTE.format(law=plan.law.transfer_article),
        evaluated_for=as_of,
        answers=answers_for(plan, paths),
    )


class PlanTransfers:
    """A plan's Art. 15(2) answers, asked of the engine once, by whichever field needs them
    first (fields resolve concurrently, so they share one task)."""

    def __init__(self, db: Database, plan: AccessPlan, as_of: date) -> None:
        self.db = db
        self.plan = plan
        self.as_of = as_of
        self._task: asyncio.Task[TransferAnswers] | None = None

    async def answers(self) -> TransferAnswers:
        if self._task is None:
            self._task = asyncio.create_task(transfer_answers(self.db, self.plan, self.as_of))
        return await self._task
