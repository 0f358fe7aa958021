# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS WAF (wafv2) calls of the payments.dr modules (wafv2_association, wafv2_logging):
one function per call.

Each raises AnsibleWAFv2Error (module_utils/dr_errors.py says why); a web ACL or logging
configuration that does not exist (WAFNonexistentItemException) is None on a read and False on a
deletion. Retries: one layer, chosen by dr_retry.client with RETRY (``aws_retry=True`` on every call).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry()


class AnsibleWAFv2Error(AnsibleAWSError):
    pass


class WAFv2ErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleWAFv2Error
    _MISSING_CODES = ("WAFNonexistentItemException",)


@WAFv2ErrorHandler.common_error_handler("read the web ACL protecting {resource_arn}")
def get_web_acl_for_resource(client, resource_arn):
    """The web ACL (its description) protecting the resource, or None."""
    return client.get_web_acl_for_resource(aws_retry=True, ResourceArn=resource_arn).get("WebACL")


@WAFv2ErrorHandler.common_error_handler("protect {resource_arn} with web ACL {web_acl_arn}")
def associate_web_acl(client, web_acl_arn, resource_arn):
    client.associate_web_acl(aws_retry=True, WebACLArn=web_acl_arn, ResourceArn=resource_arn)


@WAFv2ErrorHandler.deletion_error_handler("remove the web ACL from {resource_arn}")
def disassociate_web_acl(client, resource_arn):
    client.disassociate_web_acl(aws_retry=True, ResourceArn=resource_arn)
    return True


@WAFv2ErrorHandler.list_error_handler("read the logging configuration of {web_acl_arn}")
def get_logging_configuration(client, web_acl_arn):
    """The web ACL's logging configuration, or None when it logs nowhere."""
    return client.get_logging_configuration(aws_retry=True, ResourceArn=web_acl_arn)["LoggingConfiguration"]


@WAFv2ErrorHandler.common_error_handler("log web ACL {web_acl_arn}")
def put_logging_configuration(client, web_acl_arn, destinations, redacted_fields):
    configuration = {"ResourceArn": web_acl_arn, "LogDestinationConfigs": destinations}
    if redacted_fields:
        configuration["RedactedFields"] = redacted_fields
    return client.put_logging_configuration(aws_retry=True, LoggingConfiguration=configuration)["LoggingConfiguration"]


@WAFv2ErrorHandler.deletion_error_handler("stop logging web ACL {web_acl_arn}")
def delete_logging_configuration(client, web_acl_arn):
    client.delete_logging_configuration(aws_retry=True, ResourceArn=web_acl_arn)
    return True
