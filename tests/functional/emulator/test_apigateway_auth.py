"""Who may invoke a stage: SigV4 checked with the issued secret, identity and resource policies (apigateway_auth)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.conftest import DR, PRIMARY
from tests.functional.emulator.dataplane_helpers import create_function, execute_api_host, http

ACCOUNT = "123456789012"
HANDLER = """
import json

def handler(event, context):
    return {"statusCode": 201 if event["httpMethod"] == "POST" else 200, "body": json.dumps({"ok": True})}
"""
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]})
INVOKE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}]}


def document(function_arn: str, principals: list[str] | None) -> dict:
    """POST /validate with IAM authorization, GET /health open; a resource policy naming ``principals``."""
    uri = f"arn:aws:apigateway:{PRIMARY}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
    integration = {"type": "AWS_PROXY", "httpMethod": "POST", "uri": uri}
    sigv4 = {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
    doc = {"openapi": "3.0.1", "info": {"title": "auth", "version": "1"},
           "components": {"securitySchemes": {"sigv4": sigv4}},
           "paths": {"/validate": {"post": {"security": [{"sigv4": []}], "responses": {"201": {"description": "ok"}},
                                            "x-amazon-apigateway-integration": integration}},
                     "/health": {"get": {"responses": {"200": {"description": "ok"}},
                                         "x-amazon-apigateway-integration": integration}}}}
    if principals is not None:
        doc["x-amazon-apigateway-policy"] = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/POST/validate",
             "Condition": {"ArnLike": {"aws:PrincipalArn": principals}}},
            {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*/GET/health"}]}
    return doc


@pytest.fixture
def api(aws, control):
    """An IAM-authorized API in us-east-1 whose policy lets the role ``caller`` validate."""
    arn = create_function(aws, PRIMARY, "auth-validate", HANDLER)
    client = aws("apigateway", PRIMARY)
    api_id = client.create_rest_api(name="auth")["id"]
    client.put_rest_api(restApiId=api_id, mode="overwrite", body=json.dumps(
        document(arn, [f"arn:aws:iam::{ACCOUNT}:role/caller"])).encode())
    client.create_deployment(restApiId=api_id, stageName="prod")
    aws("lambda", PRIMARY).add_permission(
        FunctionName=arn, StatementId="apigw", Action="lambda:InvokeFunction", Principal="apigateway.amazonaws.com",
        SourceArn=f"arn:aws:execute-api:{PRIMARY}:{ACCOUNT}:{api_id}/*")
    return api_id


def role_credentials(aws, name: str, policy: dict | None) -> Credentials:
    aws("iam").create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)
    if policy is not None:
        aws("iam").put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(policy))
    answer = aws("sts").assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}", RoleSessionName="probe")["Credentials"]
    return Credentials(answer["AccessKeyId"], answer["SecretAccessKey"], answer["SessionToken"])


def signed(emulator, api_id: str, credentials: Credentials, path: str = "/prod/validate", method: str = "POST",
           region: str = PRIMARY, body: bytes = b'{"amount": "1.00"}'):
    """A request signed as a client would (botocore SigV4, service execute-api), sent to the emulator."""
    host = execute_api_host(api_id, PRIMARY)
    request = AWSRequest(method=method, url=f"https://{host}{path}", data=body,
                         headers={"Host": host, "Content-Type": "application/json"})
    SigV4Auth(credentials, "execute-api", region).add_auth(request)
    return http(emulator.endpoint_url, method, path, body=body, headers=dict(request.headers.items()))


def refusal(answer) -> tuple[int, str, dict]:
    status, headers, body = answer
    return status, headers.get("x-amzn-ErrorType"), json.loads(body)


def test_unsigned_request_to_an_iam_method_is_missing_authentication_token(emulator, api):
    status, kind, body = refusal(http(emulator.endpoint_url, "POST", "/prod/validate", host=execute_api_host(api, PRIMARY),
                                      body={"amount": "1.00"}))
    assert (status, kind, body) == (403, "MissingAuthenticationTokenException", {"message": "Missing Authentication Token"})


def test_health_stays_open_to_anonymous_callers(emulator, api):
    status, _headers, body = http(emulator.endpoint_url, "GET", "/prod/health", host=execute_api_host(api, PRIMARY))
    assert (status, json.loads(body)) == (200, {"ok": True})


def test_a_caller_the_policy_names_is_served(emulator, aws, api):
    credentials = role_credentials(aws, "caller", None)  # no identity policy: the resource policy's Allow suffices
    status, _headers, body = signed(emulator, api, credentials)
    assert (status, json.loads(body)) == (201, {"ok": True})
    # The emulator's root user (the testing keys) holds every permission of its account.
    assert signed(emulator, api, Credentials("testing", "testing"))[0] == 201


def test_a_wrong_secret_or_a_tampered_body_does_not_match_the_signature(emulator, aws, api):
    credentials = role_credentials(aws, "caller", None)
    forged = Credentials(credentials.access_key, "not-the-secret", credentials.token)
    status, kind, body = refusal(signed(emulator, api, forged))
    assert (status, kind) == (403, "InvalidSignatureException")
    assert body["message"].startswith("The request signature we calculated does not match the signature you provided")

    host = execute_api_host(api, PRIMARY)
    request = AWSRequest(method="POST", url=f"https://{host}/prod/validate", data=b'{"amount": "1.00"}',
                         headers={"Host": host})
    SigV4Auth(credentials, "execute-api", PRIMARY).add_auth(request)
    status, kind, _body = refusal(http(emulator.endpoint_url, "POST", "/prod/validate", body=b'{"amount": "9999.00"}',
                                       headers=dict(request.headers.items())))
    assert (status, kind) == (403, "InvalidSignatureException")


def test_unknown_keys_and_wrong_scopes_are_refused(emulator, aws, api):
    status, kind, body = refusal(signed(emulator, api, Credentials("AKIAUNKNOWN0000000000", "x")))
    assert (status, kind, body["message"]) == (403, "UnrecognizedClientException",
                                               "The security token included in the request is invalid.")
    credentials = role_credentials(aws, "caller", None)
    status, kind, body = refusal(signed(emulator, api, credentials, region=DR))
    assert (status, kind) == (403, "InvalidSignatureException") and "scoped to a valid region" in body["message"]


def test_a_caller_neither_policy_allows_is_access_denied(emulator, aws, api):
    credentials = role_credentials(aws, "stranger", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}]})
    status, kind, body = refusal(signed(emulator, api, credentials))
    resource = f"arn:aws:execute-api:{PRIMARY}:{ACCOUNT}:{api}/prod/POST/validate"
    assert (status, kind) == (403, "AccessDeniedException")
    assert body == {"Message": f"User: arn:aws:sts::{ACCOUNT}:assumed-role/stranger/probe is not authorized to perform: "
                               f"execute-api:Invoke on resource: {resource}"}


def test_identity_allow_suffices_in_the_account_and_an_explicit_deny_wins(emulator, aws, api):
    allowed = role_credentials(aws, "invoker", INVOKE)  # not named by the resource policy
    assert signed(emulator, api, allowed)[0] == 201
    denied = role_credentials(aws, "caller", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "execute-api:*", "Resource": f"arn:aws:execute-api:*:*:{api}/*/POST/*"}]})
    status, kind, body = refusal(signed(emulator, api, denied))
    assert (status, kind) == (403, "AccessDeniedException") and body["Message"].endswith("with an explicit deny")


def test_policy_and_authorization_type_read_back_and_serve_only_once_redeployed(emulator, aws, api):
    client = aws("apigateway", PRIMARY)
    resources = {r["path"]: r["id"] for r in client.get_resources(restApiId=api)["items"]}
    assert client.get_method(restApiId=api, resourceId=resources["/validate"],
                             httpMethod="POST")["authorizationType"] == "AWS_IAM"
    assert client.get_method(restApiId=api, resourceId=resources["/health"], httpMethod="GET")["authorizationType"] == "NONE"
    policy = json.loads(client.get_rest_api(restApiId=api)["policy"])
    assert policy["Statement"][0]["Resource"] == f"arn:aws:execute-api:{PRIMARY}:{ACCOUNT}:{api}/*/POST/validate"

    # A policy without the health statement is not in force until the stage is redeployed.
    arn = f"arn:aws:lambda:{PRIMARY}:{ACCOUNT}:function:auth-validate"
    narrowed = document(arn, [f"arn:aws:iam::{ACCOUNT}:role/caller"])
    narrowed["x-amazon-apigateway-policy"]["Statement"].pop()
    client.put_rest_api(restApiId=api, mode="overwrite", body=json.dumps(narrowed).encode())
    host = execute_api_host(api, PRIMARY)
    assert http(emulator.endpoint_url, "GET", "/prod/health", host=host)[0] == 200
    client.create_deployment(restApiId=api, stageName="prod")
    status, kind, body = refusal(http(emulator.endpoint_url, "GET", "/prod/health", host=host))
    assert (status, kind) == (403, "AccessDeniedException") and body["Message"].startswith("User: anonymous is not")


def test_a_signed_request_through_boto3_style_credentials_of_an_iam_user(emulator, aws, api):
    iam = aws("iam")
    iam.create_user(UserName="payer")
    iam.put_user_policy(UserName="payer", PolicyName="p", PolicyDocument=json.dumps(INVOKE))
    key = iam.create_access_key(UserName="payer")["AccessKey"]
    session = boto3.Session(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    assert signed(emulator, api, session.get_credentials().get_frozen_credentials())[0] == 201
