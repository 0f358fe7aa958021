from __future__ import annotations

import copy

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.modules import budget
from .conftest import calls_made, client_for

ACCOUNT = "123456789012"
ARN = f"arn:aws:budgets::{ACCOUNT}:budget/payments-dr-global-test"
WRITES = ("create_budget", "update_budget", "delete_budget", "create_notification", "delete_notification",
          "create_subscriber", "delete_subscriber", "tag_resource", "untag_resource")
NOTIFICATION = {"threshold": 80, "email_addresses": ["oncall@example.com"]}
ARGS = {"name": "payments-dr-global-test", "account_id": ACCOUNT, "limit_amount": 500,
        "filter_tags": {"Project": "PaymentProcessing", "Environment": "test"},
        "notifications": [NOTIFICATION], "tags": {"Project": "PaymentProcessing"}}
API_NOTIFICATION = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0,
                    "ThresholdType": "PERCENTAGE", "NotificationState": "OK"}
EMAIL = {"SubscriptionType": "EMAIL", "Address": "oncall@example.com"}
API_BUDGET = {
    "BudgetName": "payments-dr-global-test", "BudgetType": "COST", "TimeUnit": "MONTHLY",
    "BudgetLimit": {"Amount": "500.0", "Unit": "USD"},
    "FilterExpression": {"And": [
        {"Tags": {"Key": "Environment", "Values": ["test"], "MatchOptions": ["EQUALS"]}},
        {"Tags": {"Key": "Project", "Values": ["PaymentProcessing"], "MatchOptions": ["EQUALS"]}}]},
    "CostTypes": {"IncludeTax": True}, "TimePeriod": {"Start": 0, "End": 1},
    "CalculatedSpend": {"ActualSpend": {"Amount": "12.5", "Unit": "USD"}},
}


def not_found(operation):
    return botocore.exceptions.ClientError({"Error": {"Code": "NotFoundException", "Message": "no"}}, operation)


class FakeBudgets:
    def __init__(self, existing=None, notifications=None, tags=None):
        self.budget = copy.deepcopy(existing)
        self.notifications = copy.deepcopy(notifications if notifications is not None else
                                           ([(API_NOTIFICATION, [EMAIL])] if existing else []))
        self.tags = dict(tags or {})

    def _find(self, notification):
        key = budget.notification_key(notification)
        return next(i for i, (n, dummy) in enumerate(self.notifications) if budget.notification_key(n) == key)

    def get_caller_identity(self, **kw):
        return {"Account": ACCOUNT}

    def describe_budget(self, AccountId, BudgetName, **kw):
        if self.budget is None:
            raise not_found("DescribeBudget")
        return {"Budget": copy.deepcopy(self.budget)}

    def create_budget(self, AccountId, Budget, NotificationsWithSubscribers, ResourceTags, **kw):
        self.budget = copy.deepcopy(Budget)
        self.notifications = [(n["Notification"], list(n["Subscribers"])) for n in NotificationsWithSubscribers]
        self.tags = {t["Key"]: t["Value"] for t in ResourceTags}

    def update_budget(self, AccountId, NewBudget, **kw):
        self.budget = copy.deepcopy(NewBudget)

    def delete_budget(self, AccountId, BudgetName, **kw):
        self.budget = None

    def describe_notifications_for_budget(self, AccountId, BudgetName, **kw):
        return {"Notifications": [copy.deepcopy(n) for n, dummy in self.notifications]}

    def describe_subscribers_for_notification(self, AccountId, BudgetName, Notification, **kw):
        return {"Subscribers": copy.deepcopy(self.notifications[self._find(Notification)][1])}

    def create_notification(self, AccountId, BudgetName, Notification, Subscribers, **kw):
        self.notifications.append((Notification, list(Subscribers)))

    def delete_notification(self, AccountId, BudgetName, Notification, **kw):
        del self.notifications[self._find(Notification)]

    def create_subscriber(self, AccountId, BudgetName, Notification, Subscriber, **kw):
        self.notifications[self._find(Notification)][1].append(Subscriber)

    def delete_subscriber(self, AccountId, BudgetName, Notification, Subscriber, **kw):
        self.notifications[self._find(Notification)][1].remove(Subscriber)

    def list_tags_for_resource(self, ResourceARN, **kw):
        assert ResourceARN == ARN
        return {"ResourceTags": [{"Key": k, "Value": v} for k, v in self.tags.items()]}

    def tag_resource(self, ResourceARN, ResourceTags, **kw):
        self.tags.update({t["Key"]: t["Value"] for t in ResourceTags})

    def untag_resource(self, ResourceARN, ResourceTagKeys, **kw):
        for key in ResourceTagKeys:
            self.tags.pop(key)


def writes(client):
    return calls_made(client, WRITES)


