from __future__ import annotations

import pathlib

import pytest
import yaml

from ansible_collections.payments.dr.plugins.module_utils.dr_naming import (
    BASE_NAMES,
    DERIVED_NAMES,
    FIXED_NAMES,
    NamingError,
    partition,
    resource_name,
    stack_names,
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


def test_stack_names_give_each_family_in_each_role():
    names = stack_names("prod")
    assert names["aurora"] == {"primary": "payments-aurora-primary-prod", "dr": "payments-aurora-dr-prod",
                               "global": "payments-aurora-global-prod"}
    assert names["transactions_table"]["global"] == "payments-transactions-global-prod"
    assert set(names) == set(BASE_NAMES) | set(DERIVED_NAMES) | set(FIXED_NAMES)
    assert names["health_check"]["dr"] == "payments-api-health-dr-prod"


def test_no_family_is_both_fixed_and_overridable():
    assert not set(FIXED_NAMES) & (set(BASE_NAMES) | set(DERIVED_NAMES))


def test_a_base_name_input_renames_its_family_only():
    names = stack_names("prod", {"aurora_global_base_name": "ledger-db", "unrelated_base_name": "x",
                                 "dynamodb_global_table_base_name": ""})
    assert names["aurora"]["dr"] == "ledger-db-dr-prod"
    assert names["aurora_master_secret"]["global"] == "ledger-db-master-global-prod"  # follows its family
    assert names["transactions_table"]["global"] == "payments-transactions-global-prod"
    assert names["bucket"]["primary"] == "payments-data-primary-prod"


def test_a_bad_base_name_is_named():
    with pytest.raises(NamingError, match="'Ledger_DB'"):
        stack_names("prod", {"aurora_global_base_name": "Ledger_DB"})


ROLES_DIR = pathlib.Path(__file__).resolve().parents[4] / "roles"


@pytest.mark.parametrize("family", sorted(BASE_NAMES))
def test_each_base_name_default_is_the_owning_roles_default(family):
    variable, default = BASE_NAMES[family]
    role = next(r for r in ROLES_DIR.iterdir() if variable.startswith(r.name + "_"))
    assert yaml.safe_load((role / "defaults" / "main.yml").read_text())[variable] == default


@pytest.mark.parametrize("region, expected", [
    ("us-east-1", "aws"), ("eu-west-2", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"),
    ("us-iso-east-1", "aws-iso"), ("us-isob-east-1", "aws-iso-b"),
])
def test_the_partition_follows_the_region(region, expected):
    assert partition(region) == expected


def test_a_bad_region_has_no_partition():
    with pytest.raises(NamingError, match="region"):
        partition("useast1")
