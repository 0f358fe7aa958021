# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ACM calls of the payments.dr modules (acm_certificate_request): one function per call.

Each raises AnsibleACMError (module_utils/dr_errors.py says why); a missing certificate
(ResourceNotFoundException) is None, not an error. Retries: one layer, chosen by dr_retry.client
with RETRY.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry()
# The statuses of a certificate that can still serve or become serviceable.
LIVE_STATUSES = ["PENDING_VALIDATION", "ISSUED", "INACTIVE"]


class AnsibleACMError(AnsibleAWSError):
    pass


class ACMErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleACMError
    _MISSING_CODES = ("ResourceNotFoundException",)


@ACMErrorHandler.common_error_handler("list certificates for {domain_name}")
@dr_retry.paginated
def list_certificates(client, domain_name):
    """Summaries of the region's live certificates whose domain name is ``domain_name`` (all pages)."""
    pages = client.get_paginator("list_certificates").paginate(CertificateStatuses=LIVE_STATUSES)
    return [summary for page in pages for summary in page.get("CertificateSummaryList", [])
            if summary.get("DomainName", "").lower() == domain_name.lower()]


@ACMErrorHandler.list_error_handler("describe certificate {arn}")
def describe_certificate(client, arn):
    """The certificate, or None when it does not exist."""
    return client.describe_certificate(aws_retry=True, CertificateArn=arn)["Certificate"]


@ACMErrorHandler.list_error_handler("list the tags of certificate {arn}")
def list_tags(client, arn):
    """The certificate's tags (boto3 list), or None when it does not exist."""
    return client.list_tags_for_certificate(aws_retry=True, CertificateArn=arn).get("Tags", [])


@ACMErrorHandler.common_error_handler("request a certificate for {domain_name}")
def request_certificate(client, domain_name, alternative_names, token, tags):
    """A DNS-validated certificate's ARN. ``token`` makes a retried request answer the same one."""
    params = dict(DomainName=domain_name, ValidationMethod="DNS", IdempotencyToken=token, Tags=tags)
    if alternative_names:
        params["SubjectAlternativeNames"] = alternative_names
    return client.request_certificate(aws_retry=True, **params)["CertificateArn"]


@ACMErrorHandler.common_error_handler("tag certificate {arn}")
def add_tags(client, arn, tags):
    client.add_tags_to_certificate(aws_retry=True, CertificateArn=arn, Tags=tags)


@ACMErrorHandler.common_error_handler("untag certificate {arn}")
def remove_tags(client, arn, keys):
    client.remove_tags_from_certificate(aws_retry=True, CertificateArn=arn, Tags=[{"Key": key} for key in keys])


@ACMErrorHandler.deletion_error_handler("delete certificate {arn}")
def delete_certificate(client, arn):
    """True when deleted, False when it was already gone; in use by a service raises."""
    client.delete_certificate(aws_retry=True, CertificateArn=arn)
    return True
