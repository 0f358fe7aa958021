"""S3 Replication between the emulator's buckets, in any regions, as S3 documents it.

moto stores the configuration of PutBucketReplication but replicates nothing,
checks only the source bucket's versioning, and answers GetBucketReplication
with a fixed DeleteMarkerReplication (Disabled) and Filter (Prefix "") and
without SourceSelectionCriteria.  This extension:

- checks a configuration as S3 does: the destination bucket must exist and keep
  versions; a rule with a Filter (schema V2) must say whether delete markers
  replicate, a rule with a top-level Prefix (V1) must not, delete markers do
  not replicate under tag filters, and SseKmsEncryptedObjects needs a
  ReplicaKmsKeyID (InvalidRequest otherwise); a Metrics EventThreshold needs
  ReplicationTime enabled (InvalidArgument);
- answers GetBucketReplication with the configuration as it was put;
- replicates every object version a PutObject, CopyObject or
  CompleteMultipartUpload creates in a source bucket, when an Enabled rule's
  filter (Prefix, Tag, And) matches its key and tags: the replica keeps the
  version id, body, ETag, metadata, content type, tags and last-modified time,
  takes the rule's StorageClass, and SSE-KMS objects (replicated only with
  SseKmsEncryptedObjects Enabled) are encrypted with ReplicaKmsKeyID.  Of
  several rules for one destination the one of highest Priority applies.  HEAD
  and GET show ``x-amz-replication-status``: PENDING, COMPLETED or FAILED on
  the source (FAILED when the destination is gone or no longer versioned),
  REPLICA on the copy; replicas are never replicated again;
- replicates the delete marker of a DeleteObject (or DeleteObjects entry)
  without a version id when the rule is V1 or has DeleteMarkerReplication
  Enabled; deleting a specific version is never replicated;
- takes ``replication_delay`` seconds (emulator clock, default 0;
  ``POST /_dr/s3/settings {"replication_delay": s}``) and holds replication to a
  region that is down (the source stays PENDING); what is due completes before
  the next S3 request signed for the destination's region, or on
  ``POST /_dr/s3/flush``; ``GET /_dr/s3/pending`` counts what waits per region;
- publishes S3 Replication metrics (namespace ``AWS/S3``, dimensions exactly
  SourceBucket, DestinationBucket and RuleId) for the rules whose Destination
  enables Metrics (or Replication Time Control), as S3 documents them:
  ``ReplicationLatency`` (Seconds: the emulator-clock time from the write to its
  replica), ``OperationsPendingReplication`` (Count) and
  ``BytesPendingReplication`` (Bytes) in the destination bucket's region, and
  ``OperationsFailedReplication`` (Count: 1 for an operation that failed, 0 for
  one that did, so Sum counts failures and SampleCount operations) in the
  source bucket's region.  Pending counts are published whenever they change.

Requests use path-style addressing (what boto3 sends to the emulator's IP endpoint).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.parsers.expat import ExpatError

import xmltodict
from moto.core.utils import utcnow
from moto.s3.models import FakeBucket, FakeDeleteMarker, FakeKey

from ..errors import error_response, json_response
from ..request_info import AwsCall
from .base import ControlHandler, Extension, Response

if TYPE_CHECKING:
    from ..server import Emulator

STATUS_HEADER = "x-amz-replication-status"
_SEE_GUIDE = " Please refer to S3 Developer Guide for more information."
_NO_VERSION_QUERY = {"x-id"}  # query keys that leave a PUT/DELETE a plain object write


def _as_list(value: Any) -> list:
    """xmltodict gives one repeated element as a dict, several as a list, an empty one as None."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _configuration_of(bucket: FakeBucket) -> dict | None:
    """The replication configuration moto stores on a bucket (the attribute exists once one was put)."""
    return getattr(bucket, "replication", None)


def _enabled(section: Any) -> bool:
    return isinstance(section, dict) and section.get("Status") == "Enabled"


