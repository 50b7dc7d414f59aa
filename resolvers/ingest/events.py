"""OpenLineage events (spec 2-0-2) as they arrive at `POST /api/v1/lineage`: a run event, a job
event or a dataset event, validated before anything is written. Only the fields datamap reads are
modelled; every other field and facet is allowed and ignored, as the spec asks of consumers."""

import enum
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from resolvers.errors import BadUserInput


class RunState(enum.Enum):
    """A run event's `eventType`, the run's state transition (spec 2-0-2)."""

    START = "START"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    ABORT = "ABORT"
    FAIL = "FAIL"
    OTHER = "OTHER"


class EventKind(enum.Enum):
    """What an event is about: a run (`run` and `job`), a job (`job`) or a dataset (`dataset`)."""

    RUN = "RUN"
    JOB = "JOB"
    DATASET = "DATASET"


class Open(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class Tag(Open):
    key: str
    value: str
    field: str | None = None
    """In the tags facet: the field it applies to (none: the whole dataset)."""


class SchemaField(Open):
    name: str
    tags: list[Tag] = []


class SchemaFacet(Open):
    fields: list[SchemaField] = []


class InputField(Open):
    namespace: str
    name: str
    field: str
    transformations: list[dict[str, Any]] = []

    @property
    def masked(self) -> bool:
        """A field that reaches the output only through masking transformations carries no
        category (`masking: true` on each of them)."""
        return bool(self.transformations) and all(
            bool(step.get("masking")) for step in self.transformations
        )


class ColumnLineageField(Open):
    inputFields: list[InputField] = []


class ColumnLineageFacet(Open):
    fields: dict[str, ColumnLineageField] = {}


class TagsFacet(Open):
    tags: list[Tag] = []


class DatasetFacets(Open):
    schema_: SchemaFacet | None = Field(default=None, alias="schema")
    tags: TagsFacet | None = None
    columnLineage: ColumnLineageFacet | None = None


class Dataset(Open):
    namespace: str = Field(min_length=1)
    name: str = Field(min_length=1)
    facets: DatasetFacets = DatasetFacets()

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.facets.schema_.fields] if self.facets.schema_ else []

    def tags_of(self, field_name: str) -> list[Tag]:
        """The tags on a field: in the schema facet, and in the tags facet naming the field."""
        on_schema = [
            tag
            for schema_field in (self.facets.schema_.fields if self.facets.schema_ else [])
            if schema_field.name == field_name
            for tag in schema_field.tags
        ]
        in_facet = [
            tag
            for tag in (self.facets.tags.tags if self.facets.tags else [])
            if tag.field == field_name
        ]
        return on_schema + in_facet

    @property
    def all_tags(self) -> list[Tag]:
        return [tag for name in self.field_names for tag in self.tags_of(name)] + [
            tag for tag in (self.facets.tags.tags if self.facets.tags else [])
        ]


class Job(Open):
    namespace: str = Field(min_length=1)
    name: str = Field(min_length=1)


class Run(Open):
    runId: str = Field(min_length=1)


class BaseEvent(Open):
    eventTime: AwareDatetime
    producer: str = Field(min_length=1)
    schemaURL: str = Field(min_length=1)


class RunEvent(BaseEvent):
    eventType: RunState | None = None
    run: Run
    job: Job
    inputs: list[Dataset] = []
    outputs: list[Dataset] = []


class JobEvent(BaseEvent):
    job: Job
    inputs: list[Dataset] = []
    outputs: list[Dataset] = []


class DatasetEvent(BaseEvent):
    dataset: Dataset


Event = RunEvent | JobEvent | DatasetEvent


@dataclass(frozen=True)
class Received:
    """An event as received: its kind, its content hash (a replay has the same id) and its model."""

    id: str
    kind: EventKind
    event: Event

    @property
    def datasets(self) -> list[Dataset]:
        if isinstance(self.event, DatasetEvent):
            return [self.event.dataset]
        return [*self.event.inputs, *self.event.outputs]


def received(body: bytes) -> Received:
    """Parse a request body into an event; BAD_USER_INPUT naming the first wrong field."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadUserInput(f"the body is not JSON: {error}", field="body") from None
    if not isinstance(document, dict):
        raise BadUserInput("an OpenLineage event is a JSON object", field="body")
    kind: EventKind
    model: type[Event]
    if "run" in document:
        kind, model = EventKind.RUN, RunEvent
    elif "dataset" in document:
        kind, model = EventKind.DATASET, DatasetEvent
    elif "job" in document:
        kind, model = EventKind.JOB, JobEvent
    else:
        raise BadUserInput(
            "an OpenLineage event has `run` and `job` (run event), `job` (job event) or "
            "`dataset` (dataset event)",
            field="body",
        )
    try:
        event = model.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        path = ".".join(str(part) for part in first["loc"])
        raise BadUserInput(f"{path}: {first['msg']}", field=path or "body") from None
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return Received(hashlib.sha256(canonical.encode()).hexdigest(), kind, event)
