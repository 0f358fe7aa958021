#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ec2_vpc_gateway_endpoint
short_description: Manage a gateway VPC endpoint (S3, DynamoDB) and the route tables it is in
version_added: 0.1.0
description:
  - Creates, updates, tags or deletes the gateway endpoint of one AWS service in one VPC.
  - The endpoint is identified by O(vpc_id) and O(service_name) (a VPC has one gateway endpoint per
    service here); its route tables and its policy are changed in place with C(ModifyVpcEndpoint),
    which adds or removes the route to the service's prefix list in each table.
  - amazon.aws.ec2_vpc_endpoint identifies an endpoint by its exact set of route tables and never
    modifies one, so a changed set of route tables makes it create a second endpoint (refused by
    AWS with C(RouteAlreadyExists) on the tables already routed) and a changed policy is ignored.
author:
  - payments.dr maintainers (@payments-dr)
options:
  state:
    description: Whether the endpoint should exist.
    type: str
    choices: [present, absent]
    default: present
  vpc_id:
    description: Id of the VPC.
    type: str
    required: true
  service_name:
    description: Service of the endpoint, like C(com.amazonaws.us-east-1.s3) or C(com.amazonaws.us-east-1.dynamodb).
    type: str
    required: true
  route_table_ids:
    description:
      - Route tables that route the service's prefix list to the endpoint; those not listed are removed.
      - Required when O(state=present).
    type: list
    elements: str
  policy:
    description:
      - Endpoint policy (a JSON document or a dict).
      - When omitted, a new endpoint gets AWS's default (full access) and an existing one keeps its policy.
    type: json
notes:
  - Supports C(check_mode) and C(diff).
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.tags, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: S3 through the VPC's private route tables, only to this account's buckets
  payments.dr.ec2_vpc_gateway_endpoint:
    vpc_id: vpc-0123456789abcdef0
    service_name: com.amazonaws.us-east-1.s3
    route_table_ids: [rtb-0123456789abcdef0, rtb-0123456789abcdef1]
    policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: "*"
          Action: "s3:*"
          Resource: "*"
          Condition: {StringEquals: {"aws:ResourceAccount": "123456789012"}}
    tags:
      Name: payments-s3-endpoint-primary-prod

- name: Delete the VPC's DynamoDB gateway endpoint
  payments.dr.ec2_vpc_gateway_endpoint:
    vpc_id: vpc-0123456789abcdef0
    service_name: com.amazonaws.us-east-1.dynamodb
    state: absent
"""

RETURN = r"""
endpoint:
  description: The endpoint after the run (empty after O(state=absent) or in check mode before creation).
  returned: always
  type: dict
  contains:
    vpc_endpoint_id:
      description: Id of the endpoint.
      type: str
      sample: vpce-0123456789abcdef0
    vpc_id:
      description: The VPC.
      type: str
    service_name:
      description: The service.
      type: str
    state:
      description: C(available) once created.
      type: str
    route_table_ids:
      description: Route tables routed to the endpoint.
      type: list
      elements: str
    policy:
      description: The endpoint policy.
      type: dict
    tags:
      description: Tags of the endpoint.
      type: dict
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_specifications

from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import ec2
from ansible_collections.payments.dr.plugins.module_utils.dr_tags import sync_tags

# States in which an endpoint still exists (DescribeVpcEndpoints keeps deleted ones a while).
LIVE_STATES = ["pendingAcceptance", "pending", "available"]


def as_policy(document):
    """A policy given as JSON text or already parsed, as a dict (None stays None)."""
    if document is None or isinstance(document, dict):
        return document
    return json.loads(document)


def find_endpoints(client, module):
    return ec2.describe_vpc_endpoints(client, [
        {"Name": "vpc-id", "Values": [module.params["vpc_id"]]},
        {"Name": "service-name", "Values": [module.params["service_name"]]},
        {"Name": "vpc-endpoint-type", "Values": ["Gateway"]},
        {"Name": "vpc-endpoint-state", "Values": LIVE_STATES},
    ])


