"""Regime rules for the pure decision tests, built from the regime seeds (`regimes.yaml`,
`transfer_tools.yaml`) as the graph would return them, with a test's own area and adequacy list."""

from functools import cache
from typing import Any

from resolvers.transfer.decisions import Adequacy, RegimeRules
from resolvers.transfer.hops import regime_rules
from seeds import loader, models


@cache
def _seeds() -> loader.Seeds:
    return loader.read()


def regime_row(key: str) -> dict[str, Any]:
    """The REGIME row of `graph.queries.transfers` for regime `key`, from the seed files."""
    regimes: list[models.Regime] = _seeds().entries("reference/regimes.yaml")
    tools = {t.key: t for t in _seeds().entries("reference/transfer_tools.yaml")}
    regime = next(r for r in regimes if r.key == key)
    return {
        "known": True,
        "area": [],
        "adequacy": [],
        "markets": regime.markets,
        "tools": [
            {
                "key": t.tool,
                "name": tools[t.tool].name,
                "text_source": tools[t.tool].text_source,
                "article": t.article,
                "accepted": t.accepted,
                "listed_only": t.listed_only,
                "modules": tools[t.tool].modules,
                "note": t.note,
            }
            for t in regime.tools
        ],
        "transfer_article": regime.transfer_article,
        "transfer_source": regime.transfer_source,
        "not_a_transfer": regime.not_a_transfer,
        "not_a_transfer_source": regime.not_a_transfer_source,
        "adequacy_article": regime.adequacy_article,
        "derogation_article": regime.derogation_article,
        "reach": regime.reach,
    }


def seeded_rules(
    key: str, area: frozenset[str], adequacy: tuple[Adequacy, ...] = ()
) -> RegimeRules:
    rules = regime_rules(key, regime_row(key))
    return RegimeRules(
        key=rules.key,
        area=area,
        adequacy=adequacy,
        tools=rules.tools,
        markets=rules.markets,
        transfer_article=rules.transfer_article,
        transfer_source=rules.transfer_source,
        not_a_transfer=rules.not_a_transfer,
        not_a_transfer_source=rules.not_a_transfer_source,
        adequacy_article=rules.adequacy_article,
        derogation_article=rules.derogation_article,
        reach_article=rules.reach_article,
    )
