"""S3 Replication in the emulator: configuration checks, object and delete-marker replication, outages."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY
from tests.emulator.control import subscribe_queue

SOURCE, DESTINATION = "payments-data-primary", "payments-data-dr"
ROLE = "arn:aws:iam::123456789012:role/payments-s3-replication"


def rule(rule_id: str = "all", destination: str = DESTINATION, **fields) -> dict:
    return {"ID": rule_id, "Priority": 1, "Status": "Enabled", "Filter": {},
            "DeleteMarkerReplication": {"Status": "Disabled"},
            "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}, **fields}


def make_bucket(client, name: str, region: str, versioned: bool = True) -> None:
    if region == "us-east-1":
        client.create_bucket(Bucket=name)
    else:
        client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    if versioned:
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def replicate(client, *rules: dict, bucket: str = SOURCE) -> None:
    client.put_bucket_replication(Bucket=bucket, ReplicationConfiguration={"Role": ROLE, "Rules": list(rules)})


def status(client, bucket: str, key: str, **extra) -> str | None:
    return client.head_object(Bucket=bucket, Key=key, **extra).get("ReplicationStatus")


def error_of(call, *args, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as err:
        call(*args, **kwargs)
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


@pytest.fixture
def buckets(aws):
    """The source bucket in the primary region and the destination in the DR region, both versioned."""
    primary, dr = aws("s3", PRIMARY), aws("s3", DR)
    make_bucket(primary, SOURCE, PRIMARY)
    make_bucket(dr, DESTINATION, DR)
    return primary, dr


# -- configuration ------------------------------------------------------------------------

def test_both_buckets_must_keep_versions(aws, control):
    primary, dr = aws("s3", PRIMARY), aws("s3", DR)
    make_bucket(primary, SOURCE, PRIMARY, versioned=False)
    make_bucket(dr, DESTINATION, DR, versioned=False)
    code, message = error_of(replicate, primary, rule())
    assert code == "InvalidRequest" and "Versioning must be 'Enabled'" in message
    primary.put_bucket_versioning(Bucket=SOURCE, VersioningConfiguration={"Status": "Enabled"})
    assert error_of(replicate, primary, rule()) == ("InvalidRequest", "Destination bucket must have versioning enabled.")
    assert error_of(replicate, primary, rule(destination="missing")) == (
        "InvalidRequest", "Destination bucket must exist.")


@pytest.mark.parametrize("bad_rule, message", [
    ({"DeleteMarkerReplication": None}, "DeleteMarkerReplication must be specified"),
    ({"Filter": {"Tag": {"Key": "replicate", "Value": "yes"}}, "DeleteMarkerReplication": {"Status": "Enabled"}},
     "Delete marker replication is not supported if any Tag filter is specified"),
    ({"SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}}},
     "ReplicaKmsKeyID must be specified"),
])
def test_configuration_is_checked_like_s3(buckets, bad_rule, message):
    primary = buckets[0]
    invalid = {k: v for k, v in dict(rule(), **bad_rule).items() if v is not None}
    code, text = error_of(replicate, primary, invalid)
    assert code == "InvalidRequest" and message in text
    assert error_of(primary.get_bucket_replication, Bucket=SOURCE)[0] == "ReplicationConfigurationNotFoundError"


def test_a_v1_rule_takes_no_delete_marker_setting(buckets):
    primary = buckets[0]
    v1 = {"ID": "v1", "Prefix": "", "Status": "Enabled", "DeleteMarkerReplication": {"Status": "Enabled"},
          "Destination": {"Bucket": f"arn:aws:s3:::{DESTINATION}"}}
    code, message = error_of(replicate, primary, v1)
    assert code == "InvalidRequest" and "DeleteMarkerReplication cannot be used" in message


def test_get_bucket_replication_answers_the_configuration_as_put(buckets):
    primary = buckets[0]
    configured = rule(
        "primary-to-dr", Priority=7,
        Filter={"And": {"Prefix": "payments/",
                        "Tags": [{"Key": "class", "Value": "ledger"}, {"Key": "replicate", "Value": "yes"}]}},
        SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": "Enabled"}},
        Destination={"Bucket": f"arn:aws:s3:::{DESTINATION}", "StorageClass": "STANDARD_IA",
                     "EncryptionConfiguration": {"ReplicaKmsKeyID": "arn:aws:kms:us-east-2:123456789012:key/k"},
                     "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
                     "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}})
    replicate(primary, configured, dict(rule("everything-else", Priority=1),
                                        DeleteMarkerReplication={"Status": "Enabled"}))
    answer = primary.get_bucket_replication(Bucket=SOURCE)["ReplicationConfiguration"]
    assert answer["Role"] == ROLE
    assert answer["Rules"] == [configured, dict(rule("everything-else", Priority=1),
                                                DeleteMarkerReplication={"Status": "Enabled"})]


# -- objects --------------------------------------------------------------------------------

def test_new_objects_replicate_with_their_version_metadata_and_tags(buckets):
    primary, dr = buckets
    replicate(primary, rule(Destination={"Bucket": f"arn:aws:s3:::{DESTINATION}", "StorageClass": "STANDARD_IA"}))
    put = primary.put_object(Bucket=SOURCE, Key="ledger/2026-11-28.csv", Body=b"id,amount\n1,12.50\n",
                             ContentType="text/csv", Metadata={"batch": "42"}, Tagging="class=ledger")
    source = primary.head_object(Bucket=SOURCE, Key="ledger/2026-11-28.csv")
    assert source["ReplicationStatus"] == "COMPLETED"

    replica = dr.get_object(Bucket=DESTINATION, Key="ledger/2026-11-28.csv")
    assert replica["ReplicationStatus"] == "REPLICA"
    assert replica["VersionId"] == put["VersionId"] and replica["ETag"] == put["ETag"]
    assert replica["Body"].read() == b"id,amount\n1,12.50\n"
    assert replica["ContentType"] == "text/csv" and replica["Metadata"] == {"batch": "42"}
    assert replica["StorageClass"] == "STANDARD_IA"
    assert replica["LastModified"] == source["LastModified"]
    tags = dr.get_object_tagging(Bucket=DESTINATION, Key="ledger/2026-11-28.csv")["TagSet"]
    assert tags == [{"Key": "class", "Value": "ledger"}]


def test_copies_and_multipart_uploads_replicate(buckets):
    primary, dr = buckets
    primary.put_object(Bucket=SOURCE, Key="before-replication", Body=b"old")
    replicate(primary, rule())
    # Objects written before the configuration are not replicated.
    assert status(primary, SOURCE, "before-replication") is None
    copy = primary.copy_object(Bucket=SOURCE, Key="copy", CopySource={"Bucket": SOURCE, "Key": "before-replication"})
    assert dr.head_object(Bucket=DESTINATION, Key="copy")["VersionId"] == copy["VersionId"]
    assert status(primary, SOURCE, "copy") == "COMPLETED"

    upload = primary.create_multipart_upload(Bucket=SOURCE, Key="statement.pdf")["UploadId"]
    parts = [{"PartNumber": n, "ETag": primary.upload_part(Bucket=SOURCE, Key="statement.pdf", UploadId=upload,
                                                           PartNumber=n, Body=bytes([n]) * (5 * 1024 * 1024))["ETag"]}
             for n in (1, 2)]
    done = primary.complete_multipart_upload(Bucket=SOURCE, Key="statement.pdf", UploadId=upload,
                                             MultipartUpload={"Parts": parts})
    replica = dr.head_object(Bucket=DESTINATION, Key="statement.pdf")
    assert (replica["VersionId"], replica["ETag"], replica["ReplicationStatus"]) == (
        done["VersionId"], done["ETag"], "REPLICA")


def test_a_copy_of_a_replica_is_a_new_object(buckets):
    primary, dr = buckets
    replicate(primary, rule())
    primary.put_object(Bucket=SOURCE, Key="a", Body=b"a")
    dr.copy_object(Bucket=DESTINATION, Key="b", CopySource={"Bucket": DESTINATION, "Key": "a"})
    assert status(dr, DESTINATION, "a") == "REPLICA"
    assert status(dr, DESTINATION, "b") is None


def test_filters_status_and_priority_choose_what_replicates(buckets):
    primary, dr = buckets
    replicate(primary,
              rule("ledger", Filter={"Prefix": "ledger/"}),
              rule("tagged", Priority=2, Filter={"Tag": {"Key": "replicate", "Value": "yes"}},
                   Destination={"Bucket": f"arn:aws:s3:::{DESTINATION}", "StorageClass": "GLACIER"}),
              rule("off", Priority=3, Status="Disabled", Filter={"Prefix": "tmp/"}))
    primary.put_object(Bucket=SOURCE, Key="ledger/a", Body=b"a")
    primary.put_object(Bucket=SOURCE, Key="ledger/b", Body=b"b", Tagging="replicate=yes")
    primary.put_object(Bucket=SOURCE, Key="other/c", Body=b"c", Tagging="replicate=no")
    primary.put_object(Bucket=SOURCE, Key="tmp/d", Body=b"d")
    assert [status(primary, SOURCE, k) for k in ("ledger/a", "ledger/b", "other/c", "tmp/d")] == [
        "COMPLETED", "COMPLETED", None, None]
    listed = {o["Key"]: o["StorageClass"] for o in dr.list_objects_v2(Bucket=DESTINATION)["Contents"]}
    # Two rules match ledger/b; the one of higher priority (tagged, GLACIER) applies.
    assert listed == {"ledger/a": "STANDARD", "ledger/b": "GLACIER"}


def test_sse_kms_objects_replicate_only_when_selected(buckets, aws):
    primary, dr = buckets
    source_key = aws("kms", PRIMARY).create_key()["KeyMetadata"]["Arn"]
    replica_key = aws("kms", DR).create_key()["KeyMetadata"]["Arn"]
    replicate(primary, rule(Filter={"Prefix": "plain/"}),
              rule("kms", Priority=2, Filter={"Prefix": "kms/"},
                   SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": "Enabled"}},
                   Destination={"Bucket": f"arn:aws:s3:::{DESTINATION}",
                                "EncryptionConfiguration": {"ReplicaKmsKeyID": replica_key}}))
    for key in ("plain/x", "kms/x"):
        primary.put_object(Bucket=SOURCE, Key=key, Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId=source_key)
    assert status(primary, SOURCE, "plain/x") is None
    replica = dr.head_object(Bucket=DESTINATION, Key="kms/x")
    assert replica["ServerSideEncryption"] == "aws:kms" and replica["SSEKMSKeyId"] == replica_key


def test_replicas_are_not_replicated_back(buckets):
    primary, dr = buckets
    replicate(primary, rule())
    replicate(dr, rule("back", destination=SOURCE), bucket=DESTINATION)  # two-way replication
    primary.put_object(Bucket=SOURCE, Key="a", Body=b"a")
    assert status(dr, DESTINATION, "a") == "REPLICA"
    assert len(primary.list_object_versions(Bucket=SOURCE)["Versions"]) == 1
    dr.put_object(Bucket=DESTINATION, Key="b", Body=b"b")  # written in the DR region: replicated back
    assert status(primary, SOURCE, "b") == "REPLICA" and status(dr, DESTINATION, "b") == "COMPLETED"


def test_replication_fails_when_the_destination_stops_keeping_versions(buckets):
    primary, dr = buckets
    replicate(primary, rule())
    dr.put_bucket_versioning(Bucket=DESTINATION, VersioningConfiguration={"Status": "Suspended"})
    primary.put_object(Bucket=SOURCE, Key="a", Body=b"a")
    assert status(primary, SOURCE, "a") == "FAILED"
    assert error_of(dr.head_object, Bucket=DESTINATION, Key="a")[0] == "404"


# -- delete markers -------------------------------------------------------------------------

def test_delete_markers_replicate_when_enabled(buckets):
    primary, dr = buckets
    replicate(primary, dict(rule(), DeleteMarkerReplication={"Status": "Enabled"}))
    first = primary.put_object(Bucket=SOURCE, Key="a", Body=b"1")
    second = primary.put_object(Bucket=SOURCE, Key="a", Body=b"2")
    marker = primary.delete_object(Bucket=SOURCE, Key="a")
    assert marker["DeleteMarker"] is True
    versions = dr.list_object_versions(Bucket=DESTINATION)
    assert [m["VersionId"] for m in versions["DeleteMarkers"]] == [marker["VersionId"]]
    assert error_of(dr.head_object, Bucket=DESTINATION, Key="a")[0] == "404"

    # Deleting a specific version is never replicated.
    primary.delete_object(Bucket=SOURCE, Key="a", VersionId=first["VersionId"])
    kept = {v["VersionId"] for v in dr.list_object_versions(Bucket=DESTINATION)["Versions"]}
    assert kept == {first["VersionId"], second["VersionId"]}

    primary.put_object(Bucket=SOURCE, Key="b", Body=b"b")
    primary.delete_objects(Bucket=SOURCE, Delete={"Objects": [{"Key": "b"}]})
    assert error_of(dr.head_object, Bucket=DESTINATION, Key="b")[0] == "404"


def test_delete_markers_stay_when_not_enabled(buckets):
    primary, dr = buckets
    replicate(primary, rule())
    primary.put_object(Bucket=SOURCE, Key="a", Body=b"1")
    primary.delete_object(Bucket=SOURCE, Key="a")
    assert dr.get_object(Bucket=DESTINATION, Key="a")["Body"].read() == b"1"
    assert "DeleteMarkers" not in dr.list_object_versions(Bucket=DESTINATION)


# -- outages -------------------------------------------------------------------------------

def test_replication_to_a_region_that_is_down_waits_for_it(buckets, control):
    primary, dr = buckets
    replicate(primary, dict(rule(), DeleteMarkerReplication={"Status": "Enabled"}))
    primary.put_object(Bucket=SOURCE, Key="gone", Body=b"gone")
    control.region_down(DR)
    put = primary.put_object(Bucket=SOURCE, Key="a", Body=b"a")
    primary.delete_object(Bucket=SOURCE, Key="gone")
    assert status(primary, SOURCE, "a") == "PENDING"
    assert control.get("s3/pending") == {"pending": {DR: 2}}
    assert control.post("s3/flush") == {"applied": 0, "pending": {DR: 2}}  # still down
    control.region_up(DR)
    assert control.post("s3/flush") == {"applied": 2, "pending": {}}
    assert status(primary, SOURCE, "a") == "COMPLETED"
    assert dr.head_object(Bucket=DESTINATION, Key="a")["VersionId"] == put["VersionId"]
    assert error_of(dr.head_object, Bucket=DESTINATION, Key="gone")[0] == "404"

    control.region_down(DR)
    primary.put_object(Bucket=SOURCE, Key="b", Body=b"b")
    control.region_up(DR)
    # The next request signed for the DR region replicates what waited first.
    assert status(dr, DESTINATION, "b") == "REPLICA"
    assert status(primary, SOURCE, "b") == "COMPLETED"
    assert control.get("s3/pending") == {"pending": {}}


def test_a_version_deleted_before_its_region_is_back_is_not_replicated(buckets, control):
    primary, dr = buckets
    replicate(primary, rule())
    control.region_down(DR)
    version = primary.put_object(Bucket=SOURCE, Key="a", Body=b"a")["VersionId"]
    primary.delete_object(Bucket=SOURCE, Key="a", VersionId=version)
    control.region_up(DR)
    assert control.post("s3/flush") == {"applied": 0, "pending": {}}
    assert "Versions" not in dr.list_object_versions(Bucket=DESTINATION)


def test_settings_route_rejects_bad_delays(control):
    from urllib.error import HTTPError

    for delay in (-1, 86401):
        with pytest.raises(HTTPError) as err:
            control.post("s3/settings", {"replication_delay": delay})
        assert err.value.code == 400
    assert control.get("s3/settings") == {"replication_delay": 0.0}


# -- replication metrics ----------------------------------------------------------------

METRICS = {"Metrics": {"Status": "Enabled"}}
UNITS = {"ReplicationLatency": "Seconds", "BytesPendingReplication": "Bytes",
         "OperationsPendingReplication": "Count", "OperationsFailedReplication": "Count"}


def with_metrics(destination: str = DESTINATION, **destination_fields) -> dict:
    spec = rule(destination=destination)
    spec["Destination"].update(destination_fields or METRICS)
    return spec


def replication_metric(aws, region: str, name: str, rule_id: str = "all", destination: str = DESTINATION,
                       dimensions: list[dict] | None = None) -> dict | None:
    """Statistics of one S3 Replication metric over the last 10 minutes (one 600 s period), read in ``region``."""
    now = datetime.now(timezone.utc)
    dimensions = dimensions or [{"Name": "SourceBucket", "Value": SOURCE}, {"Name": "DestinationBucket", "Value": destination},
                                {"Name": "RuleId", "Value": rule_id}]
    points = aws("cloudwatch", region).get_metric_statistics(
        Namespace="AWS/S3", MetricName=name, Dimensions=dimensions, Unit=UNITS[name],
        StartTime=now - timedelta(minutes=10), EndTime=now + timedelta(seconds=1), Period=600,
        Statistics=["Maximum", "Minimum", "Sum", "SampleCount"])["Datapoints"]
    assert len(points) <= 1, points
    return points[0] if points else None


def test_metrics_are_published_only_for_rules_that_enable_them(buckets, aws):
    primary, dr = buckets
    replicate(primary, rule())
    primary.put_object(Bucket=SOURCE, Key="a", Body=b"a")
    for region in (PRIMARY, DR):
        assert all(replication_metric(aws, region, name) is None for name in UNITS)

    replicate(primary, with_metrics())
    primary.put_object(Bucket=SOURCE, Key="b", Body=b"b")
    assert status(primary, SOURCE, "b") == "COMPLETED"
    failed = replication_metric(aws, PRIMARY, "OperationsFailedReplication")  # in the source bucket's region
    assert (failed["Sum"], failed["SampleCount"]) == (0.0, 1.0)
    assert replication_metric(aws, DR, "ReplicationLatency")["Maximum"] < 5  # in the destination bucket's region
    assert replication_metric(aws, DR, "OperationsPendingReplication")["Maximum"] == 0.0
    assert replication_metric(aws, PRIMARY, "ReplicationLatency") is None
    assert replication_metric(aws, DR, "OperationsFailedReplication") is None
    # The exact dimension set names the metric: a subset finds nothing.
    assert replication_metric(aws, DR, "ReplicationLatency", dimensions=[{"Name": "SourceBucket", "Value": SOURCE}]) is None


def test_an_event_threshold_needs_replication_time_control(buckets):
    primary = buckets[0]
    threshold = {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}
    for rtc in (None, {"Status": "Disabled", "Time": {"Minutes": 15}}):
        fields = {"Metrics": threshold, **({"ReplicationTime": rtc} if rtc else {})}
        assert error_of(replicate, primary, with_metrics(**fields)) == (
            "InvalidArgument", "Metrics cannot contain an event threshold when ReplicationTime is not specified or Disabled")
    with pytest.raises(ClientError):
        primary.get_bucket_replication(Bucket=SOURCE)  # nothing was stored


def test_replication_time_control_brings_metrics(buckets, aws):
    primary, dr = buckets
    replicate(primary, with_metrics(ReplicationTime={"Status": "Enabled", "Time": {"Minutes": 15}},
                                    Metrics={"Status": "Enabled", "EventThreshold": {"Minutes": 15}}))
    primary.put_object(Bucket=SOURCE, Key="a", Body=b"a")
    assert replication_metric(aws, DR, "ReplicationLatency")["SampleCount"] == 1.0


def test_latency_and_pending_operations_follow_the_replication_delay(buckets, aws, control):
    primary, dr = buckets
    replicate(primary, with_metrics())
    control.post("s3/settings", {"replication_delay": 1000})
    primary.put_object(Bucket=SOURCE, Key="a", Body=b"abc")
    primary.put_object(Bucket=SOURCE, Key="b", Body=b"defgh")
    assert status(primary, SOURCE, "a") == "PENDING"
    assert control.get("s3/pending") == {"pending": {DR: 2}}
    assert replication_metric(aws, DR, "OperationsPendingReplication")["Maximum"] == 2.0
    assert replication_metric(aws, DR, "BytesPendingReplication")["Maximum"] == 8.0
    assert replication_metric(aws, DR, "ReplicationLatency") is None

    control.advance_clock(1000)
    assert status(dr, DESTINATION, "a") == "REPLICA"  # the destination region's next request completes what is due
    assert status(primary, SOURCE, "b") == "COMPLETED"
    latency = replication_metric(aws, DR, "ReplicationLatency")
    assert latency["SampleCount"] == 2.0 and 1000 <= latency["Maximum"] < 1010
    assert replication_metric(aws, DR, "OperationsPendingReplication")["Minimum"] == 0.0
    assert replication_metric(aws, DR, "BytesPendingReplication")["Minimum"] == 0.0


@pytest.mark.parametrize("break_destination", ["delete", "suspend"])
def test_failed_operations_are_counted_in_the_source_region(buckets, aws, break_destination):
    primary, dr = buckets
    replicate(primary, with_metrics())
    if break_destination == "delete":
        dr.delete_bucket(Bucket=DESTINATION)
    else:
        dr.put_bucket_versioning(Bucket=DESTINATION, VersioningConfiguration={"Status": "Suspended"})
    primary.put_object(Bucket=SOURCE, Key="a", Body=b"a")
    primary.put_object(Bucket=SOURCE, Key="b", Body=b"b")
    assert status(primary, SOURCE, "a") == "FAILED"
    failed = replication_metric(aws, PRIMARY, "OperationsFailedReplication")
    assert (failed["Sum"], failed["SampleCount"]) == (2.0, 2.0)
    assert replication_metric(aws, DR, "ReplicationLatency") is None


def test_replication_alarms_fire_and_notify(buckets, aws, control, emulator):
    primary, dr = buckets
    replicate(primary, with_metrics())
    dimensions = [{"Name": "SourceBucket", "Value": SOURCE}, {"Name": "DestinationBucket", "Value": DESTINATION},
                  {"Name": "RuleId", "Value": "all"}]
    received = {}
    for region, name, metric, statistic, threshold, unit in (
            (DR, "s3-replication-latency", "ReplicationLatency", "Maximum", 900.0, "Seconds"),
            (PRIMARY, "s3-replication-failures", "OperationsFailedReplication", "Sum", 1.0, "Count")):
        topic = aws("sns", region).create_topic(Name="dr-alerts")["TopicArn"]
        received[name] = subscribe_queue(emulator.endpoint_url, topic, f"{name}-queue")
        aws("cloudwatch", region).put_metric_alarm(
            AlarmName=name, Namespace="AWS/S3", MetricName=metric, Dimensions=dimensions, Statistic=statistic,
            Period=60, EvaluationPeriods=1, Threshold=threshold, Unit=unit,
            ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic])

    control.post("s3/settings", {"replication_delay": 960})
    primary.put_object(Bucket=SOURCE, Key="slow", Body=b"slow")
    control.advance_clock(960)
    assert status(dr, DESTINATION, "slow") == "REPLICA"
    control.post("s3/settings", {"replication_delay": 0})
    dr.put_bucket_versioning(Bucket=DESTINATION, VersioningConfiguration={"Status": "Suspended"})
    primary.put_object(Bucket=SOURCE, Key="lost", Body=b"lost")
    assert status(primary, SOURCE, "lost") == "FAILED"

    evaluated = {r["alarm"]: r["state"] for r in control.post("cloudwatch/evaluate")["evaluated"]}
    assert evaluated == {"s3-replication-latency": "ALARM", "s3-replication-failures": "ALARM"}
    for name, region_name in (("s3-replication-latency", "US East (Ohio)"),
                              ("s3-replication-failures", "US East (N. Virginia)")):
        [envelope] = received[name]()
        assert envelope["Subject"] == f'ALARM: "{name}" in {region_name}'
        message = json.loads(envelope["Message"])
        assert message["NewStateValue"] == "ALARM"
        assert {d["name"]: d["value"] for d in message["Trigger"]["Dimensions"]} == {
            "SourceBucket": SOURCE, "DestinationBucket": DESTINATION, "RuleId": "all"}
