"""Aurora global database operations moto lacks: switchover, failover, detach, replication lag.

moto 5.2.5 stores global clusters but answers FailoverGlobalCluster and
SwitchoverGlobalCluster with a 500 (NotImplementedError), answers
RemoveFromGlobalCluster sent to any region but us-east-1 with an empty result
and no change (and even there leaves the cluster's GlobalClusterIdentifier),
returns every global cluster whatever GlobalClusterIdentifier asks for, and
never says which member replicates from which.  This extension answers these calls itself, in the
documented query-protocol shapes (rendered by moto's own serializer from the
botocore model):

- SwitchoverGlobalCluster, and FailoverGlobalCluster without AllowDataLoss (the
  "managed planned failover"): every member's region must answer, else
  InvalidGlobalClusterStateFault.  FailoverGlobalCluster with AllowDataLoss works
  while the primary region is down; its RPO is the replication lag set through
  the control API at that moment.  Both answer at once with Status
  "switching-over"/"failing-over" and a FailoverState; after ``failover_delay``
  seconds the target is the writer and the old writer a secondary.  The delay is
  applied lazily: any RDS call (or control call) first completes what is due, so
  there is no timer thread and tests are deterministic.  After an unplanned
  failover the old primary stays SynchronizationStatus "pending-resync" until its
  region answers again.
- RemoveFromGlobalCluster (DbClusterIdentifier must be an ARN): the cluster leaves
  the global cluster at once and, when it was a secondary, shows "promoting" for
  ``failover_delay`` seconds, then "available" as a standalone writable cluster.
  The writer can only leave as the last member, like on AWS.
- Secondaries report ReplicationSourceIdentifier (the writer's ARN) and
  GlobalWriteForwardingStatus in DescribeDBClusters, as AWS does.
- DescribeGlobalClusters honours GlobalClusterIdentifier (GlobalClusterNotFoundFault)
  and the "region" filter; DeleteGlobalCluster of an unknown id is a 404, not a 500,
  and of a global cluster with DeletionProtection an InvalidParameterCombination
  (moto deletes it); DeleteDBCluster refuses global members the way AWS does, and
  the last member (the writer) leaves its global cluster only when the deletion
  succeeds (a refused one, protected or with instances, changes nothing);
  CreateGlobalCluster from an existing cluster in any region makes that cluster the writer.

Control API (``/_dr/rds/...``):
- ``POST lag {"global_cluster": ID, "lag_ms": N}`` sets the replication lag (default 0)
  and publishes AuroraGlobalDBReplicationLag and AuroraGlobalDBRPOLag (AWS/RDS,
  Milliseconds, dimensions DBClusterIdentifier = each secondary and SourceRegion = the
  writer's Region, as Aurora publishes them) into CloudWatch in each secondary's region; without ``lag_ms`` it republishes the current value.
  ``GET lag?global_cluster=ID`` reads it.
- ``GET/POST settings {"failover_delay": seconds}`` (default 2; 0 completes on the
  next call; a change applies to operations under way too).
- ``GET operations[?global_cluster=ID]``: every switchover/failover/detach with its
  RPO (``rpo_ms``: 0 for a switchover, the lag at the call otherwise).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable

from moto.core.utils import utcnow

from ..errors import error_response, json_response, rds_response
from ..request_info import AwsCall
from .base import Extension, Response

if TYPE_CHECKING:
    from moto.rds.models import DBCluster, GlobalCluster

# moto keeps every global cluster in us-east-1's backend (RDSResponse.global_backend).
GLOBAL_HOME = "us-east-1"
LAG_METRICS = ("AuroraGlobalDBReplicationLag", "AuroraGlobalDBRPOLag")
DEFAULT_DELAY = 2.0
_FILTER_NAME = re.compile(r"^Filters\.Filter\.(\d+)\.Name$")
_FILTER_VALUE = re.compile(r"^Filters\.Filter\.(\d+)\.Values\.Value\.\d+$")
_TAG = re.compile(r"^Tags\.Tag\.(\d+)\.(Key|Value)$")


def _flag(value: str | None) -> bool:
    return (value or "").lower() == "true"


def _region_of(arn: str) -> str:
    return arn.split(":")[3]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class Operation:
    """One switchover, failover or detach, kept after completion as the RPO record."""

    global_cluster: str
    kind: str  # "switchover" | "failover" | "detach"
    from_arn: str | None
    to_arn: str
    data_loss_allowed: bool
    rpo_ms: float
    started: float  # emulator clock, monotonic
    started_at: str
    completed_at: str | None = None

    def report(self) -> dict[str, Any]:
        return {"global_cluster": self.global_cluster, "kind": self.kind,
                "from_db_cluster_arn": self.from_arn, "to_db_cluster_arn": self.to_arn,
                "data_loss_allowed": self.data_loss_allowed, "rpo_ms": self.rpo_ms,
                "started_at": self.started_at, "completed_at": self.completed_at}


# Aurora publishes AuroraGlobalDBReplicationLag / AuroraGlobalDBRPOLag once a minute.
LAG_PUBLISH_INTERVAL = 60.0


class AuroraGlobalDatabase(Extension):
    name = "rds"
    state_attributes = ("failover_delay", "_lag", "_lag_published", "_lag_sources", "_operations", "_resyncing")
    order = 50

    def __init__(self, emulator: Any) -> None:
        super().__init__(emulator)
        self._lock = threading.RLock()
        self.failover_delay = DEFAULT_DELAY
        self._lag: dict[str, float] = {}  # global cluster id (lower case) -> lag in ms
        self._lag_published: dict[str, float] = {}  # global cluster id -> emulator clock (monotonic) of the last datapoint
        # global cluster id -> (writer, secondaries) the last datapoints were published for: a new
        # secondary (after a switchover or failover) starts publishing at once, not a minute later
        self._lag_sources: dict[str, tuple] = {}
        self._operations: list[Operation] = []
        self._resyncing: set[str] = set()  # ARNs of demoted primaries not yet resynchronised
        self._handlers: dict[str, Callable[[AwsCall], Response | None]] = {
            "FailoverGlobalCluster": self._failover,
            "SwitchoverGlobalCluster": self._switchover,
            "RemoveFromGlobalCluster": self._remove,
            "DescribeGlobalClusters": self._describe,
            "CreateGlobalCluster": self._create_global_cluster,
            "DeleteGlobalCluster": self._delete_global_cluster,
            "DeleteDBCluster": self._delete_db_cluster,
        }

    # -- extension interface ---------------------------------------------------------
    def intercept(self, call: AwsCall) -> Response | None:
        if call.service == "monitoring" and call.action in ("GetMetricStatistics", "GetMetricData"):
            self._publish_due_lag()
            return None
        if call.service != "rds":
            return None
        with self._lock:
            self._settle()
            handler = self._handlers.get(call.action or "")
            return handler(call) if handler else None

    def control_routes(self) -> dict[tuple[str, str], Callable[[dict, dict], Response]]:
        return {
            ("GET", "lag"): self._lag_get,
            ("POST", "lag"): self._lag_post,
            ("GET", "settings"): self._settings_get,
            ("POST", "settings"): self._settings_post,
            ("GET", "operations"): self._operations_get,
        }

    def reset(self) -> None:
        with self._lock:
            self.failover_delay = DEFAULT_DELAY
            self._lag.clear()
            self._lag_published.clear()
            self._lag_sources.clear()
            self._operations.clear()
            self._resyncing.clear()

    # -- moto access ---------------------------------------------------------------------
    def _global_clusters(self) -> Any:
        return self.emulator.backend("rds", GLOBAL_HOME).global_clusters

    def _global_cluster(self, identifier: str) -> GlobalCluster | None:
        return self._global_clusters().get(identifier) if identifier else None

    def _cluster(self, identifier: str, region: str | None) -> DBCluster | None:
        """A DB cluster by ARN (any region) or by identifier in the caller's region."""
        if identifier.startswith("arn:"):
            region, identifier = _region_of(identifier), identifier.split(":")[-1]
        if not region or not identifier:
            return None
        return self.emulator.backend("rds", region).clusters.get(identifier)

    @staticmethod
    def _writer(gc: GlobalCluster) -> DBCluster | None:
        return next((member for member in gc.members if member.is_writer), None)

    @staticmethod
    def _forwarding_status(cluster: DBCluster) -> str:
        # getattr with a default: moto only defines the flag for aurora-mysql/-postgresql.
        return "enabled" if getattr(cluster, "global_write_forwarding_requested", False) else "disabled"

    def _pending(self, gc: GlobalCluster) -> Operation | None:
        key = gc.global_cluster_identifier
        return next((op for op in self._operations
                     if op.global_cluster == key and op.kind != "detach" and op.completed_at is None), None)

    # -- lazy completion -------------------------------------------------------------------
    def _settle(self) -> None:
        """Complete every operation whose delay has passed, then re-derive replication links."""
        now = self.emulator.clock.monotonic()
        for op in self._operations:
            if op.completed_at is None and now - op.started >= self.failover_delay:
                self._complete(op)
        # A demoted primary resynchronises once its region answers again.
        self._resyncing = {arn for arn in self._resyncing if _region_of(arn) in self.emulator.state.outages}
        self._sync_topology()

    def _complete(self, op: Operation) -> None:
        op.completed_at = _now()
        target = self._cluster(op.to_arn, None)
        if op.kind == "detach":
            if target is not None:
                target.status = "available"
            return
        gc = self._global_cluster(op.global_cluster)
        if gc is None:
            return
        gc.status = "available"
        if target is None or target not in gc.members:
            return  # the topology changed under the operation; nothing left to move
        old = self._writer(gc)
        if old is not None:
            old.is_writer = False
            if op.data_loss_allowed:
                self._resyncing.add(old.db_cluster_arn)
        target.is_writer = True

    def _sync_topology(self) -> None:
        """Secondaries replicate from the writer; the writer from nobody (AWS's DescribeDBClusters)."""
        for gc in self._global_clusters().values():
            writer = self._writer(gc)
            for member in gc.members:
                if member is writer:
                    member.replication_source_identifier = None
                    member.global_write_forwarding_status = None  # moto's serializer omits None
                else:
                    member.replication_source_identifier = writer.db_cluster_arn if writer else None
                    member.global_write_forwarding_status = self._forwarding_status(member)

    # -- answers ---------------------------------------------------------------------------------
    def _render(self, gc: GlobalCluster) -> dict[str, Any]:
        members = []
        for member in gc.members:
            entry: dict[str, Any] = {
                "DBClusterArn": member.db_cluster_arn,
                "Readers": [o.db_cluster_arn for o in gc.members if o is not member] if member.is_writer else [],
                "IsWriter": bool(member.is_writer),
                "SynchronizationStatus": "pending-resync" if member.db_cluster_arn in self._resyncing else "connected",
            }
            if not member.is_writer:
                entry["GlobalWriteForwardingStatus"] = self._forwarding_status(member)
            members.append(entry)
        op = self._pending(gc)
        failover_state = None if op is None else {
            "Status": gc.status, "FromDbClusterArn": op.from_arn, "ToDbClusterArn": op.to_arn,
            "IsDataLossAllowed": op.data_loss_allowed}
        return {
            "GlobalClusterIdentifier": gc.global_cluster_identifier,
            "GlobalClusterResourceId": gc.global_cluster_resource_id,
            "GlobalClusterArn": gc.global_cluster_arn,
            "Status": gc.status,
            "Engine": gc.engine,
            "EngineVersion": gc.engine_version,
            "StorageEncrypted": gc.storage_encrypted,
            "DeletionProtection": gc.deletion_protection,
            "GlobalClusterMembers": members,
            "Endpoint": gc.endpoint,
            "FailoverState": failover_state,
            "TagList": gc.tag_list,
        }

    def _render_response(self, action: str, gc: GlobalCluster) -> Response:
        return rds_response(action, {"GlobalCluster": self._render(gc)})

    # -- handlers ------------------------------------------------------------------------------
    def _not_found(self, call: AwsCall, identifier: str) -> Response:
        return error_response(call, 404, "GlobalClusterNotFoundFault", f"Global cluster {identifier} not found.")

    def _describe(self, call: AwsCall) -> Response:
        identifier = call.param("GlobalClusterIdentifier")
        if identifier:
            gc = self._global_cluster(identifier)
            if gc is None:
                return self._not_found(call, identifier)
            clusters = [gc]
        else:
            clusters = list(self._global_clusters().values())
        names: dict[str, str] = {}
        values: dict[str, list[str]] = {}
        for key, value in call.params.items():
            if match := _FILTER_NAME.match(key):
                names[match[1]] = value
            elif match := _FILTER_VALUE.match(key):
                values.setdefault(match[1], []).append(value)
        for index, name in names.items():
            if name != "region":  # the only filter AWS documents for this call
                return error_response(call, 400, "InvalidParameterValue", f"Unrecognized filter name: {name}")
            regions = set(values.get(index, []))
            clusters = [gc for gc in clusters if any(m.region in regions for m in gc.members)]
        return rds_response("DescribeGlobalClusters", {"GlobalClusters": [self._render(gc) for gc in clusters]})

    def _switchover(self, call: AwsCall) -> Response:
        return self._promote(call, allow_data_loss=False)

    def _failover(self, call: AwsCall) -> Response:
        allow_data_loss = _flag(call.param("AllowDataLoss"))
        if allow_data_loss and _flag(call.param("Switchover")):
            return error_response(call, 400, "InvalidParameterCombination",
                                  "Specify either AllowDataLoss or Switchover, not both.")
        return self._promote(call, allow_data_loss=allow_data_loss)

    def _promote(self, call: AwsCall, allow_data_loss: bool) -> Response:
        """Validate and start a switchover (no data loss) or a failover (AllowDataLoss)."""
        identifier = call.param("GlobalClusterIdentifier", "")
        gc = self._global_cluster(identifier)
        if gc is None:
            return self._not_found(call, identifier)
        target_id = call.param("TargetDbClusterIdentifier", "")
        target = self._cluster(target_id, call.region)
        if target is None or target not in gc.members:
            return error_response(call, 404, "DBClusterNotFoundFault",
                                  f"DB cluster {target_id} is not a member of global cluster {identifier}.")
        if self._pending(gc) is not None:
            return error_response(call, 400, "InvalidGlobalClusterStateFault",
                                  f"Global cluster {identifier} is {gc.status}; wait until it is available.")
        if target.is_writer:
            return error_response(call, 400, "InvalidGlobalClusterStateFault",
                                  f"{target.db_cluster_arn} is already the primary cluster of global cluster "
                                  f"{identifier}.")
        if not target.members:
            # A headless secondary has storage but no instance that could become the writer.
            return error_response(call, 400, "InvalidDBClusterStateFault",
                                  f"DB cluster {target.db_cluster_identifier} has no DB instances to promote.")
        writer = self._writer(gc)
        if not allow_data_loss:
            # A switchover first synchronises every member, so all of them must answer.
            down = sorted({m.region for m in gc.members} & self.emulator.state.outages)
            if down or writer is None:
                reason = f"region {', '.join(down)} is unavailable" if down else "it has no primary cluster"
                return error_response(call, 400, "InvalidGlobalClusterStateFault",
                                      f"Global cluster {identifier} cannot switch over: {reason}. "
                                      "Fail over with AllowDataLoss instead.")
        op = Operation(
            global_cluster=gc.global_cluster_identifier,
            kind="failover" if allow_data_loss else "switchover",
            from_arn=writer.db_cluster_arn if writer else None,
            to_arn=target.db_cluster_arn,
            data_loss_allowed=allow_data_loss,
            rpo_ms=self._lag.get(gc.global_cluster_identifier, 0.0) if allow_data_loss else 0.0,
            started=self.emulator.clock.monotonic(),
            started_at=_now(),
        )
        self._operations.append(op)
        gc.status = "failing-over" if allow_data_loss else "switching-over"
        return self._render_response(call.action or "", gc)

    def _remove(self, call: AwsCall) -> Response:
        identifier = call.param("GlobalClusterIdentifier", "")
        gc = self._global_cluster(identifier)
        if gc is None:
            return self._not_found(call, identifier)
        arn = call.param("DbClusterIdentifier", "")
        if not arn.startswith("arn:"):
            return error_response(call, 400, "InvalidParameterValue", f"Malformed db cluster arn {arn}")
        cluster = self._cluster(arn, None)
        if cluster is None or cluster not in gc.members:
            return error_response(call, 404, "DBClusterNotFoundFault",
                                  f"DB cluster {arn} is not a member of global cluster {identifier}.")
        if self._pending(gc) is not None:
            return error_response(call, 400, "InvalidGlobalClusterStateFault",
                                  f"Global cluster {identifier} is {gc.status}; wait until it is available.")
        if cluster.is_writer and len(gc.members) > 1:
            return error_response(call, 400, "InvalidGlobalClusterStateFault",
                                  f"{arn} is the primary cluster of global cluster {identifier}; "
                                  "remove the secondary clusters first.")
        was_secondary = not cluster.is_writer
        gc.members.remove(cluster)
        cluster.global_cluster_identifier = None
        cluster.replication_source_identifier = None
        cluster.global_write_forwarding_status = None
        # Standalone, it takes writes (and is the writer if it seeds a new global cluster).
        cluster.is_writer = True
        self._resyncing.discard(arn)
        if was_secondary:
            cluster.status = "promoting"
        self._operations.append(Operation(
            global_cluster=gc.global_cluster_identifier, kind="detach", from_arn=None, to_arn=cluster.db_cluster_arn,
            data_loss_allowed=True, rpo_ms=self._lag.get(gc.global_cluster_identifier, 0.0) if was_secondary else 0.0,
            started=self.emulator.clock.monotonic(), started_at=_now()))
        return self._render_response("RemoveFromGlobalCluster", gc)

    def _create_global_cluster(self, call: AwsCall) -> Response | None:
        """A global cluster built on an existing cluster, which becomes its writer.

        moto only looks the source up in us-east-1 (so a DR cluster promoted in
        us-east-2 cannot seed the rebuilt global database) and leaves it a
        non-writer holding the global ARN as its GlobalClusterIdentifier.
        """
        source_id = call.param("SourceDBClusterIdentifier")
        if not source_id:
            return None  # an empty global cluster: moto does that right
        identifier = call.param("GlobalClusterIdentifier", "")
        source = self._cluster(source_id, call.region)
        if source is None:
            return error_response(call, 404, "DBClusterNotFoundFault", f"DBCluster {source_id} not found.")
        if call.param("Engine"):
            return error_response(call, 400, "InvalidParameterCombination",
                                  "When creating global cluster from existing db cluster, value for engineName "
                                  "should not be specified since it will be inherited from source cluster")
        if self._global_cluster(identifier) is not None:
            return error_response(call, 400, "GlobalClusterAlreadyExistsFault",
                                  f"Global cluster {identifier} already exists")
        if any(source in gc.members for gc in self._global_clusters().values()):
            return error_response(call, 400, "InvalidDBClusterStateFault",
                                  f"DB cluster {source.db_cluster_identifier} is already a member of a global cluster.")
        gc = self.emulator.backend("rds", GLOBAL_HOME).create_global_cluster(
            global_cluster_identifier=identifier, source_db_cluster_identifier=None,
            engine=source.engine, engine_version=source.engine_version,
            storage_encrypted=bool(source.storage_encrypted),
            deletion_protection=_flag(call.param("DeletionProtection")))
        tags: dict[str, dict[str, str]] = {}
        for key, value in call.params.items():
            if match := _TAG.match(key):
                tags.setdefault(match[1], {})[match[2]] = value
        gc.tags = [tags[index] for index in sorted(tags, key=int)]
        gc.members.append(source)
        source.global_cluster_identifier = gc.global_cluster_identifier
        source.is_writer = True
        self._sync_topology()
        return self._render_response("CreateGlobalCluster", gc)

    def _delete_global_cluster(self, call: AwsCall) -> Response | None:
        identifier = call.param("GlobalClusterIdentifier", "")
        gc = self._global_cluster(identifier)
        if gc is None:
            return self._not_found(call, identifier)
        if gc.deletion_protection:
            return error_response(call, 400, "InvalidParameterCombination",
                                  "Cannot delete protected Global Cluster, please disable deletion protection "
                                  "and try again.")
        return None  # moto refuses a global cluster with members (InvalidGlobalClusterStateFault)

    def _delete_db_cluster(self, call: AwsCall) -> Response | None:
        cluster = self._cluster(call.param("DBClusterIdentifier", ""), call.region)
        gc = next((g for g in self._global_clusters().values() if cluster is not None and cluster in g.members), None)
        if gc is None:
            return None
        if not cluster.is_writer:
            return error_response(call, 400, "InvalidDBClusterStateFault", "This cluster is a part of a global "
                                  "cluster, please remove it from globalcluster first")
        if len(gc.members) > 1:
            return error_response(call, 400, "InvalidGlobalClusterStateFault",
                                  "Unable to delete cluster that is a primary member of global cluster "
                                  "while there are other global cluster members")
        return None  # moto checks protection and instances; the last member leaves in after()

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        """The last member leaves its global cluster with its deleted cluster (moto: only in us-east-1)."""
        if call.service != "rds" or call.action != "DeleteDBCluster" or status != 200 or not call.region:
            return None
        identifier = call.param("DBClusterIdentifier", "").split(":")[-1].lower()
        with self._lock:
            for gc in self._global_clusters().values():
                gc.members[:] = [m for m in gc.members
                                 if not (m.region == call.region and m.db_cluster_identifier.lower() == identifier)]
        return None

    # -- control routes ----------------------------------------------------------------------------
    def _lag_post(self, body: dict, query: dict) -> Response:
        with self._lock:
            self._settle()
            gc = self._global_cluster(str(body["global_cluster"]))
            if gc is None:
                return json_response(404, {"error": f"no global cluster {body['global_cluster']}"})
            key = gc.global_cluster_identifier
            lag = float(body.get("lag_ms", self._lag.get(key, 0.0)))
            if lag < 0:
                raise ValueError("lag_ms must not be negative")
            self._lag[key] = lag
            published = self._publish_lag(gc, lag)
            return json_response(200, {"global_cluster": key, "lag_ms": lag, "published": published})

    def _publish_lag(self, gc: GlobalCluster, lag: float) -> list[dict[str, str]]:
        """One datapoint of both lag metrics for every secondary, in its own region."""
        published = []
        # A datapoint describes the minute before its publication (CloudWatch reports a 1-minute
        # metric once its minute has passed) and is stamped at that minute's middle: a reader whose
        # query ends "now", computed before its request reached the emulator (a slow client on a
        # loaded machine: seconds), still sees the one its request made due.
        measured = utcnow() - timedelta(seconds=LAG_PUBLISH_INTERVAL / 2)  # moto keeps naive UTC datetimes
        writer = next((member for member in gc.members if member.is_writer), None)
        for member in gc.members:
            if member.is_writer or writer is None:
                continue
            # Published in the secondary's Region with the Region it replicates from.
            dimensions = [{"Name": "DBClusterIdentifier", "Value": member.db_cluster_identifier},
                          {"Name": "SourceRegion", "Value": writer.region}]
            self.emulator.backend("cloudwatch", member.region).put_metric_data("AWS/RDS", [
                {"MetricName": metric, "Value": lag, "Unit": "Milliseconds", "Dimensions": dimensions,
                 "Timestamp": measured}
                for metric in LAG_METRICS])
            published.append({"region": member.region, "db_cluster_identifier": member.db_cluster_identifier})
        self._lag_published[gc.global_cluster_identifier] = self.emulator.clock.monotonic()
        self._lag_sources[gc.global_cluster_identifier] = self._roles(gc)
        return published

    @staticmethod
    def _roles(gc: GlobalCluster) -> tuple:
        """(writer ARN, sorted secondary ARNs): what the lag datapoints are published for."""
        writer = next((m.db_cluster_arn for m in gc.members if m.is_writer), None)
        return writer, tuple(sorted(m.db_cluster_arn for m in gc.members if not m.is_writer))

    def _publish_due_lag(self) -> None:
        """Aurora publishes the lag metrics every minute while a global database runs: before a
        metric read, add the datapoints that minute-by-minute publishing would have added."""
        with self._lock:
            self._settle()
            for gc in list(self._global_clusters().values()):
                key = gc.global_cluster_identifier
                if (self.emulator.clock.monotonic() - self._lag_published.get(key, float("-inf")) >= LAG_PUBLISH_INTERVAL
                        or self._lag_sources.get(key) != self._roles(gc)):
                    self._publish_lag(gc, self._lag.get(key, 0.0))

    def _lag_get(self, body: dict, query: dict) -> Response:
        with self._lock:
            gc = self._global_cluster(query["global_cluster"])
            if gc is None:
                return json_response(404, {"error": f"no global cluster {query['global_cluster']}"})
            key = gc.global_cluster_identifier
            return json_response(200, {"global_cluster": key, "lag_ms": self._lag.get(key, 0.0)})

    def _settings_get(self, body: dict, query: dict) -> Response:
        return json_response(200, {"failover_delay": self.failover_delay})

    def _settings_post(self, body: dict, query: dict) -> Response:
        delay = float(body["failover_delay"])
        if not 0 <= delay <= 3600:
            raise ValueError("failover_delay must be within 0..3600 seconds")
        with self._lock:
            self.failover_delay = delay
        return self._settings_get(body, query)

    def _operations_get(self, body: dict, query: dict) -> Response:
        with self._lock:
            self._settle()
            wanted = (query.get("global_cluster") or "").lower()
            return json_response(200, {"operations": [
                op.report() for op in self._operations if not wanted or op.global_cluster == wanted]})


EXTENSIONS = [AuroraGlobalDatabase]
