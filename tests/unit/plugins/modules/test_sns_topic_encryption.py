from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from ansible_collections.payments.dr.plugins.modules import sns_topic_encryption

ARN = "arn:aws:sns:us-east-1:123456789012:alerts"


def client_with(key):
    client = MagicMock()
    client.get_topic_attributes.return_value = {"Attributes": {"KmsMasterKeyId": key} if key else {}}
    return client


@pytest.mark.parametrize("current, wanted, changed", [
    ("", "alias/aws/sns", True), ("alias/aws/sns", "alias/aws/sns", False), ("k1", "", True), ("k1", "k2", True),
])
@pytest.mark.parametrize("check_mode", [False, True])
def test_sets_key_only_when_it_differs(run_module, current, wanted, changed, check_mode):
    client = client_with(current)
    result, failed = run_module(sns_topic_encryption, {"topic_arn": ARN, "kms_master_key_id": wanted}, client,
                                check_mode=check_mode)
    assert not failed and result["changed"] is changed
    assert client.set_topic_attributes.called is (changed and not check_mode)
    if changed and not check_mode:
        client.set_topic_attributes.assert_called_once_with(
            aws_retry=True, TopicArn=ARN, AttributeName="KmsMasterKeyId", AttributeValue=wanted)
