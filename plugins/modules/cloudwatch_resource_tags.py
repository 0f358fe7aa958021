#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: cloudwatch_resource_tags
short_description: Tag CloudWatch alarms (and other CloudWatch resources) by ARN
version_added: 0.1.0
description:
  - Brings the tags of each CloudWatch resource in O(resource_arns) to O(tags).
  - M(amazon.aws.cloudwatch_metric_alarm) cannot tag the alarms it creates; this module does,
    with the CloudWatch C(TagResource) / C(UntagResource) / C(ListTagsForResource) APIs.
author:
  - payments.dr maintainers (@payments-dr)
options:
  resource_arns:
    description: ARNs of the CloudWatch resources (alarms, Contributor Insights rules).
    required: true
    type: list
    elements: str
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Tag the region's alarms
  payments.dr.cloudwatch_resource_tags:
    resource_arns:
      - arn:aws:cloudwatch:us-east-1:123456789012:alarm:payments-lambda-errors-primary-prod
    tags:
      Environment: prod
    purge_tags: false
"""

RETURN = r"""
tags:
  description: Tags of each resource after the run, by ARN.
  returned: always
  type: dict
"""

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            resource_arns=dict(type="list", elements="str", required=True),
            tags=dict(type="dict", aliases=["resource_tags"]),
            purge_tags=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    client = module.client("cloudwatch", retry_decorator=AWSRetry.jittered_backoff())
    desired = module.params["tags"]
    changed, after, before = False, {}, {}
    for arn in module.params["resource_arns"]:
        try:
            current = boto3_tag_list_to_ansible_dict(
                client.list_tags_for_resource(aws_retry=True, ResourceARN=arn).get("Tags", []))
        except (BotoCoreError, ClientError) as e:
            module.fail_json_aws(e, msg="Failed to list tags of %s" % arn)
        before[arn] = current
        if desired is None:
            after[arn] = current
            continue
        to_add, to_remove = compare_aws_tags(current, desired, purge_tags=module.params["purge_tags"])
        after[arn] = dict((k, v) for k, v in current.items() if k not in to_remove)
        after[arn].update(to_add)
        if not (to_add or to_remove):
            continue
        changed = True
        if module.check_mode:
            continue
        try:
            if to_remove:
                client.untag_resource(aws_retry=True, ResourceARN=arn, TagKeys=to_remove)
            if to_add:
                client.tag_resource(aws_retry=True, ResourceARN=arn, Tags=ansible_dict_to_boto3_tag_list(to_add))
        except (BotoCoreError, ClientError) as e:
            module.fail_json_aws(e, msg="Failed to tag %s" % arn)
    module.exit_json(changed=changed, tags=after, diff={"before": before, "after": after})


if __name__ == "__main__":
    main()
