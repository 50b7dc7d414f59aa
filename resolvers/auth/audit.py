"""Audit events as plain data: who did which operation to which entity, and a summary of the
entity before and after (its properties as JSON; None when it did not exist)."""

import json
import uuid
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from resolvers.auth.principal import Principal

HIDDEN_PROPERTIES = frozenset({"hash"})


class EntityType(StrEnum):
    """A kind of entity a mutation, an import or an ingested event writes, as the audit trail
    names it: the map's node kinds (a flow is `DataFlow`, as its register mutation names it),
    `ApiKey`, `FidesImport` (one import as a whole) and `LineageEvent`."""

    ApiKey = "ApiKey"
    DataCategory = "DataCategory"
    DataFlow = "DataFlow"
    DataSubject = "DataSubject"
    DataUse = "DataUse"
    DpfCertification = "DpfCertification"
    Engagement = "Engagement"
    FidesImport = "FidesImport"
    LineageEvent = "LineageEvent"
    Organisation = "Organisation"
    ProcessingActivity = "ProcessingActivity"
    Safeguard = "Safeguard"
    Storage = "Storage"
    System = "System"


def summary(properties: Mapping[str, Any] | None) -> str | None:
    if properties is None:
        return None
    shown = {k: v for k, v in properties.items() if k not in HIDDEN_PROPERTIES}
    return json.dumps(shown, sort_keys=True, default=str)


def event(
    actor: Principal,
    operation: str,
    entity_type: EntityType,
    entity_id: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4().hex,
        "actor": actor.key_id,
        "operation": operation,
        "entity_type": entity_type.value,
        "entity_id": entity_id,
        "before": summary(before),
        "after": summary(after),
    }
