"""Fides manifests as they arrive: YAML documents whose top-level keys are fideslang resource
types, each resource validated with the `fideslang` package's own models before anything is
read from the graph. A failure is BAD_USER_INPUT naming the document and the resource's path in
it (`manifests[1].system[0].privacy_declarations[2].data_use`)."""

import warnings
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import yaml
from fideslang.models import (
    DataCategory,
    Dataset,
    DataSubject,
    DataUse,
    FidesModel,
    Organization,
    PrivacyDeclaration,
    System,
)
from pydantic import BaseModel, ValidationError

from resolvers.errors import BadUserInput

MAPPED: dict[str, type[FidesModel]] = {
    "organization": Organization,
    "data_category": DataCategory,
    "data_use": DataUse,
    "data_subject": DataSubject,
    "system": System,
    "dataset": Dataset,
}
"""The resource types an import maps onto the graph, in the order they are written."""
IN_IDS = frozenset({"organization", "system", "dataset", "data_use", "data_subject"})
"""The resource types whose fides_key becomes part of a datamap id (an external id is its
fides_key or is made of them). fideslang allows `<` and `>` in a fides_key; an external id holds
no `>`, since an engagement's id is `<engagerId>><engagedId>` and must split one way only, so
such a key is refused, naming it, rather than skipped."""
NOT_MAPPED: dict[str, str] = {
    "policy": "Fides policies (rules over categories, uses and subjects) are not part of the map",
    "evaluation": "Fides evaluations are results of its policy checks, not part of the map",
}

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML has it (ten times faster than the pure-Python one)."""
SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float", "null", "timestamp")
)
"""The tags a plain scalar resolves to that `loaded` builds itself (besides `str`), as the safe
loader's own constructors build them."""
STR_TAG = "tag:yaml.org,2002:str"


class Unusual(Exception):
    """A YAML construct `loaded` leaves to PyYAML's whole loader (anchors, aliases, explicit
    tags, merge keys, complex keys, several documents, an error)."""


M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Located(Generic[M]):
    """A validated resource and where it was given (`manifests[0].system[2]`)."""

    path: str
    model: M


@dataclass(frozen=True)
class SystemResource(Located[System]):
    declarations: tuple[PrivacyDeclaration, ...] = ()
    """The privacy declarations in the order given (fideslang sorts its copy by name), so each
    one's path is `<path>.privacy_declarations[<index>]`."""


@dataclass(frozen=True)
class Skipped:
    """A resource type the import does not map, and why."""

    path: str
    reason: str