def test_creates_the_budget_with_its_alert_and_tags(run_module):
    fake = FakeBudgets()
    client = client_for(fake)
    result, failed = run_module(budget, ARGS, client)
    assert not failed, result
    assert result["changed"] is True
    client.create_budget.assert_called_once()
    sent = client.create_budget.call_args.kwargs
    assert sent["Budget"]["FilterExpression"] == API_BUDGET["FilterExpression"]
    assert sent["Budget"]["BudgetLimit"] == {"Amount": "500.0", "Unit": "USD"}
    assert sent["NotificationsWithSubscribers"] == [{"Notification": {
        "NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80.0,
        "ThresholdType": "PERCENTAGE"}, "Subscribers": [EMAIL]}]
    assert sent["ResourceTags"] == [{"Key": "Project", "Value": "PaymentProcessing"}]
    assert result["budget"]["filter_tags"] == {"Environment": "test", "Project": "PaymentProcessing"}
    assert result["budget"]["notifications"][0]["email_addresses"] == ["oncall@example.com"]


def test_budget_as_aws_answers_it_changes_nothing(run_module):
    client = client_for(FakeBudgets(API_BUDGET, tags={"Project": "PaymentProcessing"}))
    result, failed = run_module(budget, ARGS, client)
    assert not failed and result["changed"] is False, result
    assert writes(client) == []


@pytest.mark.parametrize("change, expected", [
    ({"limit_amount": 750}, ["update_budget"]),
    ({"filter_tags": {"Project": "PaymentProcessing"}}, ["update_budget"]),
    ({"notifications": [dict(NOTIFICATION, threshold=90)]}, ["create_notification", "delete_notification"]),
    ({"notifications": [dict(NOTIFICATION, email_addresses=["finance@example.com"])]},
     ["create_subscriber", "delete_subscriber"]),
    ({"tags": {"Project": "PaymentProcessing", "Environment": "test"}}, ["tag_resource"]),
    ({"tags": {}}, ["untag_resource"]),
])
def test_drift_is_repaired_with_only_the_calls_it_needs(run_module, change, expected):
    fake = FakeBudgets(API_BUDGET, tags={"Project": "PaymentProcessing"})
    client = client_for(fake)
    args = dict(ARGS, **change)
    result, failed = run_module(budget, args, client)
    assert not failed and result["changed"] is True, result
    assert sorted(writes(client)) == sorted(expected)
    again, dummy = run_module(budget, args, client_for(fake))
    assert again["changed"] is False, again


@pytest.mark.parametrize("existing", [None, API_BUDGET])
def test_check_mode_reports_the_change_and_writes_nothing(run_module, existing):
    client = client_for(FakeBudgets(existing))
    result, failed = run_module(budget, dict(ARGS, limit_amount=900), client, check_mode=True, diff=True)
    assert not failed and result["changed"] is True, result
    assert writes(client) == []
    assert result["diff"]["after"]["limit_amount"] == 900.0


def test_account_defaults_to_the_callers(run_module):
    fake = FakeBudgets(API_BUDGET, tags={"Project": "PaymentProcessing"})
    client = client_for(fake)
    args = {k: v for k, v in ARGS.items() if k != "account_id"}
    result, failed = run_module(budget, args, client)
    assert not failed and result["changed"] is False
    client.get_caller_identity.assert_called_once()
    assert client.describe_budget.call_args.kwargs["AccountId"] == ACCOUNT


def test_absent_deletes_once(run_module):
    fake = FakeBudgets(API_BUDGET)
    args = {"name": ARGS["name"], "account_id": ACCOUNT, "state": "absent"}
    result, failed = run_module(budget, args, client_for(fake))
    assert not failed and result["changed"] is True and fake.budget is None
    again, dummy = run_module(budget, args, client_for(fake))
    assert again["changed"] is False


@pytest.mark.parametrize("change, message", [
    ({"limit_amount": 0}, "positive amount"),
    ({"account_id": "12345"}, "12 digits"),
    ({"notifications": [{"threshold": 80}]}, "e-mail address or an SNS topic"),
    ({"notifications": [{"threshold": 80, "email_addresses": ["not-an-address"]}]}, "not an e-mail"),
    ({"notifications": [NOTIFICATION, NOTIFICATION]}, "same type"),
    ({"notifications": [{"threshold": 80, "sns_topic_arns": ["topic"]}]}, "SNS topic ARN"),
])
def test_bad_input_fails_before_any_call(run_module, change, message):
    client = client_for(FakeBudgets())
    result, failed = run_module(budget, dict(ARGS, **change), client)
    assert failed and message in result["msg"], result
    assert client.method_calls == []


def test_single_tag_filter_needs_no_and():
    assert budget.filter_expression({"Project": "P"}) == {
        "Tags": {"Key": "Project", "Values": ["P"], "MatchOptions": ["EQUALS"]}}
    assert budget.tags_of_expression(budget.filter_expression({"Project": "P"})) == {"Project": "P"}
    assert budget.filter_expression({}) is None
