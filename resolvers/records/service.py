"""The records of processing (Art. 30) for one profile: the profile's columns and the map's facts
from the graph, the transfers from the transfer engine (`resolvers.transfer.service.assess`), then
the records decided over them."""

from datetime import date

from graph.database import Database
from graph.queries import records as queries
from resolvers.errors import BadUserInput, MissingReferenceData
from resolvers.records.decisions import Records, records_of_processing
from resolvers.records.facts import record_facts
from resolvers.transfer.decisions import ARTICLES
from resolvers.transfer.service import assess

RECORD_REGIMES = tuple(ARTICLES)
"""The regimes whose Chapter V the transfer engine decides: the ones that keep Art. 30 records."""


def checked_regime(regime: str | None) -> str | None:
    if regime is None:
        return None
    key = regime.strip().upper()
    if key not in RECORD_REGIMES:
        raise BadUserInput(
            f"unknown regime {regime!r} for records of processing: give one of "
            f"{', '.join(RECORD_REGIMES)} (the CCPA keeps no Art. 30 record)",
            field="regime",
        )
    return key


async def records_of(
    db: Database, *, profile: str, regime: str | None = None, as_of: date
) -> Records:
    """The controller and processor records in `profile`'s columns, with the transfers decided
    under `regime` (the profile's own regime when None) for `as_of`."""
    chosen = checked_regime(regime)
    rows = await queries.record_rows(db, profile.strip().upper())
    if rows.profile is None:
        if not rows.known_profiles:
            raise MissingReferenceData("no record profiles in the graph: load the seeds")
        raise BadUserInput(
            f"unknown profile {profile!r}: give one of {', '.join(rows.known_profiles)}",
            field="profile",
        )
    regime_key = chosen or str(rows.profile["regime"])
    paths = await assess(db, regime=regime_key, as_of=as_of)
    return records_of_processing(record_facts(rows, as_of), paths, regime_key, as_of)
