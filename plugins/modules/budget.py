#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: budget
short_description: Manage an AWS cost budget, its alerts and tags
version_added: 0.1.0
description:
  - Creates, updates (C(UpdateBudget)) or deletes an AWS Budgets cost budget of the account, optionally
    limited to resources carrying given tags, with its notifications and their subscribers, and its tags.
  - Idempotent - the budget, each notification and each notification's subscribers are compared
    with what AWS Budgets answers and only the differences are written.
  - AWS Budgets is a global service; the budget is created through the C(us-east-1) endpoint whatever
    O(region) says. Filtering on tags needs them activated as cost allocation tags (Billing console).
author:
  - payments.dr maintainers (@payments-dr)
options:
  name:
    description: Name of the budget (unique in the account).
    required: true
    type: str
  state:
    description: Whether the budget exists.
    choices: ['present', 'absent']
    default: present
    type: str
  account_id:
    description: Account the budget belongs to. Defaults to the caller's account.
    type: str
  limit_amount:
    description: Cost limit per O(time_unit). Required when O(state=present).
    type: float
  limit_unit:
    description: Currency of O(limit_amount).
    default: USD
    type: str
  time_unit:
    description: Period the limit applies to.
    choices: ['DAILY', 'MONTHLY', 'QUARTERLY', 'ANNUALLY']
    default: MONTHLY
    type: str
  filter_tags:
    description:
      - Count only the cost of resources carrying all these tags (cost allocation tags). Unset counts the account.
    type: dict
  notifications:
    description: The alerts of the budget (the whole set; others are removed).
    type: list
    elements: dict
    default: []
    suboptions:
      notification_type:
        description: Alert on actual or forecasted cost.
        choices: ['ACTUAL', 'FORECASTED']
        default: ACTUAL
        type: str
      comparison_operator:
        description: How the cost is compared with the threshold.
        choices: ['GREATER_THAN', 'LESS_THAN', 'EQUAL_TO']
        default: GREATER_THAN
        type: str
      threshold:
        description: Threshold of the alert.
        required: true
        type: float
      threshold_type:
        description: Whether O(notifications[].threshold) is a percentage of the limit or an amount.
        choices: ['PERCENTAGE', 'ABSOLUTE_VALUE']
        default: PERCENTAGE
        type: str
      email_addresses:
        description: Addresses the alert is e-mailed to.
        type: list
        elements: str
        default: []
      sns_topic_arns:
        description: Topics the alert is published to (their policy must allow C(budgets.amazonaws.com)).
        type: list
        elements: str
        default: []
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.tags, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Monthly budget of the DR stack, e-mail at 80% of actual spend
  payments.dr.budget:
    name: payments-dr-global-prod
    limit_amount: 500
    filter_tags:
      Project: PaymentProcessing
      Environment: prod
    notifications:
      - threshold: 80
        email_addresses: [payments-oncall@example.com]
    tags:
      Project: PaymentProcessing
"""

RETURN = r"""
budget:
  description: The budget as it now stands; empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the budget.
      type: str
    limit_amount:
      description: Cost limit.
      type: float
    limit_unit:
      description: Currency of the limit.
      type: str
    time_unit:
      description: Period of the limit.
      type: str
    filter_tags:
      description: Tags the counted resources carry (empty when the whole account is counted).
      type: dict
    notifications:
      description: Alerts, each with its subscribers.
      type: list
      elements: dict
    tags:
      description: Tags of the budget.
      type: dict
  sample: {
    "name": "payments-dr-global-prod", "limit_amount": 500.0, "limit_unit": "USD", "time_unit": "MONTHLY",
    "filter_tags": {"Environment": "prod", "Project": "PaymentProcessing"},
    "notifications": [{"notification_type": "ACTUAL", "comparison_operator": "GREATER_THAN", "threshold": 80.0,
                       "threshold_type": "PERCENTAGE", "email_addresses": ["payments-oncall@example.com"],
                       "sns_topic_arns": []}],
    "tags": {"Project": "PaymentProcessing"}}
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import budgets
from ansible_collections.payments.dr.plugins.module_utils.dr_tags import sync_tags

ACCOUNT_ID = re.compile(r"^\d{12}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$")


# --- desired and current budget, in one comparable shape --------------------------------------

def filter_expression(tags):
    """Budgets' FilterExpression for 'carries every one of these tags' (None for no filter)."""
    if not tags:
        return None
    each = [{"Tags": {"Key": key, "Values": [str(value)], "MatchOptions": ["EQUALS"]}}
            for key, value in sorted(tags.items())]
    return each[0] if len(each) == 1 else {"And": each}


