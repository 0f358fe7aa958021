from __future__ import annotations

import copy
from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.modules import dynamodb_global_table

NAME = "payments-transactions-global-test"
ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/" + NAME
KEY1 = "arn:aws:kms:us-east-1:123456789012:key/11111111-1111-1111-1111-111111111111"
KEY2 = "arn:aws:kms:us-east-2:123456789012:key/22222222-2222-2222-2222-222222222222"
WRITES = ("update_table", "update_continuous_backups", "tag_resource", "untag_resource")
NOT_FOUND = botocore.exceptions.ClientError(
    {"Error": {"Code": "ResourceNotFoundException", "Message": "no"}}, "DescribeTable")


def table(stream=None, sse_key=None, protection=False, replicas=(), status="ACTIVE", version=None):
    answer = {"TableName": NAME, "TableArn": ARN, "TableId": "id-1", "TableStatus": status,
              "DeletionProtectionEnabled": protection, "Replicas": [dict(r) for r in replicas]}
    if stream:
        answer["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream}
        answer["LatestStreamArn"] = ARN + "/stream/2026"
    if sse_key:
        answer["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": sse_key}
    if version or replicas:
        answer["GlobalTableVersion"] = version or "2019.11.21"
    return answer


def replica(region="us-east-2", status="ACTIVE", key=None, table_class=None):
    answer = {"RegionName": region, "ReplicaStatus": status}
    if key:
        answer["KMSMasterKeyId"] = key
    if table_class:
        answer["ReplicaTableClassSummary"] = {"TableClass": table_class}
    return answer


def paginator_of(client, operation, result_key):
    """``client.get_paginator(operation)`` over the fake's own method: build_full_result() merges
    the pages that method answers, following NextToken."""
    method = getattr(client, operation)

    def paginate(**params):
        def build_full_result():
            items, kwargs = [], {}
            while True:
                page = method(**params, **kwargs)
                items.extend(page.get(result_key, []))
                if not page.get("NextToken"):
                    return {result_key: items}
                kwargs = {"NextToken": page["NextToken"]}
        return MagicMock(build_full_result=MagicMock(side_effect=build_full_result))

    return MagicMock(paginate=MagicMock(side_effect=paginate))


class FakeDynamoDB:
    """A MagicMock client that applies UpdateTable/UpdateContinuousBackups/tagging to one table."""

    def __init__(self, state, pitr=False, tags=None, settle_after=0):
        self.state = copy.deepcopy(state)
        self.pitr = pitr
        self.tags = dict(tags or {})
        self.settle_after = settle_after  # describes that answer UPDATING after each UpdateTable
        self.pending = 0
        self.client = MagicMock()
        c = self.client
        c.describe_table.side_effect = self.describe
        c.update_table.side_effect = self.update
        c.describe_continuous_backups.side_effect = lambda **kw: {"ContinuousBackupsDescription": {
            "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED" if self.pitr else "DISABLED"}}}
        c.update_continuous_backups.side_effect = self.update_pitr
        c.list_tags_of_resource.side_effect = lambda **kw: {
            "Tags": [{"Key": k, "Value": v} for k, v in self.tags.items()]}
        c.tag_resource.side_effect = lambda **kw: self.tags.update({t["Key"]: t["Value"] for t in kw["Tags"]})
        c.untag_resource.side_effect = lambda **kw: [self.tags.pop(k) for k in kw["TagKeys"]]
        c.describe_key.side_effect = lambda **kw: {"KeyMetadata": {"Arn": {"alias/payments": KEY1}[kw["KeyId"]]}}
        c.get_paginator.side_effect = lambda operation: paginator_of(
            c, operation, {"list_tags_of_resource": "Tags"}[operation])

    def describe(self, **kw):
        if self.state is None:
            raise NOT_FOUND
        answer = copy.deepcopy(self.state)
        if self.pending:
            self.pending -= 1
            answer["TableStatus"] = "UPDATING"
        return {"Table": answer}

    def update(self, TableName, aws_retry=False, **changes):
        assert TableName == NAME and aws_retry
        assert self.pending == 0, "UpdateTable while the table was not ACTIVE"
        assert len(changes) == 1, "one change per UpdateTable call: %s" % changes
        s = self.state
        if "StreamSpecification" in changes:
            spec = changes["StreamSpecification"]
            if spec["StreamEnabled"]:
                s["StreamSpecification"] = dict(spec)
                s["LatestStreamArn"] = ARN + "/stream/new"
            else:
                s.pop("StreamSpecification", None)
        if "SSESpecification" in changes:
            spec = changes["SSESpecification"]
            if spec["Enabled"]:
                s["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": spec["KMSMasterKeyId"]}
            else:
                s.pop("SSEDescription", None)
        if "DeletionProtectionEnabled" in changes:
            s["DeletionProtectionEnabled"] = changes["DeletionProtectionEnabled"]
        for update in changes.get("ReplicaUpdates", []):
            assert len(changes["ReplicaUpdates"]) == 1
            if "Create" in update:
                action = update["Create"]
                s["Replicas"].append(replica(action["RegionName"], key=action.get("KMSMasterKeyId"),
                                             table_class=action.get("TableClassOverride")))
                s["GlobalTableVersion"] = "2019.11.21"
            elif "Delete" in update:
                s["Replicas"] = [r for r in s["Replicas"] if r["RegionName"] != update["Delete"]["RegionName"]]
            else:
                action = update["Update"]
                for r in s["Replicas"]:
                    if r["RegionName"] == action["RegionName"]:
                        if "KMSMasterKeyId" in action:
                            r["KMSMasterKeyId"] = action["KMSMasterKeyId"]
                        if "TableClassOverride" in action:
                            r["ReplicaTableClassSummary"] = {"TableClass": action["TableClassOverride"]}
        self.pending = self.settle_after
        return {}

    def update_pitr(self, TableName, PointInTimeRecoverySpecification, aws_retry=False):
        self.pitr = PointInTimeRecoverySpecification["PointInTimeRecoveryEnabled"]

    def table_changes(self):
        return [call.kwargs for call in self.client.update_table.call_args_list]


