"""The records of processing (Art. 30) for one profile: the profile's columns and the map's facts
from the graph, the transfers from the transfer engine (`resolvers.transfer.service.assess`), then
the records decided over them."""

from datetime import date

from graph.database import Database
from graph.queries import records as queries
from resolvers.errors import BadUserInput, MissingReferenceData
from resolvers.records.decisions import Records, records_of_processing
from resolvers.records.facts import record_facts
from resolvers.transfer.service import assess


async def records_of(
    db: Database, *, profile: str, regime: str | None = None, as_of: date
) -> Records:
    """The controller and processor records in `profile`'s columns, with the transfers decided
    under `regime` (the profile's own regime when None) for `as_of`."""
    rows = await queries.record_rows(db, profile.strip().upper())
    if rows.profile is None:
        if not rows.known_profiles:
            raise MissingReferenceData("no record profiles in the graph: load the seeds")
        raise BadUserInput(
            f"unknown profile {profile!r}: give one of {', '.join(rows.known_profiles)}",
            field="profile",
            suggestions=rows.known_profiles,
        )
    regime_key = str(rows.profile["regime"]) if regime is None else regime.strip().upper()
    if regime_key not in rows.transfer_regimes:
        raise BadUserInput(
            f"unknown regime {regime!r} for records of processing: give one of "
            f"{', '.join(rows.transfer_regimes)}, the regimes whose transfer rules are recorded",
            field="regime",
            suggestions=rows.transfer_regimes,
        )
    paths = await assess(db, regime=regime_key, as_of=as_of)
    return records_of_processing(record_facts(rows, as_of), paths, regime_key, as_of)
