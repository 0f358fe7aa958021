"""A custom domain's base path mappings live and die with it (moto failed on none, kept them after deletion)."""

from __future__ import annotations

DOMAIN = "api.payments.local.example.com"


def test_mappings_start_empty_and_go_with_their_domain(aws, control):
    client = aws("apigateway", "us-east-2")
    api = client.create_rest_api(name="mapped")["id"]
    root = client.get_resources(restApiId=api)["items"][0]["id"]
    client.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    client.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    client.create_deployment(restApiId=api, stageName="prod")
    certificate = aws("acm", "us-east-2").request_certificate(DomainName=DOMAIN)["CertificateArn"]
    regional = {"regionalCertificateArn": certificate, "endpointConfiguration": {"types": ["REGIONAL"]}}

    client.create_domain_name(domainName=DOMAIN, **regional)
    assert client.get_base_path_mappings(domainName=DOMAIN).get("items", []) == []
    client.create_base_path_mapping(domainName=DOMAIN, restApiId=api, stage="prod")

    client.delete_domain_name(domainName=DOMAIN)
    client.create_domain_name(domainName=DOMAIN, **regional)
    assert client.get_base_path_mappings(domainName=DOMAIN).get("items", []) == []
    client.create_base_path_mapping(domainName=DOMAIN, restApiId=api, stage="prod")  # the empty path is free
    assert [m["restApiId"] for m in client.get_base_path_mappings(domainName=DOMAIN)["items"]] == [api]
