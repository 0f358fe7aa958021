"""Performance Insights settings of RDS DB instances, which moto 5.2.5 drops.

moto accepts EnablePerformanceInsights, PerformanceInsightsKMSKeyId and
PerformanceInsightsRetentionPeriod on CreateDBInstance and ModifyDBInstance but
never reports PerformanceInsightsEnabled, so a client comparing the desired
state with DescribeDBInstances (amazon.aws.rds_instance) sees a change on every
run. AWS documents the fields on DBInstance:

- PerformanceInsightsEnabled: true once enabled, false otherwise;
- PerformanceInsightsKMSKeyId: the key given, else the account's AWS managed key
  for RDS in that region (the emulator reports its alias ARN, ``alias/aws/rds``,
  where AWS reports the key's ARN);
- PerformanceInsightsRetentionPeriod: the period given, default 7 days.
Disabling clears the key and the period. The create/modify answer is rendered
again from the updated instance, as AWS returns the new settings.
"""

from __future__ import annotations

from typing import Any

from ..request_info import AwsCall
from ..errors import rds_response
from .base import Extension

_ACTIONS = ("CreateDBInstance", "ModifyDBInstance")
DEFAULT_RETENTION = 7


def _flag(value: str | None) -> bool | None:
    return None if value is None else value.lower() == "true"


class RdsPerformanceInsights(Extension):
    name = "rds-performance-insights"
    order = 60

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service != "rds" or call.action not in _ACTIONS or status != 200:
            return None
        identifier = call.param("NewDBInstanceIdentifier") or call.param("DBInstanceIdentifier", "")
        instance = self.emulator.backend("rds", call.region).databases.get(identifier)
        if instance is None:
            return None
        enabled = _flag(call.param("EnablePerformanceInsights"))
        if enabled is None:
            if call.action == "ModifyDBInstance":
                return None  # untouched
            enabled = False
        if enabled:
            key = call.param("PerformanceInsightsKMSKeyId") or getattr(
                instance, "performance_insights_kms_key_id", None) or self._aws_managed_key(call.region, instance)
            period = call.param("PerformanceInsightsRetentionPeriod") or getattr(
                instance, "performance_insights_retention_period", None) or DEFAULT_RETENTION
            instance.performance_insights_enabled = True
            instance.performance_insights_kms_key_id = key
            instance.performance_insights_retention_period = int(period)
        else:
            instance.performance_insights_enabled = False
            instance.performance_insights_kms_key_id = None
            instance.performance_insights_retention_period = None
        return rds_response(call.action, {"DBInstance": instance})[2]

    def _aws_managed_key(self, region: str, instance: Any) -> str:
        return f"arn:aws:kms:{region}:{instance.account_id}:alias/aws/rds"



EXTENSIONS = [RdsPerformanceInsights]
