"""module_utils/dr_errors.py and a service file built on it (kms.py): one error type per service,
messages that name the resource, a missing resource as None."""

from __future__ import annotations

from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.module_utils import kms


def client_error(code, operation="DescribeKey"):
    return botocore.exceptions.ClientError({"Error": {"Code": code, "Message": code}}, operation)


def test_a_missing_key_is_none():
    client = MagicMock()
    client.describe_key.side_effect = client_error("NotFoundException")
    assert kms.describe_key(client, "mrk-1") is None


def test_any_other_error_is_the_services_error_naming_the_resource():
    client = MagicMock()
    client.describe_key.side_effect = client_error("AccessDeniedException")
    with pytest.raises(kms.AnsibleKMSError) as raised:
        kms.describe_key(client, key_id="mrk-1")
    assert raised.value.message == "Failed to describe key mrk-1"
    assert isinstance(raised.value.exception, botocore.exceptions.ClientError)


def test_the_description_names_every_argument_it_asks_for():
    client = MagicMock()
    client.update_alias.side_effect = client_error("NotFoundException", "UpdateAlias")  # not "missing" for a write
    with pytest.raises(kms.AnsibleKMSError) as raised:
        kms.update_alias(client, "alias/a", "mrk-2")
    assert raised.value.message == "Failed to point alias alias/a at mrk-2"


def test_a_waiter_timeout_says_timeout():
    client = MagicMock()
    client.enable_key.side_effect = botocore.exceptions.WaiterError("KeyEnabled", "timed out", {})
    with pytest.raises(kms.AnsibleKMSError) as raised:
        kms.enable_key(client, "arn:k")
    assert raised.value.message == "Timeout trying to enable arn:k"


def test_a_deletion_of_what_is_already_gone_is_false():
    @kms.KMSErrorHandler.deletion_error_handler("delete {name}")
    def delete(client, name):
        client.delete_alias(AliasName=name)
        return True

    client = MagicMock()
    client.delete_alias.side_effect = client_error("NotFoundException", "DeleteAlias")
    assert delete(client, "alias/a") is False
    client.delete_alias.side_effect = client_error("KMSInvalidStateException", "DeleteAlias")
    with pytest.raises(kms.AnsibleKMSError) as raised:
        delete(client, "alias/a")
    assert raised.value.message == "Failed to delete alias/a"


def test_a_description_can_name_a_field_of_an_argument():
    from ansible_collections.payments.dr.plugins.module_utils import budgets

    client = MagicMock()
    client.create_subscriber.side_effect = client_error("InvalidParameterException", "CreateSubscriber")
    with pytest.raises(budgets.AnsibleBudgetsError) as raised:
        budgets.create_subscriber(client, "123456789012", "b1", {}, {"SubscriptionType": "EMAIL", "Address": "a@b.c"})
    assert raised.value.message == "Failed to add a@b.c to a notification of budget b1"