def normalize(endpoint):
    if not endpoint:
        return {}
    return {
        "vpc_endpoint_id": endpoint.get("VpcEndpointId", ""),
        "vpc_id": endpoint.get("VpcId"),
        "service_name": endpoint.get("ServiceName"),
        "state": endpoint.get("State", ""),
        "route_table_ids": sorted(endpoint.get("RouteTableIds", [])),
        "policy": as_policy(endpoint.get("PolicyDocument")),
        "tags": boto3_tag_list_to_ansible_dict(endpoint.get("Tags", [])),
    }


def changes_for(module, current):
    """ModifyVpcEndpoint's arguments that bring ``current`` to the options ({} when none)."""
    wanted_tables = set(module.params["route_table_ids"])
    found_tables = set(current.get("RouteTableIds", []))
    changes = {}
    if wanted_tables - found_tables:
        changes["AddRouteTableIds"] = sorted(wanted_tables - found_tables)
    if found_tables - wanted_tables:
        changes["RemoveRouteTableIds"] = sorted(found_tables - wanted_tables)
    wanted_policy = as_policy(module.params["policy"])
    if wanted_policy is not None and wanted_policy != as_policy(current.get("PolicyDocument")):
        changes["PolicyDocument"] = json.dumps(wanted_policy, sort_keys=True)
    return changes


def create(client, module):
    params = module.params
    request = {
        "VpcId": params["vpc_id"], "ServiceName": params["service_name"], "VpcEndpointType": "Gateway",
        "RouteTableIds": sorted(params["route_table_ids"]),
    }
    if params["policy"] is not None:
        request["PolicyDocument"] = json.dumps(as_policy(params["policy"]), sort_keys=True)
    if params["tags"]:
        request["TagSpecifications"] = boto3_tag_specifications(params["tags"], ["vpc-endpoint"])
    return ec2.create_vpc_endpoint(client, request)


def planned(module):
    params = module.params
    return {"VpcId": params["vpc_id"], "ServiceName": params["service_name"], "State": "",
            "RouteTableIds": params["route_table_ids"], "PolicyDocument": as_policy(params["policy"]),
            "Tags": [{"Key": k, "Value": v} for k, v in (params["tags"] or {}).items()]}


def ensure_present(client, module, current):
    """Returns (changed, endpoint after the run)."""
    if current is None:
        if module.check_mode:
            return True, planned(module)
        return True, create(client, module)

    changes = changes_for(module, current)
    if changes and not module.check_mode:
        ec2.modify_vpc_endpoint(client, current["VpcEndpointId"], changes)
    endpoint_id = current["VpcEndpointId"]
    tags_changed, tags = sync_tags(module, boto3_tag_list_to_ansible_dict(current.get("Tags", [])),
                                   module.params["tags"], module.params["purge_tags"],
                                   lambda wanted: ec2.create_tags(client, endpoint_id, wanted),
                                   lambda keys: ec2.delete_tags(client, endpoint_id, keys))
    after = dict(current, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    if "AddRouteTableIds" in changes or "RemoveRouteTableIds" in changes:
        after["RouteTableIds"] = module.params["route_table_ids"]
    if "PolicyDocument" in changes:
        after["PolicyDocument"] = as_policy(module.params["policy"])
    return bool(changes) or tags_changed, after


def run(client, module):
    found = find_endpoints(client, module)
    if len(found) > 1:
        module.fail_json(msg="%s has %d gateway endpoints of %s (%s): delete all but one" % (
            module.params["vpc_id"], len(found), module.params["service_name"],
            ", ".join(e["VpcEndpointId"] for e in found)))
    current = found[0] if found else None
    before = normalize(current)

    if module.params["state"] == "present":
        changed, endpoint = ensure_present(client, module, current)
        after = normalize(endpoint)
    else:
        changed, after = current is not None, {}
        if current is not None and not module.check_mode:
            ec2.delete_vpc_endpoint(client, current["VpcEndpointId"])

    result = dict(changed=changed, endpoint=after)
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    return result


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        vpc_id=dict(type="str", required=True),
        service_name=dict(type="str", required=True),
        route_table_ids=dict(type="list", elements="str"),
        policy=dict(type="json"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["route_table_ids"])],
        supports_check_mode=True,
    )
    client = dr_retry.client(module, "ec2", retry=ec2.RETRY)
    try:
        module.exit_json(**run(client, module))
    except ec2.AnsibleEC2Error as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
