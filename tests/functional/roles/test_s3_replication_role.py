"""payments.dr.s3_replication through playbooks/s3.yml against the emulator: buckets, role, replication."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY
from tests.functional.ansible_run import WITHOUT_SECURITY, play, run_playbook

PRIMARY_BUCKET, DR_BUCKET = "payments-data-primary-local", "payments-data-dr-local"
ROLE_NAME = "payments-s3-replication-global-local"
PUBLISH = "payments.dr.s3_replication : Publish this region's bucket"
S3_ACTIONS = {
    "ReadReplicationConfiguration": (["s3:GetReplicationConfiguration", "s3:ListBucket"],
                                     "arn:aws:s3:::" + PRIMARY_BUCKET),
    "ReadSourceVersions": (["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
                            "s3:GetObjectVersionTagging"], "arn:aws:s3:::%s/*" % PRIMARY_BUCKET),
    "WriteReplicas": (["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                      "arn:aws:s3:::%s/*" % DR_BUCKET),
}


def wait_for(probe, timeout=20.0):
    """Poll ``probe`` until it returns something truthy (replication is asynchronous, as on AWS)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


def head(s3, bucket, key, **kwargs):
    try:
        return s3.head_object(Bucket=bucket, Key=key, **kwargs)
    except ClientError:
        return None


def role_policy(aws):
    document = aws("iam", PRIMARY).get_role_policy(RoleName=ROLE_NAME, PolicyName="s3-replication")["PolicyDocument"]
    return json.loads(document) if isinstance(document, str) else document


