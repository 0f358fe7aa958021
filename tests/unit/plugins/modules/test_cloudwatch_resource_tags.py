from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from ansible_collections.payments.dr.plugins.modules import cloudwatch_resource_tags

ARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:a"


def client_with(tags):
    client = MagicMock()
    client.list_tags_for_resource.return_value = {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
    return client


@pytest.mark.parametrize("current, desired, purge, add, remove", [
    ({}, {"a": "1"}, True, {"a": "1"}, []),
    ({"a": "1"}, {"a": "1"}, True, {}, []),
    ({"a": "1", "old": "x"}, {"a": "2"}, True, {"a": "2"}, ["old"]),
    ({"a": "1", "old": "x"}, {"a": "1"}, False, {}, []),
])
@pytest.mark.parametrize("check_mode", [False, True])
def test_tags_brought_to_desired(run_module, current, desired, purge, add, remove, check_mode):
    client = client_with(current)
    result, failed = run_module(cloudwatch_resource_tags,
                                {"resource_arns": [ARN], "tags": desired, "purge_tags": purge}, client,
                                check_mode=check_mode)
    assert not failed
    assert result["changed"] is bool(add or remove)
    assert client.tag_resource.called is (bool(add) and not check_mode)
    assert client.untag_resource.called is (bool(remove) and not check_mode)
    if add and not check_mode:
        assert client.tag_resource.call_args.kwargs["Tags"] == [{"Key": k, "Value": v} for k, v in add.items()]
    if remove and not check_mode:
        client.untag_resource.assert_called_once_with(aws_retry=True, ResourceARN=ARN, TagKeys=remove)
    if check_mode:
        client.tag_resource.assert_not_called()
        client.untag_resource.assert_not_called()
