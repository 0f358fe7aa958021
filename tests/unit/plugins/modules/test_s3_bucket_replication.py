from __future__ import annotations

import copy
from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.modules import s3_bucket_replication

ROLE = "arn:aws:iam::123456789012:role/payments-s3-replication-global-test"
DEST = "arn:aws:s3:::payments-data-dr-test"
KEY = "arn:aws:kms:us-east-2:123456789012:key/22222222-2222-2222-2222-222222222222"
WRITES = ("put_bucket_replication", "delete_bucket_replication")


def error(code):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, "GetBucketReplication")


def client_with(configuration=None, missing_bucket=False):
    """A client whose GetBucketReplication answers what was last put (or ``configuration``)."""
    client = MagicMock()
    stored = {"value": copy.deepcopy(configuration)}

    def get(**kw):
        if missing_bucket:
            raise error("NoSuchBucket")
        if stored["value"] is None:
            raise error("ReplicationConfigurationNotFoundError")
        return {"ReplicationConfiguration": copy.deepcopy(stored["value"])}

    client.get_bucket_replication.side_effect = get
    client.put_bucket_replication.side_effect = lambda **kw: stored.update(value=kw["ReplicationConfiguration"])
    client.delete_bucket_replication.side_effect = lambda **kw: stored.update(value=None)
    return client


RULE = {"id": "primary-to-dr", "destination_bucket": DEST, "delete_marker_replication": True,
        "replication_time": True, "sse_kms_encrypted_objects": True, "replica_kms_key_id": KEY}
ARGS = {"bucket": "payments-data-primary-test", "role": ROLE, "rules": [RULE]}
API_RULE = {
    "ID": "primary-to-dr", "Priority": 1, "Status": "Enabled", "Filter": {},
    "DeleteMarkerReplication": {"Status": "Enabled"},
    "Destination": {"Bucket": DEST, "EncryptionConfiguration": {"ReplicaKmsKeyID": KEY},
                    "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
                    "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}},
    "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
}
API_CONFIG = {"Role": ROLE, "Rules": [API_RULE]}


def test_creates_the_configuration(run_module):
    client = client_with(None)
    result, failed = run_module(s3_bucket_replication, ARGS, client)
    assert not failed, result
    assert result["changed"] is True
    client.put_bucket_replication.assert_called_once_with(
        aws_retry=True, Bucket="payments-data-primary-test", ReplicationConfiguration=API_CONFIG)
    rule = result["replication_configuration"]["rules"][0]
    assert rule["destination"]["replication_time"] == {"status": "Enabled", "time": {"minutes": 15}}
    assert result["replication_configuration"]["role"] == ROLE


# What S3 answers for the same configuration, in the other shapes it uses.
AS_READ_BACK = [
    API_CONFIG,
    # Filter with an empty prefix, explicit Disabled sub-settings, ExistingObjectReplication Disabled.
    {"Role": ROLE, "Rules": [dict(
        API_RULE, Filter={"Prefix": ""}, ExistingObjectReplication={"Status": "Disabled"},
        SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": "Enabled"},
                                 "ReplicaModifications": {"Status": "Disabled"}})]},
]


@pytest.mark.parametrize("current", AS_READ_BACK)
def test_same_configuration_in_another_shape_changes_nothing(run_module, current):
    client = client_with(current)
    result, failed = run_module(s3_bucket_replication, ARGS, client)
    assert not failed and result["changed"] is False, result
    client.put_bucket_replication.assert_not_called()


