#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: routing_control
short_description: Fence or unfence regions of the payment API through the replicated routing-control item
version_added: 0.1.0
description:
  - The stack keeps one routing-control item in a small DynamoDB global table. Each region's function
    reads it - a fenced region answers C(GET /health) and C(POST /validate) with 503, so its Route 53
    health check fails and the failover records send traffic to the other region.
  - This module writes that item in the module's region only. Writing it in the surviving region is
    all a failover needs - no Route 53 control-plane call, and the item reaches the failed region
    through table replication whenever that region comes back, keeping it fenced.
  - Idempotent - reads the item (strongly consistent) and writes only when the fenced set differs.
author:
  - payments.dr maintainers (@payments-dr)
options:
  table_name:
    description: Name of the routing-control global table.
    required: true
    type: str
  fenced_regions:
    description: Regions that must not serve payments. An empty list unfences every region.
    required: true
    type: list
    elements: str
  reason:
    description: Why, recorded with the change (for example the runbook and its mode).
    type: str
    default: ''
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Fence us-east-1, writing only to the surviving region
  payments.dr.routing_control:
    region: us-east-2
    table_name: payments-dr-control-global-prod
    fenced_regions: [us-east-1]
    reason: failover.yml unplanned
"""

RETURN = r"""
fenced_regions:
  description: Regions fenced after the run, sorted.
  returned: always
  type: list
  elements: str
previous_fenced_regions:
  description: Regions fenced before the run, sorted.
  returned: always
  type: list
  elements: str
"""

import datetime

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import dynamodb

CONTROL_KEY = {"name": {"S": "routing"}}
WHAT = "the routing control"


def read_fenced(client, table):
    item = dynamodb.get_item(client, table, CONTROL_KEY, WHAT, consistent=True)
    return sorted(value["S"] for value in (item or {}).get("fenced_regions", {}).get("L", []))


def write_fenced(client, module, table, fenced, reason):
    item = dict(CONTROL_KEY,
                fenced_regions={"L": [{"S": region} for region in fenced]},
                reason={"S": reason},
                updated_at={"S": datetime.datetime.now(datetime.timezone.utc).isoformat()},
                updated_in={"S": module.region})
    dynamodb.put_item(client, table, item, WHAT)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            table_name=dict(type="str", required=True),
            fenced_regions=dict(type="list", elements="str", required=True),
            reason=dict(type="str", default=""),
        ),
        supports_check_mode=True,
    )
    table, wanted = module.params["table_name"], sorted(set(module.params["fenced_regions"]))
    client = dr_retry.client(module, "dynamodb", retry=dynamodb.RETRY)
    try:
        current = read_fenced(client, table)
        changed = current != wanted
        if changed and not module.check_mode:
            write_fenced(client, module, table, wanted, module.params["reason"])
        module.exit_json(changed=changed, fenced_regions=wanted, previous_fenced_regions=current,
                         diff={"before": {"fenced_regions": current}, "after": {"fenced_regions": wanted}})
    except dynamodb.AnsibleDynamoDBError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