@pytest.fixture(autouse=True)
def no_poll_delay(monkeypatch):
    monkeypatch.setattr(dynamodb_global_table, "POLL_DELAY", 0)


FULL = {
    "name": NAME,
    "stream_specification": {"enabled": True, "view_type": "NEW_AND_OLD_IMAGES"},
    "sse": {"enabled": True, "kms_master_key_id": KEY1},
    "deletion_protection": True,
    "point_in_time_recovery": True,
    "tags": {"Environment": "test"},
    "replica_regions": [{"region_name": "us-east-2", "kms_master_key_id": KEY2}],
}
CONFIGURED = table(stream="NEW_AND_OLD_IMAGES", sse_key=KEY1, protection=True, replicas=[replica(key=KEY2)])


def test_full_configuration_of_a_new_table_in_order(run_module):
    fake = FakeDynamoDB(table())
    result, failed = run_module(dynamodb_global_table, FULL, fake.client)
    assert not failed, result
    assert result["changed"] is True
    assert fake.table_changes() == [
        {"TableName": NAME, "aws_retry": True,
         "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}},
        {"TableName": NAME, "aws_retry": True,
         "SSESpecification": {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY1}},
        {"TableName": NAME, "aws_retry": True, "DeletionProtectionEnabled": True},
        {"TableName": NAME, "aws_retry": True,
         "ReplicaUpdates": [{"Create": {"RegionName": "us-east-2", "KMSMasterKeyId": KEY2}}]},
    ]
    assert fake.pitr is True and fake.tags == {"Environment": "test"}
    assert result["replicas"] == [{"region_name": "us-east-2", "replica_status": "ACTIVE", "kms_master_key_id": KEY2,
                                   "replica_status_description": None, "table_class": None}]
    assert result["table"]["sse"] == {"enabled": True, "kms_master_key_arn": KEY1}
    assert result["table"]["latest_stream_arn"] == ARN + "/stream/new"
    assert result["table"]["global_table_version"] == "2019.11.21"
    assert result["changes"][-1] == "create replica in us-east-2"


def test_configured_table_changes_nothing(run_module):
    fake = FakeDynamoDB(CONFIGURED, pitr=True, tags={"Environment": "test"})
    result, failed = run_module(dynamodb_global_table, FULL, fake.client)
    assert not failed and result["changed"] is False and result["changes"] == []
    for write in WRITES:
        getattr(fake.client, write).assert_not_called()


@pytest.mark.parametrize(
    "state, args, expected",
    [
        # A different view type: disable, then enable (no replicas).
        (table(stream="KEYS_ONLY"), {"stream_specification": {"enabled": True, "view_type": "NEW_AND_OLD_IMAGES"}},
         [{"StreamSpecification": {"StreamEnabled": False}},
          {"StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}}]),
        (table(stream="KEYS_ONLY"), {"stream_specification": {"enabled": False}},
         [{"StreamSpecification": {"StreamEnabled": False}}]),
        (table(sse_key=KEY1), {"sse": {"enabled": False}}, [{"SSESpecification": {"Enabled": False}}]),
        # An alias that resolves to the key in use: nothing to do.
        (table(sse_key=KEY1), {"sse": {"enabled": True, "kms_master_key_id": "alias/payments"}}, []),
        (table(protection=True), {"deletion_protection": False}, [{"DeletionProtectionEnabled": False}]),
        # A replica key reported as a bare key id is the same key as its ARN.
        (table(stream="NEW_AND_OLD_IMAGES", replicas=[replica(key=KEY2.split("key/")[1])]),
         {"replica_regions": [{"region_name": "us-east-2", "kms_master_key_id": KEY2}]}, []),
        # Two new replicas: two calls, one region each.
        (table(stream="NEW_AND_OLD_IMAGES"),
         {"replica_regions": [{"region_name": "us-west-2"}, {"region_name": "us-east-2"}]},
         [{"ReplicaUpdates": [{"Create": {"RegionName": "us-east-2"}}]},
          {"ReplicaUpdates": [{"Create": {"RegionName": "us-west-2"}}]}]),
        # A replica not listed stays unless purge_replicas.
        (table(stream="NEW_AND_OLD_IMAGES", replicas=[replica("us-west-2")]),
         {"replica_regions": []}, []),
        (table(stream="NEW_AND_OLD_IMAGES", replicas=[replica("us-west-2")]),
         {"replica_regions": [], "purge_replicas": True},
         [{"ReplicaUpdates": [{"Delete": {"RegionName": "us-west-2"}}]}]),
        # Unset replica_regions leaves replicas alone, even with purge_replicas.
        (table(stream="NEW_AND_OLD_IMAGES", replicas=[replica("us-west-2")]), {"purge_replicas": True}, []),
        (table(stream="NEW_AND_OLD_IMAGES", replicas=[replica(key=KEY1, table_class="STANDARD")]),
         {"replica_regions": [{"region_name": "us-east-2", "kms_master_key_id": KEY2,
                               "table_class": "STANDARD_INFREQUENT_ACCESS"}]},
         [{"ReplicaUpdates": [{"Update": {"RegionName": "us-east-2", "KMSMasterKeyId": KEY2,
                                          "TableClassOverride": "STANDARD_INFREQUENT_ACCESS"}}]}]),
    ],
)
def test_update_table_calls(run_module, state, args, expected):
    fake = FakeDynamoDB(state)
    result, failed = run_module(dynamodb_global_table, dict(args, name=NAME), fake.client)
    assert not failed, result
    assert result["changed"] is bool(expected)
    assert [{k: v for k, v in c.items() if k not in ("TableName", "aws_retry")} for c in fake.table_changes()] \
        == expected


@pytest.mark.parametrize(
    "pitr, tags, args, pitr_calls, added, removed",
    [
        (False, {}, {"point_in_time_recovery": True}, [True], None, None),
        (True, {}, {"point_in_time_recovery": False}, [False], None, None),
        (True, {}, {"point_in_time_recovery": True}, [], None, None),
        (False, {"a": "1", "b": "2"}, {"tags": {"a": "1", "c": "3"}}, [], {"c": "3"}, ["b"]),
        (False, {"a": "1", "b": "2"}, {"tags": {"a": "1", "c": "3"}, "purge_tags": False}, [], {"c": "3"}, None),
        (False, {"a": "1"}, {"tags": {"a": "1"}}, [], None, None),
        (False, {"a": "1"}, {}, [], None, None),  # tags unset: left alone
    ],
)
def test_point_in_time_recovery_and_tags(run_module, pitr, tags, args, pitr_calls, added, removed):
    fake = FakeDynamoDB(table(), pitr=pitr, tags=tags)
    result, failed = run_module(dynamodb_global_table, dict(args, name=NAME), fake.client)
    assert not failed, result
    assert [c.kwargs["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]
            for c in fake.client.update_continuous_backups.call_args_list] == pitr_calls
    if added:
        fake.client.tag_resource.assert_called_once_with(
            aws_retry=True, ResourceArn=ARN, Tags=[{"Key": k, "Value": v} for k, v in added.items()])
    else:
        fake.client.tag_resource.assert_not_called()
    if removed:
        fake.client.untag_resource.assert_called_once_with(aws_retry=True, ResourceArn=ARN, TagKeys=removed)
    else:
        fake.client.untag_resource.assert_not_called()
    assert result["changed"] is bool(pitr_calls or added or removed)
    fake.client.update_table.assert_not_called()


@pytest.mark.parametrize("state", [table(), table(stream="KEYS_ONLY", replicas=[replica("us-west-2")])])
def test_check_mode_reports_changes_without_writing(run_module, state):
    fake = FakeDynamoDB(state)
    args = dict(FULL, purge_replicas=False)
    if state["Replicas"]:
        args["stream_specification"] = None  # a replica forbids changing the stream
    result, failed = run_module(dynamodb_global_table, args, fake.client, check_mode=True, diff=True)
    assert not failed, result
    assert result["changed"] is True and result["changes"]
    for write in WRITES:
        getattr(fake.client, write).assert_not_called()
    assert result["diff"]["after"]["replicas"]["us-east-2"] == {"kms_master_key_id": KEY2, "table_class": None}
    assert result["diff"]["after"]["deletion_protection"] is True
    assert result["diff"]["before"]["deletion_protection"] is False


def test_check_mode_on_a_missing_table_warns_instead_of_failing(run_module):
    fake = FakeDynamoDB(None)
    result, failed = run_module(dynamodb_global_table, FULL, fake.client, check_mode=True)
    assert not failed and result["changed"] is True
    assert "does not exist" in result["warnings"][0]
    for write in WRITES:
        getattr(fake.client, write).assert_not_called()


def test_missing_table_fails(run_module):
    fake = FakeDynamoDB(None)
    result, failed = run_module(dynamodb_global_table, FULL, fake.client)
    assert failed and "does not exist in us-east-1" in result["msg"]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"replica_regions": [{"region_name": "us-east-1"}]}, "own region"),
        ({"replica_regions": [{"region_name": "us-east-2"}, {"region_name": "us-east-2"}]}, "more than once"),
        ({"replica_regions": [{"region_name": "US East"}]}, "must look like"),
        ({"stream_specification": {"enabled": True}}, "view_type is required"),
        ({"stream_specification": {"enabled": False, "view_type": "KEYS_ONLY"}}, "only valid"),
        ({"stream_specification": {"enabled": True, "view_type": "KEYS_ONLY"},
          "replica_regions": [{"region_name": "us-east-2"}]}, "NEW_AND_OLD_IMAGES"),
        ({"sse": {"enabled": False, "kms_master_key_id": KEY1}}, "only valid"),
        ({"replica_regions": [{"region_name": "us-east-2", "table_class": "GLACIER"}]}, "table_class"),
    ],
)
def test_bad_inputs_fail_before_any_call(run_module, args, message):
    fake = FakeDynamoDB(table())
    result, failed = run_module(dynamodb_global_table, dict(args, name=NAME), fake.client)
    assert failed and message in result["msg"]
    assert fake.client.method_calls == []


def test_stream_change_refused_while_replicas_remain(run_module):
    fake = FakeDynamoDB(table(stream="NEW_AND_OLD_IMAGES", replicas=[replica()]))
    result, failed = run_module(dynamodb_global_table, {"name": NAME, "stream_specification": {"enabled": False}},
                                fake.client)
    assert failed and "us-east-2" in result["msg"]
    fake.client.update_table.assert_not_called()


def test_legacy_global_table_is_refused(run_module):
    fake = FakeDynamoDB(table(version="2017.11.29"))
    result, failed = run_module(dynamodb_global_table, FULL, fake.client)
    assert failed and "2017.11.29" in result["msg"]
    fake.client.update_table.assert_not_called()


def test_waits_for_active_between_changes(run_module):
    # Each UpdateTable leaves the table UPDATING for two describes; the fake fails any write made then.
    fake = FakeDynamoDB(table(), settle_after=2)
    result, failed = run_module(dynamodb_global_table, FULL, fake.client)
    assert not failed, result
    assert fake.client.update_table.call_count == 4
    assert fake.client.describe_table.call_count >= 1 + 4 * 3


def test_wait_timeout_fails_with_what_was_awaited(run_module):
    fake = FakeDynamoDB(table(), settle_after=10 ** 6)
    result, failed = run_module(dynamodb_global_table, dict(FULL, wait_timeout=0), fake.client)
    assert failed and "timed out" in result["msg"] and "ACTIVE" in result["msg"]
    assert fake.client.update_table.call_count == 1


def test_final_wait_for_a_creating_replica(run_module):
    fake = FakeDynamoDB(table(stream="NEW_AND_OLD_IMAGES"))
    answers = []

    def describe(**kw):
        answer = FakeDynamoDB.describe(fake, **kw)
        if answer["Table"]["Replicas"] and len(answers) < 2:
            answer["Table"]["Replicas"][0]["ReplicaStatus"] = "CREATING"
            answers.append(answer)
        return answer

    fake.client.describe_table.side_effect = describe
    result, failed = run_module(dynamodb_global_table,
                                {"name": NAME, "replica_regions": [{"region_name": "us-east-2"}]}, fake.client)
    assert not failed, result
    assert len(answers) == 2 and result["replicas"][0]["replica_status"] == "ACTIVE"


def test_no_wait_returns_the_replica_still_creating(run_module):
    fake = FakeDynamoDB(table(stream="NEW_AND_OLD_IMAGES"))
    original = fake.update

    def update(**kw):
        original(**kw)
        fake.state["Replicas"][0]["ReplicaStatus"] = "CREATING"

    fake.client.update_table.side_effect = update
    result, failed = run_module(dynamodb_global_table, {"name": NAME, "wait": False,
                                                        "replica_regions": [{"region_name": "us-east-2"}]}, fake.client)
    assert not failed and result["replicas"][0]["replica_status"] == "CREATING"


def test_diff_lists_before_and_after(run_module):
    fake = FakeDynamoDB(table(), tags={"Old": "x"})
    result, failed = run_module(dynamodb_global_table, FULL, fake.client, diff=True)
    assert not failed, result
    before, after = result["diff"]["before"], result["diff"]["after"]
    assert before["stream_specification"] == {"enabled": False, "view_type": None}
    assert after["stream_specification"] == {"enabled": True, "view_type": "NEW_AND_OLD_IMAGES"}
    assert before["replicas"] == {} and list(after["replicas"]) == ["us-east-2"]
    assert before["tags"] == {"Old": "x"} and after["tags"] == {"Environment": "test"}
    assert before["point_in_time_recovery"] is False and after["point_in_time_recovery"] is True
