"""ACM issues a DNS-validated certificate once its validation CNAME is published, not before."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import DR, PRIMARY

DOMAIN = "api.payments.local.example.com"


def _certificate(acm, arn: str) -> dict:
    return acm.describe_certificate(CertificateArn=arn)["Certificate"]


def _publish(r53, zone: str, record: dict, action: str = "UPSERT") -> None:
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": action, "ResourceRecordSet": {
        "Name": record["Name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": record["Value"]}]}}]})


def test_pending_until_the_validation_record_is_published(aws, control):
    r53 = aws("route53", PRIMARY)
    primary, dr = aws("acm", PRIMARY), aws("acm", DR)
    arns = {region: acm.request_certificate(DomainName=DOMAIN, ValidationMethod="DNS")["CertificateArn"]
            for region, acm in ((PRIMARY, primary), (DR, dr))}
    options = {region: _certificate(acm, arns[region])["DomainValidationOptions"]
               for region, acm in ((PRIMARY, primary), (DR, dr))}
    assert [o["ValidationStatus"] for o in options[PRIMARY]] == ["PENDING_VALIDATION"]
    record = options[PRIMARY][0]["ResourceRecord"]
    # One record per account and name, shared by the two regions' certificates.
    assert record == options[DR][0]["ResourceRecord"]
    assert record["Name"].endswith("." + DOMAIN + ".") and record["Value"].endswith(".acm-validations.aws.")
    other = primary.request_certificate(DomainName="www.payments.local.example.com")["CertificateArn"]
    assert _certificate(primary, other)["DomainValidationOptions"][0]["ResourceRecord"]["Name"] != record["Name"]

    private = r53.create_hosted_zone(Name="payments.local.example.com", CallerReference="private", VPC={
        "VPCRegion": PRIMARY, "VPCId": aws("ec2", PRIMARY).create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]},
        HostedZoneConfig={"PrivateZone": True})["HostedZone"]["Id"]
    _publish(r53, private, record)  # ACM validates through public DNS: a private zone does not count
    assert _certificate(primary, arns[PRIMARY])["Status"] == "PENDING_VALIDATION"

    zone = r53.create_hosted_zone(Name="payments.local.example.com", CallerReference="public")["HostedZone"]["Id"]
    _publish(r53, zone, dict(record, Value="_wrong.acm-validations.aws."))
    assert _certificate(primary, arns[PRIMARY])["Status"] == "PENDING_VALIDATION"
    _publish(r53, zone, record)
    for region, acm in ((PRIMARY, primary), (DR, dr)):
        certificate = _certificate(acm, arns[region])
        assert certificate["Status"] == "ISSUED"
        assert [o["ValidationStatus"] for o in certificate["DomainValidationOptions"]] == ["SUCCESS"]
    assert _certificate(primary, other)["Status"] == "PENDING_VALIDATION"


def test_a_certificate_in_use_by_a_custom_domain_cannot_be_deleted(aws, control):
    from tests.functional.emulator.dataplane_helpers import issued_certificate

    arn = issued_certificate(aws, PRIMARY, DOMAIN)
    client = aws("apigateway", PRIMARY)
    client.create_domain_name(domainName=DOMAIN, regionalCertificateArn=arn,
                              endpointConfiguration={"types": ["REGIONAL"]})
    with pytest.raises(ClientError) as err:
        aws("acm", PRIMARY).delete_certificate(CertificateArn=arn)
    assert err.value.response["Error"]["Code"] == "ResourceInUseException" and DOMAIN in str(err.value)
    client.delete_domain_name(domainName=DOMAIN)
    aws("acm", PRIMARY).delete_certificate(CertificateArn=arn)
    assert aws("acm", PRIMARY).list_certificates()["CertificateSummaryList"] == []


def test_a_deleted_certificates_idempotency_token_requests_a_new_one(aws, control):
    acm = aws("acm", PRIMARY)
    first = acm.request_certificate(DomainName=DOMAIN, IdempotencyToken="rebuild01")["CertificateArn"]
    assert acm.request_certificate(DomainName=DOMAIN, IdempotencyToken="rebuild01")["CertificateArn"] == first
    acm.delete_certificate(CertificateArn=first)
    second = acm.request_certificate(DomainName=DOMAIN, IdempotencyToken="rebuild01")["CertificateArn"]  # moto: 500
    assert second != first and _certificate(acm, second)["Status"] == "PENDING_VALIDATION"
