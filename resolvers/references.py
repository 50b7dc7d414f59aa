"""The one rule by which an argument names an entity, for every field.

An argument naming a node (or a flow or an engagement) accepts the Relay global id the API returns
(`Node.id`) and the entity's key. One that names nothing is NOT_FOUND (an id) or BAD_USER_INPUT (a
category, subject, country or regime a question is asked about), with `extensions.field` and the
nearest valid keys, never an empty answer. Country codes are ISO 3166-1 alpha-2 in any case and
are answered upper-case."""

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches
from typing import NoReturn

from graph.database import Database
from graph.queries import references as queries
from resolvers import global_id
from resolvers.errors import BadUserInput, DatamapError, NotFound

WHAT: dict[str, str] = {
    "System": "system",
    "Organisation": "organisation",
    "DataCategory": "data category",
    "DataSubject": "data subject",
    "DataUse": "data use",
    "Country": "country",
    "Regime": "regime",
    "Storage": "storage",
    "ProcessingActivity": "processing activity",
    "Safeguard": "safeguard",
    "Flow": "flow",
    "Engagement": "engagement",
}

ID_DESCRIPTION = "Accepts the global id (`id`) or the key (`key`)."
"""What the description of every argument naming an entity says."""

CATEGORIES_NOTE = " An unknown key is BAD_USER_INPUT naming `categories[i]`, with the nearest keys."
"""What the description of every argument taking category keys adds."""


@dataclass(frozen=True)
class Reference:
    kind: str
    key: str


def _what(kind: str) -> str:
    return WHAT.get(kind, kind)


def decoded(argument: str, kinds: Iterable[str], *, field: str) -> tuple[str | None, str]:
    """`(kind, key)` when `argument` is the global id of one of `kinds`; `(None, argument)` when
    it is no global id (then it is a key). BAD_USER_INPUT for the global id of another kind."""
    wanted = frozenset(kinds)
    text = argument.strip()
    if not global_id.encoded(text):
        return None, text
    try:
        kind, key = global_id.decode(text, None, field=field)
    except BadUserInput:
        return None, text
    if kind not in wanted:
        expected = " or ".join(_what(k) for k in sorted(wanted))
        raise BadUserInput(
            f"{argument!r} is the id of a {_what(kind)}, not of a {expected}", field=field
        )
    return kind, key


def key_of(argument: str, kind: str, *, field: str) -> str:
    """The key `argument` gives for `kind`, without asking the graph whether it exists."""
    return decoded(argument, (kind,), field=field)[1]


async def nearest(db: Database, kinds: Iterable[str], value: str, *, n: int = 3) -> list[str]:
    """The keys of `kinds` closest to `value` (a name matching it first)."""
    known: dict[str, str | None] = {}
    for kind in kinds:
        known.update(await queries.keys(db, kind))
    lowered = value.strip().lower()
    by_name = [key for key, name in known.items() if name and name.lower() == lowered]
    by_key = {key.lower(): key for key in known}
    close = get_close_matches(lowered, list(by_key), n=n, cutoff=0.5)
    names = {name.lower(): key for key, name in known.items() if name}
    close_names = get_close_matches(lowered, list(names), n=n, cutoff=0.6)
    found = [*by_name, *(by_key[c] for c in close), *(names[c] for c in close_names)]
    return list(dict.fromkeys(found))[:n]


async def refuse(
    db: Database,
    kinds: Iterable[str],
    value: str,
    *,
    field: str,
    error: type[DatamapError] = BadUserInput,
) -> NoReturn:
    """Raise `error` for a `value` that names none of `kinds`, with the nearest valid keys."""
    wanted = tuple(kinds)
    suggestions = await nearest(db, wanted, value)
    hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    what = " or ".join(_what(kind) for kind in wanted)
    raise error(f"no {what} {value!r}{hint}", field=field, suggestions=suggestions)


async def resolve(db: Database, argument: str, kinds: Iterable[str], *, field: str) -> Reference:
    """The entity of one of `kinds` that `argument` (global id or key) names; NOT_FOUND naming
    `field` when there is none."""
    wanted = tuple(kinds)
    kind, key = decoded(argument, wanted, field=field)
    for candidate in (kind,) if kind is not None else wanted:
        if await queries.exists(db, candidate, key):
            return Reference(candidate, key)
    await refuse(db, (kind,) if kind else wanted, key, field=field, error=NotFound)


async def resolve_key(db: Database, argument: str, kind: str, *, field: str) -> str:
    return (await resolve(db, argument, (kind,), field=field)).key


def country_code(value: str) -> str:
    """The one rule for a country code: ISO 3166-1 alpha-2 in any case, upper-case."""
    return value.strip().upper()


def key_for(kind: str, value: str, field: str) -> str:
    """The key `value` gives for `kind`: a global id decoded, a country code upper-cased."""
    key = key_of(value, kind, field=field)
    return country_code(key) if kind == "Country" else key


async def known_values(db: Database, kind: str, values: Iterable[str], *, field: str) -> list[str]:
    """`values` (keys or global ids of `kind`; country codes in any case) as keys, each checked
    against the graph: BAD_USER_INPUT naming `field[i]`, with the nearest valid keys, for the
    first unknown one."""
    given = list(values)
    keys = [key_for(kind, value, f"{field}[{index}]") for index, value in enumerate(given)]
    if keys:
        known = await queries.keys(db, kind)
        for index, key in enumerate(keys):
            if key not in known:
                await refuse(db, (kind,), given[index], field=f"{field}[{index}]")
    return keys


async def known_value(db: Database, kind: str, value: str, *, field: str) -> str:
    """`known_values` for one value, naming `field` itself."""
    key = key_for(kind, value, field)
    if not await queries.exists(db, kind, key):
        await refuse(db, (kind,), value, field=field)
    return key
