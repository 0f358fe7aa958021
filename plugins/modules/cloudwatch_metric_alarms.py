#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: cloudwatch_metric_alarms
short_description: Manage a set of CloudWatch metric alarms, with their tags, in one call
version_added: 0.1.0
description:
  - Brings each alarm in O(alarms) to the given definition and its tags to O(tags).
  - Reads every alarm of the set with one C(DescribeAlarms) call (paginated, 100 names a page) and
    calls C(PutMetricAlarm) only for the alarms that are missing or whose definition differs, so a run
    against alarms already in the desired state makes only reads.
  - C(PutMetricAlarm) replaces an alarm's whole definition, so an option left out of an alarm is
    compared against, and put as, the AWS default (no unit, no extended statistic, C(missing) for
    O(alarms[].treat_missing_data), actions enabled, no actions).
  - Tags are given to a new alarm by C(PutMetricAlarm); the tags of existing alarms are read with
    C(ListTagsForResource) and fixed with C(TagResource) / C(UntagResource), because
    C(PutMetricAlarm) ignores tags when it updates an alarm.
  - Alarms not listed are left alone. Only metric alarms on a single metric are managed
    (not metric math, not composite alarms); use M(amazon.aws.cloudwatch_metric_alarm) for those.
author:
  - payments.dr maintainers (@payments-dr)
options:
  alarms:
    description: The alarms, each a definition as in M(amazon.aws.cloudwatch_metric_alarm).
    required: true
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the alarm, unique in the region.
        required: true
        type: str
      description:
        description: Description of the alarm.
        type: str
      namespace:
        description: Namespace of the metric.
        required: true
        type: str
      metric_name:
        description: Name of the metric.
        required: true
        type: str
      statistic:
        description: Statistic of the metric. Exactly one of O(alarms[].statistic) and O(alarms[].extended_statistic).
        type: str
        choices: ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']
      extended_statistic:
        description: Percentile statistic of the metric, like C(p99).
        type: str
      comparison:
        description: How the statistic is compared with O(alarms[].threshold).
        required: true
        type: str
        choices:
          - GreaterThanOrEqualToThreshold
          - GreaterThanThreshold
          - LessThanThreshold
          - LessThanOrEqualToThreshold
      threshold:
        description: The value the statistic is compared with.
        required: true
        type: float
      unit:
        description: Unit of the metric.
        type: str
      period:
        description: Length in seconds of one evaluation period.
        required: true
        type: int
      evaluation_periods:
        description: Number of periods the statistic is compared over.
        type: int
        default: 1
      datapoints_to_alarm:
        description: Number of breaching data points, within the evaluation periods, that sound the alarm.
        type: int
      dimensions:
        description: Dimensions of the metric, name to value.
        type: dict
        default: {}
      treat_missing_data:
        description: How missing data points are treated.
        type: str
        choices: ['breaching', 'notBreaching', 'ignore', 'missing']
        default: missing
      actions_enabled:
        description: Whether the alarm's actions run.
        type: bool
        default: true
      alarm_actions:
        description: ARNs notified when the alarm enters the ALARM state.
        type: list
        elements: str
        default: []
      ok_actions:
        description: ARNs notified when the alarm enters the OK state.
        type: list
        elements: str
        default: []
      insufficient_data_actions:
        description: ARNs notified when the alarm enters the INSUFFICIENT_DATA state.
        type: list
        elements: str
        default: []
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.tags, amazon.aws.boto3]
notes:
  - Supports check mode and diff mode.
"""

EXAMPLES = r"""
- name: Create the region's alarms, tagged, notifying one topic
  payments.dr.cloudwatch_metric_alarms:
    alarms:
      - name: payments-lambda-errors-primary-prod
        description: The payment-validation function raised errors.
        namespace: AWS/Lambda
        metric_name: Errors
        statistic: Sum
        comparison: GreaterThanOrEqualToThreshold
        threshold: 1
        unit: Count
        period: 60
        dimensions: {FunctionName: payments-validate-primary-prod}
        treat_missing_data: notBreaching
        alarm_actions: [arn:aws:sns:us-east-1:123456789012:payments-alerts-primary-prod]
    tags:
      Environment: prod
