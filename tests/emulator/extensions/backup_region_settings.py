"""AWS Backup region settings: DescribeRegionSettings and UpdateRegionSettings, per region.

moto 5.2.5 serves neither (``GET``/``PUT /account-settings``). AWS keeps, per account and Region,
two maps of resource type to boolean ("DescribeRegionSettings", "UpdateRegionSettings", AWS Backup
API reference):

- ``ResourceTypeOptInPreference``: the service opt-in, which resource types a tag-based
  assignment of a backup plan includes;
- ``ResourceTypeManagementPreference``: whether AWS Backup fully manages the backups of a
  resource type. "If ``"DynamoDB":false``, you can enable full AWS Backup management for DynamoDB
  backup by enabling AWS Backup's advanced DynamoDB backup features" (DescribeRegionSettings);
  only DynamoDB and EFS have this setting, EFS always on.

The emulated account is one whose Regions have not enabled advanced DynamoDB backup (as for
accounts that used AWS Backup before 21 November 2021, "Advanced DynamoDB backup", AWS Backup
Developer Guide): ``{"DynamoDB": false, "EFS": true}``, the strictest case, so a stack that needs
the features must enable them. A DynamoDB recovery point taken while the setting is off is not
fully managed and cannot be copied to another Region (backup_recovery_points, StartCopyJob).
UpdateRegionSettings changes only the keys it names; an unknown resource type, or a management
preference for a type that has none, is ``InvalidParameterValueException``.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from typing import Any

from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response

_SETTINGS = re.compile(r"^/account-settings/?$")

# Resource types of the opt-in, with the default of an account that has not changed them: the
# types AWS Backup supported at launch opted in, the later ones (opt-in by choice) not.
DEFAULT_OPT_IN = {
    "Aurora": True, "CloudFormation": False, "DocumentDB": True, "DynamoDB": True, "EBS": True, "EC2": True,
    "EFS": True, "FSx": True, "Neptune": True, "RDS": True, "Redshift": False, "S3": False,
    "SAP HANA on Amazon EC2": False, "Storage Gateway": True, "Timestream": False, "VirtualMachine": True,
}
DEFAULT_MANAGEMENT = {"DynamoDB": False, "EFS": True}


class BackupRegionSettings(Extension):
    name = "backup-region-settings"
    state_attributes = ("_settings",)
    order = 35

    def __init__(self, emulator) -> None:
        super().__init__(emulator)
        self._lock = threading.Lock()
        # region -> {"ResourceTypeOptInPreference": {...}, "ResourceTypeManagementPreference": {...}}
        self._settings: dict[str, dict[str, dict[str, bool]]] = {}

    def reset(self) -> None:
        with self._lock:
            self._settings.clear()

    def settings(self, region: str) -> dict[str, dict[str, bool]]:
        """A copy of ``region``'s settings (the defaults until changed)."""
        with self._lock:
            return copy.deepcopy(self._region(region))

    def dynamodb_advanced(self, region: str) -> bool:
        """Whether a DynamoDB backup taken now in ``region`` uses the advanced features (full management)."""
        return self.settings(region)["ResourceTypeManagementPreference"]["DynamoDB"]

    def _region(self, region: str) -> dict[str, dict[str, bool]]:
        return self._settings.setdefault(region, {"ResourceTypeOptInPreference": dict(DEFAULT_OPT_IN),
                                                  "ResourceTypeManagementPreference": dict(DEFAULT_MANAGEMENT)})

    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "backup" or not _SETTINGS.match(call.path):
            return None
        if call.method == "GET":
            return 200, {"Content-Type": "application/json"}, json.dumps(self.settings(call.region)).encode()
        if call.method != "PUT":
            return None
        try:
            request: dict[str, Any] = json.loads(call.body or b"{}")
        except ValueError:
            return error_response(call, 400, "InvalidParameterValueException", "Request body is not valid JSON")
        known = {"ResourceTypeOptInPreference": DEFAULT_OPT_IN, "ResourceTypeManagementPreference": DEFAULT_MANAGEMENT}
        for field, types in known.items():
            for resource_type, value in (request.get(field) or {}).items():
                if resource_type not in types:
                    return error_response(call, 400, "InvalidParameterValueException",
                                          f"Invalid resource type {resource_type} in {field}")
                if not isinstance(value, bool):
                    return error_response(call, 400, "InvalidParameterValueException",
                                          f"{field}.{resource_type} must be a boolean")
        with self._lock:
            settings = self._region(call.region)
            for field in known:
                settings[field].update(request.get(field) or {})
        return 200, {"Content-Type": "application/json"}, b""


EXTENSIONS = [BackupRegionSettings]
