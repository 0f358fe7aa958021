"""The gateway endpoints' policies let through every S3 and DynamoDB action the function's role is
granted: an endpoint policy narrower than the function's would refuse its calls on AWS only (the
emulator stores endpoint policies without enforcing them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FUNCTION_POLICY = ROOT / "roles" / "lambda_apigw" / "templates" / "lambda-policy.json.j2"
ENDPOINT_POLICY = ROOT / "roles" / "network" / "templates" / "{}_endpoint_policy.json.j2"


def actions(path: Path, service: str) -> set[str]:
    return set(re.findall(r'"(%s:[A-Za-z*]+)"' % service, path.read_text()))


@pytest.mark.parametrize("service", ["s3", "dynamodb"])
def test_the_endpoint_allows_every_action_the_function_is_granted(service):
    endpoint = actions(Path(str(ENDPOINT_POLICY).format(service)), service)
    assert endpoint and not any("*" in action for action in endpoint)
    assert actions(FUNCTION_POLICY, service) - endpoint == set()


def test_the_function_policy_is_where_this_test_looks():
    assert actions(FUNCTION_POLICY, "dynamodb") >= {"dynamodb:PutItem", "dynamodb:GetItem"}
