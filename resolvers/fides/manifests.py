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


def document(name: str, text: str) -> dict[str, Any]:
    try:
        loaded = yaml.load(text, Loader=SAFE_LOADER)  # a safe loader
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


def add(manifests: Manifests, path: str, resource: FidesModel, raw: Any) -> None:
    if isinstance(resource, System):
        declarations = tuple(
            validated(PrivacyDeclaration, item, f"{path}.privacy_declarations[{index}]")
            for index, item in enumerate(raw["privacy_declarations"])
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