def tags_of_expression(expression):
    if not expression:
        return {}
    terms = expression.get("And") or [expression]
    found = {}
    for term in terms:
        tag = term.get("Tags") or {}
        if tag.get("Key") and len(tag.get("Values") or []) == 1:
            found[tag["Key"]] = tag["Values"][0]
    return found


def desired_budget(module):
    params = module.params
    budget = {
        "BudgetName": params["name"],
        "BudgetType": "COST",
        "TimeUnit": params["time_unit"],
        "BudgetLimit": {"Amount": "%s" % params["limit_amount"], "Unit": params["limit_unit"]},
    }
    expression = filter_expression(params["filter_tags"])
    if expression:
        budget["FilterExpression"] = expression
    return budget


def budget_view(budget):
    """The budget properties this module manages."""
    limit = budget.get("BudgetLimit") or {}
    return {
        "name": budget["BudgetName"],
        "limit_amount": float(limit.get("Amount", 0)),
        "limit_unit": limit.get("Unit"),
        "time_unit": budget.get("TimeUnit"),
        "filter_tags": tags_of_expression(budget.get("FilterExpression")),
    }


def notification_api(notification):
    return {"NotificationType": notification["notification_type"],
            "ComparisonOperator": notification["comparison_operator"],
            "Threshold": float(notification["threshold"]),
            "ThresholdType": notification["threshold_type"]}


def notification_key(api_notification):
    return (api_notification["NotificationType"], api_notification["ComparisonOperator"],
            float(api_notification["Threshold"]), api_notification.get("ThresholdType", "PERCENTAGE"))


def subscribers_api(notification):
    return ([{"SubscriptionType": "EMAIL", "Address": address} for address in notification["email_addresses"]]
            + [{"SubscriptionType": "SNS", "Address": arn} for arn in notification["sns_topic_arns"]])


def notification_view(api_notification, subscribers):
    return {
        "notification_type": api_notification["NotificationType"],
        "comparison_operator": api_notification["ComparisonOperator"],
        "threshold": float(api_notification["Threshold"]),
        "threshold_type": api_notification.get("ThresholdType", "PERCENTAGE"),
        "email_addresses": sorted(s["Address"] for s in subscribers if s["SubscriptionType"] == "EMAIL"),
        "sns_topic_arns": sorted(s["Address"] for s in subscribers if s["SubscriptionType"] == "SNS"),
    }


def read_state(client, account, name):
    """(view of the budget with its notifications and tags, {key: (api notification, subscribers)}) or ({}, {})."""
    budget = budgets.describe_budget(client, account, name)
    if budget is None:
        return {}, {}
    notifications = {}
    for api_notification in budgets.list_notifications(client, account, name):
        notifications[notification_key(api_notification)] = (
            api_notification, budgets.list_subscribers(client, account, name, api_notification))
    view = budget_view(budget)
    view["notifications"] = sorted((notification_view(n, s) for n, s in notifications.values()),
                                   key=lambda n: (n["notification_type"], n["threshold"]))
    view["tags"] = budgets.list_tags(client, budget_arn(account, name))
    return view, notifications


def budget_arn(account, name):
    return "arn:aws:budgets::%s:budget/%s" % (account, name)


def planned(module, before):
    """What the budget looks like once this run has applied the desired state."""
    params = module.params
    view = budget_view(desired_budget(module))
    view["notifications"] = sorted(
        (notification_view(notification_api(n), subscribers_api(n)) for n in params["notifications"]),
        key=lambda n: (n["notification_type"], n["threshold"]))
    current_tags = (before or {}).get("tags", {})
    if params["tags"] is None:
        view["tags"] = current_tags
    else:
        view["tags"] = dict(params["tags"]) if params["purge_tags"] else dict(current_tags, **params["tags"])
    return view


def validate_params(module):
    """Checks that need no AWS call, made before any."""
    params = module.params
    if params["account_id"] is not None and not ACCOUNT_ID.match(params["account_id"]):
        module.fail_json(msg="account_id must be 12 digits, got %s" % params["account_id"])
    if params["state"] != "present":
        return
    if params["limit_amount"] is None or params["limit_amount"] <= 0:
        module.fail_json(msg="limit_amount must be a positive amount when state=present")
    keys = [notification_key(notification_api(n)) for n in params["notifications"]]
    if len(set(keys)) != len(keys):
        module.fail_json(msg="two notifications have the same type, operator, threshold and threshold type")
    for notification in params["notifications"]:
        if notification["threshold"] <= 0:
            module.fail_json(msg="notification thresholds must be positive")
        if not subscribers_api(notification):
            module.fail_json(msg="every notification needs an e-mail address or an SNS topic")
        if len(notification["email_addresses"]) > 10:
            module.fail_json(msg="AWS Budgets accepts at most 10 e-mail subscribers per notification")
        for address in notification["email_addresses"]:
            if not EMAIL.match(address):
                module.fail_json(msg="%s is not an e-mail address" % address)
        for arn in notification["sns_topic_arns"]:
            if not TOPIC_ARN.match(arn):
                module.fail_json(msg="%s is not an SNS topic ARN" % arn)


