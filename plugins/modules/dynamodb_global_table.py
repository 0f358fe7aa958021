#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dynamodb_global_table
short_description: Make an existing DynamoDB table a global table and manage its replicas and DR settings
version_added: 0.1.0
description:
  - Adds and removes the replicas of a DynamoDB global table (version 2019.11.21) with C(UpdateTable)
    C(ReplicaUpdates), one region per call as DynamoDB requires.
  - Also manages, on the table in the module's region, what M(community.aws.dynamodb_table) cannot -
    DynamoDB Streams, point-in-time recovery (C(UpdateContinuousBackups)), server-side encryption with
    a KMS key, deletion protection and tags.
  - DynamoDB does not copy deletion protection, point-in-time recovery or tags to replicas. Run the module
    a second time with O(region) set to the replica's region (and without O(replica_regions)) to set them
    there; every option acts on the table in the module's region only.
  - DynamoDB accepts one change to a table at a time, so between two changes the module waits until the
    table and its replicas are C(ACTIVE) again (up to O(wait_timeout) seconds each). O(wait) governs the
    wait after the last change.
  - The table must exist. In check mode a missing table is reported as a change with a warning, so a
    playbook that creates the table first can run in check mode on an empty account.
author:
  - payments.dr maintainers (@payments-dr)
