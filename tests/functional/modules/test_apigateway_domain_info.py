"""apigateway_domain_info against the emulator: a regional custom domain with its mapping, a missing one."""

from __future__ import annotations

from tests.functional.ansible_run import play, run_playbook
from tests.functional.emulator.dataplane_helpers import issued_certificate

DOMAIN = "api.payments.local.example.com"


def test_reads_the_domain_and_its_mapping_only_where_it_exists(emulator, aws):
    apigateway = aws("apigateway", "us-east-2")
    certificate = issued_certificate(aws, "us-east-2", DOMAIN)
    api = apigateway.create_rest_api(name="payments-api-dr-test")["id"]
    root = apigateway.get_resources(restApiId=api)["items"][0]["id"]
    apigateway.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    apigateway.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    apigateway.create_deployment(restApiId=api, stageName="prod")
    apigateway.create_domain_name(domainName=DOMAIN, regionalCertificateArn=certificate,
                                  endpointConfiguration={"types": ["REGIONAL"]})
    apigateway.create_base_path_mapping(domainName=DOMAIN, restApiId=api, stage="prod")

    tasks = [{"name": "read", "payments.dr.apigateway_domain_info": {"domain_name": DOMAIN}, "register": "found"}]
    run = run_playbook(play(tasks, preflight=False), emulator.endpoint_url, check=True)
    assert run.rc == 0, run.failures()
    assert run.changed() == 0
    assert run.results("read", "primary")["domain_names"] == []  # none in us-east-1
    (domain,) = run.results("read", "dr")["domain_names"]
    assert domain["domain_name"] == DOMAIN
    assert domain["regional_certificate_arn"] == certificate
    assert domain["regional_domain_name"].endswith(".execute-api.us-east-2.amazonaws.com")
    assert [(m["rest_api_id"], m["stage"]) for m in domain["base_path_mappings"]] == [(api, "prod")]
