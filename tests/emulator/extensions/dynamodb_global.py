"""DynamoDB global tables (version 2019.11.21) across the emulator's regions, and TableId.

moto keeps one independent DynamoDB per region, ignores ``UpdateTable``'s
``ReplicaUpdates``, ``SSESpecification`` and ``TableClass``, and its table
descriptions lack ``TableId`` (community.aws.dynamodb_table reads it).  This
extension adds, with the shapes and rules DynamoDB documents or answers with:

- ``TableId`` (a UUID per table) and ``TableClassSummary`` in CreateTable,
  UpdateTable, DeleteTable, DescribeTable and restore answers; SSESpecification
  and TableClass changes through UpdateTable.
- Replica management with ``UpdateTable`` ``ReplicaUpdates`` (Create, Update,
  Delete; one Create or Delete per call, nothing else in the call).  A Create
  builds the table in the other region's moto backend (keys, attributes, GSIs,
  LSIs, billing, stream, TTL, the replica's KMS key) and copies the items.  A
  table without a stream gets a NEW_AND_OLD_IMAGES one, as DynamoDB does; the
  stream of a replicated table cannot be changed.  Every member's description
  lists the other members in ``Replicas`` with ``GlobalTableVersion``.  A new
  replica is CREATING for ``replica_create_delay`` seconds (and while its region
  is down), then ACTIVE; meanwhile its region answers only DescribeTable for it
  and the group takes no other UpdateTable.  Settings DynamoDB keeps group-wide
  (billing, throughput, GSIs, SSE type, table class, TTL) follow a change made
  at any member; tags, PITR and deletion protection stay regional.
- Deletion as DynamoDB allows it: a member that added a replica in the last
  24 hours cannot be deleted (DeleteTable or ReplicaUpdates Delete) while that
  replica exists, a protected replica cannot be removed, and DeleteTable on any
  other member just takes it out of the group.
- Item replication: after a successful PutItem, UpdateItem, DeleteItem,
  BatchWriteItem or TransactWriteItems on a member, the resulting item (or its
  absence) is written to every other member, so the last write wins.  Changes
  reach a member ``replication_delay`` seconds (emulator clock, default 0) after
  the write, and not while its region is down: meanwhile they wait, in order,
  and are applied before the next request signed for that region once due, or
  on ``POST /_dr/dynamodb/flush``.
- ``ReplicationLatency`` (namespace ``AWS/DynamoDB``, unit Milliseconds,
  dimensions exactly TableName and ReceivingRegion), as DynamoDB publishes it for
  every source and receiving Region pair of a 2019.11.21 global table: when a
  change reaches a member, the emulator-clock time since its write is published
  in the Region the write was made in, with ReceivingRegion the member's Region
  (one datapoint per change, or one statistic set for the changes one request
  applies).  PendingReplicationCount exists only for version 2017.11.29 tables
  and is not published.

Control routes: ``GET/POST /_dr/dynamodb/settings`` ({"replica_create_delay": s,
"replication_delay": s}; either or both), ``GET /_dr/dynamodb/pending`` (queued changes
per region), ``POST /_dr/dynamodb/flush``.
"""

from __future__ import annotations

import copy
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from moto.core.utils import utcnow
from moto.dynamodb.exceptions import ResourceNotFoundException
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.dynamodb.models.utilities import dynamo_json_dump

from ..errors import error_response, json_response
from ..request_info import AwsCall
from .base import ControlHandler, Extension, Response

if TYPE_CHECKING:
    from ..server import Emulator

GLOBAL_TABLE_VERSION = "2019.11.21"
AWS_MANAGED_KEY = "alias/aws/dynamodb"
SOURCE_REGION_WINDOW = 24 * 3600  # a replica's source region cannot leave the group for 24 hours
REPLICA_STREAM = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}

