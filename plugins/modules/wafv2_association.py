#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: wafv2_association
short_description: Protect one regional resource (an API Gateway stage) with an AWS WAF web ACL
version_added: 0.1.0
description:
  - Associates the AWS WAF (wafv2) web ACL O(web_acl_arn) with O(resource_arn), an API Gateway REST
    API stage (C(arn:aws:apigateway:REGION::/restapis/API_ID/stages/STAGE)), an application load
    balancer or another regional resource WAF protects; a resource has at most one web ACL, so
    another one protecting it is replaced.
  - Reads the resource's web ACL with C(GetWebACLForResource), which answers for every resource type
    (C(ListResourcesForWebACL) lists application load balancers unless told another type, which makes
    M(community.aws.wafv2_resources) associate an API Gateway stage again on every run).
  - O(state=absent) removes whichever web ACL protects the resource.
  - For an API Gateway stage the caller also needs C(apigateway:SetWebACL) on it.
author:
  - payments.dr maintainers (@payments-dr)
options:
  resource_arn:
    description: ARN of the resource to protect.
    required: true
    type: str
  web_acl_arn:
    description: ARN of the regional web ACL, in the resource's region. Required when O(state=present).
    type: str
  state:
    description: Whether the web ACL protects the resource.
    choices: ['present', 'absent']
    default: present
    type: str
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: The stage behind the web ACL
  payments.dr.wafv2_association:
    resource_arn: "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod"
    web_acl_arn: "{{ web_acl.arn }}"
"""

RETURN = r"""
web_acl_arn:
  description: ARN of the web ACL protecting the resource now (none when O(state=absent)).
  returned: always
  type: str
  sample: arn:aws:wafv2:us-east-1:123456789012:regional/webacl/payments-api-waf-primary-prod/0f1e2d3c-...
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import wafv2


def ensure(module, client):
    """(changed, before, after): the ARN of the web ACL protecting the resource, before and after."""
    params = module.params
    current = wafv2.get_web_acl_for_resource(client, params["resource_arn"])
    before = (current or {}).get("ARN")
    after = params["web_acl_arn"] if params["state"] == "present" else None
    if before == after:
        return False, before, after
    if not module.check_mode:
        if after is None:
            wafv2.disassociate_web_acl(client, params["resource_arn"])
        else:
            wafv2.associate_web_acl(client, after, params["resource_arn"])  # replaces another web ACL
    return True, before, after


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            resource_arn=dict(type="str", required=True),
            web_acl_arn=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        required_if=[("state", "present", ["web_acl_arn"])],
        supports_check_mode=True,
    )
    client = dr_retry.client(module, "wafv2", retry=wafv2.RETRY)
    try:
        changed, before, after = ensure(module, client)
    except wafv2.AnsibleWAFv2Error as e:
        module.fail_json_aws_error(e)
    result = dict(changed=changed, web_acl_arn=after)
    if module._diff:
        result["diff"] = {"before": {"web_acl_arn": before}, "after": {"web_acl_arn": after}}
    module.exit_json(**result)


if __name__ == "__main__":
    main()
