"""The fake clients of the module tests are held to botocore's service model."""

from __future__ import annotations

from unittest.mock import MagicMock

from .conftest import model_errors


def test_a_misspelled_parameter_is_named():
    client = MagicMock()
    client.describe_global_clusters(GlobalClusterIdentifer="payments-aurora-global-dev", aws_retry=True)
    errors = model_errors(["rds"], client)
    assert len(errors) == 1 and 'Unknown parameter in input: "GlobalClusterIdentifer"' in errors[0]


def test_a_missing_required_parameter_and_a_wrong_type_are_named():
    client = MagicMock()
    client.get_item(Key={"name": {"S": "routing"}})
    client.put_item(TableName="t", Item="not a map")
    errors = model_errors(["dynamodb"], client)
    assert len(errors) == 2
    assert 'Missing required parameter in input: "TableName"' in errors[0]
    assert "Invalid type for parameter Item" in errors[1]


def test_an_operation_of_another_service_or_none_is_named():
    client = MagicMock()
    client.describe_db_clusters()
    client.get_paginator("list_tables")
    client.get_paginator("list_tabels")
    errors = model_errors(["dynamodb"], client)
    assert errors == ["describe_db_clusters: no such operation in ['dynamodb']",
                      "get_paginator('list_tabels'): no such operation in ['dynamodb']"]


def test_calls_valid_in_one_of_the_modules_clients_pass():
    client = MagicMock()
    client.describe_db_clusters(DBClusterIdentifier="payments-aurora-primary-dev", aws_retry=True)
    client.get_paginator("describe_db_clusters").paginate(Filters=[]).build_full_result()
    client.describe_key(KeyId="alias/payments-kms-primary-dev")
    assert model_errors(["rds", "kms"], client) == []
