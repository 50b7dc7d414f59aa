"""Graph records as the frozen dataclasses the decisions read: the one reader every domain's facts
module uses, so that each says only what differs from a same-named copy."""

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(field.name for field in dataclasses.fields(cls))
    return names


def fact(cls: type[T], row: Mapping[str, Any], **given: Any) -> T:
    """`cls` built from `row`: each field takes its value from `given`, else the row's value of
    the same name (a list becomes a tuple); a field the row does not hold keeps its default, and
    one without a default is an error."""
    keys = row.keys()
    values: dict[str, Any] = {}
    for name in _names(cls):
        if name in given:
            values[name] = given[name]
        elif name in keys:
            value = row[name]
            values[name] = tuple(value) if isinstance(value, list) else value
    return cls(**values)
