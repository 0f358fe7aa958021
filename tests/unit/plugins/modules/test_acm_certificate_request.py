from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from ansible_collections.payments.dr.plugins.modules import acm_certificate_request as module_under_test
from tests.unit.plugins.modules.conftest import client_for, model_errors

DOMAIN = "api.payments.example.com"
ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
RECORD = {"Name": "_abc.api.payments.example.com.", "Type": "CNAME", "Value": "_def.xyz.acm-validations.aws."}
ARGS = {"domain_name": DOMAIN, "name_tag": "payments-api-certificate-primary-prod", "hosted_zone_id": "Z1",
        "tags": {"Environment": "prod"}, "wait_timeout": 60}


class FakeAws:
    """ACM and Route 53 as one fake: a certificate (or none), the zone, the records published."""

    def __init__(self, certificate=None, published=(), zone_private=False):
        self.certificate = certificate
        self.records = {r["Name"]: r for r in published}
        self.zone_private = zone_private

    def get_paginator(self, name):
        fake = self

        class Pages:
            def paginate(self, **kwargs):
                if name == "list_certificates":
                    found = [{"CertificateArn": ARN, "DomainName": DOMAIN}] if fake.certificate else []
                    return [{"CertificateSummaryList": found}]
                return [{"ResourceRecordSets": [{"Name": n, "Type": "CNAME", "ResourceRecords": [{"Value": r["Value"]}]}
                                                for n, r in fake.records.items()]}]
        return Pages()

    def list_tags_for_certificate(self, CertificateArn, aws_retry=False):
        return {"Tags": [{"Key": k, "Value": v} for k, v in self.certificate["tags"].items()]}

    def describe_certificate(self, CertificateArn, aws_retry=False):
        if not self.certificate:
            raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "no"}}, "DescribeCertificate")
        issued = RECORD["Name"] in self.records
        return {"Certificate": {"CertificateArn": ARN, "DomainName": DOMAIN, "SubjectAlternativeNames": [DOMAIN],
                                "Status": "ISSUED" if issued else "PENDING_VALIDATION", "InUseBy": [],
                                "DomainValidationOptions": [{"DomainName": DOMAIN, "ResourceRecord": RECORD}]}}

    def request_certificate(self, aws_retry=False, **params):
        self.certificate = {"tags": {t["Key"]: t["Value"] for t in params["Tags"]}}
        return {"CertificateArn": ARN}

    def add_tags_to_certificate(self, CertificateArn, Tags, aws_retry=False):
        self.certificate["tags"].update({t["Key"]: t["Value"] for t in Tags})

    def remove_tags_from_certificate(self, CertificateArn, Tags, aws_retry=False):
        for tag in Tags:
            self.certificate["tags"].pop(tag["Key"])

    def delete_certificate(self, CertificateArn, aws_retry=False):
        self.certificate = None

    def get_hosted_zone(self, Id, aws_retry=False):
        return {"HostedZone": {"Id": Id, "Name": "payments.example.com.", "Config": {"PrivateZone": self.zone_private}}}

    def list_resource_record_sets(self, aws_retry=False, **params):
        record = self.records.get(params["StartRecordName"])
        return {"ResourceRecordSets": [{"Name": record["Name"], "Type": "CNAME", "TTL": 300,
                                        "ResourceRecords": [{"Value": record["Value"]}]}] if record else []}

    def change_resource_record_sets(self, HostedZoneId, ChangeBatch, aws_retry=False):
        for change in ChangeBatch["Changes"]:
            record = change["ResourceRecordSet"]
            if change["Action"] == "DELETE":
                self.records.pop(record["Name"])
            else:
                self.records[record["Name"]] = dict(record, Value=record["ResourceRecords"][0]["Value"])
        return {"ChangeInfo": {"Id": "/change/C1"}}


TAGGED = {"tags": {"Name": ARGS["name_tag"], "Environment": "prod"}}
WRITES = ["request_certificate", "change_resource_record_sets", "add_tags_to_certificate",
          "remove_tags_from_certificate", "delete_certificate"]


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("certificate, published, changed, writes", [
    (None, [], True, ["request_certificate", "change_resource_record_sets"]),
    (TAGGED, [], True, ["change_resource_record_sets"]),  # requested earlier, record not yet published
    (TAGGED, [RECORD], False, []),
    ({"tags": {"Name": ARGS["name_tag"], "Environment": "dev", "Old": "x"}}, [RECORD], True,
     ["add_tags_to_certificate", "remove_tags_from_certificate"]),
])
def test_requests_publishes_and_tags_only_what_is_missing(run_module, check_mode, certificate, published,
                                                          changed, writes):
    fake = FakeAws(dict(certificate, tags=dict(certificate["tags"])) if certificate else None, published)
    client = client_for(fake)
    result, failed = run_module(module_under_test, ARGS, client, check_mode=check_mode)
    assert not failed, result
    assert result["changed"] is changed
    assert [w for w in WRITES if getattr(client, w).called] == ([] if check_mode else writes)
    if not check_mode:
        assert result["certificate"]["status"] == "ISSUED"
        assert result["certificate"]["tags"] == {"Name": ARGS["name_tag"], "Environment": "prod"}
    assert model_errors(["acm", "route53"], client) == []


@pytest.mark.parametrize("args, message", [
    (dict(ARGS, domain_name="api_payments"), "not a fully qualified domain name: api_payments"),
    (dict(ARGS, hosted_zone_id=None), "hosted_zone_id is required with state=present"),
    (dict(ARGS, domain_name="api.elsewhere.example.org"), "api.elsewhere.example.org not under hosted zone Z1"),
])
def test_bad_input_fails_before_any_write(run_module, args, message):
    client = client_for(FakeAws())
    result, failed = run_module(module_under_test, args, client)
    assert failed and message in result["msg"]
    assert not any(getattr(client, w).called for w in WRITES)


def test_a_private_zone_cannot_validate(run_module):
    client = client_for(FakeAws(zone_private=True))
    result, failed = run_module(module_under_test, ARGS, client)
    assert failed and "is private: ACM validates through public DNS" in result["msg"]
    assert not client.request_certificate.called


def test_times_out_naming_the_record_and_the_zone(run_module, monkeypatch):
    fake = FakeAws(TAGGED)
    fake.change_resource_record_sets = lambda **kwargs: {"ChangeInfo": {"Id": "c"}}  # published nowhere ACM looks
    result, failed = run_module(module_under_test, ARGS, client_for(fake))
    assert failed and "still PENDING_VALIDATION after 60s" in result["msg"]
    assert RECORD["Name"] in result["msg"] and "hosted zone Z1" in result["msg"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_deletes_the_certificate_and_then_its_record(run_module, check_mode):
    fake = FakeAws(TAGGED, [RECORD])
    client = client_for(fake)
    args = dict(ARGS, state="absent", remove_validation_records=True)
    result, failed = run_module(module_under_test, args, client, check_mode=check_mode)
    assert not failed and result["changed"] is True
    assert (fake.certificate is None, fake.records == {}) == (not check_mode, not check_mode)
    again = run_module(module_under_test, args, client_for(fake))[0]
    assert again["changed"] is check_mode