"""

RETURN = r"""
alarms:
  description: Each alarm of O(alarms) after the run, as C(DescribeAlarms) shapes it, in snake case.
  returned: always
  type: list
  elements: dict
  contains:
    alarm_name:
      description: Name of the alarm.
      type: str
      sample: payments-lambda-errors-primary-prod
    alarm_arn:
      description: ARN of the alarm (absent for an alarm check mode would create).
      type: str
      sample: arn:aws:cloudwatch:us-east-1:123456789012:alarm:payments-lambda-errors-primary-prod
    threshold:
      description: Threshold of the alarm.
      type: float
      sample: 1.0
    tags:
      description: Tags of the alarm.
      type: dict
      sample: {Environment: prod}
created:
  description: Names of the alarms that were (or in check mode would be) created.
  returned: always
  type: list
  elements: str
updated:
  description: Names of the existing alarms whose definition was (or would be) put again.
  returned: always
  type: list
  elements: str
retagged:
  description: Names of the existing alarms whose tags were (or would be) changed.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import cloudwatch
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import dr_tags

ALARM_SPEC = dict(
    name=dict(type="str", required=True),
    description=dict(type="str"),
    namespace=dict(type="str", required=True),
    metric_name=dict(type="str", required=True),
    statistic=dict(type="str", choices=["SampleCount", "Average", "Sum", "Minimum", "Maximum"]),
    extended_statistic=dict(type="str"),
    comparison=dict(type="str", required=True, choices=[
        "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"]),
    threshold=dict(type="float", required=True),
    unit=dict(type="str"),
    period=dict(type="int", required=True),
    evaluation_periods=dict(type="int", default=1),
    datapoints_to_alarm=dict(type="int"),
    dimensions=dict(type="dict", default={}),
    treat_missing_data=dict(type="str", default="missing",
                            choices=["breaching", "notBreaching", "ignore", "missing"]),
    actions_enabled=dict(type="bool", default=True),
    alarm_actions=dict(type="list", elements="str", default=[]),
    ok_actions=dict(type="list", elements="str", default=[]),
    insufficient_data_actions=dict(type="list", elements="str", default=[]),
)

# The PutMetricAlarm fields this module manages; DescribeAlarms returns them under the same names.
MANAGED = ("AlarmName", "AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions",
           "InsufficientDataActions", "MetricName", "Namespace", "Statistic", "ExtendedStatistic",
           "Dimensions", "Period", "Unit", "EvaluationPeriods", "DatapointsToAlarm", "Threshold",
           "ComparisonOperator", "TreatMissingData")
# What AWS assumes for a field PutMetricAlarm was not given.
AWS_DEFAULTS = {"ActionsEnabled": True, "TreatMissingData": "missing"}
UNORDERED = ("OKActions", "AlarmActions", "InsufficientDataActions")


def put_params(alarm):
    """The PutMetricAlarm arguments for one alarm of the module's options (no empty fields)."""
    params = {
        "AlarmName": alarm["name"],
        "AlarmDescription": alarm["description"],
        "ActionsEnabled": alarm["actions_enabled"],
        "OKActions": alarm["ok_actions"],
        "AlarmActions": alarm["alarm_actions"],
        "InsufficientDataActions": alarm["insufficient_data_actions"],
        "MetricName": alarm["metric_name"],
        "Namespace": alarm["namespace"],
        "Statistic": alarm["statistic"],
        "ExtendedStatistic": alarm["extended_statistic"],
        "Dimensions": [{"Name": k, "Value": str(v)} for k, v in sorted(alarm["dimensions"].items())],
        "Period": alarm["period"],
        "Unit": alarm["unit"],
        "EvaluationPeriods": alarm["evaluation_periods"],
        "DatapointsToAlarm": alarm["datapoints_to_alarm"],
        "Threshold": float(alarm["threshold"]),
        "ComparisonOperator": alarm["comparison"],
        "TreatMissingData": alarm["treat_missing_data"],
    }
    return dict((k, v) for k, v in params.items() if v not in (None, "", []))


