# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS Budgets calls of the payments.dr budget module: one function per call.

Each raises AnsibleBudgetsError (module_utils/dr_errors.py says why); a missing budget is None,
not an error. Retries: one layer, chosen by dr_retry.client with RETRY (``aws_retry=True`` on every
call). Budgets answers only through its global endpoint, in BUDGETS_REGION.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry()
BUDGETS_REGION = "us-east-1"


class AnsibleBudgetsError(AnsibleAWSError):
    pass


class BudgetsErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleBudgetsError
    _MISSING_CODES = ("NotFoundException",)


def _all_pages(call, key, **kwargs):
    """Every item under ``key`` of a Budgets Describe call that pages with NextToken (no paginator)."""
    items = []
    while True:
        page = call(aws_retry=True, **kwargs)
        items.extend(page.get(key, []))
        if not page.get("NextToken"):
            return items
        kwargs["NextToken"] = page["NextToken"]


# The account whose budgets these are, when the module is not told: the caller's (an STS call).
@BudgetsErrorHandler.common_error_handler("read the account id")
def caller_account(sts_client):
    return sts_client.get_caller_identity(aws_retry=True)["Account"]


# --- budgets -------------------------------------------------------------------------------------

@BudgetsErrorHandler.list_error_handler("describe budget {name}")
def describe_budget(client, account, name):
    return client.describe_budget(aws_retry=True, AccountId=account, BudgetName=name)["Budget"]


@BudgetsErrorHandler.common_error_handler("create budget {budget[BudgetName]}")
def create_budget(client, account, budget, notifications, tags):
    client.create_budget(aws_retry=True, AccountId=account, Budget=budget,
                         NotificationsWithSubscribers=notifications,
                         ResourceTags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()])


@BudgetsErrorHandler.common_error_handler("update budget {budget[BudgetName]}")
def update_budget(client, account, budget):
    client.update_budget(aws_retry=True, AccountId=account, NewBudget=budget)


@BudgetsErrorHandler.common_error_handler("delete budget {name}")
def delete_budget(client, account, name):
    client.delete_budget(aws_retry=True, AccountId=account, BudgetName=name)


# --- notifications and their subscribers ------------------------------------------------------------

@BudgetsErrorHandler.common_error_handler("list the notifications of budget {name}")
def list_notifications(client, account, name):
    return _all_pages(client.describe_notifications_for_budget, "Notifications", AccountId=account, BudgetName=name)


@BudgetsErrorHandler.common_error_handler("list the subscribers of a notification of budget {name}")
def list_subscribers(client, account, name, notification):
    return _all_pages(client.describe_subscribers_for_notification, "Subscribers", AccountId=account,
                      BudgetName=name, Notification=notification)


@BudgetsErrorHandler.common_error_handler("create a notification of budget {name}")
def create_notification(client, account, name, notification, subscribers):
    client.create_notification(aws_retry=True, AccountId=account, BudgetName=name, Notification=notification,
                               Subscribers=subscribers)


@BudgetsErrorHandler.common_error_handler("delete a notification of budget {name}")
def delete_notification(client, account, name, notification):
    client.delete_notification(aws_retry=True, AccountId=account, BudgetName=name, Notification=notification)


@BudgetsErrorHandler.common_error_handler("add {subscriber[Address]} to a notification of budget {name}")
def create_subscriber(client, account, name, notification, subscriber):
    client.create_subscriber(aws_retry=True, AccountId=account, BudgetName=name, Notification=notification,
                             Subscriber=subscriber)


@BudgetsErrorHandler.common_error_handler("remove {subscriber[Address]} from a notification of budget {name}")
def delete_subscriber(client, account, name, notification, subscriber):
    client.delete_subscriber(aws_retry=True, AccountId=account, BudgetName=name, Notification=notification,
                             Subscriber=subscriber)


# --- tags ----------------------------------------------------------------------------------------

@BudgetsErrorHandler.common_error_handler("list the tags of {arn}")
def list_tags(client, arn):
    answer = client.list_tags_for_resource(aws_retry=True, ResourceARN=arn)
    return dict((tag["Key"], tag["Value"]) for tag in answer.get("ResourceTags", []))


@BudgetsErrorHandler.common_error_handler("tag {arn}")
def tag_resource(client, arn, tags):
    client.tag_resource(aws_retry=True, ResourceARN=arn, ResourceTags=[{"Key": k, "Value": v} for k, v in tags.items()])


@BudgetsErrorHandler.common_error_handler("untag {arn}")
def untag_resource(client, arn, keys):
    client.untag_resource(aws_retry=True, ResourceARN=arn, ResourceTagKeys=keys)
