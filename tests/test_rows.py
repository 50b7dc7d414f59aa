"""`resolvers.rows.fact` on plain rows: same-named fields, lists as tuples, given values first,
defaults for what the row does not hold."""

from dataclasses import dataclass

import pytest

from resolvers.rows import fact


@dataclass(frozen=True)
class Thing:
    id: str
    tags: tuple[str, ...]
    name: str | None = None


def test_a_row_fills_same_named_fields_and_lists_become_tuples() -> None:
    assert fact(Thing, {"id": "a", "tags": ["x", "y"], "other": 1}) == Thing("a", ("x", "y"))


def test_given_values_win_over_the_row() -> None:
    built = fact(Thing, {"id": "a", "tags": ["y", "x"], "name": "A"}, tags=("x", "y"))
    assert built == Thing("a", ("x", "y"), "A")


def test_a_field_the_row_lacks_keeps_its_default_or_is_an_error() -> None:
    assert fact(Thing, {"id": "a", "tags": []}).name is None
    with pytest.raises(TypeError):
        fact(Thing, {"id": "a"})