def ensure_notifications(client, module, account, name, current):
    """Align notifications and their subscribers; returns whether anything changed."""
    changed = False
    desired = dict((notification_key(notification_api(n)), n) for n in module.params["notifications"])
    for key, (api_notification, dummy) in current.items():
        if key not in desired:
            changed = True
            if not module.check_mode:
                budgets.delete_notification(client, account, name, api_notification)
    for key, notification in desired.items():
        wanted = subscribers_api(notification)
        if key not in current:
            changed = True
            if not module.check_mode:
                budgets.create_notification(client, account, name, notification_api(notification), wanted)
            continue
        api_notification, subscribers = current[key]
        for subscriber in [s for s in subscribers if s not in wanted]:
            changed = True
            if not module.check_mode:
                budgets.delete_subscriber(client, account, name, api_notification, subscriber)
        for subscriber in [s for s in wanted if s not in subscribers]:
            changed = True
            if not module.check_mode:
                budgets.create_subscriber(client, account, name, api_notification, subscriber)
    return changed


def ensure_present(client, module, account, before, current_notifications):
    params = module.params
    budget = desired_budget(module)
    if not before:
        if not module.check_mode:
            notifications = [{"Notification": notification_api(n), "Subscribers": subscribers_api(n)}
                             for n in params["notifications"]]
            budgets.create_budget(client, account, budget, notifications, params["tags"])
        return True
    changed = False
    current = dict((k, v) for k, v in before.items() if k not in ("notifications", "tags"))
    if current != budget_view(budget):
        changed = True
        if not module.check_mode:
            budgets.update_budget(client, account, budget)
    changed |= ensure_notifications(client, module, account, params["name"], current_notifications)
    arn = budget_arn(account, params["name"])
    changed |= sync_tags(module, before["tags"], params["tags"], params["purge_tags"],
                         lambda tags: budgets.tag_resource(client, arn, tags),
                         lambda keys: budgets.untag_resource(client, arn, keys))[0]
    return changed


def run(module, client, account):
    """Read, compare, write what differs; the module's result."""
    name = module.params["name"]
    before, notifications = read_state(client, account, name)
    if module.params["state"] == "present":
        changed = ensure_present(client, module, account, before, notifications)
        if not changed:
            after = before
        elif module.check_mode:
            after = planned(module, before)
        else:
            after = read_state(client, account, name)[0]
    else:
        changed = bool(before)
        after = {}
        if changed and not module.check_mode:
            budgets.delete_budget(client, account, name)

    result = dict(changed=changed, budget=after)
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    return result


def main():
    notification_options = dict(
        notification_type=dict(type="str", default="ACTUAL", choices=["ACTUAL", "FORECASTED"]),
        comparison_operator=dict(type="str", default="GREATER_THAN", choices=["GREATER_THAN", "LESS_THAN", "EQUAL_TO"]),
        threshold=dict(type="float", required=True),
        threshold_type=dict(type="str", default="PERCENTAGE", choices=["PERCENTAGE", "ABSOLUTE_VALUE"]),
        email_addresses=dict(type="list", elements="str", default=[]),
        sns_topic_arns=dict(type="list", elements="str", default=[]),
    )
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        account_id=dict(type="str"),
        limit_amount=dict(type="float"),
        limit_unit=dict(type="str", default="USD"),
        time_unit=dict(type="str", default="MONTHLY", choices=["DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY"]),
        filter_tags=dict(type="dict"),
        notifications=dict(type="list", elements="dict", default=[], options=notification_options),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate_params(module)
    try:
        account = module.params["account_id"] or budgets.caller_account(dr_retry.client(module, "sts", retry=budgets.RETRY))
        client = dr_retry.client(module, "budgets", retry=budgets.RETRY, region=budgets.BUDGETS_REGION)
        module.exit_json(**run(module, client, account))
    except budgets.AnsibleBudgetsError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
