"""acm_certificate_request and apigateway_domain against the emulator: a certificate per region
validated through the zone, a regional domain on it; check mode first, then a run, then a rerun
that changes nothing; bad certificates refused before any write; absent removes it all."""

from __future__ import annotations

from tests.functional.ansible_run import play, run_playbook

ZONE = "payments.local.example.com"
DOMAIN = f"api.{ZONE}"


def _tasks(zone_id: str, api_ids: dict, state: str = "present") -> list:
    certificate = {"domain_name": DOMAIN, "name_tag": "payments-api-{{ dr_role }}-test", "hosted_zone_id": zone_id,
                   "tags": {"DR-Role": "{{ dr_role }}"}, "wait_timeout": 60, "state": state,
                   "remove_validation_records": state == "absent"}
    domain = {"domain_name": DOMAIN, "state": state, "tags": {"DR-Role": "{{ dr_role }}"},
              "certificate_arn": "{{ certificate.certificate.arn | default(omit) }}",
              "base_path_mappings": [{"base_path": "prod", "rest_api_id": "{{ %r[region] }}" % api_ids,
                                      "stage": "prod"}]}
    tasks = [{"name": "certificate", "payments.dr.acm_certificate_request": certificate, "register": "certificate"},
             {"name": "domain", "payments.dr.apigateway_domain": domain, "register": "domain",
              # In check mode nothing was requested: there is no certificate to create a domain with.
              "when": f"{state == 'absent'} or certificate.certificate.arn is defined"}]
    return tasks if state == "present" else tasks[::-1]


def _api(aws, region: str) -> str:
    client = aws("apigateway", region)
    api = client.create_rest_api(name=f"payments-api-{region}")["id"]
    root = client.get_resources(restApiId=api)["items"][0]["id"]
    client.put_method(restApiId=api, resourceId=root, httpMethod="GET", authorizationType="NONE")
    client.put_integration(restApiId=api, resourceId=root, httpMethod="GET", type="MOCK")
    client.create_deployment(restApiId=api, stageName="prod")
    return api


def test_certificates_and_domains_converge_and_rerun_unchanged(emulator, aws):
    r53 = aws("route53", "us-east-1")
    zone_id = r53.create_hosted_zone(Name=ZONE, CallerReference="cert-test")["HostedZone"]["Id"].split("/")[-1]
    apis = {region: _api(aws, region) for region in ("us-east-1", "us-east-2")}

    dry = run_playbook(play(_tasks(zone_id, apis), preflight=False), emulator.endpoint_url, check=True, diff=True)
    assert dry.rc == 0, dry.failures()
    assert dry.results("certificate", "primary")["changed"] is True
    assert aws("acm", "us-east-1").list_certificates()["CertificateSummaryList"] == []  # check mode wrote nothing

    first = run_playbook(play(_tasks(zone_id, apis), preflight=False), emulator.endpoint_url)
    assert first.rc == 0, first.failures()
    for host, region in (("primary", "us-east-1"), ("dr", "us-east-2")):
        certificate = first.results("certificate", host)["certificate"]
        assert certificate["status"] == "ISSUED" and certificate["arn"].split(":")[3] == region
        domain = aws("apigateway", region).get_domain_name(domainName=DOMAIN)
        assert domain["regionalCertificateArn"] == certificate["arn"] and domain["securityPolicy"] == "TLS_1_2"
        assert domain["tags"]["DR-Role"] == host
        mappings = aws("apigateway", region).get_base_path_mappings(domainName=DOMAIN)["items"]
        assert [(m["basePath"], m["restApiId"], m["stage"]) for m in mappings] == [("prod", apis[region], "prod")]
    # The two regions' certificates share the name's one validation record.
    validation = [r for r in r53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
                  if r["Type"] == "CNAME"]
    assert len(validation) == 1 and validation[0]["Name"].endswith(DOMAIN + ".")

    again = run_playbook(play(_tasks(zone_id, apis), preflight=False), emulator.endpoint_url)
    assert again.rc == 0, again.failures()
    assert again.changed() == 0, again.results("domain", "primary")

    gone = run_playbook(play(_tasks(zone_id, apis, "absent"), preflight=False), emulator.endpoint_url)
    assert gone.rc == 0, gone.failures()
    for region in ("us-east-1", "us-east-2"):
        assert aws("apigateway", region).get_domain_names().get("items", []) == []
        assert aws("acm", region).list_certificates()["CertificateSummaryList"] == []
    assert [r["Type"] for r in r53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]] == ["NS", "SOA"]


def test_bad_certificates_are_refused_before_any_write(emulator, aws):
    r53 = aws("route53", "us-east-1")
    zone_id = r53.create_hosted_zone(Name=ZONE, CallerReference="bad-cert")["HostedZone"]["Id"].split("/")[-1]
    elsewhere = aws("acm", "us-east-2").request_certificate(DomainName=DOMAIN)["CertificateArn"]
    tasks = [
        {"name": "other region", "payments.dr.apigateway_domain": {"domain_name": DOMAIN, "certificate_arn": elsewhere},
         "ignore_errors": True, "register": "r"},
        {"name": "outside the zone", "payments.dr.acm_certificate_request": {
            "domain_name": "api.elsewhere.example.org", "name_tag": "x", "hosted_zone_id": zone_id},
         "ignore_errors": True, "register": "r"},
    ]
    run = run_playbook(play(tasks, hosts="primary", preflight=False), emulator.endpoint_url)
    assert "is in us-east-2, not us-east-1" in run.results("other region", "primary")["msg"]
    assert "api.elsewhere.example.org not under hosted zone" in run.results("outside the zone", "primary")["msg"]
    assert aws("apigateway", "us-east-1").get_domain_names().get("items", []) == []
    assert aws("acm", "us-east-1").list_certificates()["CertificateSummaryList"] == []
