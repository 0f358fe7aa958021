"""module_utils/sns.py: the topic's errors are AnsibleSNSError naming the topic."""

from __future__ import annotations

from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.module_utils import sns

ARN = "arn:aws:sns:us-east-1:123456789012:alerts"


def client_error(code, operation):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, operation)


def test_a_missing_topic_is_an_error_naming_it():
    client = MagicMock()
    client.get_topic_attributes.side_effect = client_error("NotFound", "GetTopicAttributes")
    with pytest.raises(sns.AnsibleSNSError) as raised:
        sns.get_topic_attributes(client, ARN)
    assert raised.value.message == "Failed to read attributes of " + ARN


def test_setting_the_key_names_the_topic():
    client = MagicMock()
    sns.set_topic_kms_key(client, ARN, "alias/aws/sns")
    client.set_topic_attributes.assert_called_once_with(aws_retry=True, TopicArn=ARN, AttributeName="KmsMasterKeyId",
                                                        AttributeValue="alias/aws/sns")
    client.set_topic_attributes.side_effect = client_error("AuthorizationError", "SetTopicAttributes")
    with pytest.raises(sns.AnsibleSNSError) as raised:
        sns.set_topic_kms_key(client, ARN, "")
    assert raised.value.message == "Failed to set the KMS key of " + ARN
