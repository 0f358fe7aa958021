#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: eventbridge_schedule
short_description: A scheduled EventBridge rule on the default bus, with its targets and tags
version_added: 0.3.0
description:
  - Creates, updates or deletes a rule that runs on a C(rate()) or C(cron()) schedule, its targets
    (each with an optional constant input) and its tags, comparing what is wanted with what the rule
    has, so a rerun makes reads only.
  - amazon.aws.cloudwatchevent_rule manages neither tags nor removed targets' cleanup by id; this
    module does both (the stack tags every resource).
  - Targets not listed are removed (the rule's targets are exactly O(targets)).
  - Invoking a Lambda target also needs the function's resource-based policy to allow
    C(events.amazonaws.com) for the rule's ARN (amazon.aws.lambda_policy); EventBridge counts a
    refused invocation in C(FailedInvocations).
author:
  - payments.dr maintainers (@payments-dr)
options:
  name:
    description: Rule name.
    required: true
    type: str
  state:
    description: Whether the rule exists.
    choices: [present, absent]
    default: present
    type: str
  schedule_expression:
    description: C(rate(5 minutes)) or C(cron(0 12 * * ? *)). Required with O(state=present).
    type: str
  description:
    description: Rule description.
    type: str
    default: ""
  enabled:
    description: Whether the rule runs (C(ENABLED) or C(DISABLED)).
    type: bool
    default: true
  targets:
    description: The rule's targets.
    type: list
    elements: dict
    default: []
    suboptions:
      id:
        description: Target id, unique in the rule.
        required: true
        type: str
      arn:
        description: Target ARN (a Lambda function, say).
        required: true
        type: str
      input:
        description: Constant JSON input sent instead of the event (a dict or a JSON string).
        type: raw
  tags:
    description: Tags of the rule; None leaves them alone.
    type: dict
  purge_tags:
    description: Remove tags not in O(tags).
    type: bool
    default: true
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Probe the primary region's health from the DR region every minute
  payments.dr.eventbridge_schedule:
    region: us-east-2
    name: payments-peer-probe-dr-prod
    schedule_expression: rate(1 minute)
    targets:
      - id: peer-probe
        arn: arn:aws:lambda:us-east-2:123456789012:function:payments-validate-dr-prod
        input: {peer_probe: {url: "https://abc123.execute-api.us-east-1.amazonaws.com/prod/health", region: us-east-1}}
    tags: {Environment: prod}
"""

RETURN = r"""
rule_arn:
  description: The rule's ARN (empty when absent).
  returned: always
  type: str
targets:
  description: The rule's targets after the run (C(Id), C(Arn), C(Input)).
  returned: always
  type: list
  elements: dict
tags:
  description: The rule's tags after the run.
  returned: always
  type: dict
"""

import json
import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import dr_tags
from ansible_collections.payments.dr.plugins.module_utils import events

SCHEDULE = re.compile(r"^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$")


def wanted_targets(targets):
    """Targets in the API's shape, inputs as compact JSON strings (how EventBridge stores them)."""
    shaped = []
    for target in targets:
        entry = {"Id": target["id"], "Arn": target["arn"]}
        value = target.get("input")
        if value is not None:
            entry["Input"] = json.dumps(json.loads(value) if isinstance(value, str) else value, sort_keys=True,
                                        separators=(",", ":"))
        shaped.append(entry)
    return shaped


def comparable(target):
    """A target as compared: its id, ARN and input (parsed, so key order and spacing do not count)."""
    value = target.get("Input")
    return {"Id": target["Id"], "Arn": target["Arn"], "Input": json.loads(value) if value else None}


def validate(module):
    params = module.params
    if params["state"] == "absent":
        return
    if not SCHEDULE.match(params["schedule_expression"] or ""):
        module.fail_json(msg="schedule_expression %r is not rate(N unit) or cron(...)" % params["schedule_expression"])
    ids = [t["id"] for t in params["targets"]]
    if len(ids) != len(set(ids)):
        module.fail_json(msg="target ids must be unique in the rule: %s" % ", ".join(ids))
    for target in params["targets"]:
        value = target.get("input")
        if isinstance(value, str):
            try:
                json.loads(value)
            except ValueError:
                module.fail_json(msg="input of target %s is not JSON" % target["id"])
        elif value is not None and not isinstance(value, (dict, list)):
            module.fail_json(msg="input of target %s must be a dict or a JSON string" % target["id"])


def absent(module, client, rule):
    if rule is None:
        module.exit_json(changed=False, rule_arn="", targets=[], tags={})
    if not module.check_mode:
        current = events.list_targets(client, module.params["name"]) or []
        if current:
            events.remove_targets(client, module.params["name"], [t["Id"] for t in current])
        events.delete_rule(client, module.params["name"])
    module.exit_json(changed=True, rule_arn="", targets=[], tags={}, diff=dict(before={"rule": rule["Arn"]}, after={}))


def present(module, client, rule):
    params = module.params
    name = params["name"]
    state = "ENABLED" if params["enabled"] else "DISABLED"
    desired_rule = {"ScheduleExpression": params["schedule_expression"], "Description": params["description"], "State": state}
    current_rule = dict((k, (rule or {}).get(k, "" if k == "Description" else None)) for k in desired_rule)
    targets = wanted_targets(params["targets"])
    current_targets = (events.list_targets(client, name) or []) if rule else []
    by_id = dict((t["Id"], comparable(t)) for t in current_targets)
    to_put = [t for t in targets if by_id.get(t["Id"]) != comparable(t)]
    to_remove = sorted(set(by_id) - set(t["Id"] for t in targets))
    rule_changed = rule is None or current_rule != desired_rule
    changed = rule_changed or bool(to_put or to_remove)

    arn = rule["Arn"] if rule else ""
    if rule_changed and not module.check_mode:
        arn = events.put_rule(client, name, params["schedule_expression"], params["description"], state,
                              tags=params["tags"] if rule is None else None)
    if rule is None:  # created with its tags
        tags_changed, tags = False, params["tags"] or {}
    else:
        tags_changed, tags = dr_tags.sync_tags(module, events.list_tags(client, arn), params["tags"], params["purge_tags"],
                                               lambda add: events.tag_resource(client, arn, add),
                                               lambda keys: events.untag_resource(client, arn, keys))
    if not module.check_mode:
        if to_remove:
            events.remove_targets(client, name, to_remove)
        if to_put:
            events.put_targets(client, name, to_put)
    module.exit_json(changed=changed or tags_changed, rule_arn=arn, targets=targets, tags=tags,
                     diff=dict(before=dict(current_rule, targets=[comparable(t) for t in current_targets]) if rule else {},
                               after=dict(desired_rule, targets=[comparable(t) for t in targets])))


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            schedule_expression=dict(type="str"),
            description=dict(type="str", default=""),
            enabled=dict(type="bool", default=True),
            targets=dict(type="list", elements="dict", default=[], options=dict(
                id=dict(type="str", required=True), arn=dict(type="str", required=True), input=dict(type="raw"))),
            tags=dict(type="dict"),
            purge_tags=dict(type="bool", default=True),
        ),
        required_if=[("state", "present", ["schedule_expression"])],
        supports_check_mode=True,
    )
    validate(module)
    client = dr_retry.client(module, "events", retry=events.RETRY)
    try:
        rule = events.describe_rule(client, module.params["name"])
        if module.params["state"] == "absent":
            absent(module, client, rule)
        present(module, client, rule)
    except events.AnsibleEventsError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
