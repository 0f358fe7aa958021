#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: cloudwatch_dashboard
short_description: Create, update or delete a CloudWatch dashboard
version_added: 0.1.0
description:
  - Manages one Amazon CloudWatch dashboard with the C(PutDashboard), C(GetDashboard) and
    C(DeleteDashboards) APIs.
  - Idempotent on the dashboard body, compared as data, so key order and white space in the
    JSON never cause a change.
author:
  - payments.dr maintainers (@payments-dr)
options:
  name:
    description:
      - Name of the dashboard (up to 255 characters; letters, digits, C(-) and C(_)).
    required: true
    type: str
  state:
    description:
      - Whether the dashboard should exist.
    choices: ['present', 'absent']
    default: present
    type: str
  body:
    description:
      - The dashboard body, as a dictionary (typically C(widgets)) or a JSON string.
      - Required when O(state=present).
    type: raw
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Dashboard with one metric widget
  payments.dr.cloudwatch_dashboard:
    name: payments-primary-prod
    body:
      widgets:
        - type: metric
          x: 0
          y: 0
          width: 12
          height: 6
          properties:
            title: Lambda errors
            region: us-east-1
            metrics:
              - ["AWS/Lambda", "Errors", "FunctionName", "payments-validate-primary-prod"]

- name: Remove a dashboard
  payments.dr.cloudwatch_dashboard:
    name: payments-primary-prod
    state: absent
"""

RETURN = r"""
dashboard:
  description: The dashboard as it now stands; empty when absent.
  returned: always
  type: dict
  contains:
    dashboard_name:
      description: Name of the dashboard.
      returned: when present
      type: str
      sample: payments-primary-prod
    dashboard_arn:
      description: ARN of the dashboard.
      returned: when present
      type: str
      sample: arn:aws:cloudwatch::123456789012:dashboard/payments-primary-prod
    body:
      description: The dashboard body.
      returned: when present
      type: dict
validation_messages:
  description: Warnings CloudWatch returned about the body.
  returned: when the body was written
  type: list
  elements: dict
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import cloudwatch
from ansible_collections.payments.dr.plugins.module_utils import dr_retry


def desired_body(module):
    body = module.params["body"]
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError as e:
            module.fail_json(msg="body is not valid JSON: %s" % e)
    if not isinstance(body, dict):
        module.fail_json(msg="body must be a dictionary or a JSON object string")
    return body


def ensure_present(client, module, name, current):
    body = desired_body(module)
    if current is not None and current["body"] == body:
        return False, current, []
    if module.check_mode:
        return True, dict(current or {"dashboard_name": name}, body=body), []
    messages = cloudwatch.put_dashboard(client, name, body)
    return True, cloudwatch.get_dashboard(client, name), messages


def ensure_absent(client, module, name, current):
    if current is None:
        return False
    if not module.check_mode:
        cloudwatch.delete_dashboard(client, name)
    return True


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        body=dict(type="raw"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["body"])],
        supports_check_mode=True,
    )
    name = module.params["name"]
    client = dr_retry.client(module, "cloudwatch", retry=cloudwatch.RETRY)
    try:
        current = cloudwatch.get_dashboard(client, name)

        result = {"validation_messages": []}
        if module.params["state"] == "present":
            changed, dashboard, messages = ensure_present(client, module, name, current)
            result["validation_messages"] = messages
        else:
            changed, dashboard = ensure_absent(client, module, name, current), {}

        if module._diff:
            result["diff"] = {"before": (current or {}).get("body", {}), "after": (dashboard or {}).get("body", {})}
        module.exit_json(changed=changed, dashboard=dashboard or {}, **result)
    except cloudwatch.AnsibleCloudWatchError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
