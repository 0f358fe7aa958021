from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from ansible_collections.payments.dr.plugins.modules import apigateway_domain as module_under_test
from tests.unit.plugins.modules.conftest import client_for, model_errors

NAME = "api.payments.example.com"
ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
NEW_ARN = ARN[:-1] + "c"
ARGS = {"domain_name": NAME, "certificate_arn": ARN, "tags": {"Environment": "prod"},
        "base_path_mappings": [{"base_path": "prod", "rest_api_id": "a1b2c3d4e5", "stage": "prod"}]}


class FakeApiGateway:
    """API Gateway and ACM as one fake: the domain (or none), its mappings, issued certificates."""

    def __init__(self, domain=None, mappings=(), certificates=None):
        self.domain = dict(domain, tags=dict(domain["tags"])) if domain else None
        self.mappings = {m["basePath"]: dict(m) for m in mappings}
        self.certificates = certificates or {ARN: ("ISSUED", [NAME]), NEW_ARN: ("ISSUED", ["*.payments.example.com"])}

    def describe_certificate(self, CertificateArn, aws_retry=False):
        status, names = self.certificates[CertificateArn]
        return {"Certificate": {"CertificateArn": CertificateArn, "Status": status, "DomainName": names[0],
                                "SubjectAlternativeNames": names}}

    def get_domain_name(self, domainName, aws_retry=False):
        if self.domain is None:
            raise ClientError({"Error": {"Code": "NotFoundException", "Message": "no"}}, "GetDomainName")
        return dict(self.domain)

    def get_paginator(self, name):
        fake = self

        class Pages:
            def paginate(self, **kwargs):
                class Result:
                    def build_full_result(self):
                        return {"items": list(fake.mappings.values())}
                return Result()
        return Pages()

    def create_domain_name(self, aws_retry=False, **params):
        self.domain = {"domainName": params["domainName"], "regionalCertificateArn": params["regionalCertificateArn"],
                       "securityPolicy": params["securityPolicy"], "tags": params["tags"],
                       "endpointConfiguration": params["endpointConfiguration"],
                       "regionalDomainName": "d-1.execute-api.us-east-1.amazonaws.com",
                       "regionalHostedZoneId": "Z1UJRXOUMOOFQ8"}
        return dict(self.domain)

    def update_domain_name(self, domainName, patchOperations, aws_retry=False):
        for op in patchOperations:
            self.domain[op["path"][1:]] = op["value"]

    def delete_domain_name(self, domainName, aws_retry=False):
        self.domain, self.mappings = None, {}

    def create_base_path_mapping(self, aws_retry=False, **params):
        self.mappings[params["basePath"] or "(none)"] = params

    def update_base_path_mapping(self, domainName, basePath, patchOperations, aws_retry=False):
        for op in patchOperations:
            self.mappings[basePath][{"/restapiId": "restApiId", "/stage": "stage"}[op["path"]]] = op["value"]

    def delete_base_path_mapping(self, domainName, basePath, aws_retry=False):
        self.mappings.pop(basePath)

    def tag_resource(self, resourceArn, tags, aws_retry=False):
        self.domain["tags"].update(tags)

    def untag_resource(self, resourceArn, tagKeys, aws_retry=False):
        for key in tagKeys:
            self.domain["tags"].pop(key)


def existing(**changes):
    domain = {"domainName": NAME, "regionalCertificateArn": ARN, "securityPolicy": "TLS_1_2",
              "endpointConfiguration": {"types": ["REGIONAL"]}, "tags": {"Environment": "prod"},
              "regionalDomainName": "d-1.execute-api.us-east-1.amazonaws.com", "regionalHostedZoneId": "Z1UJRXOUMOOFQ8"}
    domain.update(changes)
    return domain


MAPPED = [{"basePath": "prod", "restApiId": "a1b2c3d4e5", "stage": "prod"}]
WRITES = ["create_domain_name", "update_domain_name", "delete_domain_name", "create_base_path_mapping",
          "update_base_path_mapping", "delete_base_path_mapping", "tag_resource", "untag_resource"]


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("domain, mappings, args, writes", [
    (None, [], ARGS, ["create_domain_name", "create_base_path_mapping"]),
    (existing(), MAPPED, ARGS, []),  # regionalCertificateArn compared: a rerun changes nothing
    (existing(), MAPPED, dict(ARGS, certificate_arn=NEW_ARN), ["update_domain_name"]),
    (existing(securityPolicy="TLS_1_0", tags={"Old": "x"}), MAPPED, ARGS,
     ["update_domain_name", "tag_resource", "untag_resource"]),
    (existing(), [{"basePath": "(none)", "restApiId": "a1b2c3d4e5", "stage": "prod"}], ARGS,
     ["create_base_path_mapping", "delete_base_path_mapping"]),
    (existing(), [{"basePath": "prod", "restApiId": "zzz", "stage": "prod"}], ARGS, ["update_base_path_mapping"]),
    (existing(), MAPPED, {"domain_name": NAME, "state": "absent"}, ["delete_domain_name"]),
    (None, [], {"domain_name": NAME, "state": "absent"}, []),
])
def test_changes_only_what_differs(run_module, check_mode, domain, mappings, args, writes):
    fake = FakeApiGateway(domain, mappings)
    client = client_for(fake)
    result, failed = run_module(module_under_test, args, client, check_mode=check_mode, diff=True)
    assert not failed, result
    assert result["changed"] is bool(writes)
    assert [w for w in WRITES if getattr(client, w).called] == ([] if check_mode else writes)
    assert model_errors(["apigateway", "acm"], client) == []
    if writes and not check_mode and args.get("state") != "absent":
        again = run_module(module_under_test, args, client_for(fake))[0]
        assert again["changed"] is False, again["changes"]


@pytest.mark.parametrize("certificate_arn, certificates, message", [
    ("arn:aws:acm:us-east-2:123456789012:certificate/abc", None, "is in us-east-2, not us-east-1"),
    ("not-an-arn", None, "is not an ACM certificate ARN"),
    (ARN, {ARN: ("PENDING_VALIDATION", [NAME])}, "is PENDING_VALIDATION, not ISSUED"),
    (ARN, {ARN: ("ISSUED", ["www.payments.example.com"])}, "covers www.payments.example.com, not " + NAME),
    (ARN, {ARN: ("ISSUED", ["*.example.com"])}, "covers *.example.com"),  # a wildcard covers one label
])
def test_a_certificate_api_gateway_would_refuse_fails_before_any_write(run_module, certificate_arn,
                                                                       certificates, message):
    client = client_for(FakeApiGateway(certificates=certificates))
    result, failed = run_module(module_under_test, dict(ARGS, certificate_arn=certificate_arn), client)
    assert failed and message in result["msg"]
    assert not any(getattr(client, w).called for w in WRITES)
