"""IAM principals' requests are authorized against their policies; root (the testing keys) is not."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.conftest import PRIMARY

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]})
POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["dynamodb:ListTables", "s3:ListAllMyBuckets", "apigateway:GET", "iam:GetRole",
                                   "iam:PassRole", "lambda:CreateFunction"], "Resource": "*"},
    {"Effect": "Deny", "Action": ["iam:GetRole"], "Resource": "arn:aws:iam::123456789012:role/secret-*"},
    {"Effect": "Allow", "Action": ["iam:PassRole"], "Resource": "*"}]}


def session(emulator, aws, role: str, policy: dict):
    aws("iam").create_role(RoleName=role, AssumeRolePolicyDocument=TRUST)
    aws("iam").put_role_policy(RoleName=role, PolicyName="p", PolicyDocument=json.dumps(policy))
    creds = aws("sts").assume_role(RoleArn=f"arn:aws:iam::123456789012:role/{role}", RoleSessionName="test")["Credentials"]

    def client(service: str):
        return boto3.client(service, region_name=PRIMARY, endpoint_url=emulator.endpoint_url,
                            aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"])
    return client


def refusal(err: pytest.ExceptionInfo) -> tuple[int, str, str]:
    answer = err.value.response
    return answer["ResponseMetadata"]["HTTPStatusCode"], answer["Error"]["Code"], answer["Error"]["Message"]


def test_allowed_actions_pass_others_are_refused_as_aws_answers(emulator, aws, control):
    as_role = session(emulator, aws, "reader", POLICY)
    assert as_role("dynamodb").list_tables()["TableNames"] == []
    assert as_role("s3").list_buckets()["Buckets"] == []  # s3:ListAllMyBuckets, S3's own action name
    assert as_role("apigateway").get_rest_apis().get("items", []) == []  # apigateway:GET
    assert as_role("sts").get_caller_identity()["Arn"].endswith(":assumed-role/reader/test")  # needs no policy

    for call, code in ((lambda: as_role("dynamodb").create_table(
            TableName="t", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST"),
            "AccessDeniedException"), (lambda: as_role("ec2").describe_vpcs(), "UnauthorizedOperation"),
            (lambda: as_role("s3").create_bucket(Bucket="b"), "AccessDenied")):
        with pytest.raises(ClientError) as err:
            call()
        status, got, message = refusal(err)
        assert (status, got) == (403, code) and "assumed-role/reader/test is not authorized to perform" in message
    assert aws("dynamodb").list_tables()["TableNames"] == [] and aws("s3").list_buckets()["Buckets"] == []

    # An explicit Deny on a resource wins over the Allow; IAM requests are matched on the role they name.
    aws("iam").create_role(RoleName="secret-admin", AssumeRolePolicyDocument=TRUST)
    assert as_role("iam").get_role(RoleName="reader")["Role"]["RoleName"] == "reader"
    with pytest.raises(ClientError) as err:
        as_role("iam").get_role(RoleName="secret-admin")
    assert "iam:GetRole" in refusal(err)[2]

    log = control.get("iam/actions?principal=arn:aws:sts::123456789012:assumed-role/reader")["actions"]
    assert set(log["arn:aws:sts::123456789012:assumed-role/reader/test"]) >= {
        "dynamodb:ListTables", "dynamodb:CreateTable", "ec2:DescribeVpcs", "s3:ListAllMyBuckets", "iam:GetRole"}
    mine = [d for d in control.get("iam/denied")["denied"] if d["principal"].endswith(":assumed-role/reader/test")]
    assert {d["action"] for d in mine} == {
        "dynamodb:CreateTable", "ec2:DescribeVpcs", "s3:CreateBucket", "iam:GetRole"}


def test_handing_a_role_to_a_service_needs_pass_role_on_that_role(emulator, aws, control):
    control.post("iam-propagation/settings", {"propagation_seconds": 0})
    aws("iam").create_role(RoleName="fn", AssumeRolePolicyDocument=TRUST)
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["lambda:CreateFunction"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["iam:PassRole"], "Resource": "arn:aws:iam::123456789012:role/other"}]}
    as_role = session(emulator, aws, "deployer", policy)
    with pytest.raises(ClientError) as err:
        as_role("lambda").create_function(FunctionName="f", Runtime="python3.12", Handler="a.b", Code={"ZipFile": b"x"},
                                          Role="arn:aws:iam::123456789012:role/fn")
    assert "iam:PassRole" in refusal(err)[2]
    assert aws("lambda").list_functions()["Functions"] == []


def test_an_eventbridge_rule_created_with_tags_also_needs_tag_resource(emulator, aws):
    put_only = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["events:PutRule"], "Resource": "*"}]}
    as_role = session(emulator, aws, "scheduler", put_only)
    as_role("events").put_rule(Name="untagged", ScheduleExpression="rate(1 minute)")
    with pytest.raises(ClientError) as err:
        as_role("events").put_rule(Name="tagged", ScheduleExpression="rate(1 minute)",
                                   Tags=[{"Key": "Environment", "Value": "dev"}])
    assert refusal(err)[0] == 403 and "events:TagResource" in refusal(err)[2]
    assert [r["Name"] for r in aws("events").list_rules()["Rules"]] == ["untagged"]
