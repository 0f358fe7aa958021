"""Helpers for the data-plane tests: Lambda packages built in memory, REST APIs, plain HTTP."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
import zipfile
from typing import Any, Callable

from botocore.exceptions import ClientError

from tests.emulator.control import EmulatorControl

ASSUME_LAMBDA = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def package(source: str, module: str = "app") -> bytes:
    """A deployment package holding one module."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{module}.py", source)
    return buffer.getvalue()


def create_function(aws: Callable, region: str, name: str, source: str, **kwargs: Any) -> str:
    """Create a python3.12 function (and its role) from ``source``; returns the function ARN."""
    iam = aws("iam", "us-east-1")
    try:
        role = iam.get_role(RoleName="dr-test-lambda")["Role"]["Arn"]
    except ClientError:
        role = iam.create_role(RoleName="dr-test-lambda", AssumeRolePolicyDocument=ASSUME_LAMBDA)["Role"]["Arn"]
        # IAM is eventually consistent: wait out the emulator's propagation delay (virtual time).
        control = EmulatorControl(iam.meta.endpoint_url)
        control.advance_clock(control.get("iam-propagation/settings")["propagation_seconds"])
    kwargs.setdefault("Handler", "app.handler")
    return aws("lambda", region).create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Code={"ZipFile": package(source)}, **kwargs
    )["FunctionArn"]


def create_proxy_api(aws: Callable, region: str, function_arn: str, routes: list[tuple[str, str]],
                     stage: str = "prod", grant: bool = True) -> str:
    """A REST API whose resources proxy to the function (AWS_PROXY), deployed to ``stage``."""
    client = aws("apigateway", region)
    api_id = client.create_rest_api(name=f"api-{region}")["id"]
    root = next(r["id"] for r in client.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
    by_path = {"/": root}
    uri = f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
    for path, method in routes:
        parent = "/"
        for part in [p for p in path.split("/") if p]:
            current = parent.rstrip("/") + "/" + part
            if current not in by_path:
                by_path[current] = client.create_resource(
                    restApiId=api_id, parentId=by_path[parent], pathPart=part)["id"]
            parent = current
        client.put_method(restApiId=api_id, resourceId=by_path[path], httpMethod=method, authorizationType="NONE")
        client.put_integration(restApiId=api_id, resourceId=by_path[path], httpMethod=method, type="AWS_PROXY",
                               integrationHttpMethod="POST", uri=uri)
    client.create_deployment(restApiId=api_id, stageName=stage)
    if grant:
        account = function_arn.split(":")[4]
        aws("lambda", function_arn.split(":")[3]).add_permission(
            FunctionName=function_arn, StatementId=f"apigw-{api_id}", Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com", SourceArn=f"arn:aws:execute-api:{region}:{account}:{api_id}/*")
    return api_id


def execute_api_host(api_id: str, region: str) -> str:
    return f"{api_id}.execute-api.{region}.amazonaws.com"


def http(endpoint: str, method: str, path: str, host: str | None = None, body: Any = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """A plain (unsigned) HTTP request to the emulator: (status, headers, body)."""
    data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
    request = urllib.request.Request(f"{endpoint}{path}", data=data, method=method, headers=dict(headers or {}))
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def issued_certificate(aws: Callable, region: str, domain: str, zone_name: str | None = None) -> str:
    """Request an ACM certificate for ``domain`` and validate it through a public hosted zone
    (created when missing), as ACM's DNS validation needs; returns its ARN, ISSUED."""
    r53 = aws("route53", "us-east-1")
    zone_name = zone_name or domain.split(".", 1)[1]
    zones = [z for z in r53.list_hosted_zones()["HostedZones"] if z["Name"] == zone_name.rstrip(".") + "."]
    zone = zones[0]["Id"] if zones else r53.create_hosted_zone(
        Name=zone_name, CallerReference=f"validation-{zone_name}")["HostedZone"]["Id"]
    acm = aws("acm", region)
    arn = acm.request_certificate(DomainName=domain, ValidationMethod="DNS")["CertificateArn"]
    record = acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"][0]["ResourceRecord"]
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
        "Name": record["Name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": record["Value"]}]}}]})
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "ISSUED"
    return arn
