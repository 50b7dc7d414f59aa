"""Whose data an edge carries (MODEL.md): a flow or engagement that names data-subject kinds
carries theirs only; one that names none carries any subject's data whose categories it carries,
and a copy reached through it is inferred from categories alone. The Cypher form of the rule is
`graph.queries.filters.for_subject`; this is the one form the decisions over plain data use."""

from collections.abc import Collection, Sequence

Carried = frozenset[str] | None
"""Whose data travels on a path: these data-subject kinds, or None for any subject's."""


def follows(named: Collection[str] | None, subject: str) -> bool:
    """Whether an edge that names the subjects `named` (None: it names none) is followed for
    `subject`: it names that subject, or names none."""
    return named is None or subject in named


def carried_subjects(carried: Carried, named: Collection[str] | None) -> Carried:
    """Whose data still travels after an edge naming `named` (None: it names none), when the data
    of `carried` arrived (None: anyone's): those it names among them, all of them when it names
    none; an empty set when it carries none of them."""
    if named is None:
        return carried
    return frozenset(named) if carried is None else carried & frozenset(named)


def inferred(unnamed: Sequence[str], label: str = "") -> str:
    """What a copy's reason adds when the edges `unnamed` on its path (their ids, each after
    `label`) name no data subject: that it was inferred from categories alone."""
    if not unnamed:
        return ""
    names = "names" if len(unnamed) == 1 else "name"
    return f" (inferred from categories alone: {label}{', '.join(unnamed)} {names} no data subject)"