def assert_bucket(aws, region, bucket, role, algorithm, key=None):
    s3 = aws("s3", region)
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == algorithm
    assert rule["ApplyServerSideEncryptionByDefault"].get("KMSMasterKeyID") == key
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert policy["Statement"] == [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::" + bucket, "arn:aws:s3:::%s/*" % bucket],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
    lifecycle = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [(r["ID"], r["Status"], r["NoncurrentVersionExpiration"]["NoncurrentDays"],
             r["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]) for r in lifecycle] == [
        ("expire-noncurrent-versions", "Enabled", 90, 7)]
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}
    assert tags == {"ManagedBy": "Ansible", "Project": "PaymentProcessing", "Purpose": "DisasterRecovery",
                    "Environment": "local", "Region": region, "DR-Role": role, "CostCenter": "payments-platform"}


def test_stage_playbook_replicates_primary_to_dr(emulator, control, aws):
    url = emulator.endpoint_url
    first = run_playbook("playbooks/s3.yml", url, extra_vars=WITHOUT_SECURITY)
    assert first.rc == 0, first.stdout[-3000:] + first.stderr[-3000:]

    assert_bucket(aws, PRIMARY, PRIMARY_BUCKET, "primary", "AES256")
    assert_bucket(aws, DR, DR_BUCKET, "dr", "AES256")

    iam = aws("iam", PRIMARY)
    role = iam.get_role(RoleName=ROLE_NAME)["Role"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert trust["Statement"] == [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                                   "Action": "sts:AssumeRole"}]
    assert {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=ROLE_NAME)["Tags"]}["DR-Role"] == "global"
    assert iam.list_role_policies(RoleName=ROLE_NAME)["PolicyNames"] == ["s3-replication"]
    assert iam.list_attached_role_policies(RoleName=ROLE_NAME)["AttachedPolicies"] == []
    statements = {s["Sid"]: (s["Action"], s["Resource"]) for s in role_policy(aws)["Statement"]}
    assert statements == S3_ACTIONS  # exactly what replication needs, no KMS without keys

    config = aws("s3", PRIMARY).get_bucket_replication(Bucket=PRIMARY_BUCKET)["ReplicationConfiguration"]
    assert config["Role"] == role["Arn"]
    [rule] = config["Rules"]
    assert rule["ID"] == "replicate-to-dr" and rule["Status"] == "Enabled" and rule["Priority"] == 1
    assert rule["DeleteMarkerReplication"] == {"Status": "Enabled"}
    assert rule["Destination"]["Bucket"] == "arn:aws:s3:::" + DR_BUCKET
    assert rule["Destination"]["ReplicationTime"] == {"Status": "Enabled", "Time": {"Minutes": 15}}
    assert rule["Destination"]["Metrics"] == {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}

    assert first.results(PUBLISH, "primary")["ansible_facts"] == {
        "s3_replication_bucket_name": PRIMARY_BUCKET, "s3_replication_bucket_arn": "arn:aws:s3:::" + PRIMARY_BUCKET}
    assert first.results(PUBLISH, "dr")["ansible_facts"]["s3_replication_bucket_arn"] == "arn:aws:s3:::" + DR_BUCKET

    # An object written in the primary region shows up in the DR bucket, marked as a replica.
    primary_s3, dr_s3 = aws("s3", PRIMARY), aws("s3", DR)
    put = primary_s3.put_object(Bucket=PRIMARY_BUCKET, Key="batches/2026-11-28.json", Body=b'{"count": 3}')
    replica = wait_for(lambda: head(dr_s3, DR_BUCKET, "batches/2026-11-28.json"))
    assert replica is not None, "object was not replicated to the DR bucket"
    assert replica["ReplicationStatus"] == "REPLICA"
    assert replica["VersionId"] == put["VersionId"]
    assert dr_s3.get_object(Bucket=DR_BUCKET, Key="batches/2026-11-28.json")["Body"].read() == b'{"count": 3}'
    source = wait_for(lambda: (head(primary_s3, PRIMARY_BUCKET, "batches/2026-11-28.json") or {}).get(
        "ReplicationStatus") == "COMPLETED")
    assert source, "source object never reported ReplicationStatus COMPLETED"

    # A delete (a delete marker in a versioned bucket) is replicated too.
    primary_s3.delete_object(Bucket=PRIMARY_BUCKET, Key="batches/2026-11-28.json")
    assert wait_for(lambda: head(dr_s3, DR_BUCKET, "batches/2026-11-28.json") is None), "delete marker not replicated"
    markers = dr_s3.list_object_versions(Bucket=DR_BUCKET, Prefix="batches/").get("DeleteMarkers", [])
    assert [m["Key"] for m in markers] == ["batches/2026-11-28.json"]

    # The bucket policy refuses requests that do not come over TLS.
    control.post("s3-policy/transport", {"secure": False})
    with pytest.raises(ClientError) as refused:
        primary_s3.put_object(Bucket=PRIMARY_BUCKET, Key="plain-http.txt", Body=b"x")
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    control.post("s3-policy/transport", {"secure": True})

    second = run_playbook("playbooks/s3.yml", url, extra_vars=WITHOUT_SECURITY)
    assert second.rc == 0 and second.changed() == 0, [
        (t["task"]["name"], h) for p in second.plays for t in p["tasks"] for h, r in t["hosts"].items()
        if r.get("changed")]

    check = run_playbook("playbooks/s3.yml", url, extra_vars=WITHOUT_SECURITY, check=True)
    assert check.rc == 0 and check.changed() == 0


def kms_play(keys):
    tasks = [
        {"name": "Stand-in for the security role's facts",
         "ansible.builtin.set_fact": {"security_kms_key_arn": "{{ test_keys[dr_role] }}"}},
        {"name": "s3_replication", "ansible.builtin.include_role": {"name": "payments.dr.s3_replication"}},
    ]
    return play(tasks), {"test_keys": keys}


def test_kms_keys_encrypt_both_buckets_and_scope_the_role(emulator, aws):
    keys = {"primary": aws("kms", PRIMARY).create_key()["KeyMetadata"]["Arn"],
            "dr": aws("kms", DR).create_key()["KeyMetadata"]["Arn"]}
    playbook, extra = kms_play(keys)
    first = run_playbook(playbook, emulator.endpoint_url, extra_vars=extra)
    assert first.rc == 0, first.stdout[-3000:]

    assert_bucket(aws, PRIMARY, PRIMARY_BUCKET, "primary", "aws:kms", keys["primary"])
    assert_bucket(aws, DR, DR_BUCKET, "dr", "aws:kms", keys["dr"])
    for region, bucket in ((PRIMARY, PRIMARY_BUCKET), (DR, DR_BUCKET)):
        rules = aws("s3", region).get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        assert rules[0]["BucketKeyEnabled"] is True

    [rule] = aws("s3", PRIMARY).get_bucket_replication(Bucket=PRIMARY_BUCKET)["ReplicationConfiguration"]["Rules"]
    assert rule["SourceSelectionCriteria"] == {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    assert rule["Destination"]["EncryptionConfiguration"] == {"ReplicaKmsKeyID": keys["dr"]}

    statements = {s["Sid"]: s for s in role_policy(aws)["Statement"]}
    assert set(statements) == set(S3_ACTIONS) | {"DecryptSourceObjects", "EncryptReplicas"}
    decrypt, encrypt = statements["DecryptSourceObjects"], statements["EncryptReplicas"]
    assert (decrypt["Action"], decrypt["Resource"]) == ("kms:Decrypt", keys["primary"])
    assert (encrypt["Action"], encrypt["Resource"]) == ("kms:Encrypt", keys["dr"])
    assert decrypt["Condition"]["StringEquals"] == {"kms:ViaService": "s3.us-east-1.amazonaws.com"}
    assert encrypt["Condition"]["StringLike"]["kms:EncryptionContext:aws:s3:arn"] == [
        "arn:aws:s3:::" + DR_BUCKET, "arn:aws:s3:::%s/*" % DR_BUCKET]

    again = run_playbook(playbook, emulator.endpoint_url, extra_vars=extra)
    assert again.rc == 0 and again.changed() == 0


def test_check_mode_on_an_empty_account_writes_nothing(emulator, control, aws):
    check = run_playbook("playbooks/s3.yml", emulator.endpoint_url, extra_vars=WITHOUT_SECURITY, check=True)
    assert check.rc == 0, check.stdout[-3000:]
    assert control.counters()["writes"] == 0
    assert aws("s3", PRIMARY).list_buckets()["Buckets"] == []


@pytest.mark.parametrize(
    "extra_vars",
    [
        {"s3_replication_noncurrent_version_expiration_days": 0},
        {"s3_replication_storage_class": "FLOPPY"},
        # A KMS key in one region only.
        {"s3_replication_primary_kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/k", "s3_replication_dr_kms_key_arn": ""},
        # A key from the wrong region.
        {"s3_replication_primary_kms_key_arn": "arn:aws:kms:us-east-2:123456789012:key/k",
         "s3_replication_dr_kms_key_arn": "arn:aws:kms:us-east-2:123456789012:key/k",
         "s3_replication_kms_key_arn": "arn:aws:kms:us-east-2:123456789012:key/k"},
    ],
)
def test_bad_inputs_fail_before_any_api_call(emulator, control, extra_vars):
    run = run_playbook("playbooks/s3.yml", emulator.endpoint_url, extra_vars=extra_vars)
    assert run.rc != 0 and run.failed() >= 1
    assert control.counters()["total"] == 0
