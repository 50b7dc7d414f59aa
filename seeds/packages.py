"""Seed rows read from installed packages at load time: the fideslang default taxonomy and every
ISO 3166-1 country from pycountry. Nothing here is copied by hand."""

from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import pycountry
from fideslang.default_taxonomy import DEFAULT_TAXONOMY

from seeds.models import BreachCategory, CategoryFlag, Eea, InternationalOrganisation


@dataclass(frozen=True)
class TaxonomyRow:
    key: str
    name: str
    description: str | None
    parent_key: str | None


def fideslang_source() -> str:
    return f"fideslang {version('fideslang')} default taxonomy"


def categories() -> list[TaxonomyRow]:
    return [_row(item) for item in DEFAULT_TAXONOMY.data_category]


def uses() -> list[TaxonomyRow]:
    return [_row(item) for item in DEFAULT_TAXONOMY.data_use]


def subjects() -> list[TaxonomyRow]:
    return [_row(item) for item in DEFAULT_TAXONOMY.data_subject]


def _row(item: Any) -> TaxonomyRow:
    return TaxonomyRow(
        key=item.fides_key,
        name=item.name,
        description=item.description,
        parent_key=getattr(item, "parent_key", None),
    )


def flagged(key: str, flags: dict[str, CategoryFlag], flag: str) -> CategoryFlag | None:
    """The flag entry that marks `key` or its nearest ancestor with `flag`, if any."""
    parts = key.split(".")
    for end in range(len(parts), 0, -1):
        entry = flags.get(".".join(parts[:end]))
        if entry is not None and entry.flag == flag:
            return entry
    return None


def nearest(key: str, entries: dict[str, BreachCategory]) -> BreachCategory | None:
    """The entry for `key` or its nearest ancestor, if any."""
    parts = key.split(".")
    return next(
        (
            entries[prefix]
            for end in range(len(parts), 0, -1)
            if (prefix := ".".join(parts[:end])) in entries
        ),
        None,
    )


def category_rows(
    flags: list[CategoryFlag], breach: list[BreachCategory] | None = None
) -> list[dict[str, Any]]:
    by_key = {flag.key: flag for flag in flags}
    breach_by_key = {entry.key: entry for entry in breach or []}
    rows = []
    for item in categories():
        special = flagged(item.key, by_key, "SPECIAL_CATEGORY")
        criminal = flagged(item.key, by_key, "CRIMINAL_DATA")
        weighed = nearest(item.key, breach_by_key)
        props = {
            "key": item.key,
            "name": item.name,
            "description": item.description,
            "parent_key": item.parent_key,
            "special_category": special is not None,
            "special_category_article": special.article if special else None,
            "criminal_data": criminal is not None,
            "credential": bool(weighed and weighed.credential),
            "financial": bool(weighed and weighed.financial),
            "us_breach_element": weighed.us_breach_element if weighed else None,
            "us_breach_with_any": list(weighed.with_any) if weighed else [],
            "source": fideslang_source(),
        }
        rows.append({"props": props})
    return rows


def use_rows() -> list[dict[str, Any]]:
    return [{"props": {**_props(item), "source": fideslang_source()}} for item in uses()]


def subject_rows() -> list[dict[str, Any]]:
    return [
        {"props": {**_props(item), "source": fideslang_source(), "assumed": False}}
        for item in subjects()
    ]


def _props(item: TaxonomyRow) -> dict[str, Any]:
    return {
        "key": item.key,
        "name": item.name,
        "description": item.description,
        "parent_key": item.parent_key,
    }


def country_codes() -> set[str]:
    return {country.alpha_2 for country in pycountry.countries}


def subdivision_codes() -> set[str]:
    """ISO 3166-2 codes (`US-CA`), for markets smaller than a country."""
    return {subdivision.code for subdivision in pycountry.subdivisions}


def country_rows(
    eea: Eea, organisations: list[InternationalOrganisation], areas: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """Every pycountry country with its EU and EEA membership, then the international
    organisations; `areas` maps a country code to the regimes whose own area it is in."""
    eu = set(eea.eu)
    members = eu | set(eea.eea_efta)
    source = f"pycountry {version('pycountry')} (ISO 3166-1); EU/EEA: {eea.source}"
    rows = []
    for country in pycountry.countries:
        props = {
            "code": country.alpha_2,
            "name": country.name,
            "eu": country.alpha_2 in eu,
            "eea": country.alpha_2 in members,
            "international_organisation": False,
            "source": source,
            "source_date": eea.source_date,
        }
        rows.append({"props": props, "regimes": areas.get(country.alpha_2, [])})
    for organisation in organisations:
        props = {
            "code": organisation.code,
            "name": organisation.name,
            "eu": False,
            "eea": False,
            "international_organisation": True,
            "source": organisation.source,
            "source_date": organisation.source_date,
        }
        rows.append({"props": props, "regimes": areas.get(organisation.code, [])})
    return rows
