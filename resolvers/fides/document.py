"""An export as a fideslang manifest: every resource validated with fideslang's own models, then
written as YAML in the order an import maps them, without the fields left at their defaults."""

from typing import Any

import yaml

from resolvers.errors import DatamapError
from resolvers.fides.manifests import MAPPED, validated

SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def render(resources: dict[str, list[dict[str, Any]]]) -> str:
    manifest: dict[str, list[dict[str, Any]]] = {}
    for kind, model in MAPPED.items():
        given = resources.get(kind) or []
        if not given:
            continue
        checked = []
        for index, raw in enumerate(given):
            try:
                resource = validated(model, raw, f"{kind}[{index}]")
            except DatamapError as error:  # the map holds what fideslang cannot say
                raise DatamapError(f"export is no valid fideslang: {error.message}") from None
            checked.append(resource.model_dump(mode="json", exclude_defaults=True))
        manifest[kind] = checked
    return yaml.dump(manifest, Dumper=SAFE_DUMPER, sort_keys=False, allow_unicode=True, width=100)
