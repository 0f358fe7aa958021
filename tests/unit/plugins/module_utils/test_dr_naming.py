from __future__ import annotations

import pytest

from ansible_collections.payments.dr.plugins.module_utils.dr_naming import (
    NamingError,
    resource_name,
    standard_tags,
)


@pytest.mark.parametrize(
    "resource, role, suffix, expected",
    [
        ("payments-db", "primary", "prod", "payments-db-primary-prod"),
        ("payments-db", "dr", "prod", "payments-db-dr-prod"),
        ("payments", "global", "stg-2", "payments-global-stg-2"),
    ],
)
def test_resource_name(resource, role, suffix, expected):
    assert resource_name(resource, role, suffix) == expected


@pytest.mark.parametrize(
    "resource, role, suffix, fragment",
    [
        ("db", "secondary", "prod", "dr_role"),
        ("db", "primary", "", "environment_suffix"),
        ("db", "primary", "Prod", "environment_suffix"),
        ("db", "primary", "prod-", "environment_suffix"),
        ("db", "primary", "x" * 21, "environment_suffix"),
        ("Db", "primary", "prod", "resource"),
        ("db", "primary", None, "environment_suffix"),
    ],
)
def test_resource_name_rejects_bad_input_naming_it(resource, role, suffix, fragment):
    with pytest.raises(NamingError, match=fragment):
        resource_name(resource, role, suffix)


def test_standard_tags_are_complete_and_not_overridable():
    tags = standard_tags("prod", "us-east-2", "dr", extra={"CostCenter": "42", "ManagedBy": "Terraform"})
    assert tags == {
        "CostCenter": "42",
        "Environment": "prod",
        "ManagedBy": "Ansible",
        "Project": "PaymentProcessing",
        "Purpose": "DisasterRecovery",
        "Region": "us-east-2",
        "DR-Role": "dr",
    }


def test_standard_tags_for_global_resources():
    assert standard_tags("prod", "global", "global")["Region"] == "global"
    assert standard_tags("prod", "us-east-1", "global")["Region"] == "us-east-1"


@pytest.mark.parametrize("region", ["useast1", "", "us-east", None])
def test_standard_tags_reject_bad_region(region):
    with pytest.raises(NamingError, match="region"):
        standard_tags("prod", region, "primary")
