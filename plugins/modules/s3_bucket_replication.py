#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: s3_bucket_replication
short_description: Manage the replication configuration of an S3 bucket
version_added: 0.1.0
description:
  - Sets or removes the replication configuration of an S3 bucket with C(PutBucketReplication),
    C(GetBucketReplication) and C(DeleteBucketReplication), in the current (V2, C(Filter)) schema.
  - Idempotent - the configuration read back is normalized (defaults S3 fills in, rule order, tag order)
    and compared with the desired one as data; the whole configuration is written only when they differ.
  - Versioning must be enabled on the source and destination buckets, and O(role) must allow S3 to
    replicate (see the role C(payments.dr.s3_replication) for the least-privilege policy).
author:
  - payments.dr maintainers (@payments-dr)
options:
  bucket:
    description: Name of the source bucket.
    required: true
    type: str
  state:
    description:
      - Whether the bucket has a replication configuration.
      - With V(absent) a bucket that does not exist has nothing to remove, which is not an error.
    choices: ['present', 'absent']
    default: present
    type: str
  role:
    description: ARN of the IAM role S3 assumes to replicate objects. Required when O(state=present).
    type: str
  rules:
    description:
      - The replication rules (the whole set; rules not listed are removed). Required when O(state=present).
    type: list
    elements: dict
    suboptions:
      id:
        description: Unique identifier of the rule (up to 255 characters).
        required: true
        type: str
      priority:
        description:
          - Priority of the rule when several rules match an object (higher wins).
          - Defaults to the rule's position in O(rules), counting from 1.
        type: int
      status:
        description: Whether the rule is applied.
        choices: ['Enabled', 'Disabled']
        default: Enabled
        type: str
      prefix:
        description: Replicate only keys starting with this prefix. Unset replicates every key.
        type: str
      tags:
        description: Replicate only objects carrying all these tags.
        type: dict
      delete_marker_replication:
        description:
          - Replicate delete markers. S3 refuses it for rules that filter on O(rules[].tags).
        default: false
        type: bool
      destination_bucket:
        description: ARN (or name) of the destination bucket.
        required: true
        type: str
      destination_account:
        description: Account that owns the destination bucket, when another account does.
        type: str
      storage_class:
        description: Storage class of the replicas. Unset keeps the source object's class.
        choices: ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER',
                  'DEEP_ARCHIVE', 'GLACIER_IR']
        type: str
      replica_kms_key_id:
        description:
          - KMS key (ARN, in the destination's region) that encrypts the replicas of SSE-KMS objects.
          - Required when O(rules[].sse_kms_encrypted_objects=true).
        type: str
      sse_kms_encrypted_objects:
        description: Replicate objects encrypted with SSE-KMS.
        default: false
        type: bool
      replication_time:
        description:
          - S3 Replication Time Control - 99.99% of objects replicated within 15 minutes. Needs O(rules[].metrics).
        default: false
        type: bool
      metrics:
        description:
          - Replication metrics and events (C(s3:Replication:OperationMissedThreshold)) with a 15 minute threshold.
          - Defaults to the value of O(rules[].replication_time).
        type: bool
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Replicate every object to the DR bucket within 15 minutes, delete markers included
  payments.dr.s3_bucket_replication:
    bucket: payments-data-primary-prod
    role: arn:aws:iam::123456789012:role/payments-s3-replication-global-prod
    rules:
      - id: primary-to-dr
        destination_bucket: arn:aws:s3:::payments-data-dr-prod
        delete_marker_replication: true
        replication_time: true
        sse_kms_encrypted_objects: true
        replica_kms_key_id: arn:aws:kms:us-east-2:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab

- name: Stop replicating
  payments.dr.s3_bucket_replication:
    bucket: payments-data-primary-prod
    state: absent
"""

RETURN = r"""
replication_configuration:
  description: The replication configuration as it now stands (normalized), empty when absent.
  returned: always
  type: dict
  contains:
    role:
      description: ARN of the replication role.
      returned: when present
      type: str
    rules:
      description: The rules, sorted by id, in the API's shape converted to snake case.
      returned: when present
      type: list
      elements: dict
  sample: {
    "role": "arn:aws:iam::123456789012:role/payments-s3-replication-global-prod",
    "rules": [{
      "id": "primary-to-dr", "priority": 1, "status": "Enabled", "filter": {},
      "delete_marker_replication": {"status": "Enabled"},
      "destination": {
        "bucket": "arn:aws:s3:::payments-data-dr-prod",
        "replication_time": {"status": "Enabled", "time": {"minutes": 15}},
        "metrics": {"status": "Enabled", "event_threshold": {"minutes": 15}}}}]}
"""

import copy
import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import s3

ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
BUCKET_ARN = re.compile(r"^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
RTC_MINUTES = 15  # the only value S3 accepts


# --- desired and current configuration, in one normalized shape ------------------------------

def bucket_arn(value):
    return value if value.startswith("arn:") else "arn:aws:s3:::%s" % value


def status(enabled):
    return "Enabled" if enabled else "Disabled"


def build_filter(prefix, tags):
    tag_list = [{"Key": k, "Value": str(v)} for k, v in sorted((tags or {}).items())]
    if (prefix and tag_list) or len(tag_list) > 1:
        conditions = {"Tags": tag_list}
        if prefix:
            conditions["Prefix"] = prefix
        return {"And": conditions}
    if tag_list:
        return {"Tag": tag_list[0]}
    return {"Prefix": prefix} if prefix else {}


def build_rule(rule, position):
    destination = {"Bucket": bucket_arn(rule["destination_bucket"])}
    if rule["destination_account"]:
        destination["Account"] = rule["destination_account"]
    if rule["storage_class"]:
        destination["StorageClass"] = rule["storage_class"]
    if rule["replica_kms_key_id"]:
        destination["EncryptionConfiguration"] = {"ReplicaKmsKeyID": rule["replica_kms_key_id"]}
    metrics = rule["replication_time"] if rule["metrics"] is None else rule["metrics"]
    if rule["replication_time"]:
        destination["ReplicationTime"] = {"Status": "Enabled", "Time": {"Minutes": RTC_MINUTES}}
    if metrics:
        # The event threshold belongs to Replication Time Control: S3 refuses it without RTC.
        destination["Metrics"] = {"Status": "Enabled"}
        if rule["replication_time"]:
            destination["Metrics"]["EventThreshold"] = {"Minutes": RTC_MINUTES}
    built = {
        "ID": rule["id"],
        "Priority": rule["priority"] if rule["priority"] is not None else position,
        "Status": rule["status"],
        "Filter": build_filter(rule["prefix"], rule["tags"]),
        "DeleteMarkerReplication": {"Status": status(rule["delete_marker_replication"])},
        "Destination": destination,
    }
    if rule["sse_kms_encrypted_objects"]:
        built["SourceSelectionCriteria"] = {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    return built


def desired_configuration(module):
    rules = [build_rule(rule, position) for position, rule in enumerate(module.params["rules"], start=1)]
    return {"Role": module.params["role"], "Rules": rules}


def drop_disabled(section):
    """Sub-settings S3 reports as Disabled mean the same as absent ones."""
    return {k: v for k, v in (section or {}).items() if not (isinstance(v, dict) and v.get("Status") == "Disabled")}


def normalize_filter(rule):
    if "Filter" not in rule:  # V1 rule: a top-level Prefix
        return {"Prefix": rule["Prefix"]} if rule.get("Prefix") else {}
    filt = copy.deepcopy(rule["Filter"] or {})
    conditions = filt.get("And")
    if conditions is not None:
        return build_filter(conditions.get("Prefix"), {t["Key"]: t["Value"] for t in conditions.get("Tags", [])})
    if "Tag" in filt:
        return build_filter(filt.get("Prefix"), {filt["Tag"]["Key"]: filt["Tag"]["Value"]})
    return build_filter(filt.get("Prefix"), None)


def normalize_rule(rule):
    destination = copy.deepcopy(rule.get("Destination") or {})
    for key in ("ReplicationTime", "Metrics"):
        if (destination.get(key) or {}).get("Status") == "Disabled":
            destination.pop(key)
    normalized = {
        "ID": rule.get("ID"),
        "Priority": rule.get("Priority", 0),
        "Status": rule.get("Status"),
        "Filter": normalize_filter(rule),
        "DeleteMarkerReplication": {"Status": (rule.get("DeleteMarkerReplication") or {}).get("Status", "Disabled")},
        "Destination": destination,
    }
    criteria = drop_disabled(rule.get("SourceSelectionCriteria"))
    if criteria:
        normalized["SourceSelectionCriteria"] = criteria
    if (rule.get("ExistingObjectReplication") or {}).get("Status") == "Enabled":
        normalized["ExistingObjectReplication"] = {"Status": "Enabled"}
    return normalized


def normalize(configuration):
    if not configuration:
        return {}
    rules = sorted((normalize_rule(rule) for rule in configuration.get("Rules", [])), key=lambda r: r["ID"] or "")
    return {"Role": configuration.get("Role"), "Rules": rules}


def to_result(normalized):
    if not normalized:
        return {}
    return camel_dict_to_snake_dict(normalized)


def validate_params(module):
    """Checks that need no AWS call, made before any."""
    params = module.params
    if params["state"] != "present":
        return
    if not ROLE_ARN.match(params["role"]):
        module.fail_json(msg="role must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got %s" % params["role"])
    if not params["rules"]:
        module.fail_json(msg="rules must hold at least one rule when state=present")
    ids = [rule["id"] for rule in params["rules"]]
    if len(set(ids)) != len(ids):
        module.fail_json(msg="rule ids must be unique, got %s" % ", ".join(ids))
    for rule in params["rules"]:
        where = "rule %s: " % rule["id"]
        destination = rule["destination_bucket"]
        if not (BUCKET_ARN.match(destination) or BUCKET_NAME.match(destination)):
            module.fail_json(msg=where + "destination_bucket must be a bucket ARN or name, got %s" % destination)
        if bucket_arn(destination) == bucket_arn(params["bucket"]):
            module.fail_json(msg=where + "destination_bucket may not be the source bucket")
        if rule["delete_marker_replication"] and rule["tags"]:
            module.fail_json(msg=where + "S3 does not replicate delete markers for rules that filter on tags")
        if rule["replication_time"] and rule["metrics"] is False:
            module.fail_json(msg=where + "replication_time needs metrics")
        if rule["sse_kms_encrypted_objects"] and not rule["replica_kms_key_id"]:
            module.fail_json(msg=where + "sse_kms_encrypted_objects needs replica_kms_key_id")
        if len(rule["id"]) > 255:
            module.fail_json(msg=where + "id is longer than 255 characters")


def run(client, module, bucket):
    """The module's result."""
    current = s3.get_bucket_replication(client, bucket)
    if current is False and module.params["state"] == "absent":
        return dict(changed=False, replication_configuration={})
    if current is False:
        if not module.check_mode:
            module.fail_json(msg="bucket %s does not exist" % bucket)
        module.warn("bucket %s does not exist yet; check mode assumes an earlier task creates it" % bucket)
        current = None
    before = normalize(current)

    if module.params["state"] == "present":
        desired = desired_configuration(module)
        after = normalize(desired)
        changed = after != before
        if changed and not module.check_mode:
            s3.put_bucket_replication(client, bucket, desired)
            after = normalize(s3.get_bucket_replication(client, bucket))
    else:
        after = {}
        changed = bool(before)
        if changed and not module.check_mode:
            s3.delete_bucket_replication(client, bucket)

    result = dict(changed=changed, replication_configuration=to_result(after))
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    return result


def main():
    rule_options = dict(
        id=dict(type="str", required=True),
        priority=dict(type="int"),
        status=dict(type="str", default="Enabled", choices=["Enabled", "Disabled"]),
        prefix=dict(type="str"),
        tags=dict(type="dict"),
        delete_marker_replication=dict(type="bool", default=False),
        destination_bucket=dict(type="str", required=True),
        destination_account=dict(type="str"),
        storage_class=dict(type="str", choices=["STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA",
                                                "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR"]),
        replica_kms_key_id=dict(type="str", no_log=False),
        sse_kms_encrypted_objects=dict(type="bool", default=False),
        replication_time=dict(type="bool", default=False),
        metrics=dict(type="bool"),
    )
    argument_spec = dict(
        bucket=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        role=dict(type="str"),
        rules=dict(type="list", elements="dict", options=rule_options),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["role", "rules"])],
        supports_check_mode=True,
    )
    validate_params(module)
    bucket = module.params["bucket"]
    client = dr_retry.client(module, "s3", retry=s3.RETRY)
    try:
        module.exit_json(**run(client, module, bucket))
    except s3.AnsibleS3Error as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
