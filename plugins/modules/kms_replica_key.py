#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kms_replica_key
short_description: Manage the replica of a multi-Region KMS key in one region
version_added: 0.1.0
description:
  - Creates the replica of a multi-Region primary key in the module's O(region) with C(ReplicateKey),
    then keeps the replica's own properties - description, key policy, tags and an alias - as asked.
  - The replica shares its key id and key material with the primary; its ARN differs only by region.
    Rotation is a shared property managed on the primary key (for example with M(amazon.aws.kms_key)),
    so this module does not manage it.
  - M(amazon.aws.kms_key) creates multi-Region primary keys but cannot replicate them.
  - With O(state=absent) the replica is scheduled for deletion; the primary is never touched.
author:
  - payments.dr maintainers (@payments-dr)
options:
  primary_key_arn:
    description:
      - ARN of the multi-Region primary key. Its region is read from the ARN and must differ from O(region).
    required: true
    type: str
  state:
    description: Whether the replica exists (C(absent) schedules its deletion).
    choices: ['present', 'absent']
    default: present
    type: str
  description:
    description:
      - Description of the replica. Unset leaves the current one (an empty description on creation).
    type: str
  policy:
    description:
      - Key policy of the replica (JSON). Unset leaves the current policy (the default key policy on creation).
    type: json
  alias:
    description:
      - Alias of the replica in its region, with or without the C(alias/) prefix. An alias of that name
        pointing at another key is moved to the replica. Other aliases are left alone.
    type: str
  pending_window:
    description: Days (7-30) before a replica scheduled for deletion is deleted.
    type: int
    default: 30
  wait:
    description: Wait until a new replica leaves the C(Creating) state.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for a new replica.
    type: int
    default: 300
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.tags, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Replicate the stack's multi-Region key into the DR region
  payments.dr.kms_replica_key:
    primary_key_arn: arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab
    region: us-east-2
    alias: alias/payments-kms-dr-prod
    description: payments.dr stack key (DR replica)
    policy: "{{ lookup('ansible.builtin.template', 'kms-key-policy.json.j2') }}"
    tags:
      Environment: prod
      DR-Role: dr

- name: Retire the replica (deleted after 7 days)
  payments.dr.kms_replica_key:
    primary_key_arn: arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab
    region: us-east-2
    state: absent
    pending_window: 7
"""

RETURN = r"""
key:
  description: The replica as it now stands; empty when it does not exist.
  returned: always
  type: dict
  contains:
    key_arn:
      description: ARN of the replica.
      type: str
      sample: arn:aws:kms:us-east-2:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab
    key_id:
      description: Key id (shared with the primary).
      type: str
      sample: mrk-1234abcd12ab34cd56ef1234567890ab
    key_state:
      description: C(Creating), C(Enabled), C(Disabled) or C(PendingDeletion).
      type: str
    description:
      description: Description of the replica.
      type: str
    multi_region_configuration:
      description: The primary and every replica of the key.
      type: dict
    aliases:
      description: Aliases of the replica in its region, with the C(alias/) prefix.
      type: list
      elements: str
    tags:
      description: Tags of the replica.
      type: dict
    policy:
      description: Key policy of the replica.
      type: dict
  sample: {
    "key_arn": "arn:aws:kms:us-east-2:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab",
    "key_id": "mrk-1234abcd12ab34cd56ef1234567890ab", "key_state": "Enabled",
    "description": "payments.dr stack key (DR replica)", "aliases": ["alias/payments-kms-dr-prod"],
    "tags": {"DR-Role": "dr"}, "policy": {"Version": "2012-10-17", "Statement": []},
    "multi_region_configuration": {"multi_region_key_type": "REPLICA"}}
"""

import json
import re

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.payments.dr.plugins.module_utils import kms
from ansible_collections.payments.dr.plugins.module_utils.dr_tags import sync_tags
from ansible_collections.payments.dr.plugins.module_utils.dr_wait import module_wait

PRIMARY_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):kms:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):key/(?P<key_id>mrk-[0-9a-f-]+)$"
)


# --- state ------------------------------------------------------------------------------------

def canonical_alias(alias):
    if alias is None:
        return None
    return alias if alias.startswith("alias/") else "alias/" + alias


def alias_targets(client):
    """Every alias of the region: AliasName -> TargetKeyId (None for an alias that names no key)."""
    return dict((alias["AliasName"], alias.get("TargetKeyId")) for alias in kms.list_aliases(client))


def replica_arn_of(primary, region):
    return "arn:%s:kms:%s:%s:key/%s" % (primary["partition"], region, primary["account"], primary["key_id"])


def read_state(client, metadata):
    """The replica's properties this module manages, in one comparable shape."""
    if metadata is None:
        return {}
    arn = metadata["Arn"]
    aliases = alias_targets(client)
    return {
        "key_arn": arn,
        "key_id": metadata["KeyId"],
        "key_state": metadata["KeyState"],
        "description": metadata.get("Description", ""),
        "multi_region_configuration": camel_dict_to_snake_dict(metadata.get("MultiRegionConfiguration") or {}),
        "aliases": sorted(name for name, target in aliases.items() if target in (metadata["KeyId"], arn)),
        "tags": kms.list_resource_tags(client, arn),
        "policy": kms.get_key_policy(client, arn),
    }


def wait_until_ready(client, module, key_arn):
    return module_wait(module, lambda: kms.describe_key(client, key_arn),
                       lambda meta: meta is not None and meta["KeyState"] != "Creating",
                       "replica key %s" % key_arn)


