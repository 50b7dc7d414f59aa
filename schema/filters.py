"""The filter input of the list fields and of `dataMap`."""

from dataclasses import asdict

import strawberry

from schema.vocabulary import OrganisationKind, RegimeKey, Role


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
        description="A country code (ISO 3166-1 alpha-2, any case): systems hosted there; "
        "organisations established there; "
        "categories, subjects and activities held in systems hosted there.",
    )
    category: strawberry.ID | None = strawberry.field(
        default=None,
        description="A data-category key or global id; matches that category and its descendants.",
    )
    subject: strawberry.ID | None = strawberry.field(
        default=None,
        description="A data-subject key or global id: nodes holding or concerning its data.",
    )
    organisation: strawberry.ID | None = strawberry.field(
        default=None,
        description="An organisation's key or global id: systems it operates; organisations it "
        "engages; categories and subjects in its systems; activities it controls or receives from.",
    )
    role: Role | None = strawberry.field(
        default=None,
        description="Systems operated in that role; organisations engaged or operating in it; "
        "activities where it is Preemptly's role.",
    )
    kind: OrganisationKind | None = strawberry.field(
        default=None, description="Organisations of that kind (organisations, processors)."
    )
    eea: bool | None = strawberry.field(
        default=None,
        description="true: inside the EEA (a system hosted only there, an organisation "
        "established there); false: outside it (a system hosted anywhere outside).",
    )
    special_categories: bool | None = strawberry.field(
        default=None, description="Whether special-category data (Art. 9(1) GDPR) is involved."
    )
    regime: RegimeKey | None = strawberry.field(
        default=None,
        description="Systems the regime governs: operated by an organisation established in "
        "its area, or holding a storage that may hold people of its area or markets (the "
        "markets of its people recorded on the storage, else those the map's owner serves; neither "
        "recorded, it may).",
    )


def filter_values(given: MapFilter | None) -> dict[str, object]:
    """The filter as plain values, enums as their names, None for each unset filter."""
    if given is None:
        return {}
    values = asdict(given)
    for name in ("role", "kind", "regime"):
        if values[name] is not None:
            values[name] = values[name].value
    return values
