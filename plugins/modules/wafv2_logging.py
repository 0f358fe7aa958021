#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: wafv2_logging
short_description: Where an AWS WAF web ACL logs the requests it inspects
version_added: 0.1.0
description:
  - Sets the logging configuration of the web ACL O(web_acl_arn) to O(log_destination_arns) with
    the O(redacted_headers) left out of the logs, or, with O(state=absent), stops its logging.
  - A CloudWatch Logs destination must be a log group whose name starts with C(aws-waf-logs-) (AWS
    WAF refuses any other); the caller needs C(logs:CreateLogDelivery), C(logs:PutResourcePolicy),
    C(logs:DescribeResourcePolicies) and C(logs:DescribeLogGroups) besides C(wafv2:PutLoggingConfiguration),
    and AWS WAF adds the log group resource policy that lets it write.
author:
  - payments.dr maintainers (@payments-dr)
options:
  web_acl_arn:
    description: ARN of the web ACL.
    required: true
    type: str
  log_destination_arns:
    description:
      - Where the logs go (one destination); a CloudWatch Logs log group ARN
        (C(arn:aws:logs:REGION:ACCOUNT:log-group:aws-waf-logs-NAME)). Required when O(state=present).
    type: list
    elements: str
  redacted_headers:
    description:
      - Request headers whose values are left out of the logs (lower case), for example the
        C(authorization) and C(x-amz-security-token) of SigV4-signed requests.
    type: list
    elements: str
    default: []
  state:
    description: Whether the web ACL logs.
    choices: ['present', 'absent']
    default: present
    type: str
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Log the web ACL to CloudWatch Logs, without the requests' credentials
  payments.dr.wafv2_logging:
    web_acl_arn: "{{ web_acl.arn }}"
    log_destination_arns: ["arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-payments-api-primary-prod"]
    redacted_headers: [authorization, x-amz-security-token]
"""

RETURN = r"""
logging_configuration:
  description: The web ACL's logging configuration (none when it does not log).
  returned: always
  type: dict
  contains:
    log_destination_arns:
      description: Where the logs go.
      type: list
      elements: str
      returned: when logging
    redacted_headers:
      description: Headers left out of the logs.
      type: list
      elements: str
      returned: when logging
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import wafv2


def summary(configuration):
    """The parts of a logging configuration this module manages, comparable (None: no logging)."""
    if configuration is None:
        return None
    headers = [field["SingleHeader"]["Name"].lower() for field in configuration.get("RedactedFields") or []
               if "SingleHeader" in field]
    return {"log_destination_arns": list(configuration.get("LogDestinationConfigs") or []),
            "redacted_headers": sorted(headers)}


def ensure(module, client):
    """(changed, before, after) in the form of summary()."""
    params = module.params
    before = summary(wafv2.get_logging_configuration(client, params["web_acl_arn"]))
    after = None
    if params["state"] == "present":
        after = {"log_destination_arns": list(params["log_destination_arns"]),
                 "redacted_headers": sorted(h.lower() for h in params["redacted_headers"])}
    if before == after:
        return False, before, after
    if not module.check_mode:
        if after is None:
            wafv2.delete_logging_configuration(client, params["web_acl_arn"])
        else:
            wafv2.put_logging_configuration(client, params["web_acl_arn"], after["log_destination_arns"],
                                            [{"SingleHeader": {"Name": name}} for name in after["redacted_headers"]])
    return True, before, after


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            web_acl_arn=dict(type="str", required=True),
            log_destination_arns=dict(type="list", elements="str"),
            redacted_headers=dict(type="list", elements="str", default=[], no_log=False),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        required_if=[("state", "present", ["log_destination_arns"])],
        supports_check_mode=True,
    )
    client = dr_retry.client(module, "wafv2", retry=wafv2.RETRY)
    try:
        changed, before, after = ensure(module, client)
    except wafv2.AnsibleWAFv2Error as e:
        module.fail_json_aws_error(e)
    result = dict(changed=changed, logging_configuration=after)
    if module._diff:
        result["diff"] = {"before": before or {}, "after": after or {}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
