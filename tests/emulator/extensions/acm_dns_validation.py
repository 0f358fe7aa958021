"""ACM DNS validation as AWS does it: a certificate is ISSUED once its validation CNAMEs resolve.

moto issues every requested certificate once ``MOTO_ACM_VALIDATION_WAIT`` seconds have passed
(60 by default), whatever DNS holds, and hands every domain of every account the same validation
record. AWS ("DNS validation", ACM User Guide) gives each domain name a CNAME of its own, the same
one for every certificate the account requests for that name, in any region (so the two regions'
certificates for one name share one record); the certificate stays ``PENDING_VALIDATION`` until
every name's record is published in public DNS, then is ``ISSUED``. Here:

- ``DescribeCertificate`` answers each name's own record (name ``_<token>.<domain>.``, value
  ``_<token>.<random>.acm-validations.aws.``, derived from the account and the name), its
  ``ValidationStatus`` (``PENDING_VALIDATION`` or ``SUCCESS``) and ``InUseBy`` (the custom domains
  serving with it, which moto never fills in);
- before any ACM call of a region, each pending certificate there is checked against the hosted
  zones (public ones, answered by the Route 53 data plane): when every name's CNAME resolves to its
  value, the certificate is ``ISSUED``; moto's timer never issues one;
- ``DeleteCertificate`` of a certificate an API Gateway custom domain of its region uses is refused
  with ``ResourceInUseException``, as AWS refuses a certificate in use by an AWS service;
- a RequestCertificate repeating the idempotency token of a certificate deleted since fails in
  moto with a 500 (KeyError); here the token is forgotten with its certificate, so the request
  makes a new one. (AWS documents tokens for one hour, not what a deleted certificate's token
  answers: payments.dr.acm_certificate_request uses a new token on each run, so it never asks.)
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response


def validation_record(account_id: str, domain: str) -> dict[str, str]:
    """The CNAME ACM asks for ``domain``: one per account and name (a wildcard validates as its base)."""
    base = domain[2:] if domain.startswith("*.") else domain
    digest = hashlib.sha256(f"{account_id}/{base.lower()}".encode()).hexdigest()
    return {"Name": f"_{digest[:32]}.{base}.", "Type": "CNAME",
            "Value": f"_{digest[32:64]}.{digest[:10]}.acm-validations.aws."}


class AcmDnsValidation(Extension):
    name = "acm-dns-validation"
    order = 40

    def __init__(self, emulator) -> None:
        super().__init__(emulator)
        from moto import settings

        settings.ACM_VALIDATION_WAIT = 10 ** 12  # only DNS issues a certificate here

    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "acm" or call.region in self.emulator.state.outages:
            return None
        self.validate_pending(call.region)
        if call.action == "DeleteCertificate":
            arn = call.param("CertificateArn", "")
            users = self.users_of(call.region, arn)
            if users:
                return error_response(call, 400, "ResourceInUseException",
                                      f"Certificate {arn} in account {self.emulator.account_id} is in use by "
                                      f"{', '.join(users)}.")
        return None

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service == "acm" and call.action == "DeleteCertificate" and status == 200:
            tokens = self.emulator.backend("acm", call.region)._idempotency_tokens
            for token, entry in list(tokens.items()):
                if entry.get("arn") == call.param("CertificateArn"):
                    del tokens[token]
        if call.service != "acm" or call.action != "DescribeCertificate" or status != 200:
            return None
        answer = json.loads(body)
        certificate = answer.get("Certificate", {})
        issued = certificate.get("Status") == "ISSUED"
        certificate["InUseBy"] = [f"arn:aws:apigateway:{call.region}::/domainnames/{name}"
                                  for name in self.users_of(call.region, certificate.get("CertificateArn", ""))]
        for option in certificate.get("DomainValidationOptions", []):
            option["ResourceRecord"] = validation_record(self.emulator.account_id, option["DomainName"])
            option["ValidationStatus"] = "SUCCESS" if issued else "PENDING_VALIDATION"
        return json.dumps(answer).encode()

    # -- what AWS checks ---------------------------------------------------------------------
    def validate_pending(self, region: str) -> None:
        certificates = self.emulator.backend("acm", region)._certificates
        for bundle in list(certificates.values()):
            if bundle.type == "AMAZON_ISSUED" and bundle.status == "PENDING_VALIDATION" and all(
                    self._published(name) for name in self._names(bundle)):
                bundle.status = "ISSUED"

    @staticmethod
    def _names(bundle: Any) -> set[str]:
        return set(bundle.sans or []) | ({bundle.common_name} if bundle.common_name else set())

    def _published(self, domain: str) -> bool:
        from .route53_dataplane import Route53DataPlane

        record = validation_record(self.emulator.account_id, domain)
        dns = next(e for e in self.emulator.extensions if isinstance(e, Route53DataPlane))
        answer = dns.resolve(record["Name"], "CNAME", public_only=True)
        wanted = record["Value"].rstrip(".").lower()
        return answer is not None and any(v.rstrip(".").lower() == wanted for v in answer["values"])

    def users_of(self, region: str, arn: str) -> list[str]:
        """API Gateway custom domains of ``region`` serving with certificate ``arn``."""
        domains = self.emulator.backend("apigateway", region).domain_names
        return [name for name, domain in list(domains.items())
                if arn and arn in (domain.certificate_arn, domain.regional_certificate_arn)]


EXTENSIONS = [AcmDnsValidation]