options:
  name:
    description: Name of the table (the same name in every region of a global table).
    required: true
    type: str
  replica_regions:
    description:
      - Regions that must hold a replica of the table, besides the module's region.
      - Unset (the default) leaves the replicas as they are.
    type: list
    elements: dict
    suboptions:
      region_name:
        description: Region of the replica.
        required: true
        type: str
      kms_master_key_id:
        description:
          - KMS key (ARN, key id or alias, in the replica's region) that encrypts the replica.
          - Required by DynamoDB when the table uses a customer managed key. Unset leaves it to DynamoDB.
        type: str
      table_class:
        description: Table class of the replica. Unset leaves it to DynamoDB (the table's class).
        choices: ['STANDARD', 'STANDARD_INFREQUENT_ACCESS']
        type: str
  purge_replicas:
    description: Remove the replicas in regions not listed in O(replica_regions).
    default: false
    type: bool
  stream_specification:
    description:
      - DynamoDB Streams on the table. Replicas need O(stream_specification.enabled=true) with
        O(stream_specification.view_type=NEW_AND_OLD_IMAGES); DynamoDB enables it when the first
        replica is added.
      - Changing the view type disables the stream and enables it again, which DynamoDB refuses while
        the table has replicas.
      - Unset leaves the stream as it is.
    type: dict
    suboptions:
      enabled:
        description: Whether the table has a stream.
        required: true
        type: bool
      view_type:
        description: What the stream records. Required when O(stream_specification.enabled=true).
        choices: ['NEW_AND_OLD_IMAGES', 'NEW_IMAGE', 'OLD_IMAGE', 'KEYS_ONLY']
        type: str
  point_in_time_recovery:
    description: Whether continuous backups with point-in-time recovery are on. Unset leaves them as they are.
    type: bool
  sse:
    description:
      - Server-side encryption of the table. DynamoDB always encrypts; O(sse.enabled=false) means an AWS
        owned key, O(sse.enabled=true) a KMS key.
      - Unset leaves the encryption as it is.
    type: dict
    suboptions:
      enabled:
        description: Whether the table is encrypted with a KMS key.
        required: true
        type: bool
      kms_master_key_id:
        description:
          - KMS key (ARN, key id or alias) in the module's region.
          - Unset with O(sse.enabled=true) means the AWS managed key C(alias/aws/dynamodb).
        type: str
  deletion_protection:
    description: Whether the table is protected from deletion. Unset leaves it as it is.
    type: bool
  wait:
    description: Wait until the table and every replica are C(ACTIVE) after the last change.
    default: true
    type: bool
  wait_timeout:
    description: Seconds to wait for each change (and the final wait) before failing.
    default: 1800
    type: int
notes:
  - Tags are managed only when O(tags) is set.
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.tags, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Streams, PITR, KMS and deletion protection on the source, then a replica in us-east-2
  payments.dr.dynamodb_global_table:
    region: us-east-1
    name: payments-transactions-global-prod
    stream_specification:
      enabled: true
      view_type: NEW_AND_OLD_IMAGES
    point_in_time_recovery: true
    sse:
      enabled: true
      kms_master_key_id: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
    deletion_protection: true
    replica_regions:
      - region_name: us-east-2
        kms_master_key_id: arn:aws:kms:us-east-2:123456789012:key/abcd1234-12ab-34cd-56ef-1234567890ab

- name: Settings DynamoDB does not copy to the replica, set in its own region
  payments.dr.dynamodb_global_table:
    region: us-east-2
    name: payments-transactions-global-prod
    point_in_time_recovery: true
    deletion_protection: true
    tags:
      Environment: prod

- name: Back to a single-region table
  payments.dr.dynamodb_global_table:
    region: us-east-1
    name: payments-transactions-global-prod
    replica_regions: []
    purge_replicas: true
"""

RETURN = r"""
table:
  description: The table in the module's region after the changes (what was planned, in check mode).
  returned: always
  type: dict
  contains:
    table_name:
      description: Name of the table.
      returned: when the table exists
      type: str
      sample: payments-transactions-global-prod
    table_arn:
      description: ARN of the table in the module's region.
      returned: when the table exists
      type: str
      sample: arn:aws:dynamodb:us-east-1:123456789012:table/payments-transactions-global-prod
    table_id:
      description: Unique identifier of the table.
      returned: when the table exists
      type: str
    table_status:
      description: Status of the table.
      returned: when the table exists
      type: str
      sample: ACTIVE
    global_table_version:
      description: Global tables version (C(2019.11.21)); null for a table that never had a replica.
      returned: when the table exists
      type: str
    latest_stream_arn:
      description: ARN of the table's current stream; null without a stream.
      returned: when the table exists
      type: str
    stream_specification:
      description: C(enabled) and C(view_type) of the stream.
      returned: when the table exists
      type: dict
    sse:
      description: C(enabled) (a KMS key is used) and C(kms_master_key_arn).
      returned: when the table exists
      type: dict
    deletion_protection:
      description: Whether deletion protection is on.
      returned: when the table exists
      type: bool
    point_in_time_recovery:
      description: Whether point-in-time recovery is on.
      returned: when the table exists
      type: bool
    tags:
      description: Tags of the table.
      returned: when the table exists
      type: dict
replicas:
  description: The replicas of the table in other regions, sorted by region.
  returned: always
  type: list
  elements: dict
  contains:
    region_name:
      description: Region of the replica.
      type: str
      returned: always
      sample: us-east-2
    replica_status:
      description: Status of the replica (C(CREATING), C(ACTIVE), C(UPDATING), C(DELETING), ...).
      type: str
      returned: always
      sample: ACTIVE
    replica_status_description:
      description: Detail DynamoDB gives about the status, if any.
      type: str
      returned: always
    kms_master_key_id:
      description: KMS key that encrypts the replica, if a customer managed key.
      type: str
      returned: always
    table_class:
      description: Table class of the replica.
      type: str
      returned: always
changes:
  description: What the module changed (or would change, in check mode), in order.
  returned: always
  type: list
  elements: str
  sample: ["enable stream (NEW_AND_OLD_IMAGES)", "create replica in us-east-2"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import dynamodb
from ansible_collections.payments.dr.plugins.module_utils import kms
from ansible_collections.payments.dr.plugins.module_utils.dr_naming import REGION_PATTERN
from ansible_collections.payments.dr.plugins.module_utils.dr_tags import tags_after
from ansible_collections.payments.dr.plugins.module_utils.dr_wait import module_wait

REPLICA_VIEW_TYPE = "NEW_AND_OLD_IMAGES"
AWS_MANAGED_KEY = "alias/aws/dynamodb"
TRANSITIONAL = ("CREATING", "UPDATING", "DELETING")
POLL_DELAY = 3


# --- reading and comparing state ---------------------------------------------------------------

class KeyResolver:
    """Turns key ids and aliases into key ARNs (one DescribeKey per key and region), so they compare
    with the ARNs DynamoDB reports. An ARN of a key is taken as it is."""

    def __init__(self, module):
        self.module = module
        self.cache = {}

    def arn(self, key, region):
        if key is None or (key.startswith("arn:") and ":key/" in key):
            return key
        if (key, region) not in self.cache:
            client = dr_retry.client(self.module, "kms", retry=kms.RETRY, region=region)
            try:
                metadata = kms.describe_key(client, key)
            except kms.AnsibleKMSError as e:  # an alias names a key in every region: say which
                raise kms.AnsibleKMSError(message="%s in %s" % (e.message, region), exception=e.exception) from e
            self.cache[(key, region)] = metadata["Arn"] if metadata else None
        return self.cache[(key, region)]


def same_key(one, other):
    """Whether two references (key ARN or key id, as DynamoDB may report either) name one KMS key."""
    if one is None or other is None:
        return one == other
    return one.split(":key/")[-1] == other.split(":key/")[-1] and (
        not (one.startswith("arn:") and other.startswith("arn:")) or one == other)


def stream_of(table):
    spec = table.get("StreamSpecification") or {}
    enabled = bool(spec.get("StreamEnabled"))
    return {"enabled": enabled, "view_type": spec.get("StreamViewType") if enabled else None}


def sse_of(table):
    sse = table.get("SSEDescription") or {}
    enabled = sse.get("Status") in ("ENABLED", "UPDATING") and sse.get("SSEType") == "KMS"
    return {"enabled": enabled, "kms_master_key_arn": sse.get("KMSMasterKeyArn") if enabled else None}


def replicas_of(table):
    replicas = []
    for replica in table.get("Replicas", []):
        replicas.append({
            "region_name": replica["RegionName"],
            "replica_status": replica.get("ReplicaStatus"),
            "replica_status_description": replica.get("ReplicaStatusDescription"),
            "kms_master_key_id": replica.get("KMSMasterKeyId"),
            "table_class": (replica.get("ReplicaTableClassSummary") or {}).get("TableClass"),
        })
    return sorted(replicas, key=lambda r: r["region_name"])


def read_state(client, name, table):
    """Everything the module manages about the table, in the shape it returns."""
    return {
        "table_name": table["TableName"],
        "table_arn": table["TableArn"],
        "table_id": table.get("TableId"),
        "table_status": table.get("TableStatus"),
        "global_table_version": table.get("GlobalTableVersion"),
        "latest_stream_arn": table.get("LatestStreamArn") if stream_of(table)["enabled"] else None,
        "stream_specification": stream_of(table),
        "sse": sse_of(table),
        "deletion_protection": bool(table.get("DeletionProtectionEnabled")),
        "point_in_time_recovery": dynamodb.describe_point_in_time_recovery(client, name),
        "tags": dynamodb.list_tags(client, table["TableArn"]),
        "replicas": replicas_of(table),
    }


def comparable(state):
    """The managed settings only (what --diff shows)."""
    keys = ("stream_specification", "sse", "deletion_protection", "point_in_time_recovery", "tags")
    view = {key: state.get(key) for key in keys}
    view["replicas"] = {
        r["region_name"]: {"kms_master_key_id": r.get("kms_master_key_id"), "table_class": r.get("table_class")}
        for r in state.get("replicas", [])
    }
    return view


def validate_params(module):
    """Checks that need no AWS call, made before any."""
    params = module.params
    own_region = module.region
    replicas = params["replica_regions"]
    if replicas is not None:
        regions = [r["region_name"] for r in replicas]
        bad = [r for r in regions if not REGION_PATTERN.match(r)]
        if bad:
            module.fail_json(msg="replica_regions: region_name must look like us-east-2, got %s" % ", ".join(bad))
        if len(set(regions)) != len(regions):
            module.fail_json(msg="replica_regions lists a region more than once: %s" % ", ".join(regions))
        if own_region in regions:
            module.fail_json(msg="replica_regions may not hold the module's own region %s" % own_region)
    stream = params["stream_specification"]
    if stream is not None:
        if stream["enabled"] and not stream["view_type"]:
            module.fail_json(msg="stream_specification.view_type is required when stream_specification.enabled=true")
        if not stream["enabled"] and stream["view_type"]:
            module.fail_json(msg="stream_specification.view_type is only valid with stream_specification.enabled=true")
        if replicas and (not stream["enabled"] or stream["view_type"] != REPLICA_VIEW_TYPE):
            module.fail_json(msg="replicas need stream_specification.enabled=true with view_type=%s"
                             % REPLICA_VIEW_TYPE)
    sse = params["sse"]
    if sse is not None and not sse["enabled"] and sse["kms_master_key_id"]:
        module.fail_json(msg="sse.kms_master_key_id is only valid with sse.enabled=true")


# --- planning ----------------------------------------------------------------------------------

class Step:
    """One change: a description, the call that makes it, and whether DynamoDB needs the table ACTIVE first."""

    def __init__(self, description, apply, needs_active=True):
        self.description = description
        self.apply = apply
        self.needs_active = needs_active


def plan(client, module, keys, name, current):
    """The changes to make, in order, and the state expected after them."""
    params = module.params
    region = module.region
    after = {key: (dict(value) if isinstance(value, dict) else value) for key, value in current.items()}
    after["replicas"] = [dict(r) for r in current["replicas"]]
    steps = []

    def table_change(description, changes):
        steps.append(Step(description, lambda: dynamodb.update_table(client, name, changes)))

    stream = params["stream_specification"]
    have = current["stream_specification"]
    if stream is not None and (stream["enabled"], stream["view_type"]) != (have["enabled"], have["view_type"]):
        remaining = replicas_after(params, current)
        if remaining and (not stream["enabled"] or stream["view_type"] != REPLICA_VIEW_TYPE):
            module.fail_json(msg="table %s has replicas in %s, which need a %s stream; remove them first"
                             % (name, ", ".join(remaining), REPLICA_VIEW_TYPE))
        if have["enabled"]:
            table_change("disable stream", {"StreamSpecification": {"StreamEnabled": False}})
        if stream["enabled"]:
            table_change("enable stream (%s)" % stream["view_type"],
                         {"StreamSpecification": {"StreamEnabled": True, "StreamViewType": stream["view_type"]}})
        after["stream_specification"] = {"enabled": stream["enabled"], "view_type": stream["view_type"]}

    sse = params["sse"]
    if sse is not None:
        want_key = keys.arn(sse["kms_master_key_id"] or AWS_MANAGED_KEY, region) if sse["enabled"] else None
        have_sse = current["sse"]
        if sse["enabled"] != have_sse["enabled"] or (
                sse["enabled"] and not same_key(want_key, have_sse["kms_master_key_arn"])):
            if sse["enabled"]:
                spec = {"Enabled": True, "SSEType": "KMS"}
                if sse["kms_master_key_id"]:
                    spec["KMSMasterKeyId"] = sse["kms_master_key_id"]
                table_change("encrypt with KMS key %s" % (sse["kms_master_key_id"] or AWS_MANAGED_KEY),
                             {"SSESpecification": spec})
            else:
                table_change("encrypt with an AWS owned key", {"SSESpecification": {"Enabled": False}})
            after["sse"] = {"enabled": sse["enabled"], "kms_master_key_arn": want_key}

    protection = params["deletion_protection"]
    if protection is not None and protection != current["deletion_protection"]:
        table_change("%s deletion protection" % ("enable" if protection else "disable"),
                     {"DeletionProtectionEnabled": protection})
        after["deletion_protection"] = protection

    pitr = params["point_in_time_recovery"]
    if pitr is not None and pitr != current["point_in_time_recovery"]:
        steps.append(Step("%s point-in-time recovery" % ("enable" if pitr else "disable"),
                          lambda: dynamodb.update_point_in_time_recovery(client, name, pitr), needs_active=False))
        after["point_in_time_recovery"] = pitr

    if params["tags"] is not None:
        to_add, to_remove = compare_aws_tags(current["tags"], params["tags"], purge_tags=params["purge_tags"])
        arn = current["table_arn"]
        if to_remove:
            steps.append(Step("remove tags %s" % ", ".join(sorted(to_remove)),
                              lambda: dynamodb.untag_resource(client, arn, to_remove), needs_active=False))
        if to_add:
            steps.append(Step("set tags %s" % ", ".join(sorted(to_add)),
                              lambda: dynamodb.tag_resource(client, arn, to_add), needs_active=False))
        after["tags"] = tags_after(current["tags"], to_add, to_remove)

    plan_replicas(module, keys, current, after, table_change)
    return steps, after


def replicas_after(params, current):
    """Regions that will hold a replica once the module is done."""
    have = [r["region_name"] for r in current["replicas"]]
    wanted = params["replica_regions"]
    if wanted is None:
        return have
    regions = [r["region_name"] for r in wanted]
    if not params["purge_replicas"]:
        regions += [r for r in have if r not in regions]
    return sorted(set(regions))


def plan_replicas(module, keys, current, after, table_change):
    params = module.params
    wanted = params["replica_regions"]
    if wanted is None:
        return []
    have = {r["region_name"]: r for r in current["replicas"]}

    def change(description, replica_update):
        # One replica per UpdateTable call: DynamoDB refuses more.
        table_change(description, {"ReplicaUpdates": [replica_update]})

    if params["purge_replicas"]:
        for region in sorted(set(have) - set(r["region_name"] for r in wanted)):
            change("delete replica in %s" % region, {"Delete": {"RegionName": region}})
            after["replicas"] = [r for r in after["replicas"] if r["region_name"] != region]

    for replica in sorted(wanted, key=lambda r: r["region_name"]):
        region = replica["region_name"]
        key_arn = keys.arn(replica["kms_master_key_id"], region)
        if region not in have:
            action = {"RegionName": region}
            if replica["kms_master_key_id"]:
                action["KMSMasterKeyId"] = replica["kms_master_key_id"]
            if replica["table_class"]:
                action["TableClassOverride"] = replica["table_class"]
            change("create replica in %s" % region, {"Create": action})
            after["replicas"].append({"region_name": region, "replica_status": "CREATING",
                                      "replica_status_description": None,
                                      "kms_master_key_id": key_arn, "table_class": replica["table_class"]})
            continue
        action, what = {"RegionName": region}, []
        if replica["kms_master_key_id"] and not same_key(key_arn, have[region]["kms_master_key_id"]):
            action["KMSMasterKeyId"] = replica["kms_master_key_id"]
            what.append("KMS key")
        if replica["table_class"] and replica["table_class"] != have[region]["table_class"]:
            action["TableClassOverride"] = replica["table_class"]
            what.append("table class")
        if what:
            change("update %s of replica in %s" % (" and ".join(what), region), {"Update": action})
            for entry in after["replicas"]:
                if entry["region_name"] == region:
                    entry.update(replica_status="UPDATING", kms_master_key_id=key_arn or entry["kms_master_key_id"],
                                 table_class=replica["table_class"] or entry["table_class"])
    after["replicas"].sort(key=lambda r: r["region_name"])


# --- waiting -----------------------------------------------------------------------------------

def settled(table):
    """True when DynamoDB accepts the next change: the table and all its replicas are ACTIVE."""
    if table is None or table.get("TableStatus") != "ACTIVE":
        return False
    return all(r.get("ReplicaStatus") not in TRANSITIONAL for r in table.get("Replicas", []))


def wait_until(module, fetch, ready, description):
    return module_wait(module, fetch, ready, description, delay=POLL_DELAY)


def final_ready(expected_regions):
    def ready(table):
        if not settled(table):
            return False
        statuses = {r["RegionName"]: r.get("ReplicaStatus") for r in table.get("Replicas", [])}
        return all(statuses.get(region) == "ACTIVE" for region in expected_regions) and (
            set(statuses) <= set(expected_regions))
    return ready


# --- main --------------------------------------------------------------------------------------

def main():
    replica_options = dict(
        region_name=dict(type="str", required=True),
        kms_master_key_id=dict(type="str", no_log=False),
        table_class=dict(type="str", choices=["STANDARD", "STANDARD_INFREQUENT_ACCESS"]),
    )
    argument_spec = dict(
        name=dict(type="str", required=True),
        replica_regions=dict(type="list", elements="dict", options=replica_options),
        purge_replicas=dict(type="bool", default=False),
        stream_specification=dict(type="dict", options=dict(
            enabled=dict(type="bool", required=True),
            view_type=dict(type="str", choices=["NEW_AND_OLD_IMAGES", "NEW_IMAGE", "OLD_IMAGE", "KEYS_ONLY"]),
        )),
        point_in_time_recovery=dict(type="bool"),
        sse=dict(type="dict", options=dict(
            enabled=dict(type="bool", required=True),
            kms_master_key_id=dict(type="str", no_log=False),
        )),
        deletion_protection=dict(type="bool"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate_params(module)
    client = dr_retry.client(module, "dynamodb", retry=dynamodb.RETRY)
    try:
        run(module, client)
    except (dynamodb.AnsibleDynamoDBError, kms.AnsibleKMSError) as e:
        module.fail_json_aws_error(e)


def run(module, client):
    name = module.params["name"]
    table = dynamodb.describe_table(client, name)
    if table is None:
        if not module.check_mode:
            module.fail_json(msg="table %s does not exist in %s; create it first (community.aws.dynamodb_table), or add"
                             " %s as a replica region from a region that holds it" % (name, module.region, module.region))
        module.warn("table %s does not exist in %s yet; check mode assumes an earlier task creates it"
                    % (name, module.region))
        module.exit_json(changed=True, table={}, replicas=[], changes=["configure table %s once created" % name])
    if table.get("GlobalTableVersion") == "2017.11.29":
        module.fail_json(msg="table %s is a version 2017.11.29 global table; upgrade it to 2019.11.21 first" % name)

    current = read_state(client, name, table)
    steps, planned = plan(client, module, KeyResolver(module), name, current)
    result = dict(changed=bool(steps), changes=[step.description for step in steps])

    if steps and not module.check_mode:
        def fetch():
            return dynamodb.describe_table(client, name)

        latest = table
        for step in steps:
            if step.needs_active and not settled(latest):
                latest = wait_until(module, fetch, settled, "table %s to be ACTIVE before: %s" % (name, step.description))
            step.apply()
            latest = None if step.needs_active else latest
        expected = replicas_after(module.params, current)
        final = fetch()
        if module.params["wait"]:
            final = wait_until(module, fetch, final_ready(expected),
                               "table %s and its replicas (%s) to be ACTIVE" % (name, ", ".join(expected) or "none"))
        planned = read_state(client, name, final)

    if module._diff:
        result["diff"] = {"before": comparable(current), "after": comparable(planned)}
    replicas = planned.pop("replicas")
    module.exit_json(table=planned, replicas=replicas, **result)


if __name__ == "__main__":
    main()
