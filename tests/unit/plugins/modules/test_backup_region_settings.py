from __future__ import annotations

import copy

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.modules import backup_region_settings
from .conftest import calls_made, client_for

DEFAULTS = {"ResourceTypeOptInPreference": {"Aurora": True, "DynamoDB": True, "S3": False},
            "ResourceTypeManagementPreference": {"DynamoDB": False, "EFS": True}}
ADVANCED = {"resource_type_opt_in_preference": {"DynamoDB": True, "Aurora": True},
            "resource_type_management_preference": {"DynamoDB": True}}


class FakeBackup:
    """DescribeRegionSettings / UpdateRegionSettings of one region; an update changes only the keys it names."""

    def __init__(self, settings=None):
        self.settings = copy.deepcopy(settings or DEFAULTS)

    def describe_region_settings(self, **kw):
        return copy.deepcopy(self.settings)

    def update_region_settings(self, **kw):
        for field in ("ResourceTypeOptInPreference", "ResourceTypeManagementPreference"):
            self.settings[field].update(kw.get(field) or {})


def writes(client):
    return calls_made(client, ["update_region_settings"])


def test_enables_advanced_dynamodb_backup_sending_only_what_differs(run_module):
    fake = FakeBackup()
    client = client_for(fake)
    result, failed = run_module(backup_region_settings, ADVANCED, client, diff=True)
    assert not failed and result["changed"] is True, result
    client.update_region_settings.assert_called_once_with(
        aws_retry=True, ResourceTypeManagementPreference={"DynamoDB": True})
    assert fake.settings["ResourceTypeManagementPreference"] == {"DynamoDB": True, "EFS": True}
    assert result["region_settings"]["resource_type_management_preference"] == {"DynamoDB": True, "EFS": True}
    assert result["diff"]["before"]["resource_type_management_preference"]["DynamoDB"] is False
    assert result["diff"]["after"]["resource_type_management_preference"]["DynamoDB"] is True

    again, dummy = run_module(backup_region_settings, ADVANCED, client_for(fake))
    assert again["changed"] is False, again


@pytest.mark.parametrize("args, sent", [
    ({"resource_type_opt_in_preference": {"S3": "yes"}}, {"ResourceTypeOptInPreference": {"S3": True}}),
    ({"resource_type_opt_in_preference": {"Aurora": False}, "resource_type_management_preference": {"DynamoDB": True}},
     {"ResourceTypeOptInPreference": {"Aurora": False}, "ResourceTypeManagementPreference": {"DynamoDB": True}}),
])
def test_each_differing_preference_is_sent(run_module, args, sent):
    client = client_for(FakeBackup())
    result, failed = run_module(backup_region_settings, args, client)
    assert not failed and result["changed"] is True, result
    client.update_region_settings.assert_called_once_with(aws_retry=True, **sent)


@pytest.mark.parametrize("args", [ADVANCED, {}, {"resource_type_opt_in_preference": {"DynamoDB": True}}])
def test_settings_already_as_wanted_change_nothing(run_module, args):
    settings = copy.deepcopy(DEFAULTS)
    settings["ResourceTypeManagementPreference"]["DynamoDB"] = True
    client = client_for(FakeBackup(settings))
    result, failed = run_module(backup_region_settings, args, client)
    assert not failed and result["changed"] is False, result
    assert writes(client) == []


def test_check_mode_reports_the_change_and_writes_nothing(run_module):
    fake = FakeBackup()
    client = client_for(fake)
    result, failed = run_module(backup_region_settings, ADVANCED, client, check_mode=True, diff=True)
    assert not failed and result["changed"] is True, result
    assert writes(client) == []
    assert result["diff"]["after"]["resource_type_management_preference"] == {"DynamoDB": True, "EFS": True}
    assert fake.settings == DEFAULTS


def test_a_value_that_is_not_a_boolean_fails_before_any_call(run_module):
    client = client_for(FakeBackup())
    result, failed = run_module(backup_region_settings,
                                {"resource_type_management_preference": {"DynamoDB": "maybe"}}, client)
    assert failed and "resource_type_management_preference" in result["msg"]
    assert client.method_calls == []


def test_an_aws_error_fails_with_what_was_attempted(run_module):
    client = client_for(FakeBackup())
    client.update_region_settings.side_effect = botocore.exceptions.ClientError(
        {"Error": {"Code": "InvalidParameterValueException", "Message": "Invalid resource type"}}, "UpdateRegionSettings")
    result, failed = run_module(backup_region_settings, ADVANCED, client)
    assert failed and "update the region settings" in result["msg"]
