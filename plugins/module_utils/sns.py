# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SNS calls of the payments.dr sns_topic_encryption module: one function per call.

Each raises AnsibleSNSError (module_utils/dr_errors.py says why); a missing topic is an error, as
the module works on an existing topic. Retries: one layer, chosen by dr_retry.client with RETRY
(``aws_retry=True`` on every call).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry()
KMS_KEY_ATTRIBUTE = "KmsMasterKeyId"


class AnsibleSNSError(AnsibleAWSError):
    pass


class SNSErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleSNSError


@SNSErrorHandler.common_error_handler("read attributes of {topic_arn}")
def get_topic_attributes(client, topic_arn):
    """The topic's attributes, name to value."""
    return client.get_topic_attributes(aws_retry=True, TopicArn=topic_arn)["Attributes"]


@SNSErrorHandler.common_error_handler("set the KMS key of {topic_arn}")
def set_topic_kms_key(client, topic_arn, key_id):
    """Encrypts the topic with ``key_id``; an empty string turns server-side encryption off."""
    client.set_topic_attributes(aws_retry=True, TopicArn=topic_arn, AttributeName=KMS_KEY_ATTRIBUTE,
                                AttributeValue=key_id)
