"""The legal references a deletion plan cites, by the key of their Exception or RightItem node.

The plan reads the nodes of these keys from the graph and cites their `article`; the citation here
is used only while the seeds do not hold the node yet."""

from dataclasses import dataclass


@dataclass(frozen=True)
class LegalReference:
    key: str
    article: str
    text: str | None = None
    source: str | None = None


GDPR_REGIMES = frozenset({"EU", "UK", "CH"})

LEGAL_OBLIGATION_HOLD = {
    "GDPR": LegalReference("GDPR-17-3-b", "Art. 17(3)(b) GDPR"),
    "CCPA": LegalReference("CCPA-1798.105-d-8", "Cal. Civ. Code § 1798.105(d)(8)"),
}
RECIPIENT_NOTICE = LegalReference("GDPR-19", "Art. 19 GDPR")
PUBLIC_NOTICE = LegalReference("GDPR-17-2", "Art. 17(2) GDPR")
SERVICE_PROVIDER_NOTICE = LegalReference("CCPA-7022-b-2", "11 CCR § 7022(b)(2)")
THIRD_PARTY_NOTICE = LegalReference("CCPA-7022-b-3", "11 CCR § 7022(b)(3)")
BACKUP_DELAY = LegalReference("CCPA-7022-d", "11 CCR § 7022(d)")
PROCESSOR_ASSISTANCE = LegalReference("GDPR-28-3-e", "Art. 28(3)(e) GDPR")

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
