"""AWS WAF web ACLs on API Gateway stages answer as AWS does (wafv2_fixes)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.conftest import PRIMARY

ACCOUNT = "123456789012"
VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


@pytest.fixture
def stage(aws, control):
    client = aws("apigateway", PRIMARY)
    api_id = client.create_rest_api(name="waf")["id"]
    root = client.get_resources(restApiId=api_id)["items"][0]["id"]
    client.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    client.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
    client.create_deployment(restApiId=api_id, stageName="prod")
    return api_id, f"arn:aws:apigateway:{PRIMARY}::/restapis/{api_id}/stages/prod"


def web_acl(aws, name="acl"):
    waf = aws("wafv2", PRIMARY)
    return waf.create_web_acl(Name=name, Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=VISIBILITY)["Summary"]


def code(err: pytest.ExceptionInfo) -> str:
    return err.value.response["Error"]["Code"]


def test_resources_are_listed_by_type_and_one_acl_protects_a_stage(aws, stage):
    api_id, arn = stage
    waf = aws("wafv2", PRIMARY)
    first, second = web_acl(aws, "first"), web_acl(aws, "second")
    waf.associate_web_acl(WebACLArn=first["ARN"], ResourceArn=arn)
    assert waf.list_resources_for_web_acl(WebACLArn=first["ARN"], ResourceType="API_GATEWAY")["ResourceArns"] == [arn]
    # Without a type AWS lists the application load balancers.
    assert waf.list_resources_for_web_acl(WebACLArn=first["ARN"])["ResourceArns"] == []
    waf.associate_web_acl(WebACLArn=second["ARN"], ResourceArn=arn)
    assert waf.list_resources_for_web_acl(WebACLArn=first["ARN"], ResourceType="API_GATEWAY")["ResourceArns"] == []
    assert waf.get_web_acl_for_resource(ResourceArn=arn)["WebACL"]["Name"] == "second"
    with pytest.raises(ClientError) as err:
        waf.list_resources_for_web_acl(WebACLArn=first["ARN"].replace(first["Id"], "0" * 36), ResourceType="API_GATEWAY")
    assert code(err) == "WAFNonexistentItemException"


def test_a_missing_stage_cannot_be_associated_and_a_deleted_one_is_forgotten(aws, stage):
    api_id, arn = stage
    waf = aws("wafv2", PRIMARY)
    acl = web_acl(aws)
    with pytest.raises(ClientError) as err:
        waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=arn.replace("/stages/prod", "/stages/beta"))
    assert code(err) == "WAFNonexistentItemException"
    waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=arn)
    aws("apigateway", PRIMARY).delete_rest_api(restApiId=api_id)
    assert waf.list_resources_for_web_acl(WebACLArn=acl["ARN"], ResourceType="API_GATEWAY")["ResourceArns"] == []


def test_an_associated_acl_is_not_deleted(aws, stage):
    _api_id, arn = stage
    waf = aws("wafv2", PRIMARY)
    acl = web_acl(aws)
    waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=arn)
    token = waf.get_web_acl(Name="acl", Scope="REGIONAL", Id=acl["Id"])["LockToken"]
    with pytest.raises(ClientError) as err:
        waf.delete_web_acl(Name="acl", Scope="REGIONAL", Id=acl["Id"], LockToken=token)
    assert code(err) == "WAFAssociatedItemException"
    waf.disassociate_web_acl(ResourceArn=arn)
    waf.delete_web_acl(Name="acl", Scope="REGIONAL", Id=acl["Id"], LockToken=token)
    assert waf.list_web_acls(Scope="REGIONAL")["WebACLs"] == []


@pytest.mark.parametrize("group, accepted", [("aws-waf-logs-payments", True), ("payments-waf", False)])
def test_logs_go_only_to_a_log_group_named_aws_waf_logs(aws, control, group, accepted):
    acl = web_acl(aws)
    destination = f"arn:aws:logs:{PRIMARY}:{ACCOUNT}:log-group:{group}"
    waf = aws("wafv2", PRIMARY)
    if accepted:
        waf.put_logging_configuration(LoggingConfiguration={"ResourceArn": acl["ARN"], "LogDestinationConfigs": [destination]})
        assert waf.get_logging_configuration(ResourceArn=acl["ARN"])["LoggingConfiguration"]["LogDestinationConfigs"] == [
            destination]
        return
    with pytest.raises(ClientError) as err:
        waf.put_logging_configuration(LoggingConfiguration={"ResourceArn": acl["ARN"], "LogDestinationConfigs": [destination]})
    assert code(err) == "WAFInvalidParameterException"


def test_associating_a_stage_needs_apigateway_set_web_acl(emulator, aws, stage):
    _api_id, arn = stage
    acl = web_acl(aws)
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}}]}
    aws("iam").create_role(RoleName="waf-admin", AssumeRolePolicyDocument=json.dumps(trust))
    aws("iam").put_role_policy(RoleName="waf-admin", PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "wafv2:AssociateWebACL", "Resource": "*"}]}))
    creds = aws("sts").assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/waf-admin", RoleSessionName="waf")["Credentials"]
    waf = boto3.client("wafv2", region_name=PRIMARY, endpoint_url=emulator.endpoint_url,
                       aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"])
    with pytest.raises(ClientError) as err:
        waf.associate_web_acl(WebACLArn=acl["ARN"], ResourceArn=arn)
    assert code(err) == "AccessDeniedException" and "apigateway:SetWebACL" in err.value.response["Error"]["Message"]
