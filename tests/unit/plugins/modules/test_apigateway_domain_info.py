from __future__ import annotations

from unittest.mock import MagicMock

import pytest
from botocore.exceptions import ClientError

from ansible_collections.payments.dr.plugins.modules import apigateway_domain_info as module_under_test

DOMAIN = {"domainName": "api.payments.example.com", "regionalDomainName": "d-abc.execute-api.us-east-1.amazonaws.com",
          "regionalCertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/c-1",
          "endpointConfiguration": {"types": ["REGIONAL"]}, "tags": {"Environment": "prod"}}
OTHER = {"domainName": "www.example.com", "endpointConfiguration": {"types": ["EDGE"]}}
MAPPING = {"basePath": "(none)", "restApiId": "a1b2c3d4e5", "stage": "prod"}


def not_found(operation):
    return ClientError({"Error": {"Code": "NotFoundException", "Message": "Invalid domain name identifier"}}, operation)


def client_for(domains, mappings):
    """A client whose domains and base path mappings are the given ones; a missing domain is NotFound."""
    client = MagicMock()
    by_name = {domain["domainName"]: domain for domain in domains}

    def get_domain_name(domainName, aws_retry=False):
        if domainName not in by_name:
            raise not_found("GetDomainName")
        return dict(by_name[domainName], ResponseMetadata={"HTTPStatusCode": 200})

    def paginator(name):
        found = MagicMock()
        if name == "get_domain_names":
            found.paginate.return_value.build_full_result.return_value = {"items": list(domains)}
        else:
            found.paginate.side_effect = lambda domainName: MagicMock(
                build_full_result=MagicMock(return_value={"items": mappings.get(domainName, [])}))
        return found

    client.get_domain_name.side_effect = get_domain_name
    client.get_paginator.side_effect = paginator
    return client


@pytest.mark.parametrize("args, expected", [
    ({"domain_name": "api.payments.example.com"}, ["api.payments.example.com"]),
    ({"domain_name": "missing.example.com"}, []),
    ({}, ["api.payments.example.com", "www.example.com"]),
])
def test_finds_the_named_domain_or_every_domain(run_module, args, expected):
    client = client_for([DOMAIN, OTHER], {"api.payments.example.com": [MAPPING]})
    result, failed = run_module(module_under_test, args, client)
    assert not failed and result["changed"] is False
    assert [d["domain_name"] for d in result["domain_names"]] == expected


def test_describes_the_domain_with_its_mappings_and_unconverted_tags(run_module):
    client = client_for([DOMAIN], {"api.payments.example.com": [MAPPING]})
    result, failed = run_module(module_under_test, {"domain_name": "api.payments.example.com"}, client)
    assert not failed
    domain = result["domain_names"][0]
    assert domain["regional_certificate_arn"] == DOMAIN["regionalCertificateArn"]
    assert domain["regional_domain_name"] == DOMAIN["regionalDomainName"]
    assert domain["tags"] == {"Environment": "prod"}
    assert domain["base_path_mappings"] == [{"base_path": "(none)", "rest_api_id": "a1b2c3d4e5", "stage": "prod"}]
    assert "response_metadata" not in domain


def test_a_domain_deleted_between_the_calls_has_no_mappings(run_module):
    client = client_for([DOMAIN], {})
    client.get_paginator.side_effect = None
    client.get_paginator.return_value.paginate.return_value.build_full_result.side_effect = not_found(
        "GetBasePathMappings")
    result, failed = run_module(module_under_test, {"domain_name": "api.payments.example.com"}, client)
    assert not failed and result["domain_names"][0]["base_path_mappings"] == []


def test_other_errors_fail_with_the_domain_name(run_module):
    client = MagicMock()
    client.get_domain_name.side_effect = ClientError(
        {"Error": {"Code": "AccessDeniedException", "Message": "denied"}}, "GetDomainName")
    result, failed = run_module(module_under_test, {"domain_name": "api.payments.example.com"}, client)
    assert failed and "api.payments.example.com" in result["msg"]


def test_check_mode_reads_only(run_module):
    client = client_for([DOMAIN], {"api.payments.example.com": [MAPPING]})
    result, failed = run_module(module_under_test, {}, client, check_mode=True)
    assert not failed and len(result["domain_names"]) == 1
    called = {call[0] for call in client.method_calls}
    assert called <= {"get_domain_name", "get_paginator"}, called
