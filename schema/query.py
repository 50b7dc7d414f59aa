import strawberry

from schema.about import AboutQuery
from schema.access import AccessQuery
from schema.audit import AuditQuery
from schema.breach import BreachQuery
from schema.deletion import DeletionQuery
from schema.fides import FidesQuery
from schema.ingest import IngestQuery
from schema.keys import KeysQuery
from schema.lineage import LineageQuery
from schema.map_view import MapViewQuery
from schema.policy import PolicyQuery
from schema.read import ReadQuery
from schema.records import RecordsQuery
from schema.transfer import TransferQuery


@strawberry.type(description="Everything datamap answers.")
class Query(
    AboutQuery,
    AccessQuery,
    AuditQuery,
    BreachQuery,
    DeletionQuery,
    FidesQuery,
    IngestQuery,
    KeysQuery,
    LineageQuery,
    MapViewQuery,
    PolicyQuery,
    ReadQuery,
    RecordsQuery,
    TransferQuery,
):
    pass