def validate_params(module):
    """Checks that need no AWS call, made before any; returns the parsed primary ARN."""
    primary = PRIMARY_ARN.match(module.params["primary_key_arn"])
    if primary is None:
        module.fail_json(msg="primary_key_arn must be the ARN of a multi-Region key (arn:aws:kms:<region>:<account>:"
                             "key/mrk-...), got %s" % module.params["primary_key_arn"])
    if primary.group("region") == module.region:
        module.fail_json(msg="the replica's region (%s) must differ from the primary key's region" % module.region)
    if not 7 <= module.params["pending_window"] <= 30:
        module.fail_json(msg="pending_window must be between 7 and 30 days, got %s" % module.params["pending_window"])
    if module.params["policy"] is not None:
        try:
            json.loads(module.params["policy"])
        except ValueError:
            module.fail_json(msg="policy must be a JSON document")
    return primary.groupdict()


def ensure_present(module, client, primary_client, primary, current, before):
    """Create the replica if missing, else align it with ``before`` (its state read); returns whether it changed."""
    params = module.params
    replica_arn = replica_arn_of(primary, module.region)
    if current is None:
        source = kms.describe_key(primary_client, params["primary_key_arn"])
        if source is None:
            module.fail_json(msg="primary key %s does not exist" % params["primary_key_arn"])
        key_type = (source.get("MultiRegionConfiguration") or {}).get("MultiRegionKeyType")
        if not source.get("MultiRegion") or key_type != "PRIMARY":
            module.fail_json(msg="%s is not a multi-Region primary key" % params["primary_key_arn"])
        if module.check_mode:
            return True
        create = {}
        if params["description"] is not None:
            create["Description"] = params["description"]
        if params["policy"] is not None:
            create["Policy"] = params["policy"]
        if params["tags"]:
            create["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"], "TagKey", "TagValue")
        metadata = kms.replicate_key(primary_client, params["primary_key_arn"], module.region, create)
        if params["wait"]:
            metadata = wait_until_ready(client, module, metadata["Arn"])
        ensure_alias(module, client, metadata["Arn"], metadata["KeyId"], [])
        return True

    changed = False
    if current["KeyState"] == "PendingDeletion":
        changed = True
        if not module.check_mode:
            kms.cancel_key_deletion(client, replica_arn)
            kms.enable_key(client, replica_arn)  # a cancelled deletion leaves the key disabled
    if params["description"] is not None and current.get("Description", "") != params["description"]:
        changed = True
        if not module.check_mode:
            kms.update_key_description(client, replica_arn, params["description"])
    if params["policy"] is not None and compare_policies(before["policy"], json.loads(params["policy"])):
        changed = True
        if not module.check_mode:
            kms.put_key_policy(client, replica_arn, params["policy"])
    changed |= sync_tags(module, before["tags"], params["tags"], params["purge_tags"],
                         lambda tags: kms.tag_resource(client, replica_arn, tags),
                         lambda keys: kms.untag_resource(client, replica_arn, keys))[0]
    changed |= ensure_alias(module, client, replica_arn, current["KeyId"], before["aliases"])
    return changed


def ensure_alias(module, client, key_arn, key_id, current_aliases):
    alias = canonical_alias(module.params["alias"])
    if alias is None or alias in current_aliases:
        return False
    aliases = alias_targets(client)
    if alias in aliases and aliases[alias] in (key_id, key_arn):
        return False
    if not module.check_mode:
        if alias in aliases:
            kms.update_alias(client, alias, key_arn)
        else:
            kms.create_alias(client, alias, key_arn)
    return True


def planned(module, before, replica_arn, primary):
    """What the replica would look like after this run (check mode)."""
    params = module.params
    after = dict(before) if before else {
        "key_arn": replica_arn, "key_id": primary["key_id"], "description": "", "aliases": [], "tags": {},
        "policy": {}, "multi_region_configuration": {"multi_region_key_type": "REPLICA"},
    }
    after["key_state"] = "Enabled"
    if params["description"] is not None:
        after["description"] = params["description"]
    if params["policy"] is not None:
        after["policy"] = json.loads(params["policy"])
    if params["tags"] is not None:
        after["tags"] = dict(params["tags"]) if params["purge_tags"] else dict(after["tags"], **params["tags"])
    alias = canonical_alias(params["alias"])
    if alias and alias not in after["aliases"]:
        after["aliases"] = sorted(after["aliases"] + [alias])
    return after


def run(module, client, primary_client, primary):
    """Read, compare, write what differs; the module's result."""
    replica_arn = replica_arn_of(primary, module.region)
    current = kms.describe_key(client, replica_arn)
    before = read_state(client, current)

    if module.params["state"] == "present":
        changed = ensure_present(module, client, primary_client, primary, current, before)
        if not changed:
            after = before
        elif module.check_mode:
            after = planned(module, before, replica_arn, primary)
        else:
            after = read_state(client, kms.describe_key(client, replica_arn))
    else:
        changed = current is not None and current["KeyState"] != "PendingDeletion"
        if not changed:
            after = before
        elif module.check_mode:
            after = dict(before, key_state="PendingDeletion")
        else:
            kms.schedule_key_deletion(client, replica_arn, module.params["pending_window"])
            after = read_state(client, kms.describe_key(client, replica_arn))

    result = dict(changed=changed, key=after)
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    return result


def main():
    argument_spec = dict(
        primary_key_arn=dict(type="str", required=True, no_log=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        description=dict(type="str"),
        policy=dict(type="json"),
        alias=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        pending_window=dict(type="int", default=30),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    primary = validate_params(module)
    client = dr_retry.client(module, "kms", retry=kms.RETRY)
    primary_client = dr_retry.client(module, "kms", retry=kms.RETRY, region=primary["region"])
    try:
        module.exit_json(**run(module, client, primary_client, primary))
    except kms.AnsibleKMSError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
