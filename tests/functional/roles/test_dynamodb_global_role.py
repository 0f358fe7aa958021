"""payments.dr.dynamodb_global through playbooks/dynamodb.yml against the emulator: a two-region global table."""

from __future__ import annotations

import time

import pytest

from tests.conftest import DR, PRIMARY
from tests.functional.ansible_run import WITHOUT_SECURITY, play, run_playbook

TABLE = "payments-transactions-global-local"
PUBLISH = "payments.dr.dynamodb_global : Publish the table name, ARN and stream ARN of this region"
GLOBAL_TAGS = {"ManagedBy": "Ansible", "Project": "PaymentProcessing", "Purpose": "DisasterRecovery",
               "Environment": "local", "DR-Role": "global", "CostCenter": "payments-platform"}


def wait_for(probe, timeout=20.0):
    """Poll ``probe`` until it returns something truthy (replication is asynchronous, as on AWS)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


def tags_of(client, arn):
    return {t["Key"]: t["Value"] for t in client.list_tags_of_resource(ResourceArn=arn)["Tags"]}


def pitr_of(client):
    description = client.describe_continuous_backups(TableName=TABLE)["ContinuousBackupsDescription"]
    return description["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]


def changed_tasks(run):
    return [(t["task"]["name"], host) for p in run.plays for t in p["tasks"]
            for host, result in t["hosts"].items() if result.get("changed")]


def test_stage_playbook_builds_a_global_table(emulator, aws):
    url = emulator.endpoint_url
    first = run_playbook("playbooks/dynamodb.yml", url, extra_vars=WITHOUT_SECURITY)
    assert first.rc == 0, first.stdout[-4000:] + first.stderr[-2000:]

    primary, dr = aws("dynamodb", PRIMARY), aws("dynamodb", DR)
    table = primary.describe_table(TableName=TABLE)["Table"]
    assert table["KeySchema"] == [{"AttributeName": "transactionId", "KeyType": "HASH"},
                                  {"AttributeName": "timestamp", "KeyType": "RANGE"}]
    assert {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]} == {
        "transactionId": "S", "timestamp": "S", "customerId": "S", "status": "S"}
    indexes = {i["IndexName"]: [k["AttributeName"] for k in i["KeySchema"]] for i in table["GlobalSecondaryIndexes"]}
    assert indexes == {"customerId-index": ["customerId", "timestamp"], "status-index": ["status", "timestamp"]}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["SSEDescription"]["SSEType"] == "KMS" and table["SSEDescription"]["Status"] == "ENABLED"
    assert table["DeletionProtectionEnabled"] is True
    assert table["GlobalTableVersion"] == "2019.11.21"
    assert [(r["RegionName"], r["ReplicaStatus"]) for r in table["Replicas"]] == [(DR, "ACTIVE")]

    # The replica: same name and keys in the DR region, with the settings DynamoDB does not copy.
    replica = dr.describe_table(TableName=TABLE)["Table"]
    assert replica["KeySchema"] == table["KeySchema"]
    assert replica["TableArn"] == table["TableArn"].replace(PRIMARY, DR)
    assert replica["DeletionProtectionEnabled"] is True
    assert pitr_of(primary) == "ENABLED" and pitr_of(dr) == "ENABLED"
    assert tags_of(primary, table["TableArn"]) == dict(GLOBAL_TAGS, Region=PRIMARY)
    assert tags_of(dr, replica["TableArn"]) == dict(GLOBAL_TAGS, Region=DR)

    facts = {host: first.results(PUBLISH, host)["ansible_facts"] for host in ("primary", "dr")}
    assert facts["primary"]["dynamodb_global_table_name"] == facts["dr"]["dynamodb_global_table_name"] == TABLE
    assert facts["primary"]["dynamodb_global_table_arn"] == table["TableArn"]
    assert facts["dr"]["dynamodb_global_table_arn"] == replica["TableArn"]
    assert facts["primary"]["dynamodb_global_stream_arn"] == table["LatestStreamArn"]
    assert facts["dr"]["dynamodb_global_stream_arn"] == replica["LatestStreamArn"]

    # A transaction written in us-east-1 is read back in us-east-2.
    key = {"transactionId": {"S": "tx-0001"}, "timestamp": {"S": "2026-11-28T12:00:00.000Z"}}
    primary.put_item(TableName=TABLE, Item=dict(key, customerId={"S": "c-42"}, status={"S": "VALIDATED"},
                                                amount={"N": "12.50"}))
    item = wait_for(lambda: dr.get_item(TableName=TABLE, Key=key, ConsistentRead=True).get("Item"))
    assert item is not None, "item was not replicated to the DR region"
    assert item["customerId"] == {"S": "c-42"} and item["amount"] == {"N": "12.50"}

    second = run_playbook("playbooks/dynamodb.yml", url, extra_vars=WITHOUT_SECURITY)
    assert second.rc == 0 and second.changed() == 0, changed_tasks(second)

    check = run_playbook("playbooks/dynamodb.yml", url, extra_vars=WITHOUT_SECURITY, check=True)
    assert check.rc == 0 and check.changed() == 0, changed_tasks(check)


def test_kms_keys_of_each_region_encrypt_table_and_replica(emulator, aws):
    keys = {"primary": aws("kms", PRIMARY).create_key()["KeyMetadata"]["Arn"],
            "dr": aws("kms", DR).create_key()["KeyMetadata"]["Arn"]}
    tasks = [
        {"name": "Stand-in for the security role's facts",
         "ansible.builtin.set_fact": {"security_kms_key_arn": "{{ test_keys[dr_role] }}"}},
        {"name": "dynamodb_global", "ansible.builtin.include_role": {"name": "payments.dr.dynamodb_global"}},
    ]
    first = run_playbook(play(tasks), emulator.endpoint_url, extra_vars={"test_keys": keys})
    assert first.rc == 0, first.stdout[-4000:]

    table = aws("dynamodb", PRIMARY).describe_table(TableName=TABLE)["Table"]
    assert table["SSEDescription"]["KMSMasterKeyArn"] == keys["primary"]
    assert [(r["RegionName"], r.get("KMSMasterKeyId")) for r in table["Replicas"]] == [(DR, keys["dr"])]
    replica = aws("dynamodb", DR).describe_table(TableName=TABLE)["Table"]
    assert replica["SSEDescription"]["KMSMasterKeyArn"] == keys["dr"]

    again = run_playbook(play(tasks), emulator.endpoint_url, extra_vars={"test_keys": keys})
    assert again.rc == 0 and again.changed() == 0, changed_tasks(again)


def test_check_mode_on_an_empty_account_writes_nothing(emulator, control, aws):
    check = run_playbook("playbooks/dynamodb.yml", emulator.endpoint_url, extra_vars=WITHOUT_SECURITY, check=True)
    assert check.rc == 0, check.stdout[-3000:]
    assert control.counters()["writes"] == 0
    assert aws("dynamodb", PRIMARY).list_tables()["TableNames"] == []


@pytest.mark.parametrize(
    "extra_vars",
    [
        {"dynamodb_global_table_class": "GLACIER"},
        {"dynamodb_global_wait_timeout": "soon"},
        # A customer managed key in one region only.
        {"dynamodb_global_kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/k", "dynamodb_global_replica_kms_key_arn": ""},
        # Two indexes with one name.
        {"dynamodb_global_indexes": [{"name": "i", "type": "global_all", "hash_key_name": "a"},
                                     {"name": "i", "type": "global_all", "hash_key_name": "b"}]},
        {"environment_suffix": "Not_Valid"},
    ],
)
def test_bad_inputs_fail_before_any_api_call(emulator, control, extra_vars):
    run = run_playbook("playbooks/dynamodb.yml", emulator.endpoint_url, extra_vars=extra_vars)
    assert run.rc != 0 and run.failed() >= 1
    assert control.counters()["total"] == 0
