from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from ansible_collections.payments.dr.plugins.modules import apigateway_account as module_under_test
from tests.unit.plugins.modules.conftest import client_for, model_errors

ROLE = "arn:aws:iam::123456789012:role/payments-apigateway-logs-global-prod"
OTHER = "arn:aws:iam::123456789012:role/someone-elses"


class FakeAccount:
    def __init__(self, current, refusals=0):
        self.current, self.refusals = current, refusals

    def get_account(self, aws_retry=False):
        return {"cloudwatchRoleArn": self.current} if self.current else {}

    def update_account(self, patchOperations, aws_retry=False):
        if self.refusals:
            self.refusals -= 1
            raise ClientError({"Error": {"Code": "BadRequestException", "Message":
                                         "The role ARN does not have required permissions set to API Gateway"}},
                              "UpdateAccount")
        self.current = patchOperations[0]["value"]


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("current, overwrite, changed, after", [
    (None, False, True, ROLE),
    (ROLE, True, False, ROLE),
    (OTHER, False, False, OTHER),  # someone else's role is kept
    (OTHER, True, True, ROLE),
])
def test_sets_the_role_only_when_it_should(run_module, check_mode, current, overwrite, changed, after):
    fake = FakeAccount(current)
    client = client_for(fake)
    result, failed = run_module(module_under_test, {"cloudwatch_role_arn": ROLE, "overwrite": overwrite}, client,
                                check_mode=check_mode)
    assert not failed and result["changed"] is changed and result["cloudwatch_role_arn"] == after
    assert client.update_account.called is (changed and not check_mode)
    assert model_errors(["apigateway"], client) == []


def test_retries_a_role_iam_has_not_propagated_then_gives_up(run_module, fake_time):
    fake = FakeAccount(None, refusals=2)
    result, failed = run_module(module_under_test, {"cloudwatch_role_arn": ROLE}, client_for(fake))
    assert not failed and fake.current == ROLE and fake_time.slept == [5, 5]

    never = FakeAccount(None, refusals=100)
    result, failed = run_module(module_under_test, {"cloudwatch_role_arn": ROLE, "propagation_timeout": 20},
                                client_for(never))
    assert failed and "check that the role trusts apigateway.amazonaws.com" in result["msg"]


def test_a_bad_arn_fails_before_any_call(run_module):
    client = client_for(FakeAccount(None))
    result, failed = run_module(module_under_test, {"cloudwatch_role_arn": "payments-logs"}, client)
    assert failed and "is not an IAM role ARN" in result["msg"] and not client.get_account.called
