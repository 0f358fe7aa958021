#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: kms_alias
short_description: Manage one KMS alias, apart from its key
version_added: 0.1.0
description:
  - Creates an alias for a KMS key, points it at another key, or deletes it, in the module's O(region).
  - A key scheduled for deletion keeps its aliases until AWS deletes it; deleting them at once frees
    the names, so a stack deployed again creates new keys instead of finding keys pending deletion.
  - M(amazon.aws.kms_key) manages an alias only together with its key and never deletes one.
author:
  - payments.dr maintainers (@payments-dr)
options:
  name:
    description: Name of the alias, with or without the C(alias/) prefix. Names under C(alias/aws/) belong to AWS.
    required: true
    type: str
    aliases: ['alias']
  state:
    description: Whether the alias exists.
    choices: ['present', 'absent']
    default: present
    type: str
  target_key_id:
    description:
      - Id or ARN of the key the alias names. Required when O(state=present).
      - With O(state=absent), when set, the alias is deleted only while it names that key.
    type: str
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Name the stack key
  payments.dr.kms_alias:
    name: alias/payments-kms-primary-prod
    target_key_id: arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab

- name: Free the name once the key is scheduled for deletion
  payments.dr.kms_alias:
    name: alias/payments-kms-primary-prod
    state: absent
"""

RETURN = r"""
alias:
  description: The alias as it now stands; empty when it does not exist.
  returned: always
  type: dict
  contains:
    alias_name:
      description: Name of the alias, with the C(alias/) prefix.
      type: str
      sample: alias/payments-kms-primary-prod
    alias_arn:
      description: ARN of the alias.
      type: str
      sample: arn:aws:kms:us-east-1:123456789012:alias/payments-kms-primary-prod
    target_key_id:
      description: Id of the key the alias names.
      type: str
      sample: mrk-1234abcd12ab34cd56ef1234567890ab
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import kms


# --- state ------------------------------------------------------------------------------------

def canonical_name(name):
    return name if name.startswith("alias/") else "alias/" + name


def key_id_of(key_ref):
    """The key id in a key id or key ARN (arn:...:key/<id>)."""
    return key_ref.split(":key/", 1)[1] if key_ref.startswith("arn:") and ":key/" in key_ref else key_ref


def find_alias(client, name):
    """The alias as ListAliases answers it, or None."""
    return next((alias for alias in kms.list_aliases(client) if alias["AliasName"] == name), None)


def to_result(alias):
    if not alias or not alias.get("TargetKeyId"):
        return {}
    return {"alias_name": alias["AliasName"], "alias_arn": alias.get("AliasArn", ""),
            "target_key_id": alias["TargetKeyId"]}


def run(module, client, name, wanted_key):
    """Read, compare, write what differs; the module's result."""
    current = find_alias(client, name)
    before = to_result(current)

    if module.params["state"] == "present":
        changed = before.get("target_key_id") != wanted_key
        after = dict(before, alias_name=name, target_key_id=wanted_key) if changed else before
        if changed and not module.check_mode:
            if before:
                kms.update_alias(client, name, module.params["target_key_id"])
            else:
                kms.create_alias(client, name, module.params["target_key_id"])
            after = to_result(find_alias(client, name))
    else:
        changed = bool(before) and (wanted_key is None or before["target_key_id"] == wanted_key)
        after = {} if changed else before
        if changed and not module.check_mode:
            kms.delete_alias(client, name)

    result = dict(changed=changed, alias=after)
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    return result


def main():
    argument_spec = dict(
        name=dict(type="str", required=True, aliases=["alias"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        target_key_id=dict(type="str"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, required_if=[("state", "present", ["target_key_id"])],
                              supports_check_mode=True)
    name = canonical_name(module.params["name"])
    if name.startswith("alias/aws/"):
        module.fail_json(msg="%s is reserved for AWS managed keys" % name)
    wanted_key = key_id_of(module.params["target_key_id"]) if module.params["target_key_id"] else None

    client = dr_retry.client(module, "kms", retry=kms.RETRY)
    try:
        module.exit_json(**run(module, client, name, wanted_key))
    except kms.AnsibleKMSError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
