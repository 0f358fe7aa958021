"""A role just created cannot be assumed by Lambda or API Gateway for a few seconds, as on AWS."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.conftest import PRIMARY
from tests.functional.emulator.dataplane_helpers import ASSUME_LAMBDA, package

ASSUME_APIGATEWAY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def test_a_new_role_is_refused_until_it_has_propagated(aws, control):
    assert control.get("iam-propagation/settings") == {"propagation_seconds": 5.0}
    role = aws("iam").create_role(RoleName="fresh", AssumeRolePolicyDocument=ASSUME_LAMBDA)["Role"]["Arn"]
    function = {"FunctionName": "f", "Runtime": "python3.12", "Role": role, "Handler": "app.handler",
                "Code": {"ZipFile": package("def handler(e, c):\n    return 1\n")}}
    with pytest.raises(ClientError) as err:
        aws("lambda", PRIMARY).create_function(**function)
    assert err.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert "cannot be assumed by Lambda" in err.value.response["Error"]["Message"]

    logs = aws("iam").create_role(RoleName="logs", AssumeRolePolicyDocument=ASSUME_APIGATEWAY)["Role"]["Arn"]
    patch = [{"op": "replace", "path": "/cloudwatchRoleArn", "value": logs}]
    with pytest.raises(ClientError) as err:
        aws("apigateway", PRIMARY).update_account(patchOperations=patch)
    assert "does not have required permissions" in err.value.response["Error"]["Message"]

    control.advance_clock(5)
    assert aws("lambda", PRIMARY).create_function(**function)["Role"] == role
    assert aws("apigateway", PRIMARY).update_account(patchOperations=patch)["cloudwatchRoleArn"] == logs


def test_stage_logging_needs_the_accounts_logs_role(aws, control):
    control.post("iam-propagation/settings", {"propagation_seconds": 0})
    client = aws("apigateway", PRIMARY)
    api = client.create_rest_api(name="logged")["id"]
    root = client.get_resources(restApiId=api)["items"][0]["id"]
    client.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    client.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    client.create_deployment(restApiId=api, stageName="prod")
    logging = [{"op": "replace", "path": "/accessLogSettings/destinationArn",
                "value": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/logged"}]
    with pytest.raises(ClientError) as err:
        client.update_stage(restApiId=api, stageName="prod", patchOperations=logging)
    assert "CloudWatch Logs role ARN must be set in account settings" in err.value.response["Error"]["Message"]

    lambda_trust = aws("iam").create_role(RoleName="wrong", AssumeRolePolicyDocument=ASSUME_LAMBDA)["Role"]["Arn"]
    with pytest.raises(ClientError) as err:  # API Gateway cannot assume a role that does not trust it
        client.update_account(patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": lambda_trust}])
    assert "does not have required permissions" in err.value.response["Error"]["Message"]

    logs = aws("iam").create_role(RoleName="logs", AssumeRolePolicyDocument=ASSUME_APIGATEWAY)["Role"]["Arn"]
    client.update_account(patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": logs}])
    client.update_stage(restApiId=api, stageName="prod", patchOperations=logging)
    assert client.get_stage(restApiId=api, stageName="prod")["accessLogSettings"]["destinationArn"].endswith("logged")