def comparable(alarm):
    """The managed fields of an alarm (put arguments or DescribeAlarms entry), in one canonical form."""
    result = {}
    for key in MANAGED:
        value = alarm.get(key, AWS_DEFAULTS.get(key))
        if value in (None, "", []):
            continue
        if key == "Dimensions":
            value = sorted((d["Name"], d["Value"]) for d in value)
        elif key in UNORDERED:
            value = sorted(value)
        elif key == "Threshold":
            value = float(value)
        result[key] = value
    return result


def summary(definition, arn, tags):
    """What the module returns for one alarm: its managed fields in snake case, ARN and tags."""
    result = camel_dict_to_snake_dict(dict((k, v) for k, v in definition.items() if k in MANAGED))
    if arn:
        result["alarm_arn"] = arn
    result["tags"] = tags
    return result


def run(module, client, wanted):
    """Read every alarm, put the missing and drifted ones, fix the tags; the module's result."""
    desired_tags = module.params["tags"]
    purge_tags = module.params["purge_tags"]

    existing = cloudwatch.metric_alarms_by_name(client, [p["AlarmName"] for p in wanted])
    created, updated, retagged = [], [], []
    before, after, results = {}, {}, []
    for params in wanted:
        name = params["AlarmName"]
        current = existing.get(name)
        if current is None:
            created.append(name)
            before[name] = {}
            after[name] = dict(comparable(params), Tags=desired_tags or {})
            if not module.check_mode:
                cloudwatch.create_metric_alarm(client, params, desired_tags)
            results.append(summary(params, None, desired_tags or {}))
            continue

        tags = cloudwatch.list_alarm_tags(client, current)
        before[name] = dict(comparable(current), Tags=tags)
        after[name] = dict(comparable(params), Tags=tags)

        if comparable(current) != comparable(params):
            updated.append(name)
            if not module.check_mode:
                cloudwatch.update_metric_alarm(client, params)

        tags_changed, new_tags = dr_tags.sync_tags(
            module, tags, desired_tags, purge_tags,
            tag=lambda to_add, alarm=current: cloudwatch.tag_alarm(client, alarm, to_add),
            untag=lambda to_remove, alarm=current: cloudwatch.untag_alarm(client, alarm, to_remove))
        after[name]["Tags"] = new_tags
        if tags_changed:
            retagged.append(name)
        results.append(summary(params if name in updated else current, current["AlarmArn"], new_tags))

    return dict(
        changed=bool(created or updated or retagged),
        alarms=results, created=created, updated=updated, retagged=retagged,
        diff={"before": before, "after": after},
    )


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            alarms=dict(type="list", elements="dict", required=True, options=ALARM_SPEC,
                        mutually_exclusive=[["statistic", "extended_statistic"]],
                        required_one_of=[["statistic", "extended_statistic"]]),
            tags=dict(type="dict", aliases=["resource_tags"]),
            purge_tags=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    client = dr_retry.client(module, "cloudwatch", retry=cloudwatch.RETRY)
    wanted = [put_params(alarm) for alarm in module.params["alarms"]]
    names = [p["AlarmName"] for p in wanted]
    if len(set(names)) != len(names):
        module.fail_json(msg="Alarm names must be unique; got %s" % ", ".join(sorted(set(n for n in names if names.count(n) > 1))))
    try:
        module.exit_json(**run(module, client, wanted))
    except cloudwatch.AnsibleCloudWatchError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
