# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Naming convention and standard tags shared by every payments.dr module, role and filter.

Every resource is named ``{resource}-{primary|dr|global}-{environment_suffix}`` and
carries the six standard tags, so an operator can find, cost and tear down one
environment's DR stack by name or by tag alone.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

DR_ROLES = ("primary", "dr", "global")
SUFFIX_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,18}[a-z0-9])?$")
RESOURCE_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")
REGION_PATTERN = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$")

STANDARD_TAGS = {
    "ManagedBy": "Ansible",
    "Project": "PaymentProcessing",
    "Purpose": "DisasterRecovery",
}


# Region prefix -> ARN partition (the rest of the world is "aws").
PARTITIONS = (("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"), ("us-isob-", "aws-iso-b"), ("us-iso-", "aws-iso"),
              ("eu-isoe-", "aws-iso-e"), ("us-isof-", "aws-iso-f"))


class NamingError(ValueError):
    """An input the naming convention cannot accept; the message names the input."""


def validate_suffix(environment_suffix):
    if not isinstance(environment_suffix, str) or not SUFFIX_PATTERN.match(environment_suffix):
        raise NamingError(
            "environment_suffix must be 1-20 lowercase letters, digits or inner hyphens, got %r"
            % (environment_suffix,)
        )
    return environment_suffix


def validate_dr_role(dr_role):
    if dr_role not in DR_ROLES:
        raise NamingError("dr_role must be one of %s, got %r" % (", ".join(DR_ROLES), dr_role))
    return dr_role


def validate_region(region):
    if not isinstance(region, str) or not REGION_PATTERN.match(region):
        raise NamingError("region must look like us-east-1, got %r" % (region,))
    return region


def partition(region):
    """The ARN partition of ``region``: ``partition('cn-north-1')`` -> ``'aws-cn'``."""
    validate_region(region)
    return next((name for prefix, name in PARTITIONS if region.startswith(prefix)), "aws")


def resource_name(resource, dr_role, environment_suffix):
    """``resource_name('payments-db', 'primary', 'prod')`` -> ``'payments-db-primary-prod'``."""
    if not isinstance(resource, str) or not RESOURCE_PATTERN.match(resource):
        raise NamingError("resource must start with a letter and hold lowercase letters, digits, hyphens; got %r"
                          % (resource,))
    return "%s-%s-%s" % (resource, validate_dr_role(dr_role), validate_suffix(environment_suffix))


def standard_tags(environment, region, dr_role, extra=None):
    """The six standard tags (plus ``extra``, which may not override them)."""
    tags = dict(extra or {})
    tags.update(STANDARD_TAGS)
    tags["Environment"] = validate_suffix(environment)
    tags["Region"] = region if dr_role == "global" and region == "global" else validate_region(region)
    tags["DR-Role"] = validate_dr_role(dr_role)
    return tags


# Each resource family's base name: the role input that overrides it, and its default (the same
# default as that role's defaults/main.yml; tests/unit/plugins/module_utils/test_dr_naming.py checks).
BASE_NAMES = {
    "aurora": ("aurora_global_base_name", "payments-aurora"),
    "transactions_table": ("dynamodb_global_table_base_name", "payments-transactions"),
    "control_table": ("routing_control_table_base_name", "payments-dr-control"),
    "bucket": ("s3_replication_bucket_base_name", "payments-data"),
    "s3_replication_role": ("s3_replication_role_base_name", "payments-s3-replication"),
    "alert_topic": ("cloudwatch_sns_topic_base_name", "payments-alerts"),
    "function": ("lambda_apigw_function_base_name", "payments-validate"),
    "api": ("lambda_apigw_api_base_name", "payments-api"),
    "kms_alias": ("security_kms_alias_base_name", "payments-kms"),
    "db_secret": ("security_db_secret_base_name", "payments-db-credentials"),
    "backup_vault": ("security_backup_vault_base_name", "payments-vault"),
    "backup_plan": ("security_backup_plan_base_name", "payments-backup"),
    "backup_role": ("security_backup_role_base_name", "payments-backup"),
}
# Families named after another family's base: family -> (that family, suffix to its base).
DERIVED_NAMES = {
    "aurora_master_secret": ("aurora", "-master"),  # the secret aurora_global makes when none is given
    "api_certificate": ("api", "-certificate"),  # the Name tag of the certificate of the API's custom domain
}
# Families whose base no input overrides: spelled once here, for the role that creates them, its
# absent tasks and any reader.
FIXED_NAMES = {
    "vpc": "payments-vpc",
    "internet_gateway": "payments-igw",
    "flow_logs": "payments-vpc-flow-logs",  # the log group (per region) and its delivery role (global)
    "lambda_role": "payments-lambda",  # the function's execution role
    "apigateway_logs_role": "payments-apigateway-logs",  # the API Gateway account's CloudWatch Logs role
    "dashboard": "payments-dr",
    "budget": "payments-dr",
    "health_check": "payments-api-health",
    "web_acl": "payments-api-waf",  # the regional AWS WAF web ACL of the API's stage
    "waf_log_group": "aws-waf-logs-payments-api",  # its log group: AWS WAF requires the aws-waf-logs- prefix
}


def stack_names(environment_suffix, inputs=None):
    """Every resource family's name in each of the three roles, from the suffix and the base-name
    inputs that are set (``inputs``: variable name -> value; others are ignored)::

        stack_names('prod', {'aurora_global_base_name': 'ledger-db'})['aurora']
        -> {'primary': 'ledger-db-primary-prod', 'dr': 'ledger-db-dr-prod', 'global': 'ledger-db-global-prod'}
    """
    inputs = inputs or {}
    bases = dict((family, inputs.get(variable) or default) for family, (variable, default) in BASE_NAMES.items())
    for family, (origin, suffix) in DERIVED_NAMES.items():
        bases[family] = bases[origin] + suffix
    bases.update(FIXED_NAMES)
    return dict((family, dict((role, resource_name(base, role, environment_suffix)) for role in DR_ROLES))
                for family, base in bases.items())