@dataclass
class Manifests:
    organizations: list[Located[Organization]] = field(default_factory=list)
    data_categories: list[Located[DataCategory]] = field(default_factory=list)
    data_uses: list[Located[DataUse]] = field(default_factory=list)
    data_subjects: list[Located[DataSubject]] = field(default_factory=list)
    systems: list[SystemResource] = field(default_factory=list)
    datasets: list[Located[Dataset]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def error_path(path: str, location: tuple[int | str, ...]) -> str:
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def validated(model: type[M], raw: Any, path: str) -> M:
    """`raw` as the fideslang `model`, or BadUserInput naming the first offending path."""
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        raise BadUserInput(message, field=error_path(path, tuple(first["loc"]))) from None


def yaml_loaded(text: str) -> Any:
    """`text` as PyYAML's safe loader loads it, built from libyaml's events: PyYAML's loader
    composes a node per value and constructs from the nodes in Python (about 70 % of its time at
    10,000 systems); this builds the values as the events come and resolves each distinct plain
    scalar once, with the safe loader's own resolver and constructors. Whatever it does not build
    itself (see `Unusual`) is loaded by `yaml.load`, which also gives any error."""
    try:
        return built(text)
    except Unusual:
        return yaml.load(text, Loader=SAFE_LOADER)  # a safe loader


def built(text: str) -> Any:
    loader = SAFE_LOADER(text)
    try:
        return events_built(loader)
    except Exception:  # an error, given again by yaml.load
        raise Unusual from None
    finally:
        loader.dispose()


def events_built(loader: Any) -> Any:
    get = loader.get_event
    plain: dict[str, Any] = {}
    if type(get()) is not yaml.StreamStartEvent:
        raise Unusual
    if type(get()) is not yaml.DocumentStartEvent:
        raise Unusual  # an empty stream (None), left to yaml.load
    root: list[Any] = []
    stack: list[Any] = [root]
    keys: list[Any] = [None]
    no_key = keys[0]
    while True:
        event = get()
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise Unusual
            text = event.value
            if not event.implicit[0]:
                value: Any = text
            elif text in plain:
                value = plain[text]
            else:
                value = plain[text] = plain_scalar(loader, text)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                raise Unusual
            stack.append({} if kind is yaml.MappingStartEvent else [])
            keys.append(no_key)
            continue
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            value = stack.pop()
            keys.pop()
        elif kind is yaml.DocumentEndEvent:
            break
        else:
            raise Unusual
        top = stack[-1]
        if type(top) is list:
            top.append(value)
        elif keys[-1] is no_key:
            if type(value) is dict or type(value) is list:
                raise Unusual
            keys[-1] = (value,)
        else:
            top[keys[-1][0]] = value
            keys[-1] = no_key
    if type(get()) is not yaml.StreamEndEvent or len(root) != 1:
        raise Unusual
    return root[0]


def plain_scalar(loader: Any, text: str) -> Any:
    """A plain scalar as the safe loader constructs it (`yes` is True, `2024-01-01` a date)."""
    tag = loader.resolve(yaml.ScalarNode, text, (True, False))
    if tag == STR_TAG:
        return text
    if tag not in SCALAR_TAGS:
        raise Unusual  # a merge key (`<<`) or a value key (`=`)
    return loader.yaml_constructors[tag](loader, yaml.ScalarNode(tag, text))


def document(name: str, text: str) -> dict[str, Any]:
    try:
        loaded = yaml_loaded(text)
    except yaml.YAMLError as error:
        raise BadUserInput(f"not YAML: {error}", field=name) from None
    if not isinstance(loaded, dict) or not all(isinstance(key, str) for key in loaded):
        raise BadUserInput(
            "a manifest is a mapping of fideslang resource types to lists of resources",
            field=name,
        )
    return loaded


def parsed(documents: list[tuple[str, str]]) -> Manifests:
    """Every resource of every document (name, YAML text), validated; each fides_key of a type
    once across the documents."""
    if not documents:
        raise BadUserInput("give at least one manifest", field="manifests")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fideslang warns of deprecated fields it ignores
        return resources(documents)


def resources(documents: list[tuple[str, str]]) -> Manifests:
    manifests = Manifests()
    seen: dict[tuple[str, str], str] = {}
    for name, text in documents:
        for kind, resources in document(name, text).items():
            path = f"{name}.{kind}"
            if kind in NOT_MAPPED:
                manifests.skipped.append(Skipped(path, NOT_MAPPED[kind]))
                continue
            if kind not in MAPPED:
                expected = ", ".join([*MAPPED, *NOT_MAPPED])
                raise BadUserInput(
                    f"{kind!r} is not a fideslang resource type (expected {expected})", field=path
                )
            if not isinstance(resources, list):
                raise BadUserInput(f"{kind} must be a list of resources", field=path)
            for index, raw in enumerate(resources):
                at = f"{path}[{index}]"
                resource = validated(MAPPED[kind], raw, at)
                key = (kind, str(resource.fides_key))
                if kind in IN_IDS and ">" in key[1]:
                    raise BadUserInput(
                        f"{kind} {key[1]!r}: a fides_key with '>' cannot be a datamap id "
                        "('>' separates an engagement's two organisations)",
                        field=f"{at}.fides_key",
                    )
                if key in seen:
                    raise BadUserInput(
                        f"{kind} {key[1]} is defined twice (first at {seen[key]})", field=at
                    )
                seen[key] = at
                add(manifests, at, resource, raw)
    return manifests


def in_given_order(
    declarations: list[PrivacyDeclaration], given: Any
) -> tuple[PrivacyDeclaration, ...] | None:
    """The system's validated declarations back in the order `given` (fideslang sorts them by
    name, a stable sort), or None when the names do not tell (they are validated again then)."""
    if not isinstance(given, list) or len(given) != len(declarations):
        return None
    if not all(isinstance(item, dict) for item in given):
        return None
    names = [item.get("name") for item in given]
    try:
        order = sorted(range(len(names)), key=lambda index: names[index])
    except TypeError:
        return None
    result: list[PrivacyDeclaration | None] = [None] * len(given)
    for index, declaration in zip(order, declarations, strict=True):
        if declaration.name != names[index]:
            return None
        result[index] = declaration
    return tuple(d for d in result if d is not None)


def add(manifests: Manifests, path: str, resource: FidesModel, raw: Any) -> None:
    if isinstance(resource, System):
        given = raw["privacy_declarations"]
        declarations = in_given_order(resource.privacy_declarations, given) or tuple(
            validated(PrivacyDeclaration, item, f"{path}.privacy_declarations[{index}]")
            for index, item in enumerate(given)
        )
        manifests.systems.append(SystemResource(path, resource, declarations))
    elif isinstance(resource, Dataset):
        manifests.datasets.append(Located(path, resource))
    elif isinstance(resource, Organization):
        manifests.organizations.append(Located(path, resource))
    elif isinstance(resource, DataCategory):
        manifests.data_categories.append(Located(path, resource))
    elif isinstance(resource, DataUse):
        manifests.data_uses.append(Located(path, resource))
    elif isinstance(resource, DataSubject):
        manifests.data_subjects.append(Located(path, resource))
