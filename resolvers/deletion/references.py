"""The keys of the legal provisions a deletion plan cites, all in one place. Each is an Exception
or ErasureRule node the seeds write (`seeds/data/reference/exceptions.yaml`, `erasure_rules.yaml`);
the plan reads its citation, text and source from the graph, and a key without its node is an
error, never a made-up citation."""

from dataclasses import dataclass


@dataclass(frozen=True)
class LegalReference:
    key: str
    article: str
    text: str | None = None
    source: str | None = None


GDPR_REGIMES = frozenset({"EU", "UK", "CH"})

LEGAL_OBLIGATION_HOLD = {"GDPR": "GDPR-17-3-b", "CCPA": "CCPA-1798.105-d-8"}
RECIPIENT_NOTICE = "GDPR-19"
PUBLIC_NOTICE = "GDPR-17-2"
SERVICE_PROVIDER_NOTICE = "CCPA-7022-b-2"
THIRD_PARTY_NOTICE = "CCPA-7022-b-3"
BACKUP_DELAY = "CCPA-7022-d"
PROCESSOR_ASSISTANCE = "GDPR-28-3-e"

ALL = (
    *LEGAL_OBLIGATION_HOLD.values(),
    RECIPIENT_NOTICE,
    PUBLIC_NOTICE,
    SERVICE_PROVIDER_NOTICE,
    THIRD_PARTY_NOTICE,
    BACKUP_DELAY,
    PROCESSOR_ASSISTANCE,
)


def family(regime: str) -> str:
    """`GDPR` for the EU, UK and Swiss regimes (their erasure rules share the GDPR's numbering
    here), `CCPA` for California."""
    return "GDPR" if regime in GDPR_REGIMES else "CCPA"