# Answers that describe one table, and the key they put the description under.
_DESCRIBING = {"CreateTable": "TableDescription", "UpdateTable": "TableDescription",
               "DeleteTable": "TableDescription", "DescribeTable": "Table",
               "RestoreTableFromBackup": "TableDescription", "RestoreTableToPointInTime": "TableDescription"}
_ITEM_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}

_IN_USE = "The resource which you are attempting to change is in use."
_SOURCE_RULE = ("Replica cannot be deleted because it has acted as a source region for new replica(s) being "
                "added to the table in the last 24 hours.")
_KEY_PER_REPLICA = "One or more parameter values were invalid: KMSMasterKeyId must be specified for each replica."


class DynamoDBError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _invalid(message: str) -> DynamoDBError:
    return DynamoDBError("ValidationException", message)


@dataclass
class Replica:
    """One member of a global table, as the group sees it."""

    region: str
    source: str | None  # the member whose endpoint added it; None for the table the group grew from
    added_at: float
    ready_at: float
    active: bool = False
    throughput_override: dict | None = None
    on_demand_override: dict | None = None
    index_overrides: list[dict] = field(default_factory=list)


@dataclass
class GlobalTable:
    name: str
    replicas: dict[str, Replica]  # by region, in the order they joined


@dataclass
class TableMeta:
    """What the emulator keeps about a regional table beside moto's model."""

    table_id: str
    created_at: datetime  # tells a table from an older one of the same name
    table_class: str | None = None


@dataclass
class ItemChange:
    """The state of one item after a write: its attributes, or None once deleted."""

    table: str
    key: dict[str, Any]
    item: dict[str, Any] | None
    source: str = ""  # the Region the write was made in
    written_at: float = 0.0  # emulator clock
    due_at: float = 0.0  # when it reaches the other members (emulator clock)