@pytest.mark.parametrize(
    "rule_change, expected_change",
    [
        ({"status": "Disabled"}, {"Status": "Disabled"}),
        ({"priority": 7}, {"Priority": 7}),
        ({"delete_marker_replication": False}, {"DeleteMarkerReplication": {"Status": "Disabled"}}),
        ({"prefix": "tx/"}, {"Filter": {"Prefix": "tx/"}}),
        ({"prefix": "tx/", "tags": {"b": "2", "a": "1"}, "delete_marker_replication": False},
         {"Filter": {"And": {"Prefix": "tx/", "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}},
          "DeleteMarkerReplication": {"Status": "Disabled"}}),
        ({"tags": {"a": "1"}, "delete_marker_replication": False},
         {"Filter": {"Tag": {"Key": "a", "Value": "1"}}, "DeleteMarkerReplication": {"Status": "Disabled"}}),
        ({"storage_class": "STANDARD_IA"}, {"Destination": dict(API_RULE["Destination"], StorageClass="STANDARD_IA")}),
        ({"replication_time": False},
         {"Destination": {k: v for k, v in API_RULE["Destination"].items() if k not in ("ReplicationTime", "Metrics")}}),
        # Metrics without Replication Time Control carry no event threshold (S3 refuses one).
        ({"replication_time": False, "metrics": True},
         {"Destination": dict({k: v for k, v in API_RULE["Destination"].items() if k != "ReplicationTime"},
                              Metrics={"Status": "Enabled"})}),
        ({"destination_bucket": "payments-data-other"},
         {"Destination": dict(API_RULE["Destination"], Bucket="arn:aws:s3:::payments-data-other")}),
        ({"sse_kms_encrypted_objects": False, "replica_kms_key_id": None},
         {"SourceSelectionCriteria": None, "Destination": {
             k: v for k, v in API_RULE["Destination"].items() if k != "EncryptionConfiguration"}}),
    ],
)
def test_a_changed_rule_is_written(run_module, rule_change, expected_change):
    client = client_with(API_CONFIG)
    result, failed = run_module(s3_bucket_replication, dict(ARGS, rules=[dict(RULE, **rule_change)]), client)
    assert not failed, result
    assert result["changed"] is True
    sent = client.put_bucket_replication.call_args.kwargs["ReplicationConfiguration"]["Rules"][0]
    expected = dict(API_RULE, **expected_change)
    expected = {k: v for k, v in expected.items() if v is not None}
    assert sent == expected
    # ...and the rerun on what was written is a no-op.
    again, failed = run_module(s3_bucket_replication, dict(ARGS, rules=[dict(RULE, **rule_change)]), client)
    assert not failed and again["changed"] is False


def test_rule_order_does_not_matter_and_priorities_default_to_position(run_module):
    second = dict(RULE, id="b-rule", prefix="b/", delete_marker_replication=False)
    client = client_with(None)
    run_module(s3_bucket_replication, dict(ARGS, rules=[RULE, second]), client)
    sent = client.put_bucket_replication.call_args.kwargs["ReplicationConfiguration"]["Rules"]
    assert [(r["ID"], r["Priority"]) for r in sent] == [("primary-to-dr", 1), ("b-rule", 2)]
    stored = client.get_bucket_replication()["ReplicationConfiguration"]
    client = client_with(dict(stored, Rules=list(reversed(stored["Rules"]))))
    result, failed = run_module(s3_bucket_replication, dict(ARGS, rules=[RULE, second]), client)
    assert not failed and result["changed"] is False


def test_role_change_is_written(run_module):
    client = client_with(dict(API_CONFIG, Role=ROLE + "-old"))
    result, failed = run_module(s3_bucket_replication, ARGS, client)
    assert not failed and result["changed"] is True
    assert client.put_bucket_replication.call_args.kwargs["ReplicationConfiguration"]["Role"] == ROLE


@pytest.mark.parametrize("current, changed", [(API_CONFIG, True), (None, False)])
def test_absent(run_module, current, changed):
    client = client_with(current)
    result, failed = run_module(s3_bucket_replication, {"bucket": "b", "state": "absent"}, client)
    assert not failed and result["changed"] is changed
    assert client.delete_bucket_replication.called is changed
    assert result["replication_configuration"] == {}


@pytest.mark.parametrize(
    "args, current",
    [(ARGS, None), (ARGS, dict(API_CONFIG, Role=ROLE + "-old")), ({"bucket": "b", "state": "absent"}, API_CONFIG)],
)
def test_check_mode_reports_change_without_writing(run_module, args, current):
    client = client_with(current)
    result, failed = run_module(s3_bucket_replication, args, client, check_mode=True)
    assert not failed and result["changed"] is True
    for write in WRITES:
        getattr(client, write).assert_not_called()


def test_check_mode_on_a_missing_bucket_warns(run_module):
    client = client_with(missing_bucket=True)
    result, failed = run_module(s3_bucket_replication, ARGS, client, check_mode=True)
    assert not failed and result["changed"] is True and "does not exist" in result["warnings"][0]
    client.put_bucket_replication.assert_not_called()


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_on_a_missing_bucket_changes_nothing(run_module, check_mode):
    client = client_with(missing_bucket=True)
    result, failed = run_module(s3_bucket_replication, {"bucket": "b", "state": "absent"}, client, check_mode=check_mode)
    assert not failed and result["changed"] is False and result["replication_configuration"] == {}
    assert not result.get("warnings")
    client.delete_bucket_replication.assert_not_called()


def test_missing_bucket_fails(run_module):
    result, failed = run_module(s3_bucket_replication, ARGS, client_with(missing_bucket=True))
    assert failed and "does not exist" in result["msg"]


def test_diff_shows_before_and_after(run_module):
    client = client_with(None)
    result, failed = run_module(s3_bucket_replication, ARGS, client, diff=True)
    assert not failed and result["diff"] == {"before": {}, "after": API_CONFIG}


@pytest.mark.parametrize(
    "args, message",
    [
        (dict(ARGS, role="payments-role"), "IAM role ARN"),
        (dict(ARGS, rules=[]), "at least one rule"),
        (dict(ARGS, rules=[RULE, RULE]), "unique"),
        (dict(ARGS, rules=[dict(RULE, destination_bucket="Not A Bucket")]), "bucket ARN or name"),
        (dict(ARGS, rules=[dict(RULE, destination_bucket="payments-data-primary-test")]), "source bucket"),
        (dict(ARGS, rules=[dict(RULE, tags={"a": "1"})]), "delete markers"),
        (dict(ARGS, rules=[dict(RULE, metrics=False)]), "needs metrics"),
        (dict(ARGS, rules=[dict(RULE, replica_kms_key_id=None)]), "needs replica_kms_key_id"),
        (dict(ARGS, rules=[dict(RULE, status="On")]), "status"),
        ({"bucket": "b"}, "role"),
    ],
)
def test_bad_inputs_fail_before_any_call(run_module, args, message):
    client = client_with(None)
    result, failed = run_module(s3_bucket_replication, args, client)
    assert failed and message in result["msg"], result
    assert client.method_calls == []
