"""module_utils/apigateway.py: a missing stage, domain or API is None (False for a deletion),
any other error is AnsibleAPIGatewayError naming the resource."""

from __future__ import annotations

from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.module_utils import apigateway


def client_error(code, operation):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, operation)


def test_a_missing_stage_or_domain_is_none():
    client = MagicMock()
    client.get_stage.side_effect = client_error("NotFoundException", "GetStage")
    client.get_domain_name.side_effect = client_error("NotFoundException", "GetDomainName")
    client.get_paginator.return_value.paginate.return_value.build_full_result.side_effect = client_error(
        "NotFoundException", "GetBasePathMappings")
    assert apigateway.get_stage(client, "abc", "prod") is None
    assert apigateway.get_domain_name(client, "api.example.com") is None
    assert apigateway.get_base_path_mappings(client, "api.example.com") is None


def test_a_domain_is_answered_without_its_response_metadata():
    client = MagicMock()
    client.get_domain_name.return_value = {"domainName": "api.example.com", "ResponseMetadata": {}}
    assert apigateway.get_domain_name(client, "api.example.com") == {"domainName": "api.example.com"}
    client.get_domain_name.assert_called_once_with(aws_retry=True, domainName="api.example.com")


def test_deleting_an_api_already_gone_is_false():
    client = MagicMock()
    assert apigateway.delete_rest_api(client, "abc") is True
    client.delete_rest_api.side_effect = client_error("NotFoundException", "DeleteRestApi")
    assert apigateway.delete_rest_api(client, "abc") is False


@pytest.mark.parametrize("call, operation, message", [
    (lambda c: apigateway.get_stage(c, "abc", "prod"), "get_stage", "Failed to get stage prod of abc"),
    (lambda c: apigateway.get_domain_name(c, "api.example.com"), "get_domain_name",
     "Failed to get custom domain name api.example.com"),
    (lambda c: apigateway.create_deployment(c, "abc", "prod", "openapi 0123"), "create_deployment",
     "Failed to deploy abc to stage prod"),
    (lambda c: apigateway.delete_rest_api(c, "abc"), "delete_rest_api", "Failed to delete REST API abc"),
    (lambda c: apigateway.put_rest_api(c, "abc", {}), "put_rest_api",
     "Failed to import the OpenAPI document into abc"),
])
def test_other_errors_name_the_resource(call, operation, message):
    client = MagicMock()
    getattr(client, operation).side_effect = client_error("BadRequestException", operation)
    with pytest.raises(apigateway.AnsibleAPIGatewayError) as raised:
        call(client)
    assert raised.value.message == message
    assert isinstance(raised.value.exception, botocore.exceptions.ClientError)


def test_every_page_of_rest_apis_is_read():
    client = MagicMock()
    client.get_paginator.return_value.paginate.return_value = [{"items": [{"id": "a"}]}, {"items": [{"id": "b"}]}, {}]
    assert [api["id"] for api in apigateway.list_rest_apis(client)] == ["a", "b"]
    client.get_paginator.assert_called_once_with("get_rest_apis")
