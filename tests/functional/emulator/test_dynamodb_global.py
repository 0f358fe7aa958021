"""DynamoDB global tables (2019.11.21) in the emulator: TableId, ReplicaUpdates, item replication, outages."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY
from tests.emulator.control import subscribe_queue
from tests.functional.ansible_run import play, run_playbook

TABLE = "payments-transactions"
KEY = {"transactionId": {"S": "tx-1"}, "timestamp": {"S": "2026-11-28T12:00:00Z"}}


def transaction(tx: str, status: str = "VALIDATED", **extra) -> dict:
    return {"transactionId": {"S": tx}, "timestamp": {"S": "2026-11-28T12:00:00Z"},
            "customerId": {"S": "c-42"}, "status": {"S": status}, **extra}


def key_of(tx: str) -> dict:
    return {"transactionId": {"S": tx}, "timestamp": {"S": "2026-11-28T12:00:00Z"}}


def create_table(client, name: str = TABLE, **extra) -> dict:
    def index(name, hash_key):
        return {"IndexName": name, "Projection": {"ProjectionType": "ALL"},
                "KeySchema": [{"AttributeName": hash_key, "KeyType": "HASH"},
                              {"AttributeName": "timestamp", "KeyType": "RANGE"}]}

    params = dict(
        TableName=name,
        KeySchema=[{"AttributeName": "transactionId", "KeyType": "HASH"},
                   {"AttributeName": "timestamp", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"}
                              for a in ("transactionId", "timestamp", "customerId", "status")],
        GlobalSecondaryIndexes=[index("customerId-index", "customerId"), index("status-index", "status")],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    params.update(extra)
    return client.create_table(**params)["TableDescription"]


def add_replica(client, region: str = DR, name: str = TABLE, **create) -> dict:
    return client.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": region, **create}}])[
        "TableDescription"]


def wait_active(client, name: str = TABLE, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        table = client.describe_table(TableName=name)["Table"]
        if table["TableStatus"] == "ACTIVE" and all(r["ReplicaStatus"] == "ACTIVE" for r in table.get("Replicas", [])):
            return table
        assert time.monotonic() < deadline, table
        time.sleep(0.1)


def error_of(call, *args, **kwargs) -> tuple[str, str]:
    with pytest.raises(ClientError) as err:
        call(*args, **kwargs)
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


@pytest.fixture
def regions(aws):
    """A DynamoDB client per region, with the payments table in the primary region."""
    primary, dr = aws("dynamodb", PRIMARY), aws("dynamodb", DR)
    create_table(primary)
    return primary, dr


@pytest.fixture
def global_table(regions):
    primary, dr = regions
    add_replica(primary)
    wait_active(primary)
    return primary, dr


# -- TableId ----------------------------------------------------------------------------

def test_every_table_answer_carries_a_stable_table_id(aws, control):
    client = aws("dynamodb", PRIMARY)
    created = create_table(client, TableClass="STANDARD")
    table_id = created["TableId"]
    assert len(table_id) == 36 and table_id.count("-") == 4
    assert client.describe_table(TableName=TABLE)["Table"]["TableId"] == table_id
    updated = client.update_table(TableName=TABLE, TableClass="STANDARD_INFREQUENT_ACCESS")["TableDescription"]
    assert updated["TableId"] == table_id
    assert updated["TableClassSummary"] == {"TableClass": "STANDARD_INFREQUENT_ACCESS"}
    deleted = client.delete_table(TableName=TABLE)["TableDescription"]
    assert deleted["TableId"] == table_id and deleted["TableStatus"] == "DELETING"
    assert create_table(client)["TableId"] != table_id  # a new table of the same name is another table


def test_sse_specification_updates_report_the_key_arn(aws, control):
    client, kms = aws("dynamodb", PRIMARY), aws("kms", PRIMARY)
    key = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/payments", TargetKeyId=key["KeyId"])
    create_table(client)
    assert "SSEDescription" not in client.describe_table(TableName=TABLE)["Table"]
    client.update_table(TableName=TABLE, SSESpecification={"Enabled": True, "SSEType": "KMS",
                                                           "KMSMasterKeyId": "alias/payments"})
    sse = client.describe_table(TableName=TABLE)["Table"]["SSEDescription"]
    assert sse == {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": key["Arn"]}
    client.update_table(TableName=TABLE, SSESpecification={"Enabled": False})
    assert "SSEDescription" not in client.describe_table(TableName=TABLE)["Table"]


def test_community_aws_dynamodb_table_creates_and_is_idempotent(emulator, control):
    task = {"name": "table", "community.aws.dynamodb_table": {
        "name": "module-table", "hash_key_name": "id", "hash_key_type": "STRING",
        "billing_mode": "PAY_PER_REQUEST", "table_class": "STANDARD"}}
    first = run_playbook(play([task], hosts="primary", preflight=False), emulator.endpoint_url)
    assert first.rc == 0, first.stdout[-3000:]
    result = first.results("table")
    assert result["changed"] is True and len(result["table"]["table_id"]) == 36
    again = run_playbook(play([task], hosts="primary", preflight=False), emulator.endpoint_url)
    assert again.rc == 0 and again.results("table")["changed"] is False, again.stdout[-3000:]


# -- replicas ---------------------------------------------------------------------------

def test_create_replica_builds_the_table_in_the_other_region(regions):
    primary, dr = regions
    primary.put_item(TableName=TABLE, Item=transaction("tx-before"))
    answer = add_replica(primary)
    assert answer["TableStatus"] == "UPDATING"
    assert [(r["RegionName"], r["ReplicaStatus"]) for r in answer["Replicas"]] == [(DR, "CREATING")]

    source = wait_active(primary)
    assert source["GlobalTableVersion"] == "2019.11.21"
    assert [r["RegionName"] for r in source["Replicas"]] == [DR]
    assert {i["IndexName"] for i in source["Replicas"][0]["GlobalSecondaryIndexes"]} == {
        "customerId-index", "status-index"}

    replica = dr.describe_table(TableName=TABLE)["Table"]
    for field in ("KeySchema", "AttributeDefinitions", "BillingModeSummary", "StreamSpecification"):
        assert replica[field] == source[field], field
    assert [(i["IndexName"], i["KeySchema"]) for i in replica["GlobalSecondaryIndexes"]] == [
        (i["IndexName"], i["KeySchema"]) for i in source["GlobalSecondaryIndexes"]]
    assert replica["TableArn"] == source["TableArn"].replace(PRIMARY, DR)
    assert replica["LatestStreamArn"].startswith(replica["TableArn"] + "/stream/")
    assert replica["TableId"] != source["TableId"]
    assert replica["GlobalTableVersion"] == "2019.11.21"
    assert [(r["RegionName"], r["ReplicaStatus"]) for r in replica["Replicas"]] == [(PRIMARY, "ACTIVE")]
    # Items written before the replica existed are copied to it.
    assert dr.get_item(TableName=TABLE, Key=key_of("tx-before"))["Item"] == transaction("tx-before")


def test_a_table_without_a_stream_gets_new_and_old_images(aws, control):
    primary = aws("dynamodb", PRIMARY)
    create_table(primary, StreamSpecification={"StreamEnabled": False})
    answer = add_replica(primary)
    stream = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert answer["StreamSpecification"] == stream and "LatestStreamArn" in answer
    assert aws("dynamodb", DR).describe_table(TableName=TABLE)["Table"]["StreamSpecification"] == stream


def test_replica_is_creating_for_the_configured_delay(regions, control):
    primary, dr = regions
    primary.describe_table(TableName=TABLE)  # moto's first answer of a kind is slow; keep it out of the delay
    control.post("dynamodb/settings", {"replica_create_delay": 1.0})
    add_replica(primary)
    source = primary.describe_table(TableName=TABLE)["Table"]
    assert [(r["RegionName"], r["ReplicaStatus"]) for r in source["Replicas"]] == [(DR, "CREATING")]
    assert dr.describe_table(TableName=TABLE)["Table"]["TableStatus"] == "CREATING"
    # A replica being created answers DescribeTable only, and the group takes no other change.
    assert error_of(dr.get_item, TableName=TABLE, Key=KEY)[0] == "ResourceNotFoundException"
    assert error_of(primary.update_table, TableName=TABLE, DeletionProtectionEnabled=True)[0] == (
        "ResourceInUseException")
    assert wait_active(primary)["Replicas"][0]["ReplicaStatus"] == "ACTIVE"
    assert dr.describe_table(TableName=TABLE)["Table"]["TableStatus"] == "ACTIVE"


def test_replica_keys_are_regional_and_of_one_type(aws, control):
    primary = aws("dynamodb", PRIMARY)
    keys = {region: aws("kms", region).create_key()["KeyMetadata"] for region in (PRIMARY, DR)}
    create_table(primary, SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": keys[PRIMARY]["Arn"]})
    code, message = error_of(add_replica, primary)
    assert code == "ValidationException" and "KMSMasterKeyId must be specified for each replica" in message
    code, message = error_of(add_replica, primary, KMSMasterKeyId="alias/aws/dynamodb")
    assert "Customer Managed CMK or AWS Managed CMK" in message

    add_replica(primary, KMSMasterKeyId=keys[DR]["KeyId"], TableClassOverride="STANDARD")
    entry = wait_active(primary)["Replicas"][0]
    assert entry["KMSMasterKeyId"] == keys[DR]["Arn"]
    assert entry["ReplicaTableClassSummary"] == {"TableClass": "STANDARD"}
    replica = aws("dynamodb", DR).describe_table(TableName=TABLE)["Table"]
    assert replica["SSEDescription"]["KMSMasterKeyArn"] == keys[DR]["Arn"]
    assert replica["Replicas"][0]["KMSMasterKeyId"] == keys[PRIMARY]["Arn"]


@pytest.mark.parametrize("updates, extra, message", [
    ([{"Create": {"RegionName": PRIMARY}}], {}, "Cannot add or delete the local region"),
    ([{"Create": {"RegionName": "us-fake-1"}}], {}, "Region us-fake-1 is not supported"),
    ([{"Delete": {"RegionName": DR}}], {}, "were not part of the global table"),
    ([{"Create": {"RegionName": DR}}, {"Create": {"RegionName": "eu-west-1"}}], {},
     "more than one create or delete replica actions"),
    ([{"Create": {"RegionName": DR}}], {"DeletionProtectionEnabled": True}, "must be the only operation"),
])
def test_replica_updates_are_validated(regions, updates, extra, message):
    primary, dr = regions
    code, text = error_of(primary.update_table, TableName=TABLE, ReplicaUpdates=updates, **extra)
    assert code == "ValidationException" and message in text
    assert "Replicas" not in primary.describe_table(TableName=TABLE)["Table"]
    assert dr.list_tables()["TableNames"] == []


def test_a_region_already_holding_the_table_is_refused(global_table, aws):
    primary, dr = global_table
    code, message = error_of(add_replica, primary)  # already a replica
    assert code == "ValidationException" and "already existed as tables" in message
    create_table(aws("dynamodb", "eu-west-1"))  # a regional table of the same name
    code, message = error_of(add_replica, primary, "eu-west-1")
    assert code == "ValidationException" and "already existed as tables" in message


def test_the_stream_of_a_global_table_is_fixed(global_table):
    primary, dr = global_table
    code, message = error_of(dr.update_table, TableName=TABLE, StreamSpecification={"StreamEnabled": False})
    assert code == "ValidationException" and "Disabling Stream is not allowed" in message


def test_delete_replica_and_the_source_region_rule(global_table):
    primary, dr = global_table
    # The region that added a replica cannot leave while that replica exists.
    code, message = error_of(primary.delete_table, TableName=TABLE)
    assert code == "ValidationException" and "acted as a source region" in message
    # A protected replica cannot be removed.
    dr.update_table(TableName=TABLE, DeletionProtectionEnabled=True)
    code, message = error_of(primary.update_table, TableName=TABLE,
                             ReplicaUpdates=[{"Delete": {"RegionName": DR}}])
    assert "deletion protection enabled" in message
    dr.update_table(TableName=TABLE, DeletionProtectionEnabled=False)

    primary.update_table(TableName=TABLE, ReplicaUpdates=[{"Delete": {"RegionName": DR}}])
    assert error_of(dr.describe_table, TableName=TABLE)[0] == "ResourceNotFoundException"
    table = primary.describe_table(TableName=TABLE)["Table"]
    assert "Replicas" not in table and "GlobalTableVersion" not in table
    primary.put_item(TableName=TABLE, Item=transaction("tx-after"))  # nothing left to replicate to
    primary.delete_table(TableName=TABLE)


def test_delete_table_in_the_replica_region_leaves_the_group(global_table):
    primary, dr = global_table
    assert dr.delete_table(TableName=TABLE)["TableDescription"]["TableStatus"] == "DELETING"
    assert "Replicas" not in primary.describe_table(TableName=TABLE)["Table"]
    primary.put_item(TableName=TABLE, Item=transaction("tx-1"))
    assert error_of(dr.get_item, TableName=TABLE, Key=KEY)[0] == "ResourceNotFoundException"


# -- item replication -------------------------------------------------------------------

def test_writes_in_either_region_reach_the_other(global_table):
    primary, dr = global_table
    primary.put_item(TableName=TABLE, Item=transaction("tx-1", amount={"N": "12.50"}))
    assert dr.get_item(TableName=TABLE, Key=key_of("tx-1"))["Item"]["amount"] == {"N": "12.50"}
    by_customer = dr.query(TableName=TABLE, IndexName="customerId-index",
                           KeyConditionExpression="customerId = :c", ExpressionAttributeValues={":c": {"S": "c-42"}})
    assert [i["transactionId"]["S"] for i in by_customer["Items"]] == ["tx-1"]

    dr.update_item(TableName=TABLE, Key=key_of("tx-1"), UpdateExpression="SET #s = :s",
                   ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": {"S": "SETTLED"}})
    assert primary.get_item(TableName=TABLE, Key=key_of("tx-1"))["Item"]["status"] == {"S": "SETTLED"}

    primary.delete_item(TableName=TABLE, Key=key_of("tx-1"))
    assert "Item" not in dr.get_item(TableName=TABLE, Key=key_of("tx-1"))


def test_batch_and_transaction_writes_replicate(global_table):
    primary, dr = global_table
    dr.batch_write_item(RequestItems={TABLE: [{"PutRequest": {"Item": transaction(f"tx-{n}")}} for n in range(3)]})
    assert primary.scan(TableName=TABLE)["Count"] == 3
    primary.transact_write_items(TransactItems=[
        {"Put": {"TableName": TABLE, "Item": transaction("tx-9")}},
        {"Delete": {"TableName": TABLE, "Key": key_of("tx-0")}},
        {"Update": {"TableName": TABLE, "Key": key_of("tx-1"), "UpdateExpression": "SET amount = :a",
                    "ExpressionAttributeValues": {":a": {"N": "5"}}}},
    ])
    items = {i["transactionId"]["S"]: i for i in dr.scan(TableName=TABLE)["Items"]}
    assert sorted(items) == ["tx-1", "tx-2", "tx-9"] and items["tx-1"]["amount"] == {"N": "5"}
    dr.batch_write_item(RequestItems={TABLE: [{"DeleteRequest": {"Key": key_of("tx-9")}}]})
    assert "Item" not in primary.get_item(TableName=TABLE, Key=key_of("tx-9"))


def test_a_failed_conditional_write_replicates_nothing(global_table):
    primary, dr = global_table
    primary.put_item(TableName=TABLE, Item=transaction("tx-1"))
    with pytest.raises(ClientError):  # the item is already in the DR region, so the condition fails there
        dr.put_item(TableName=TABLE, Item=transaction("tx-1", status="FORGED"),
                    ConditionExpression="attribute_not_exists(transactionId)")
    for client in global_table:
        assert client.get_item(TableName=TABLE, Key=key_of("tx-1"))["Item"]["status"] == {"S": "VALIDATED"}


def test_changes_for_a_region_that_is_down_wait_for_it(global_table, control):
    primary, dr = global_table
    control.region_down(DR)
    primary.put_item(TableName=TABLE, Item=transaction("tx-1"))
    primary.put_item(TableName=TABLE, Item=transaction("tx-2"))
    assert control.get("dynamodb/pending") == {"pending": {DR: 2}}
    control.region_up(DR)
    assert control.get("dynamodb/pending") == {"pending": {DR: 2}}  # applied lazily
    # The next request signed for the region applies them first.
    assert dr.get_item(TableName=TABLE, Key=key_of("tx-1"))["Item"] == transaction("tx-1")
    assert control.get("dynamodb/pending") == {"pending": {}}

    control.region_down(DR)
    primary.delete_item(TableName=TABLE, Key=key_of("tx-2"))
    assert control.post("dynamodb/flush") == {"applied": 0, "pending": {DR: 1}}  # still down
    control.region_up(DR)
    assert control.post("dynamodb/flush") == {"applied": 1, "pending": {}}
    assert "Item" not in dr.get_item(TableName=TABLE, Key=key_of("tx-2"))


def test_queued_changes_do_not_overwrite_a_later_write(global_table, control):
    primary, dr = global_table
    control.region_down(DR)
    primary.put_item(TableName=TABLE, Item=transaction("tx-1", status="PENDING"))
    control.region_up(DR)
    primary.put_item(TableName=TABLE, Item=transaction("tx-1", status="SETTLED"))  # the last write
    assert dr.get_item(TableName=TABLE, Key=key_of("tx-1"))["Item"]["status"] == {"S": "SETTLED"}
    assert control.get("dynamodb/pending") == {"pending": {}}


def test_changes_reach_the_other_region_after_the_replication_delay(global_table, control):
    primary, dr = global_table
    control.post("dynamodb/settings", {"replication_delay": 30})
    primary.put_item(TableName=TABLE, Item=transaction("tx-1", status="PENDING"))
    primary.put_item(TableName=TABLE, Item=transaction("tx-1", status="SETTLED"))
    assert "Item" not in dr.get_item(TableName=TABLE, Key=key_of("tx-1"))
    assert control.get("dynamodb/pending") == {"pending": {DR: 2}}
    control.advance_clock(30)
    assert dr.get_item(TableName=TABLE, Key=key_of("tx-1"))["Item"]["status"] == {"S": "SETTLED"}
    assert control.get("dynamodb/pending") == {"pending": {}}


@pytest.mark.parametrize("settings", [{"replica_create_delay": -1}, {"replication_delay": -1},
                                      {"replication_delay": 86401}, {}])
def test_settings_route_rejects_bad_delays(control, settings):
    from urllib.error import HTTPError

    with pytest.raises(HTTPError) as err:
        control.post("dynamodb/settings", settings)
    assert err.value.code == 400
    assert control.get("dynamodb/settings") == {"replica_create_delay": 0.0, "replication_delay": 0.0}


# -- ReplicationLatency -----------------------------------------------------------------

def latency(aws, region: str, receiving: str, dimensions: list[dict] | None = None) -> list[dict]:
    """ReplicationLatency datapoints of the last 10 minutes (1-minute Maximum) read in ``region``."""
    now = datetime.now(timezone.utc)
    dimensions = dimensions or [{"Name": "TableName", "Value": TABLE}, {"Name": "ReceivingRegion", "Value": receiving}]
    return aws("cloudwatch", region).get_metric_statistics(
        Namespace="AWS/DynamoDB", MetricName="ReplicationLatency", Dimensions=dimensions,
        StartTime=now - timedelta(minutes=10), EndTime=now + timedelta(seconds=1), Period=60,
        Statistics=["Maximum", "SampleCount"], Unit="Milliseconds")["Datapoints"]


def test_replication_latency_is_published_in_the_writing_region_per_receiving_region(global_table, aws, control):
    primary, dr = global_table
    control.post("dynamodb/settings", {"replication_delay": 90})
    primary.put_item(TableName=TABLE, Item=transaction("tx-1"))
    primary.batch_write_item(RequestItems={TABLE: [{"PutRequest": {"Item": transaction(f"tx-{n}")}} for n in (2, 3)]})
    assert latency(aws, PRIMARY, DR) == []  # nothing has reached the DR region yet
    control.advance_clock(90)
    assert dr.scan(TableName=TABLE)["Count"] == 3  # the three changes arrive on the DR region's next request

    [point] = latency(aws, PRIMARY, DR)
    assert point["SampleCount"] == 3.0 and 90000 <= point["Maximum"] < 95000 and point["Unit"] == "Milliseconds"
    # Only the exact dimension set names the metric, and it lives in the writing region.
    assert latency(aws, PRIMARY, DR, [{"Name": "TableName", "Value": TABLE}]) == []
    assert latency(aws, DR, DR) == [] and latency(aws, DR, PRIMARY) == []

    # A write in the DR region, without delay, is published there for the primary as receiving region.
    control.post("dynamodb/settings", {"replication_delay": 0})
    dr.put_item(TableName=TABLE, Item=transaction("tx-4"))
    [back] = latency(aws, DR, PRIMARY)
    assert back["SampleCount"] == 1.0 and back["Maximum"] < 5000


def test_replication_latency_grows_while_the_receiving_region_is_down(global_table, aws, control):
    primary, dr = global_table
    control.region_down(DR)
    primary.put_item(TableName=TABLE, Item=transaction("tx-1"))
    control.advance_clock(120)
    control.region_up(DR)
    assert control.post("dynamodb/flush") == {"applied": 1, "pending": {}}
    [point] = latency(aws, PRIMARY, DR)
    assert 120000 <= point["Maximum"] < 125000


def test_a_replication_latency_alarm_fires_and_notifies(global_table, aws, control, emulator):
    primary, dr = global_table
    topic = aws("sns", PRIMARY).create_topic(Name="dr-alerts")["TopicArn"]
    received = subscribe_queue(emulator.endpoint_url, topic, "dr-alerts")
    aws("cloudwatch", PRIMARY).put_metric_alarm(
        AlarmName="dynamodb-replication-latency", Namespace="AWS/DynamoDB", MetricName="ReplicationLatency",
        Dimensions=[{"Name": "TableName", "Value": TABLE}, {"Name": "ReceivingRegion", "Value": DR}],
        Statistic="Maximum", Period=60, EvaluationPeriods=1, Threshold=60000.0, Unit="Milliseconds",
        ComparisonOperator="GreaterThanThreshold", AlarmActions=[topic])

    control.post("dynamodb/settings", {"replication_delay": 75})
    primary.put_item(TableName=TABLE, Item=transaction("tx-1"))
    control.advance_clock(75)
    dr.get_item(TableName=TABLE, Key=key_of("tx-1"))
    evaluated = {r["alarm"]: r for r in control.post("cloudwatch/evaluate", {"region": PRIMARY})["evaluated"]}
    assert evaluated["dynamodb-replication-latency"]["state"] == "ALARM"
    [alarm] = aws("cloudwatch", PRIMARY).describe_alarms(AlarmNames=["dynamodb-replication-latency"])["MetricAlarms"]
    assert alarm["StateValue"] == "ALARM"
    [envelope] = received()
    message = json.loads(envelope["Message"])
    assert envelope["Subject"] == 'ALARM: "dynamodb-replication-latency" in US East (N. Virginia)'
    assert (message["NewStateValue"], message["Trigger"]["MetricName"]) == ("ALARM", "ReplicationLatency")
    assert {d["name"]: d["value"] for d in message["Trigger"]["Dimensions"]} == {"TableName": TABLE, "ReceivingRegion": DR}
