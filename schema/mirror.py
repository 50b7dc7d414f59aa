"""Building a GraphQL type from the plain dataclass a decision returns, field by same-named
field, so that a type which only shows a decision's answer does not copy it by hand."""

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def mirror(cls: type[T], value: Any, **given: Any) -> T:
    """`cls` with each of its fields read from `value`'s attribute of the same name (a tuple as a
    list), except those in `given`, which are taken as they are."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    read = {
        field.name: _listed(getattr(value, field.name))
        for field in fields
        if field.init and field.name not in given
    }
    return cls(**read, **given)


def _listed(item: Any) -> Any:
    return list(item) if isinstance(item, tuple) else item
