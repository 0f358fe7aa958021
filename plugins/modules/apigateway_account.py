#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apigateway_account
short_description: Set the API Gateway account's CloudWatch Logs role in a region
version_added: 0.2.0
description:
  - API Gateway writes stage access and execution logs with one IAM role per account and region
    (C(GetAccount)/C(UpdateAccount) C(cloudwatchRoleArn)). Until it is set, AWS refuses to turn on stage
    logging (C(CloudWatch Logs role ARN must be set in account settings to enable logging)).
  - Reads the account's setting and updates it only when it differs. With O(overwrite=false) a role
    already set (by another stack of the account, say) is kept and reported.
  - IAM is eventually consistent - API Gateway refuses a role created seconds ago (C(The role ARN does
    not have required permissions set to API Gateway)); the module retries that error only, up to
    O(propagation_timeout) seconds.
  - No amazon.aws or community.aws module manages this setting.
author:
  - payments.dr maintainers (@payments-dr)
options:
  cloudwatch_role_arn:
    description:
      - Role API Gateway assumes to write logs - trusted by C(apigateway.amazonaws.com), with the AWS managed
        policy C(AmazonAPIGatewayPushToCloudWatchLogs).
    required: true
    type: str
  overwrite:
    description: Replace a different role already set. False keeps it.
    type: bool
    default: true
  propagation_timeout:
    description: Seconds to retry a role API Gateway cannot assume yet (a role just created).
    type: int
    default: 60
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Let API Gateway write the stages' access logs in us-east-2
  payments.dr.apigateway_account:
    region: us-east-2
    cloudwatch_role_arn: arn:aws:iam::123456789012:role/payments-apigateway-logs-global-prod
    overwrite: false
"""

RETURN = r"""
cloudwatch_role_arn:
  description: The account's role after the run.
  returned: always
  type: str
previous_cloudwatch_role_arn:
  description: The account's role before the run (empty when none was set).
  returned: always
  type: str
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import apigateway
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import dr_wait

ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
NOT_YET = "does not have required permissions"


def set_role(client, arn):
    """UpdateAccount; None while API Gateway cannot assume the role yet, else the role."""
    try:
        apigateway.update_account(client, [dict(op="replace", path="/cloudwatchRoleArn", value=arn)])
    except apigateway.AnsibleAPIGatewayError as e:
        if NOT_YET in str(e.exception):
            return None
        raise
    return arn


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            cloudwatch_role_arn=dict(type="str", required=True),
            overwrite=dict(type="bool", default=True),
            propagation_timeout=dict(type="int", default=60),
        ),
        supports_check_mode=True,
    )
    wanted = module.params["cloudwatch_role_arn"]
    if not ROLE_ARN.match(wanted):
        module.fail_json(msg="cloudwatch_role_arn %r is not an IAM role ARN" % wanted)
    client = dr_retry.client(module, "apigateway", retry=apigateway.RETRY)
    try:
        current = apigateway.get_account(client).get("cloudwatchRoleArn") or ""
        keep = current and not module.params["overwrite"]
        changed = current != wanted and not keep
        if keep and current != wanted:
            module.warn("the account already logs with %s in %s; kept (overwrite=false)" % (current, module.region))
        if changed and not module.check_mode:
            try:
                dr_wait.wait_for(lambda: set_role(client, wanted), lambda arn: arn is not None,
                                 module.params["propagation_timeout"], delay=5,
                                 description="API Gateway to accept role %s (IAM propagation)" % wanted)
            except dr_wait.WaitTimeout as e:
                module.fail_json(msg="%s; check that the role trusts apigateway.amazonaws.com" % e)
    except apigateway.AnsibleAPIGatewayError as e:
        module.fail_json_aws_error(e)
    after = wanted if changed or not keep else current
    module.exit_json(changed=changed, cloudwatch_role_arn=after, previous_cloudwatch_role_arn=current,
                     diff=dict(before=dict(cloudwatch_role_arn=current), after=dict(cloudwatch_role_arn=after)))


if __name__ == "__main__":
    main()