@dataclass
class Rule:
    """One replication rule, read from the configuration moto stores (parsed request XML)."""

    priority: int
    enabled: bool
    prefix: str
    tags: dict[str, str]
    delete_markers: bool
    destination: str  # bucket name
    storage_class: str | None
    replica_kms_key: str | None
    sse_kms_objects: bool
    rule_id: str = ""
    metrics: bool = False  # Destination Metrics (or Replication Time Control, which comes with them) enabled

    @classmethod
    def parse(cls, raw: dict) -> Rule:
        tags: dict[str, str] = {}
        if "Filter" in raw:  # schema V2
            filt = raw["Filter"] or {}
            conditions = filt.get("And") or filt
            prefix = conditions.get("Prefix") or ""
            for tag in _as_list(conditions.get("Tag")):
                tags[tag["Key"]] = tag.get("Value") or ""
            delete_markers = _enabled(raw.get("DeleteMarkerReplication"))
        else:  # schema V1: a top-level Prefix, and delete markers always replicate
            prefix = raw.get("Prefix") or ""
            delete_markers = True
        destination = raw.get("Destination") or {}
        criteria = raw.get("SourceSelectionCriteria") or {}
        return cls(
            priority=int(raw.get("Priority") or 0),
            enabled=raw.get("Status") == "Enabled",
            prefix=prefix,
            tags=tags,
            delete_markers=delete_markers,
            destination=(destination.get("Bucket") or "").split(":::", 1)[-1],
            storage_class=destination.get("StorageClass"),
            replica_kms_key=(destination.get("EncryptionConfiguration") or {}).get("ReplicaKmsKeyID"),
            sse_kms_objects=_enabled(criteria.get("SseKmsEncryptedObjects")),
            rule_id=raw.get("ID") or "",
            metrics=_enabled(destination.get("Metrics")) or _enabled(destination.get("ReplicationTime")),
        )

    def matches(self, key: str, tags: dict[str, str]) -> bool:
        return self.enabled and key.startswith(self.prefix) and self.tags.items() <= tags.items()


@dataclass
class Task:
    """One version to copy to one destination bucket."""

    source_bucket: str
    version: FakeKey | FakeDeleteMarker
    rule: Rule
    queued_at: float = 0.0  # emulator clock
    due_at: float = 0.0

    @property
    def metric_key(self) -> tuple[str, str, str]:
        return self.source_bucket, self.rule.destination, self.rule.rule_id

    @property
    def size(self) -> int:
        return self.version.size if isinstance(self.version, FakeKey) else 0


@dataclass
class _Snapshot:
    """The versions of the keys a write call touches, taken before moto runs it.

    Versions are compared by identity: in a bucket without versioning every
    version of a key is "null".
    """

    bucket: str
    versions: dict[str, list[FakeKey | FakeDeleteMarker]] = field(default_factory=dict)


