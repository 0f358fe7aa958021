#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ec2_vpc_flow_log
short_description: Manage a VPC, subnet or network interface flow log
version_added: 0.1.0
description:
  - Creates, replaces, tags or deletes one flow log of a VPC, a subnet or a network interface.
  - A flow log is identified by O(resource_id) and its destination (O(log_group_name) or O(log_destination)).
  - AWS cannot modify a flow log; when O(traffic_type), O(deliver_logs_permission_arn),
    O(max_aggregation_interval) or O(log_format) differ from the existing flow log, the module
    deletes it and creates a new one. Tags are changed in place.
  - Neither amazon.aws nor community.aws has a module for flow logs.
author:
  - payments.dr maintainers (@payments-dr)
options:
  state:
    description: Whether the flow log should exist.
    type: str
    choices: [present, absent]
    default: present
  resource_id:
    description: Id of the VPC, subnet or network interface whose traffic is logged.
    type: str
    required: true
  resource_type:
    description: Kind of resource O(resource_id) is.
    type: str
    choices: [VPC, Subnet, NetworkInterface]
    default: VPC
  traffic_type:
    description: Which traffic is logged.
    type: str
    choices: [ACCEPT, REJECT, ALL]
    default: ALL
  log_destination_type:
    description: Where the flow log records go.
    type: str
    choices: [cloud-watch-logs, s3, kinesis-data-firehose]
    default: cloud-watch-logs
  log_group_name:
    description:
      - Name of the CloudWatch Logs group that receives the records.
      - With O(log_destination_type=cloud-watch-logs), give this or O(log_destination) (the group's ARN).
    type: str
  log_destination:
    description:
      - ARN of the destination, required for O(log_destination_type=s3) (bucket ARN, optionally with a
        folder, like C(arn:aws:s3:::bucket/prefix/)) and O(log_destination_type=kinesis-data-firehose).
      - For O(log_destination_type=cloud-watch-logs), the log group's ARN instead of O(log_group_name).
    type: str
  deliver_logs_permission_arn:
    description:
      - ARN of the IAM role VPC Flow Logs assumes to write to CloudWatch Logs.
      - Required when O(state=present) and O(log_destination_type=cloud-watch-logs).
    type: str
  log_format:
    description:
      - Fields and order of the records, like C(${version} ${srcaddr} ${dstaddr} ${action}).
      - When omitted, AWS uses its default format and the module does not compare formats.
    type: str
  max_aggregation_interval:
    description: Seconds over which packets are aggregated into one record.
    type: int
    choices: [60, 600]
    default: 600
  wait:
    description: Wait until the new flow log is visible through C(DescribeFlowLogs).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait when O(wait=true).
    type: int
    default: 60
notes:
  - Supports C(check_mode) and C(diff).
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.tags, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Log all traffic of a VPC to CloudWatch Logs
  payments.dr.ec2_vpc_flow_log:
    resource_id: "{{ vpc.vpc.id }}"
    log_group_name: payments-vpc-flow-logs-primary-prod
    deliver_logs_permission_arn: arn:aws:iam::123456789012:role/payments-vpc-flow-logs-global-prod
    tags:
      Environment: prod

- name: Log rejected traffic of a subnet to S3 with a custom record format
  payments.dr.ec2_vpc_flow_log:
    resource_id: subnet-0123456789abcdef0
    resource_type: Subnet
    traffic_type: REJECT
    log_destination_type: s3
    log_destination: arn:aws:s3:::payments-flow-logs/rejected/
    log_format: "${version} ${interface-id} ${srcaddr} ${dstaddr} ${dstport} ${action}"
    max_aggregation_interval: 60

- name: Stop logging a VPC to that group
  payments.dr.ec2_vpc_flow_log:
    resource_id: "{{ vpc.vpc.id }}"
    log_group_name: payments-vpc-flow-logs-primary-prod
    state: absent
"""

RETURN = r"""
flow_log:
  description: The flow log after the run (empty after O(state=absent) or when none exists).
  returned: always
  type: dict
  contains:
    flow_log_id:
      description: Id of the flow log (empty in check mode before creation).
      type: str
      sample: fl-0123456789abcdef0
    resource_id:
      description: The logged VPC, subnet or network interface.
      type: str
      sample: vpc-0123456789abcdef0
    traffic_type:
      description: ACCEPT, REJECT or ALL.
      type: str
    log_destination_type:
      description: cloud-watch-logs, s3 or kinesis-data-firehose.
      type: str
    log_group_name:
      description: Log group name, for CloudWatch Logs destinations.
      type: str
    log_destination:
      description: Destination ARN.
      type: str
    deliver_logs_permission_arn:
      description: Delivery role, for CloudWatch Logs destinations.
      type: str
    log_format:
      description: Record format.
      type: str
    max_aggregation_interval:
      description: Aggregation interval in seconds.
      type: int
    flow_log_status:
      description: C(ACTIVE) once created.
      type: str
    deliver_logs_status:
      description: C(SUCCESS) or C(FAILED) (for example when the role cannot write to the log group).
      type: str
    tags:
      description: Tags of the flow log.
      type: dict
replaced:
  description: Whether an existing flow log was deleted and created again with new settings.
  returned: always
  type: bool
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_specifications

from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import ec2
from ansible_collections.payments.dr.plugins.module_utils.dr_tags import sync_tags
from ansible_collections.payments.dr.plugins.module_utils.dr_wait import module_wait

# Settings AWS cannot change on an existing flow log: module option -> DescribeFlowLogs key.
REPLACE_ON_CHANGE = {
    "traffic_type": "TrafficType",
    "deliver_logs_permission_arn": "DeliverLogsPermissionArn",
    "max_aggregation_interval": "MaxAggregationInterval",
    "log_format": "LogFormat",
}


def destination_matches(module, flow_log):
    """Whether ``flow_log`` writes to the destination the options name."""
    params = module.params
    if flow_log.get("LogDestinationType", "cloud-watch-logs") != params["log_destination_type"]:
        return False
    if params["log_group_name"] and flow_log.get("LogGroupName") != params["log_group_name"]:
        return False
    if params["log_destination"] and flow_log.get("LogDestination") != params["log_destination"]:
        return False
    return True


def find_flow_logs(client, module):
    candidates = ec2.describe_flow_logs(client, filters=[{"Name": "resource-id", "Values": [module.params["resource_id"]]}])
    return [fl for fl in candidates if fl.get("ResourceId") == module.params["resource_id"]
            and destination_matches(module, fl)]


def settings_differ(module, flow_log):
    """Option names whose wanted value differs from ``flow_log`` (options left unset are not compared)."""
    return sorted(option for option, key in REPLACE_ON_CHANGE.items()
                  if module.params[option] is not None and flow_log.get(key) != module.params[option])


def create_params(module):
    params = module.params
    request = {
        "ResourceIds": [params["resource_id"]],
        "ResourceType": params["resource_type"],
        "TrafficType": params["traffic_type"],
        "LogDestinationType": params["log_destination_type"],
        "MaxAggregationInterval": params["max_aggregation_interval"],
    }
    optional = {
        "LogGroupName": params["log_group_name"],
        "LogDestination": params["log_destination"],
        "DeliverLogsPermissionArn": params["deliver_logs_permission_arn"],
        "LogFormat": params["log_format"],
    }
    request.update((key, value) for key, value in optional.items() if value)
    if params["tags"]:
        request["TagSpecifications"] = boto3_tag_specifications(params["tags"], types="vpc-flow-log")
    return request


def normalize(flow_log):
    """DescribeFlowLogs entry -> the snake_case dict the module returns (tags as a dict)."""
    if not flow_log:
        return {}
    result = camel_dict_to_snake_dict(dict((k, v) for k, v in flow_log.items() if k not in ("Tags", "CreationTime")))
    result["tags"] = boto3_tag_list_to_ansible_dict(flow_log.get("Tags", []))
    return result


def wait_until_visible(client, module, flow_log_id):
    def fetch():
        found = ec2.describe_flow_logs(client, flow_log_ids=[flow_log_id])
        return found[0] if found else None

    if not module.params["wait"]:
        return fetch()
    return module_wait(module, fetch, lambda fl: fl is not None, "flow log %s" % flow_log_id, delay=2)


def planned(module, flow_log_id=""):
    """The flow log check mode reports: what would be created."""
    request = create_params(module)
    request.pop("TagSpecifications", None)
    request.pop("ResourceIds")
    request.pop("ResourceType")
    request.update(FlowLogId=flow_log_id, ResourceId=module.params["resource_id"],
                   Tags=ansible_dict_to_boto3_tag_list(module.params["tags"] or {}))
    return request


def ensure_present(client, module, existing):
    """Returns (changed, flow log after the run, replaced)."""
    current = existing[0] if existing else None
    if current is not None and not settings_differ(module, current):
        changed, current = ensure_tags(client, module, current)
        return changed, current, False

    replaced = current is not None
    if module.check_mode:
        return True, planned(module), replaced
    if replaced:
        ec2.delete_flow_log(client, current["FlowLogId"])
    flow_log_id = ec2.create_flow_log(client, create_params(module))
    return True, wait_until_visible(client, module, flow_log_id) or planned(module, flow_log_id), replaced


def ensure_tags(client, module, current):
    """Bring the tags of an existing flow log to O(tags); returns (changed, flow log with its new tags)."""
    if module.params["tags"] is None:
        return False, current
    changed, tags = sync_tags(module, boto3_tag_list_to_ansible_dict(current.get("Tags", [])), module.params["tags"],
                              module.params["purge_tags"],
                              lambda wanted: ec2.create_tags(client, current["FlowLogId"], wanted),
                              lambda keys: ec2.delete_tags(client, current["FlowLogId"], keys))
    return changed, dict(current, Tags=ansible_dict_to_boto3_tag_list(tags)) if changed else current


def ensure_absent(client, module, existing):
    if not existing:
        return False
    if not module.check_mode:
        for flow_log in existing:
            ec2.delete_flow_log(client, flow_log["FlowLogId"])
    return True


def run(client, module):
    """The module's result."""
    existing = find_flow_logs(client, module)
    before = normalize(existing[0]) if existing else {}

    if module.params["state"] == "present":
        changed, flow_log, replaced = ensure_present(client, module, existing)
        after = normalize(flow_log)
    else:
        changed, after, replaced = ensure_absent(client, module, existing), {}, False

    result = dict(changed=changed, flow_log=after, replaced=replaced)
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    return result


def main():
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        resource_id=dict(type="str", required=True),
        resource_type=dict(type="str", default="VPC", choices=["VPC", "Subnet", "NetworkInterface"]),
        traffic_type=dict(type="str", default="ALL", choices=["ACCEPT", "REJECT", "ALL"]),
        log_destination_type=dict(type="str", default="cloud-watch-logs",
                                  choices=["cloud-watch-logs", "s3", "kinesis-data-firehose"]),
        log_group_name=dict(type="str"),
        log_destination=dict(type="str"),
        deliver_logs_permission_arn=dict(type="str"),
        log_format=dict(type="str"),
        max_aggregation_interval=dict(type="int", default=600, choices=[60, 600]),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=60),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("log_group_name", "log_destination")],
        required_if=[("log_destination_type", "s3", ["log_destination"]),
                     ("log_destination_type", "kinesis-data-firehose", ["log_destination"])],
        supports_check_mode=True,
    )
    params = module.params
    if params["log_destination_type"] == "cloud-watch-logs":
        if not (params["log_group_name"] or params["log_destination"]):
            module.fail_json(msg="log_destination_type=cloud-watch-logs needs log_group_name or log_destination")
        if params["state"] == "present" and not params["deliver_logs_permission_arn"]:
            module.fail_json(msg="log_destination_type=cloud-watch-logs needs deliver_logs_permission_arn")
    elif params["log_group_name"]:
        module.fail_json(msg="log_group_name is only for log_destination_type=cloud-watch-logs")

    client = dr_retry.client(module, "ec2", retry=ec2.RETRY)
    try:
        module.exit_json(**run(client, module))
    except ec2.AnsibleEC2Error as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
