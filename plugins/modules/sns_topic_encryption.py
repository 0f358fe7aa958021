#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: sns_topic_encryption
short_description: Server-side encryption of an SNS topic with a KMS key
version_added: 0.1.0
description:
  - Sets or removes the C(KmsMasterKeyId) attribute of an existing SNS topic.
  - M(community.aws.sns_topic) manages topics but not their encryption; this module fills that gap.
author:
  - payments.dr maintainers (@payments-dr)
options:
  topic_arn:
    description: ARN of the topic.
    required: true
    type: str
  kms_master_key_id:
    description:
      - Key id, ARN or alias of the KMS key (C(alias/aws/sns) for the AWS managed key).
      - An empty string turns server-side encryption off.
    required: true
    type: str
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Encrypt the alert topic with the stack's key
  payments.dr.sns_topic_encryption:
    topic_arn: "{{ topic.sns_arn }}"
    kms_master_key_id: "{{ kms_key_arn }}"
"""

RETURN = r"""
kms_master_key_id:
  description: The key the topic is now encrypted with (empty when not encrypted).
  returned: always
  type: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import sns


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(topic_arn=dict(type="str", required=True),
                           kms_master_key_id=dict(type="str", required=True, no_log=False)),
        supports_check_mode=True,
    )
    topic_arn, wanted = module.params["topic_arn"], module.params["kms_master_key_id"]
    client = dr_retry.client(module, "sns", retry=sns.RETRY)
    try:
        current = sns.get_topic_attributes(client, topic_arn).get(sns.KMS_KEY_ATTRIBUTE, "")
        changed = current != wanted
        if changed and not module.check_mode:
            sns.set_topic_kms_key(client, topic_arn, wanted)
        module.exit_json(changed=changed, kms_master_key_id=wanted,
                         diff={"before": {"kms_master_key_id": current}, "after": {"kms_master_key_id": wanted}})
    except sns.AnsibleSNSError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