class S3Replication(Extension):
    name = "s3"
    state_attributes = ("replication_delay", "_pending", "_replicas")
    order = 90  # late: a call an earlier extension answers leaves no snapshot here

    def __init__(self, emulator: Emulator) -> None:
        super().__init__(emulator)
        self._lock = threading.RLock()
        self.replication_delay = 0.0
        self._pending: dict[str, list[Task]] = {}
        self._snapshots: dict[int, _Snapshot] = {}
        self._replicas: weakref.WeakSet = weakref.WeakSet()  # versions this extension wrote

    @property
    def _backend(self) -> Any:
        return self.emulator.backend("s3", "aws")

    # -- request hooks -------------------------------------------------------------
    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "s3":
            return None
        bucket_name, key = call.path.lstrip("/").partition("/")[::2]
        with self._lock:
            if call.region:
                self._flush(call.region)
            bucket = self._backend.buckets.get(bucket_name)
            if bucket is None:
                return None
            if not key and "replication" in call.query:
                if call.method == "GET" and _configuration_of(bucket):
                    return self._configuration(bucket)
                if call.method == "PUT" and bucket.is_versioned:
                    return self._check_configuration(call)
                return None
            written = self._written_keys(call, key)
            if written:
                self._snapshots[id(call)] = _Snapshot(
                    bucket_name, {name: list(bucket.keys.getlist(name, [])) for name in written})
        return None

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        with self._lock:
            snapshot = self._snapshots.pop(id(call), None)
            bucket = self._backend.buckets.get(snapshot.bucket) if snapshot is not None else None
            if bucket is None or status >= 300:
                return None
            for name, before in snapshot.versions.items():
                for version in list(bucket.keys.getlist(name, [])):
                    if version not in before and version not in self._replicas:
                        self._new_version(bucket, version)
        return None

    @staticmethod
    def _written_keys(call: AwsCall, key: str) -> list[str]:
        """Keys whose new versions the call creates (object writes and delete markers)."""
        plain = not set(call.query) - _NO_VERSION_QUERY
        if key and call.method in ("PUT", "DELETE") and plain:
            return [key]  # PutObject, CopyObject, DeleteObject without a version id
        if key and call.method == "POST" and "uploadId" in call.query:
            return [key]  # CompleteMultipartUpload
        if not key and call.method == "POST" and "delete" in call.query:
            try:
                request = xmltodict.parse(call.body, dict_constructor=dict)["Delete"]
            except (ExpatError, KeyError, TypeError):
                return []
            return [entry["Key"] for entry in _as_list(request.get("Object")) if not entry.get("VersionId")]
        return []

    # -- configuration -------------------------------------------------------------
    @staticmethod
    def _configuration(bucket: FakeBucket) -> Response:
        """GetBucketReplication: the configuration as it was put (with the ids S3 gave to rules without one)."""
        document = xmltodict.unparse({"ReplicationConfiguration": _configuration_of(bucket)})
        return 200, {"Content-Type": "application/xml"}, document.encode()

    def _check_configuration(self, call: AwsCall) -> Response | None:
        try:
            configuration = xmltodict.parse(call.body, dict_constructor=dict)["ReplicationConfiguration"]
        except (ExpatError, KeyError, TypeError):
            return None  # moto answers a malformed document
        for raw in _as_list((configuration or {}).get("Rule")):
            destination = raw.get("Destination") or {}
            if (destination.get("Metrics") or {}).get("EventThreshold") and not _enabled(destination.get("ReplicationTime")):
                # The threshold is Replication Time Control's: S3 refuses it on metrics alone.
                return error_response(call, 400, "InvalidArgument",
                                      "Metrics cannot contain an event threshold when ReplicationTime is not specified or Disabled")
            problem = self._rule_problem(raw)
            if problem:
                return error_response(call, 400, "InvalidRequest", problem)
        return None

    def _rule_problem(self, raw: dict) -> str | None:
        v2 = "Filter" in raw
        if v2 and raw.get("DeleteMarkerReplication") is None:
            return ("DeleteMarkerReplication must be specified for this version of Cross Region Replication "
                    "configuration schema." + _SEE_GUIDE)
        if not v2 and raw.get("DeleteMarkerReplication") is not None:
            return ("DeleteMarkerReplication cannot be used for this version of Cross Region Replication "
                    "configuration schema." + _SEE_GUIDE)
        rule = Rule.parse(raw)
        if rule.tags and rule.delete_markers:
            return "Delete marker replication is not supported if any Tag filter is specified." + _SEE_GUIDE
        if rule.sse_kms_objects and not rule.replica_kms_key:
            return "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present."
        destination = self._backend.buckets.get(rule.destination)
        if destination is None:
            return "Destination bucket must exist."
        if not destination.is_versioned:
            return "Destination bucket must have versioning enabled."
        return None

    # -- replication ---------------------------------------------------------------
    def _new_version(self, bucket: FakeBucket, version: FakeKey | FakeDeleteMarker) -> None:
        """Start replicating a version a client request created in ``bucket``."""
        if isinstance(version, FakeKey):
            version.metadata.pop(STATUS_HEADER, None)  # a copy does not inherit its source's status
        rules = [Rule.parse(raw) for raw in _as_list((_configuration_of(bucket) or {}).get("Rule"))]
        if isinstance(version, FakeKey):
            tags = self._backend.tagger.get_tag_dict_for_resource(version.arn)
            kms = version.encryption == "aws:kms"
            candidates = [r for r in rules if r.matches(version.name, tags) and (r.sse_kms_objects or not kms)]
        else:
            candidates = [r for r in rules if r.delete_markers and r.matches(version.name, {})]
        chosen: dict[str, Rule] = {}
        for rule in candidates:  # one rule per destination: the highest priority
            if rule.destination not in chosen or rule.priority > chosen[rule.destination].priority:
                chosen[rule.destination] = rule
        if not chosen:
            return
        if isinstance(version, FakeKey):
            version.metadata[STATUS_HEADER] = "PENDING"
        now = self.emulator.clock.time()
        tasks = [Task(bucket.name, version, rule, now, now + self.replication_delay) for rule in chosen.values()]
        # Queue first, so a copy made now can tell whether its version still waits elsewhere.
        ready = []
        for task in tasks:
            region = self._destination_region(task)
            if region is not None and (region in self.emulator.state.outages or task.due_at > now):
                self._pending.setdefault(region, []).append(task)
            else:
                ready.append(task)  # due, or failing now: the destination bucket is gone
        for task in ready:
            self._run(task)
        self._publish_pending({task.metric_key for task in tasks if task.rule.metrics})

    def _destination_region(self, task: Task) -> str | None:
        destination = self._backend.buckets.get(task.rule.destination)
        return destination.region_name if destination is not None else None

    def _run(self, task: Task) -> None:
        destination = self._backend.buckets.get(task.rule.destination)
        done = destination is not None and destination.is_versioned
        if done and not any(v.version_id == task.version.version_id
                            for v in destination.keys.getlist(task.version.name, [])):
            if isinstance(task.version, FakeKey):
                self._copy_object(task.version, destination, task.rule)
            else:
                self._copy_delete_marker(task.version, destination)
        if isinstance(task.version, FakeKey):
            metadata = task.version.metadata
            if not done:
                metadata[STATUS_HEADER] = "FAILED"
            elif metadata.get(STATUS_HEADER) != "FAILED" and not self._waiting(task.version):
                metadata[STATUS_HEADER] = "COMPLETED"
        if task.rule.metrics:
            self._publish_outcome(task, destination if done else None)

    def _copy_object(self, source: FakeKey, destination: FakeBucket, rule: Rule) -> None:
        kms = source.encryption == "aws:kms"
        replica = self._backend.put_object(
            destination.name, source.name, source.value,
            storage=rule.storage_class or source.storage_class,
            etag=source.etag.strip('"'),
            multipart=source.multipart,
            encryption=source.encryption,
            kms_key_id=rule.replica_kms_key if kms else None,
            bucket_key_enabled=source.bucket_key_enabled,
            checksum_value=source.checksum_value,
        )
        self._replicas.add(replica)
        replica._version_id = source.version_id  # replicas keep the source's version id
        replica.last_modified = source.last_modified
        replica.checksum_algorithm = source.checksum_algorithm
        replica.checksum_type = source.checksum_type
        replica.set_metadata(dict(source.metadata))
        replica.metadata[STATUS_HEADER] = "REPLICA"
        self._backend.tagger.copy_tags(source.arn, replica.arn)

    def _copy_delete_marker(self, source: FakeDeleteMarker, destination: FakeBucket) -> None:
        marker = FakeDeleteMarker(key=destination.keys.get(source.name) or source.key)
        self._replicas.add(marker)
        marker._version_id = source.version_id
        marker.last_modified = source.last_modified
        destination.keys[source.name] = marker

    def _waiting(self, version: FakeKey) -> bool:
        return any(task.version is version for tasks in self._pending.values() for task in tasks)

    def _flush(self, region: str) -> int:
        """Replicate what is due for ``region`` if it is up; how many versions were copied."""
        if region in self.emulator.state.outages or region not in self._pending:
            return 0
        now = self.emulator.clock.time()
        tasks = self._pending.pop(region)
        due = [task for task in tasks if task.due_at <= now]
        if len(due) < len(tasks):
            self._pending[region] = [task for task in tasks if task.due_at > now]
        copied = 0
        for task in due:
            source = self._backend.buckets.get(task.source_bucket)
            # A version deleted meanwhile is not replicated any more.
            if source is not None and any(v is task.version for v in source.keys.getlist(task.version.name, [])):
                self._run(task)
                copied += 1
        self._publish_pending({task.metric_key for task in due if task.rule.metrics})
        return copied

    # -- replication metrics -------------------------------------------------------
    def _put_metrics(self, region: str, key: tuple[str, str, str], metrics: list[tuple[str, float, str]]) -> None:
        dimensions = [{"Name": name, "Value": value}
                      for name, value in zip(("SourceBucket", "DestinationBucket", "RuleId"), key)]
        stamp = utcnow()  # moto keeps naive UTC datetimes
        self.emulator.backend("cloudwatch", region).put_metric_data("AWS/S3", [
            {"MetricName": name, "Value": value, "Unit": unit, "Dimensions": dimensions, "Timestamp": stamp}
            for name, value, unit in metrics])

    def _publish_outcome(self, task: Task, destination: FakeBucket | None) -> None:
        """OperationsFailedReplication (0 or 1) in the source's region; ReplicationLatency in the
        destination's region once the replica is there (S3 publishes none for a deleted destination)."""
        source = self._backend.buckets.get(task.source_bucket)
        if source is not None:
            self._put_metrics(source.region_name, task.metric_key,
                              [("OperationsFailedReplication", 0.0 if destination is not None else 1.0, "Count")])
        if destination is not None:
            latency = max(self.emulator.clock.time() - task.queued_at, 0.0)
            self._put_metrics(destination.region_name, task.metric_key, [("ReplicationLatency", latency, "Seconds")])

    def _publish_pending(self, keys: set[tuple[str, str, str]]) -> None:
        """OperationsPendingReplication and BytesPendingReplication of each rule, in its destination's region."""
        for key in keys:
            destination = self._backend.buckets.get(key[1])
            if destination is None:
                continue  # not published for a deleted destination bucket
            waiting = [task for tasks in self._pending.values() for task in tasks if task.metric_key == key]
            self._put_metrics(destination.region_name, key, [
                ("OperationsPendingReplication", float(len(waiting)), "Count"),
                ("BytesPendingReplication", float(sum(task.size for task in waiting)), "Bytes")])

    # -- control API ---------------------------------------------------------------
    def control_routes(self) -> dict[tuple[str, str], ControlHandler]:
        return {
            ("GET", "pending"): lambda body, query: json_response(200, {"pending": self._pending_counts()}),
            ("POST", "flush"): self._flush_route,
            ("GET", "settings"): lambda body, query: json_response(200, self._settings()),
            ("POST", "settings"): self._settings_route,
        }

    def _settings(self) -> dict:
        return {"replication_delay": self.replication_delay}

    def _settings_route(self, body: dict, query: dict) -> Response:
        """{"replication_delay": seconds}: how long a new version takes to reach its destination."""
        delay = float(body["replication_delay"])
        if not 0 <= delay <= 86400:
            raise ValueError("replication_delay must be within 0..86400 seconds")
        with self._lock:
            self.replication_delay = delay
        return json_response(200, self._settings())

    def _flush_route(self, body: dict, query: dict) -> Response:
        with self._lock:
            applied = sum(self._flush(region) for region in list(self._pending))
            return json_response(200, {"applied": applied, "pending": self._pending_counts()})

    def _pending_counts(self) -> dict[str, int]:
        with self._lock:
            return {region: len(tasks) for region, tasks in sorted(self._pending.items())}

    def reset(self) -> None:
        with self._lock:
            self.replication_delay = 0.0
            self._pending.clear()
            self._snapshots.clear()
            self._replicas = weakref.WeakSet()

    def restore_state(self, state: dict) -> None:
        with self._lock:
            self._snapshots.clear()  # per-request bookkeeping; no request runs while restoring
            super().restore_state(state)


EXTENSIONS = [S3Replication]
