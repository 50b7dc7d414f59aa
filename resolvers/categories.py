"""The prefix rule over dotted taxonomy keys (MODEL.md): `user.contact` covers
`user.contact.email`, and a flow carrying `user` carries `user.contact.email` too."""

from graph.database import Database
from resolvers.errors import BadUserInput
from resolvers.references import known_values


def relevant(key: str, requested: str) -> bool:
    """Whether `key` is `requested`, a descendant of it or an ancestor of it."""
    return key == requested or key.startswith(requested + ".") or requested.startswith(key + ".")


def narrowest(first: str, second: str) -> str:
    """The more specific of two relevant keys: `narrowest("user", "user.contact")` is the second."""
    return first if len(first) >= len(second) else second


def carried(held: frozenset[str] | None, carrying: list[str] | None) -> frozenset[str] | None:
    """What still travels after an edge carrying `carrying`, when `held` arrived (None: anything).
    An edge that names no categories passes everything on."""
    if carrying is None:
        return held
    if held is None:
        return frozenset(carrying)
    return frozenset(
        narrowest(key, other) for key in held for other in carrying if relevant(other, key)
    )


async def known_categories(
    db: Database, categories: list[str] | None, *, field: str = "categories"
) -> list[str] | None:
    """The category keys asked for, once each and sorted, each a category of the graph (given
    by its key or global id): an unknown one is BAD_USER_INPUT naming `field[i]`, with the
    nearest valid keys; None when none is asked for."""
    if categories is None:
        return None
    if not categories or any(not key.strip() for key in categories):
        raise BadUserInput("categories must be non-empty keys such as user.contact", field=field)
    return sorted(set(await known_values(db, "DataCategory", categories, field=field)))


def within(key: str, named: str) -> bool:
    """Whether `key` is `named` or a descendant of it: what naming `named` discloses."""
    return key == named or key.startswith(named + ".")