class DynamoDBGlobalTables(Extension):
    name = "dynamodb"
    state_attributes = ("replica_create_delay", "replication_delay", "_groups", "_meta", "_pending")
    order = 90

    def __init__(self, emulator: Emulator) -> None:
        super().__init__(emulator)
        self._lock = threading.RLock()
        self.replica_create_delay = 0.0
        self.replication_delay = 0.0
        self._groups: dict[tuple[str, str], GlobalTable] = {}
        self._meta: dict[tuple[str, str], TableMeta] = {}
        self._pending: dict[str, list[ItemChange]] = {}

    # -- request hooks -------------------------------------------------------------
    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "dynamodb" or not call.region:
            return None
        with self._lock:
            self._flush(call.region)
            try:
                if call.action == "UpdateTable" and "ReplicaUpdates" in call.params:
                    return self._replica_updates(call)
                self._check_member_call(call)
            except DynamoDBError as err:
                return error_response(call, err.status, err.code, err.message)
        return None

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service != "dynamodb" or status != 200 or not call.region:
            return None
        with self._lock:
            if call.action in _ITEM_WRITES:
                self._replicate_items(call)
                return None
            if call.action == "UpdateTimeToLive":
                self._fan_out_ttl(call.region, call.params.get("TableName"))
                return None
            if call.action not in _DESCRIBING:
                return None
            answer = json.loads(body)
            description = answer[_DESCRIBING[call.action]]
            table = self._table(call.region, description["TableName"])
            if call.action == "CreateTable" and table is not None:
                self._created(call.region, table, call.params)
            elif call.action == "UpdateTable" and table is not None:
                self._updated(call.region, table, call.params)
            self._describe(call.region, description, table)
            if call.action == "DeleteTable":
                description["TableStatus"] = "DELETING"
                self._deleted(call.region, description["TableName"])
            return json.dumps(answer).encode()

    # -- control API ---------------------------------------------------------------
    def control_routes(self) -> dict[tuple[str, str], ControlHandler]:
        return {
            ("GET", "settings"): lambda body, query: json_response(200, self._settings()),
            ("POST", "settings"): self._settings_route,
            ("GET", "pending"): lambda body, query: json_response(200, {"pending": self._pending_counts()}),
            ("POST", "flush"): self._flush_route,
        }

    def _settings(self) -> dict:
        return {"replica_create_delay": self.replica_create_delay, "replication_delay": self.replication_delay}

    def _settings_route(self, body: dict, query: dict) -> Response:
        """{"replica_create_delay": s}: how long a new replica stays CREATING; {"replication_delay": s}:
        how long a write takes to reach the other members."""
        names = [name for name in ("replica_create_delay", "replication_delay") if name in body]
        if not names:
            raise ValueError("give replica_create_delay and/or replication_delay")
        values = {name: float(body[name]) for name in names}
        for name, value in values.items():
            if not 0 <= value <= 86400:
                raise ValueError(f"{name} must be within 0..86400 seconds")
        with self._lock:
            for name, value in values.items():
                setattr(self, name, value)
        return json_response(200, self._settings())

    def _flush_route(self, body: dict, query: dict) -> Response:
        """Apply the queued changes of every region that is up."""
        with self._lock:
            applied = sum(self._flush(region) for region in list(self._pending))
            return json_response(200, {"applied": applied, "pending": self._pending_counts()})

    def _pending_counts(self) -> dict[str, int]:
        with self._lock:
            return {region: len(changes) for region, changes in sorted(self._pending.items())}

    def reset(self) -> None:
        with self._lock:
            self.replica_create_delay = 0.0
            self.replication_delay = 0.0
            self._groups.clear()
            self._meta.clear()
            self._pending.clear()

    # -- moto access ---------------------------------------------------------------
    def _backend(self, region: str) -> Any:
        return self.emulator.backend("dynamodb", region)

    def _table(self, region: str, name: Any) -> Table | None:
        """The table a TableName parameter (name or ARN) names in ``region``, or None."""
        if not isinstance(name, str):
            return None
        try:
            return self._backend(region).get_table(name)
        except ResourceNotFoundException:
            return None

    def _meta_for(self, region: str, table: Table) -> TableMeta:
        meta = self._meta.get((region, table.name))
        if meta is None or meta.created_at != table.created_at:
            meta = self._meta[(region, table.name)] = TableMeta(str(uuid.uuid4()), table.created_at)
        return meta

    def _key_arn(self, region: str, key_id: str) -> str | None:
        """The ARN of a KMS key (id, ARN, alias or alias ARN) in ``region``, or None if there is none."""
        kms = self.emulator.backend("kms", region)
        try:
            return kms.describe_key(key_id).arn
        except KeyError:
            return None

    def _is_aws_managed(self, region: str, key_arn: str) -> bool:
        return self._key_arn(region, AWS_MANAGED_KEY) == key_arn

    @staticmethod
    def _kms_key(table: Table) -> str | None:
        sse = table.sse_specification or {}
        return sse.get("KMSMasterKeyId") if sse.get("Enabled") else None

    # -- replica status ------------------------------------------------------------
    def _status(self, replica: Replica) -> str:
        if not replica.active and self.emulator.clock.time() >= replica.ready_at and replica.region not in self.emulator.state.outages:
            replica.active = True
        return "ACTIVE" if replica.active else "CREATING"

    def _busy(self, group: GlobalTable) -> bool:
        return any(self._status(replica) != "ACTIVE" for replica in group.replicas.values())

    def _sourced_recently(self, group: GlobalTable, region: str) -> bool:
        now = self.emulator.clock.time()
        return any(r.source == region and now - r.added_at < SOURCE_REGION_WINDOW for r in group.replicas.values())

    # -- checks before moto answers ------------------------------------------------
    def _check_member_call(self, call: AwsCall) -> None:
        """What DynamoDB refuses on a member of a global table, before moto sees the call."""
        table = self._table(call.region, call.params.get("TableName"))
        group = self._groups.get((call.region, table.name)) if table is not None else None
        if table is None or group is None:
            return
        if self._status(group.replicas[call.region]) == "CREATING":
            # A replica being created answers DescribeTable only.
            if call.action == "DescribeTable":
                return
            if call.action == "DeleteTable":
                raise DynamoDBError("ResourceInUseException",
                                    f"Attempt to change a resource which is still in use: Table: {table.name} is being used.")
            raise DynamoDBError("ResourceNotFoundException", f"Requested resource not found: Table: {table.name} not found")
        if call.action == "UpdateTable":
            if self._busy(group):
                raise DynamoDBError("ResourceInUseException", _IN_USE)
            stream = call.params.get("StreamSpecification")
            if stream is not None:
                if not stream.get("StreamEnabled"):
                    raise _invalid("One or more parameter values were invalid: "
                                   "Disabling Stream is not allowed for a Global Table replica.")
                raise _invalid(f"Table already has an enabled stream: TableName: {table.name}")
        elif call.action == "DeleteTable":
            if self._busy(group):
                raise DynamoDBError("ResourceInUseException", _IN_USE)
            if self._sourced_recently(group, call.region):
                raise _invalid(_SOURCE_RULE)
            if table.deletion_protection_enabled:
                raise _invalid(f"Cannot delete table {table.name} in region {call.region} because it has deletion "
                               "protection enabled. Disable deletion protection first.")

    # -- ReplicaUpdates --------------------------------------------------------------
    def _replica_updates(self, call: AwsCall) -> Response:
        region, params = call.region, call.params
        if set(params) - {"TableName", "ReplicaUpdates"}:
            raise _invalid("One or more parameter values were invalid: "
                           "Replica modification must be the only operation in the request")
        table = self._table(region, params["TableName"])
        if table is None:
            raise DynamoDBError("ResourceNotFoundException", "Requested resource not found")
        actions = self._parse_replica_updates(region, params["ReplicaUpdates"])
        group = self._groups.get((region, table.name))
        if group is not None and self._busy(group):
            raise DynamoDBError("ResourceInUseException", _IN_USE)
        for kind, spec in actions:
            if kind == "Create":
                group = self._create_replica(region, table, spec, group)
            elif kind == "Delete":
                self._delete_replica(spec["RegionName"], group)
            else:
                self._update_replica(spec, group)
        description = json.loads(dynamo_json_dump(table.describe()))["TableDescription"]
        self._describe(region, description, table)
        # The answer shows the change as started, whatever replica_create_delay is.
        description["TableStatus"] = "UPDATING"
        created = {spec["RegionName"] for kind, spec in actions if kind == "Create"}
        for entry in description.get("Replicas", []):
            if entry["RegionName"] in created:
                entry["ReplicaStatus"] = "CREATING"
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps({"TableDescription": description}).encode()

    def _parse_replica_updates(self, region: str, updates: list[dict]) -> list[tuple[str, dict]]:
        if not updates:
            raise _invalid("There are no actions specified in the Replica Update Action of the request.")
        actions: list[tuple[str, dict]] = []
        for update in updates:
            kinds = [kind for kind in ("Create", "Update", "Delete") if kind in update]
            if not kinds:
                raise _invalid("There are no actions specified in the Replica Update Action of the request.")
            if len(kinds) > 1:
                raise _invalid("Update table operation with more than one type of replica actions not allowed")
            kind, spec = kinds[0], update[kinds[0]]
            target = spec.get("RegionName", "")
            supported = self._backend_regions()
            if target not in supported:
                raise _invalid(f"Region {target} is not supported. The latest version of global tables are only "
                               f"supported in the following regions: [{', '.join(supported)}].")
            if target == region:
                raise _invalid("Cannot add or delete the local region through ReplicaUpdates. "
                               "Use CreateTable, DeleteTable, or UpdateTable as required.")
            if kind == "Update" and set(spec) == {"RegionName"}:
                raise _invalid("There are no actions specified in the Replica Update Action of the request.")
            if (kind, spec) not in actions:  # the same Create twice is one Create
                actions.append((kind, spec))
        if len({kind for kind, _spec in actions}) > 1:
            raise _invalid("Update table operation with more than one type of replica actions not allowed")
        if actions[0][0] in ("Create", "Delete") and len(actions) > 1:
            raise _invalid("Update table operation with more than one create or delete replica actions not allowed")
        return actions

    def _backend_regions(self) -> list[str]:
        from moto.backends import get_backend

        return list(get_backend("dynamodb")[self.emulator.account_id].regions)

    def _create_replica(self, region: str, table: Table, spec: dict, group: GlobalTable | None) -> GlobalTable:
        target = spec["RegionName"]
        backend = self._backend(target)
        if (group is not None and target in group.replicas) or table.name in backend.tables:
            raise _invalid(f"Failed to create a the new replica of table with name: \u2018{table.name}\u2019 because "
                           "one or more replicas already existed as tables.")
        replica_key = self._replica_key(target, table, spec.get("KMSMasterKeyId"))
        if not (table.stream_specification or {}).get("StreamEnabled"):
            table.set_stream_specification(dict(REPLICA_STREAM))
        provisioned = table.billing_mode == "PROVISIONED"
        read_override = (spec.get("ProvisionedThroughputOverride") or {}).get("ReadCapacityUnits")

        def throughput(of: dict) -> dict | None:
            if not provisioned:
                return None
            return {"ReadCapacityUnits": read_override or of["ReadCapacityUnits"],
                    "WriteCapacityUnits": of["WriteCapacityUnits"]}

        replica = backend.create_table(
            table.name,
            schema=copy.deepcopy(table.schema),
            throughput=throughput(table.throughput),
            attr=copy.deepcopy(table.attr),
            global_indexes=[{"IndexName": index.name, "KeySchema": copy.deepcopy(index.schema),
                             "Projection": copy.deepcopy(index.projection),
                             **({"ProvisionedThroughput": throughput(index.throughput)} if provisioned else {})}
                            for index in table.global_indexes],
            indexes=[copy.deepcopy(index.describe()) for index in table.indexes],
            streams=copy.deepcopy(table.stream_specification),
            billing_mode=table.billing_mode,
            sse_specification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": replica_key} if replica_key else None,
            tags=[],  # tags, PITR and deletion protection are regional: DynamoDB does not copy them
            deletion_protection_enabled=False,
            warm_throughput=None,
        )
        replica.ttl = copy.deepcopy(table.ttl)
        for item in table.all_items():
            replica.put_item(copy.deepcopy(item.to_json()["Attributes"]))
        self._meta_for(target, replica).table_class = (
            spec.get("TableClassOverride") or self._meta_for(region, table).table_class)

        now = self.emulator.clock.time()
        if group is None:
            group = GlobalTable(table.name, {region: Replica(region, None, now, now, active=True)})
            self._groups[(region, table.name)] = group
        group.replicas[target] = Replica(
            target, region, now, now + self.replica_create_delay,
            throughput_override=spec.get("ProvisionedThroughputOverride"),
            on_demand_override=spec.get("OnDemandThroughputOverride"),
            index_overrides=spec.get("GlobalSecondaryIndexes") or [])
        self._groups[(target, table.name)] = group
        self._drop_pending(target, table.name)
        return group

    def _replica_key(self, target: str, table: Table, requested: str | None) -> str | None:
        """The KMS key ARN of a new replica: the group shares one key type, each region its own key."""
        base_key = self._kms_key(table)
        if base_key is None:
            if requested:
                raise _invalid(_KEY_PER_REPLICA)
            return None
        if requested is None:
            if not self._is_aws_managed(table.region_name, base_key):
                raise _invalid(_KEY_PER_REPLICA)
            return self._key_arn(target, AWS_MANAGED_KEY)
        key_arn = self._key_arn(target, requested)
        if key_arn is None:
            raise _invalid(f"KMS validation error for region {target}: com.amazonaws.services.kms.model."
                           f"NotFoundException: Key '{requested}' does not exist")
        if self._is_aws_managed(target, key_arn) != self._is_aws_managed(table.region_name, base_key):
            raise _invalid("One or more parameter values were invalid: "
                           "All replica keys must either be Customer Managed CMK or AWS Managed CMK.")
        return key_arn

    def _not_members(self, target: str) -> DynamoDBError:
        return _invalid("Update global table operation failed because one or more replicas were not part of the "
                        f"global table. Please retry the request without these replicas: [{target}].")

    def _delete_replica(self, target: str, group: GlobalTable | None) -> None:
        if group is None or target not in group.replicas:
            raise self._not_members(target)
        replica_table = self._backend(target).tables[group.name]
        if replica_table.deletion_protection_enabled:
            raise _invalid(f"Cannot delete table {group.name} in region {target} because it has deletion "
                           "protection enabled. Disable deletion protection first.")
        if self._sourced_recently(group, target):
            raise _invalid(_SOURCE_RULE)
        self._backend(target).delete_table(group.name)
        self._deleted(target, group.name)

    def _update_replica(self, spec: dict, group: GlobalTable | None) -> None:
        target = spec["RegionName"]
        if group is None or target not in group.replicas:
            raise self._not_members(target)
        if "KMSMasterKeyId" in spec:
            # DynamoDB refuses to change a replica's key this way (SSESpecification in its region does it).
            raise _invalid(_KEY_PER_REPLICA)
        replica = group.replicas[target]
        replica_table = self._backend(target).tables[group.name]
        if "TableClassOverride" in spec:
            self._meta_for(target, replica_table).table_class = spec["TableClassOverride"]
        if "ProvisionedThroughputOverride" in spec:
            replica.throughput_override = spec["ProvisionedThroughputOverride"]
            if replica_table.billing_mode == "PROVISIONED":
                replica_table.throughput["ReadCapacityUnits"] = replica.throughput_override["ReadCapacityUnits"]
        if "OnDemandThroughputOverride" in spec:
            replica.on_demand_override = spec["OnDemandThroughputOverride"]
        if "GlobalSecondaryIndexes" in spec:
            replica.index_overrides = spec["GlobalSecondaryIndexes"]

    # -- table answers -------------------------------------------------------------
    def _created(self, region: str, table: Table, params: dict) -> None:
        meta = self._meta_for(region, table)
        meta.table_class = params.get("TableClass")
        # moto keeps the key as given; DynamoDB reports the key's ARN.
        key = self._kms_key(table)
        if key is not None:
            table.sse_specification["KMSMasterKeyId"] = self._key_arn(region, key) or key

    def _updated(self, region: str, table: Table, params: dict) -> None:
        if "TableClass" in params:
            self._meta_for(region, table).table_class = params["TableClass"]
        if "SSESpecification" in params:
            self._set_sse(region, table, params["SSESpecification"])
        group = self._groups.get((region, table.name))
        if group is None:
            return
        for replica in group.replicas.values():
            if replica.region != region:
                self._copy_group_settings(table, replica, params)

    def _copy_group_settings(self, table: Table, replica: Replica, params: dict) -> None:
        """Apply to ``replica`` what an UpdateTable changed on ``table`` that DynamoDB keeps group-wide."""
        member = self._backend(replica.region).tables[table.name]
        if "BillingMode" in params or "ProvisionedThroughput" in params:
            member.billing_mode = table.billing_mode
            member.throughput = copy.deepcopy(table.throughput)
            if replica.throughput_override and member.billing_mode == "PROVISIONED":
                member.throughput["ReadCapacityUnits"] = replica.throughput_override["ReadCapacityUnits"]
        if "GlobalSecondaryIndexUpdates" in params:
            member.attr = copy.deepcopy(table.attr)
            member.global_indexes = copy.deepcopy(table.global_indexes)
        if "TableClass" in params:
            self._meta_for(replica.region, member).table_class = params["TableClass"]
        if "SSESpecification" in params and (self._kms_key(table) is None) != (self._kms_key(member) is None):
            # The key type is group-wide; the key itself is regional (its AWS managed key).
            self._set_sse(replica.region, member, {"Enabled": self._kms_key(table) is not None})

    def _set_sse(self, region: str, table: Table, spec: dict) -> None:
        if not spec.get("Enabled"):
            table.sse_specification = None  # an AWS owned key: DynamoDB describes no SSE
            return
        requested = spec.get("KMSMasterKeyId") or AWS_MANAGED_KEY
        table.sse_specification = {"Enabled": True, "SSEType": "KMS",
                                   "KMSMasterKeyId": self._key_arn(region, requested) or requested}

    def _fan_out_ttl(self, region: str, name: Any) -> None:
        """Time to live is a group-wide setting: copy it to the other members."""
        table = self._table(region, name)
        group = self._groups.get((region, table.name)) if table is not None else None
        if group is None:
            return
        for other in group.replicas:
            if other != region:
                self._backend(other).tables[group.name].ttl = copy.deepcopy(table.ttl)

    def _describe(self, region: str, description: dict, table: Table | None) -> None:
        """Add what DynamoDB reports and moto does not to a table description."""
        name = description["TableName"]
        meta = self._meta_for(region, table) if table is not None else self._meta.get((region, name))
        if meta is not None:
            description["TableId"] = meta.table_id
            if meta.table_class:
                description["TableClassSummary"] = {"TableClass": meta.table_class}
        group = self._groups.get((region, name))
        if group is None:
            return
        description["GlobalTableVersion"] = GLOBAL_TABLE_VERSION
        description["Replicas"] = [self._replica_description(group, replica)
                                   for replica in group.replicas.values() if replica.region != region]
        if self._status(group.replicas[region]) == "CREATING":
            description["TableStatus"] = "CREATING"

    def _replica_description(self, group: GlobalTable, replica: Replica) -> dict:
        member = self._backend(replica.region).tables[group.name]
        entry: dict[str, Any] = {"RegionName": replica.region, "ReplicaStatus": self._status(replica)}
        key = self._kms_key(member)
        if key is not None:
            entry["KMSMasterKeyId"] = key
        if replica.throughput_override:
            entry["ProvisionedThroughputOverride"] = replica.throughput_override
        if replica.on_demand_override:
            entry["OnDemandThroughputOverride"] = replica.on_demand_override
        overrides = {o.get("IndexName"): o for o in replica.index_overrides}
        if member.global_indexes:
            entry["GlobalSecondaryIndexes"] = [dict(overrides.get(index.name, {}), IndexName=index.name)
                                               for index in member.global_indexes]
        table_class = self._meta_for(replica.region, member).table_class
        if table_class:
            entry["ReplicaTableClassSummary"] = {"TableClass": table_class}
        return entry

    def _deleted(self, region: str, name: str) -> None:
        """Forget a deleted regional table; a group left with one member is a regional table again."""
        self._meta.pop((region, name), None)
        self._drop_pending(region, name)
        group = self._groups.pop((region, name), None)
        if group is None:
            return
        del group.replicas[region]
        if len(group.replicas) == 1:
            self._groups.pop((next(iter(group.replicas)), name), None)

    # -- item replication ----------------------------------------------------------
    def _written_items(self, call: AwsCall) -> list[tuple[Any, dict]]:
        """(TableName, key or item) of every item a successful write call changed."""
        params = call.params
        if call.action == "PutItem":
            return [(params.get("TableName"), params.get("Item", {}))]
        if call.action in ("UpdateItem", "DeleteItem"):
            return [(params.get("TableName"), params.get("Key", {}))]
        if call.action == "BatchWriteItem":
            return [(name, request.get("PutRequest", {}).get("Item") or request.get("DeleteRequest", {}).get("Key", {}))
                    for name, requests in params.get("RequestItems", {}).items() for request in requests]
        return [(op["TableName"], op.get("Item") or op.get("Key", {}))
                for entry in params.get("TransactItems", [])
                for kind, op in entry.items() if kind in ("Put", "Update", "Delete")]

    def _replicate_items(self, call: AwsCall) -> None:
        now = self.emulator.clock.time()
        arrived: dict[tuple[str, str, str], list[float]] = {}
        for name, attrs in self._written_items(call):
            table = self._table(call.region, name)
            group = self._groups.get((call.region, table.name)) if table is not None else None
            if group is None:
                continue
            key = {attr: attrs[attr] for attr in table.table_key_attrs if attr in attrs}
            if len(key) != len(table.table_key_attrs):
                continue
            current = table.get_item(*self._key_values(table, key))
            change = ItemChange(table.name, key, copy.deepcopy(current.to_json()["Attributes"]) if current else None,
                                source=call.region, written_at=now, due_at=now + self.replication_delay)
            for region in group.replicas:
                if region != call.region:
                    self._deliver(region, change, arrived)
        self._publish_latency(arrived)

    @staticmethod
    def _key_values(table: Table, key: dict) -> tuple[DynamoType, DynamoType | None]:
        range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        return DynamoType(key[table.hash_key_attr]), range_value

    def _deliver(self, region: str, change: ItemChange, arrived: dict) -> None:
        self._flush(region, arrived)  # older changes first, so the last write still wins
        if region in self.emulator.state.outages or self._pending.get(region) or change.due_at > self.emulator.clock.time():
            self._pending.setdefault(region, []).append(change)
            return
        self._apply(region, change, arrived)

    def _apply(self, region: str, change: ItemChange, arrived: dict) -> None:
        table = self._backend(region).tables.get(change.table)
        if table is None:
            return
        if change.item is not None:
            table.put_item(copy.deepcopy(change.item))
        else:
            table.delete_item(*self._key_values(table, change.key))
        latency_ms = max(self.emulator.clock.time() - change.written_at, 0.0) * 1000
        arrived.setdefault((change.source, change.table, region), []).append(latency_ms)

    def _flush(self, region: str, arrived: dict | None = None) -> int:
        """Apply the changes queued for ``region`` that are due, if it is up; how many were applied."""
        if region in self.emulator.state.outages or region not in self._pending:
            return 0
        now = self.emulator.clock.time()
        changes = self._pending[region]
        due = 0
        while due < len(changes) and changes[due].due_at <= now:  # in order: a later write waits for an earlier one
            due += 1
        if not due:
            return 0
        if due == len(changes):
            del self._pending[region]
        else:
            self._pending[region] = changes[due:]
        published = {} if arrived is None else arrived
        for change in changes[:due]:
            self._apply(region, change, published)
        if arrived is None:
            self._publish_latency(published)
        return due

    def _publish_latency(self, arrived: dict[tuple[str, str, str], list[float]]) -> None:
        """ReplicationLatency of the changes that reached a member, in the Region each was written in."""
        stamp = utcnow()  # moto keeps naive UTC datetimes
        for (source, table, receiving), latencies in arrived.items():
            datum: dict[str, Any] = {
                "MetricName": "ReplicationLatency", "Unit": "Milliseconds", "Timestamp": stamp,
                "Dimensions": [{"Name": "TableName", "Value": table}, {"Name": "ReceivingRegion", "Value": receiving}]}
            if len(latencies) == 1:
                datum["Value"] = latencies[0]
            else:
                datum["StatisticValues"] = {"SampleCount": len(latencies), "Sum": sum(latencies),
                                            "Minimum": min(latencies), "Maximum": max(latencies)}
            self.emulator.backend("cloudwatch", source).put_metric_data("AWS/DynamoDB", [datum])

    def _drop_pending(self, region: str, name: str) -> None:
        kept = [change for change in self._pending.get(region, []) if change.table != name]
        if kept:
            self._pending[region] = kept
        else:
            self._pending.pop(region, None)


EXTENSIONS = [DynamoDBGlobalTables]
