"""The filter input of the list fields and of `dataMap`."""

import enum
from dataclasses import asdict

import strawberry


@strawberry.enum(description="A role an organisation plays for some data.")
class Role(enum.Enum):
    CONTROLLER = strawberry.enum_value("CONTROLLER", description="Decides why and how.")
    PROCESSOR = strawberry.enum_value("PROCESSOR", description="Processes for a controller.")
    SUB_PROCESSOR = strawberry.enum_value("SUB_PROCESSOR", description="Processes for a processor.")
    THIRD_PARTY = strawberry.enum_value(
        "THIRD_PARTY", description="Receives the data for its own purposes."
    )


@strawberry.input(
    description="Narrows a list or the data map; every filter set must hold. A filter that does "
    "not apply to the field, or a value naming no node, is a BAD_USER_INPUT naming it."
)
class MapFilter:
    search: str | None = strawberry.field(
        default=None, description="Case-insensitive text contained in the name."
    )
    country: str | None = strawberry.field(
        default=None,
        description="A country code: systems hosted there; organisations established there; "
        "categories, subjects and activities held in systems hosted there.",
    )
    category: str | None = strawberry.field(
        default=None,
        description="A data-category key; matches that category and its descendants.",
    )
    subject: str | None = strawberry.field(
        default=None, description="A data-subject key: nodes holding or concerning its data."
    )
    organisation: str | None = strawberry.field(
        default=None,
        description="An organisation id: systems it operates; organisations it engages; "
        "categories and subjects in its systems; activities it controls or receives from.",
    )
    role: Role | None = strawberry.field(
        default=None,
        description="Systems operated in that role; organisations engaged or operating in it; "
        "activities where it is Preemptly's role.",
    )
    eea: bool | None = strawberry.field(
        default=None,
        description="true: inside the EEA (a system hosted only there, an organisation "
        "established there); false: outside it (a system hosted anywhere outside).",
    )
    special_categories: bool | None = strawberry.field(
        default=None, description="Whether special-category data (Art. 9(1) GDPR) is involved."
    )


def filter_values(given: MapFilter | None) -> dict[str, object]:
    """The filter as plain values, enums as their names, None for each unset filter."""
    if given is None:
        return {}
    values = asdict(given)
    if given.role is not None:
        values["role"] = given.role.value
    return values
