# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EC2 calls of the payments.dr modules (ec2_vpc_flow_log, ec2_vpc_gateway_endpoint): one function per call.

Each raises AnsibleEC2Error (module_utils/dr_errors.py says why), also when CreateFlowLogs or
DeleteFlowLogs answers an ``Unsuccessful`` entry instead of failing the call. Retries: one layer,
chosen by dr_retry.client with RETRY (``aws_retry=True`` on every call; the paginated read is
dr_retry.paginated).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry()


class AnsibleEC2Error(AnsibleAWSError):
    pass


class EC2ErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleEC2Error


def _raise_unsuccessful(answer, what):
    """CreateFlowLogs and DeleteFlowLogs report a refused item in ``Unsuccessful``, not as an error."""
    for failure in answer.get("Unsuccessful", []):
        error = failure.get("Error", {})
        raise AnsibleEC2Error(message="Failed to %s: %s %s" % (what(failure), error.get("Code"), error.get("Message")))


# --- flow logs -----------------------------------------------------------------------------------

@EC2ErrorHandler.common_error_handler("describe flow logs")
@dr_retry.paginated
def describe_flow_logs(client, filters=None, flow_log_ids=None):
    """Every flow log DescribeFlowLogs answers for ``filters`` and/or ``flow_log_ids`` (all pages)."""
    params = {}
    if filters is not None:
        params["Filters"] = filters
    if flow_log_ids is not None:
        params["FlowLogIds"] = flow_log_ids
    return client.get_paginator("describe_flow_logs").paginate(**params).build_full_result()["FlowLogs"]


@EC2ErrorHandler.common_error_handler("create a flow log for {params[ResourceIds][0]}")
def create_flow_log(client, params):
    """The id of the flow log CreateFlowLogs made from ``params`` (its request, one resource)."""
    answer = client.create_flow_logs(aws_retry=True, **params)
    _raise_unsuccessful(answer, lambda failure: "create a flow log for %s" % failure.get("ResourceId"))
    return answer["FlowLogIds"][0]


@EC2ErrorHandler.common_error_handler("delete flow log {flow_log_id}")
def delete_flow_log(client, flow_log_id):
    answer = client.delete_flow_logs(aws_retry=True, FlowLogIds=[flow_log_id])
    _raise_unsuccessful(answer, lambda failure: "delete flow log %s" % flow_log_id)


# --- VPC endpoints -------------------------------------------------------------------------------

@EC2ErrorHandler.common_error_handler("describe the VPC endpoints")
@dr_retry.paginated
def describe_vpc_endpoints(client, filters):
    """Every VPC endpoint DescribeVpcEndpoints answers for ``filters`` (all pages)."""
    return client.get_paginator("describe_vpc_endpoints").paginate(Filters=filters).build_full_result()["VpcEndpoints"]


@EC2ErrorHandler.common_error_handler("create a VPC endpoint for {params[ServiceName]} in {params[VpcId]}")
def create_vpc_endpoint(client, params):
    """The endpoint CreateVpcEndpoint made from ``params`` (its request)."""
    return client.create_vpc_endpoint(aws_retry=True, **params)["VpcEndpoint"]


@EC2ErrorHandler.common_error_handler("modify VPC endpoint {endpoint_id}")
def modify_vpc_endpoint(client, endpoint_id, changes):
    """ModifyVpcEndpoint with ``changes`` (AddRouteTableIds, RemoveRouteTableIds, PolicyDocument)."""
    client.modify_vpc_endpoint(aws_retry=True, VpcEndpointId=endpoint_id, **changes)


@EC2ErrorHandler.common_error_handler("delete VPC endpoint {endpoint_id}")
def delete_vpc_endpoint(client, endpoint_id):
    answer = client.delete_vpc_endpoints(aws_retry=True, VpcEndpointIds=[endpoint_id])
    failures = [f for f in answer.get("Unsuccessful", [])
                if f.get("Error", {}).get("Code") != "InvalidVpcEndpoint.NotFound"]
    _raise_unsuccessful({"Unsuccessful": failures}, lambda failure: "delete VPC endpoint %s" % endpoint_id)


# --- tags (of any EC2 resource) -------------------------------------------------------------------

@EC2ErrorHandler.common_error_handler("tag {resource_id}")
def create_tags(client, resource_id, tags):
    client.create_tags(aws_retry=True, Resources=[resource_id], Tags=ansible_dict_to_boto3_tag_list(tags))


@EC2ErrorHandler.common_error_handler("untag {resource_id}")
def delete_tags(client, resource_id, keys):
    client.delete_tags(aws_retry=True, Resources=[resource_id], Tags=[{"Key": key} for key in keys])
