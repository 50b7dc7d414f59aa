"""Find every `Ref`-typed value in a validated seed entry, so dangling references fail early."""

from collections.abc import Iterator
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel

from seeds.models import Ref


def ref_of(annotation: Any, metadata: list[Any] | None = None) -> Ref | None:
    """The `Ref` an annotation carries, looking inside `X | None`, `list[X]` and `Annotated`."""
    for item in metadata or []:
        if isinstance(item, Ref):
            return item
    if get_origin(annotation) is Annotated:
        return ref_of(None, list(annotation.__metadata__))
    for arg in get_args(annotation):
        found = ref_of(arg)
        if found is not None:
            return found
    return None


def references(entry: BaseModel, path: str = "") -> Iterator[tuple[str, Ref, str]]:
    """Yield (field path, kind, key) for every reference in `entry`, nested models included."""
    for name, field in type(entry).model_fields.items():
        value = getattr(entry, name)
        field_path = f"{path}{name}"
        ref = ref_of(field.annotation, field.metadata)
        values = value if isinstance(value, list) else [value]
        for index, item in enumerate(values):
            item_path = f"{field_path}[{index}]" if isinstance(value, list) else field_path
            if isinstance(item, BaseModel):
                yield from references(item, f"{item_path}.")
            elif ref is not None and item is not None:
                yield item_path, ref, item
