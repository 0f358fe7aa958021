"""module_utils/dynamodb.py: a missing table is None for describe_table only, messages name the
table (and the item), tags follow every page, a busy table is retried."""

from __future__ import annotations

from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.amazon.aws.plugins.module_utils import cloud
from ansible_collections.payments.dr.plugins.module_utils import dynamodb


def client_error(code, operation="DescribeTable"):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, operation)


def test_a_missing_table_is_none():
    client = MagicMock()
    client.describe_table.side_effect = client_error("ResourceNotFoundException")
    assert dynamodb.describe_table(client, "t1") is None


def test_describe_table_answers_the_table():
    client = MagicMock()
    client.describe_table.return_value = {"Table": {"TableName": "t1"}}
    assert dynamodb.describe_table(client, "t1") == {"TableName": "t1"}
    client.describe_table.assert_called_once_with(aws_retry=True, TableName="t1")


def test_any_other_error_names_the_table():
    client = MagicMock()
    client.describe_table.side_effect = client_error("AccessDeniedException")
    with pytest.raises(dynamodb.AnsibleDynamoDBError) as raised:
        dynamodb.describe_table(client, "t1")
    assert raised.value.message == "Failed to describe table t1"
    assert isinstance(raised.value.exception, botocore.exceptions.ClientError)


def test_an_update_failure_names_the_table_and_what_changed():
    client = MagicMock()
    client.update_table.side_effect = client_error("ResourceNotFoundException", "UpdateTable")  # not "missing" for a write
    with pytest.raises(dynamodb.AnsibleDynamoDBError) as raised:
        dynamodb.update_table(client, "t1", {"StreamSpecification": {"StreamEnabled": False}})
    assert raised.value.message == "Failed to update table t1 with ['StreamSpecification']"
    client.update_table.assert_called_once_with(aws_retry=True, TableName="t1",
                                                StreamSpecification={"StreamEnabled": False})


@pytest.mark.parametrize("call, operation, message", [
    (lambda c: dynamodb.get_item(c, "control", {"name": {"S": "routing"}}, "the routing control", consistent=True),
     "get_item", "Failed to read the routing control from control"),
    (lambda c: dynamodb.put_item(c, "control", {"name": {"S": "routing"}}, "the routing control"),
     "put_item", "Failed to write the routing control to control"),
    (lambda c: dynamodb.query(c, "transactions", "transaction txn-1", "transactionId = :t", {":t": {"S": "txn-1"}}),
     "query", "Failed to read transaction txn-1 from transactions"),
    (lambda c: dynamodb.describe_point_in_time_recovery(c, "t1"),
     "describe_continuous_backups", "Failed to describe continuous backups of t1"),
])
def test_an_item_call_on_a_missing_table_fails_naming_it(call, operation, message):
    client = MagicMock()
    getattr(client, operation).side_effect = client_error("ResourceNotFoundException", operation)
    with pytest.raises(dynamodb.AnsibleDynamoDBError) as raised:
        call(client)
    assert raised.value.message == message


def test_get_item_is_none_without_an_item():
    client = MagicMock()
    client.get_item.return_value = {}
    assert dynamodb.get_item(client, "control", {"name": {"S": "routing"}}, "the routing control") is None


def test_query_passes_the_limit_only_when_given():
    client = MagicMock()
    dynamodb.query(client, "transactions", "transaction txn-1", "transactionId = :t", {":t": {"S": "txn-1"}}, limit=1)
    assert client.query.call_args.kwargs["Limit"] == 1
    dynamodb.query(client, "transactions", "transaction txn-1", "transactionId = :t", {":t": {"S": "txn-1"}})
    assert "Limit" not in client.query.call_args.kwargs


def test_tags_are_read_through_the_paginator():
    client = MagicMock()
    pages = client.get_paginator.return_value.paginate.return_value
    pages.build_full_result.return_value = {"Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}
    assert dynamodb.list_tags(client, "arn:t1") == {"a": "1", "b": "2"}
    client.get_paginator.assert_called_once_with("list_tags_of_resource")
    client.get_paginator.return_value.paginate.assert_called_once_with(ResourceArn="arn:t1")


def test_a_tags_failure_names_the_table():
    client = MagicMock()
    client.get_paginator.return_value.paginate.return_value.build_full_result.side_effect = client_error(
        "AccessDeniedException", "ListTagsOfResource")
    with pytest.raises(dynamodb.AnsibleDynamoDBError) as raised:
        dynamodb.list_tags(client, "arn:t1")
    assert raised.value.message == "Failed to list tags of arn:t1"


def test_tag_and_untag_send_dynamodbs_shapes():
    client = MagicMock()
    dynamodb.tag_resource(client, "arn:t1", {"a": "1"})
    client.tag_resource.assert_called_once_with(aws_retry=True, ResourceArn="arn:t1", Tags=[{"Key": "a", "Value": "1"}])
    dynamodb.untag_resource(client, "arn:t1", ["b"])
    client.untag_resource.assert_called_once_with(aws_retry=True, ResourceArn="arn:t1", TagKeys=["b"])


def test_a_busy_table_is_retried(monkeypatch):
    slept = []
    monkeypatch.setattr(cloud, "time", MagicMock(sleep=slept.append))
    answers = [client_error("ResourceInUseException", "UpdateTable"), {}]

    @dynamodb.RETRY
    def update():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert update() == {} and len(slept) == 1
