# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CloudWatch alarm and dashboard calls of the payments.dr modules (cloudwatch_metric_alarms,
cloudwatch_dashboard): one function per call.

Each raises AnsibleCloudWatchError (module_utils/dr_errors.py says why); a missing dashboard
(code ResourceNotFound) is None when read and False when deleted, not an error. Retries: one
layer, chosen by dr_retry.client with RETRY (``aws_retry=True`` on every call), which also retries
CloudWatch's InternalServiceError (a 500, retried by botocore's standard mode).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry("InternalServiceError")
DESCRIBE_LIMIT = 100  # alarm names per DescribeAlarms request


class AnsibleCloudWatchError(AnsibleAWSError):
    pass


class CloudWatchErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleCloudWatchError
    # GetDashboard and DeleteDashboards: DashboardNotFoundError, whose code is ResourceNotFound.
    _MISSING_CODES = ("ResourceNotFound",)


# --- metric alarms -------------------------------------------------------------------------------

@CloudWatchErrorHandler.common_error_handler("describe the alarms")
@dr_retry.paginated
def describe_metric_alarms(client, names):
    """The metric alarms among ``names`` (at most DESCRIBE_LIMIT), all pages."""
    paginator = client.get_paginator("describe_alarms")
    return paginator.paginate(AlarmNames=names, AlarmTypes=["MetricAlarm"]).build_full_result().get("MetricAlarms", [])


def metric_alarms_by_name(client, names):
    """The existing metric alarms among ``names``, by name, read DESCRIBE_LIMIT names at a time."""
    found = {}
    for start in range(0, len(names), DESCRIBE_LIMIT):
        for alarm in describe_metric_alarms(client, names[start:start + DESCRIBE_LIMIT]):
            found[alarm["AlarmName"]] = alarm
    return found


@CloudWatchErrorHandler.common_error_handler("create alarm {params[AlarmName]}")
def create_metric_alarm(client, params, tags):
    """PutMetricAlarm for a new alarm, with its tags (a dict; none when empty)."""
    put = dict(params)
    if tags:
        put["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    client.put_metric_alarm(aws_retry=True, **put)


@CloudWatchErrorHandler.common_error_handler("update alarm {params[AlarmName]}")
def update_metric_alarm(client, params):
    """PutMetricAlarm for an existing alarm (it ignores tags then)."""
    client.put_metric_alarm(aws_retry=True, **params)


# --- alarm tags: ``alarm`` is the alarm as DescribeAlarms answers it -----------------------------

@CloudWatchErrorHandler.common_error_handler("list the tags of alarm {alarm[AlarmName]}")
def list_alarm_tags(client, alarm):
    """The alarm's tags as a dict."""
    answer = client.list_tags_for_resource(aws_retry=True, ResourceARN=alarm["AlarmArn"])
    return boto3_tag_list_to_ansible_dict(answer.get("Tags", []))


@CloudWatchErrorHandler.common_error_handler("tag alarm {alarm[AlarmName]}")
def tag_alarm(client, alarm, tags):
    client.tag_resource(aws_retry=True, ResourceARN=alarm["AlarmArn"], Tags=ansible_dict_to_boto3_tag_list(tags))


@CloudWatchErrorHandler.common_error_handler("tag alarm {alarm[AlarmName]}")  # the module's one message for retagging
def untag_alarm(client, alarm, keys):
    client.untag_resource(aws_retry=True, ResourceARN=alarm["AlarmArn"], TagKeys=keys)


# --- dashboards ----------------------------------------------------------------------------------

@CloudWatchErrorHandler.list_error_handler("get dashboard {name}")
def get_dashboard(client, name):
    """The dashboard as {dashboard_name, dashboard_arn, body (a dict)}, or None when it does not exist."""
    answer = client.get_dashboard(aws_retry=True, DashboardName=name)
    return {
        "dashboard_name": answer["DashboardName"],
        "dashboard_arn": answer["DashboardArn"],
        "body": json.loads(answer["DashboardBody"]),
    }


@CloudWatchErrorHandler.common_error_handler("put dashboard {name}")
def put_dashboard(client, name, body):
    """Writes ``body`` (a dict); the validation messages CloudWatch answers."""
    answer = client.put_dashboard(aws_retry=True, DashboardName=name, DashboardBody=json.dumps(body))
    return answer.get("DashboardValidationMessages", [])


@CloudWatchErrorHandler.deletion_error_handler("delete dashboard {name}")
def delete_dashboard(client, name):
    """True once deleted; False when the dashboard did not exist."""
    client.delete_dashboards(aws_retry=True, DashboardNames=[name])
    return True
