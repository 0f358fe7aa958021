"""Custom domains as AWS runs them: issued certificates of the region only, mappings that live and
die with their domain, the regional hosted zone, and requests served on the domain's own name."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY
from tests.functional.emulator.dataplane_helpers import create_function, create_proxy_api, http, issued_certificate

DOMAIN = "api.payments.local.example.com"
REGIONAL = {"endpointConfiguration": {"types": ["REGIONAL"]}, "securityPolicy": "TLS_1_2"}
HANDLER = """
import json, os

def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"region": os.environ["AWS_REGION"], "path": event["path"]})}
"""


def test_mappings_start_empty_and_go_with_their_domain(aws, control):
    client = aws("apigateway", "us-east-2")
    api = client.create_rest_api(name="mapped")["id"]
    root = client.get_resources(restApiId=api)["items"][0]["id"]
    client.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    client.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    client.create_deployment(restApiId=api, stageName="prod")
    certificate = issued_certificate(aws, "us-east-2", DOMAIN)
    regional = {"regionalCertificateArn": certificate, "endpointConfiguration": {"types": ["REGIONAL"]}}

    client.create_domain_name(domainName=DOMAIN, **regional)
    assert client.get_base_path_mappings(domainName=DOMAIN).get("items", []) == []
    client.create_base_path_mapping(domainName=DOMAIN, restApiId=api, stage="prod")

    client.delete_domain_name(domainName=DOMAIN)
    client.create_domain_name(domainName=DOMAIN, **regional)
    assert client.get_base_path_mappings(domainName=DOMAIN).get("items", []) == []
    client.create_base_path_mapping(domainName=DOMAIN, restApiId=api, stage="prod")  # the empty path is free
    assert [m["restApiId"] for m in client.get_base_path_mappings(domainName=DOMAIN)["items"]] == [api]


def _refusal(err: pytest.ExceptionInfo) -> tuple[str, str]:
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


def test_a_domain_needs_an_issued_certificate_of_its_region_that_covers_it(aws, control):
    client = aws("apigateway", PRIMARY)
    # A pending certificate of another name (the two regions' certificates for one name share its record).
    pending_name = "pay.payments.local.example.com"
    pending = aws("acm", PRIMARY).request_certificate(DomainName=pending_name, ValidationMethod="DNS")["CertificateArn"]
    other_name = issued_certificate(aws, PRIMARY, "www.payments.local.example.com")
    other_region = issued_certificate(aws, DR, DOMAIN)
    with pytest.raises(ClientError) as err:
        client.create_domain_name(domainName=pending_name, regionalCertificateArn=pending, **REGIONAL)
    assert "is not yet issued" in _refusal(err)[1]
    for arn, says in ((other_name, "is not covered by the provided certificate"),
                      (other_region, f"Certificate must be in '{PRIMARY}'"), ("", "Invalid certificate ARN")):
        with pytest.raises(ClientError) as err:
            client.create_domain_name(domainName=DOMAIN, regionalCertificateArn=arn, **REGIONAL)
        assert _refusal(err)[0] == "BadRequestException" and says in _refusal(err)[1]
    assert client.get_domain_names().get("items", []) == []  # nothing was created

    wildcard = issued_certificate(aws, PRIMARY, "*.payments.local.example.com")
    created = client.create_domain_name(domainName=DOMAIN, regionalCertificateArn=wildcard, **REGIONAL)
    assert created["regionalHostedZoneId"] == "Z1UJRXOUMOOFQ8"  # API Gateway's us-east-1 zone, not CloudFront's
    assert created["regionalDomainName"].endswith(f".execute-api.{PRIMARY}.amazonaws.com")
    with pytest.raises(ClientError) as err:
        client.create_domain_name(domainName=DOMAIN, regionalCertificateArn=wildcard, **REGIONAL)
    assert _refusal(err)[0] == "ConflictException"
    with pytest.raises(ClientError) as err:  # a wildcard covers one label only
        client.create_domain_name(domainName="a.b.payments.local.example.com", regionalCertificateArn=wildcard,
                                  **REGIONAL)
    assert "not covered" in _refusal(err)[1]

    # UpdateDomainName checks the new certificate as CreateDomainName does.
    with pytest.raises(ClientError) as err:
        client.update_domain_name(domainName=DOMAIN, patchOperations=[
            {"op": "replace", "path": "/regionalCertificateArn", "value": other_name}])
    assert "not covered" in _refusal(err)[1]
    exact = issued_certificate(aws, PRIMARY, DOMAIN)
    updated = client.update_domain_name(domainName=DOMAIN, patchOperations=[
        {"op": "replace", "path": "/regionalCertificateArn", "value": exact}])
    assert client.get_domain_name(domainName=DOMAIN)["regionalCertificateArn"] == exact == updated[
        "regionalCertificateArn"]


def test_the_domain_serves_the_region_its_dns_answer_reaches(aws, control, emulator):
    r53 = aws("route53", PRIMARY)
    control.post("route53/settings", {"probe_interval": 3600})
    targets = {}
    for region in (PRIMARY, DR):
        function = create_function(aws, region, "where", HANDLER)
        api = create_proxy_api(aws, region, function, [("/validate", "POST"), ("/health", "GET")])
        client = aws("apigateway", region)
        domain = client.create_domain_name(domainName=DOMAIN, regionalCertificateArn=issued_certificate(
            aws, region, DOMAIN), **REGIONAL)
        client.create_base_path_mapping(domainName=DOMAIN, restApiId=api, stage="prod", basePath="prod")
        check = r53.create_health_check(CallerReference=f"hc-{region}", HealthCheckConfig={
            "Type": "HTTPS", "FullyQualifiedDomainName": f"{api}.execute-api.{region}.amazonaws.com", "Port": 443,
            "ResourcePath": "/prod/health", "FailureThreshold": 1})["HealthCheck"]["Id"]
        targets[region] = (domain, check)
    zone = next(z["Id"] for z in r53.list_hosted_zones()["HostedZones"] if z["Name"] == "payments.local.example.com.")
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {
        "Name": DOMAIN, "Type": "A", "SetIdentifier": role, "Failover": role.upper(), "HealthCheckId": check,
        "AliasTarget": {"DNSName": domain["regionalDomainName"], "HostedZoneId": domain["regionalHostedZoneId"],
                        "EvaluateTargetHealth": False}}}
        for role, (domain, check) in zip(("primary", "secondary"), targets.values())]})
    control.post("route53/probe")

    status, _, body = http(emulator.endpoint_url, "POST", "/prod/validate", host=DOMAIN, body={})
    assert (status, json.loads(body)) == (200, {"region": PRIMARY, "path": "/validate"})
    assert http(emulator.endpoint_url, "POST", "/test/validate", host=DOMAIN, body={})[0] == 403  # no such mapping

    control.region_down(PRIMARY)
    control.post("route53/probe")
    status, _, body = http(emulator.endpoint_url, "POST", "/prod/validate", host=DOMAIN, body={})
    assert (status, json.loads(body)["region"]) == (200, DR)
