"""The parts of a deletion plan that cite law, and how a plan finds its citations. Each regime's
Exception and ErasureRule nodes (`seeds/data/reference/exceptions.yaml`, `erasure_rules.yaml`)
name the part they serve (`serves`); the plan reads its citation, text and source from the
graph, and a part the regime must cite without its node is an error, never a made-up citation."""

from dataclasses import dataclass


@dataclass(frozen=True)
class LegalReference:
    key: str
    article: str
    text: str | None = None
    source: str | None = None


ERASURE_RIGHT = "ERASURE_RIGHT"
LEGAL_OBLIGATION_HOLD = "LEGAL_OBLIGATION_HOLD"
RECIPIENT_NOTICE = "RECIPIENT_NOTICE"
PUBLIC_NOTICE = "PUBLIC_NOTICE"
SERVICE_PROVIDER_NOTICE = "SERVICE_PROVIDER_NOTICE"
THIRD_PARTY_NOTICE = "THIRD_PARTY_NOTICE"
BACKUP_DELAY = "BACKUP_DELAY"
PROCESSOR_ASSISTANCE = "PROCESSOR_ASSISTANCE"
