"""AWS Backup recovery points: on-demand backup jobs, listing, deletion, and vaults that must be empty.

moto 5.2.5 has no backup jobs and no recovery points, and deletes a backup vault whatever it
holds. On AWS a vault that still holds recovery points cannot be deleted
(``InvalidRequestException``), so a teardown must delete them first, and wait: a deleted recovery
point is ``DELETING`` for a while before it disappears. This extension serves, with the documented
request and answer shapes:

- ``StartBackupJob`` (``PUT /backup-jobs``): the job completes at once and leaves a ``COMPLETED``
  recovery point ``arn:aws:backup:<region>:<account>:recovery-point:<uuid>`` in the vault,
  encrypted with the vault's key; ``DescribeBackupJob`` (``GET /backup-jobs/{id}``).
- ``ListRecoveryPointsByBackupVault`` (with ``byResourceArn`` / ``byResourceType``),
  ``DescribeRecoveryPoint`` and ``DeleteRecoveryPoint`` (``/backup-vaults/{name}/recovery-points/{arn}``).
  A deleted point is ``DELETING`` for ``delete_seconds`` (default 0) and then gone; deleting one
  already ``DELETING`` answers ``InvalidResourceStateException``.
- ``DeleteBackupVault`` refused while the vault holds recovery points; the vault's
  ``NumberOfRecoveryPoints`` counts them.
- ``StartCopyJob`` (``PUT /copy-jobs``) and ``DescribeCopyJob`` (``GET /copy-jobs/{id}``): the copy
  completes at once as a ``COMPLETED`` recovery point in the destination vault (another Region's
  included), encrypted with that vault's key. A DynamoDB recovery point taken while its Region had
  not enabled advanced DynamoDB backup (backup_region_settings) is not fully managed by AWS Backup
  and cannot be copied to another Region: AWS lists cross-Region copy of DynamoDB backups only with
  advanced DynamoDB backup ("Feature availability by resource", "Advanced DynamoDB backup", AWS
  Backup Developer Guide); the emulator refuses such a StartCopyJob with ``InvalidRequestException``.
  A destination vault that does not exist leaves a ``FAILED`` copy job with its ``StatusMessage``.
A vault that does not exist answers ``AccessDeniedException`` (403), as AWS does for vault reads.

Control routes: ``GET/POST /_dr/backup-recovery-points/settings {"delete_seconds": s}``.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from typing import Any
from urllib.parse import unquote

from ..errors import error_response
from ..request_info import AwsCall
from .backup_region_settings import BackupRegionSettings
from .base import Extension, Response

_JOBS = re.compile(r"^/backup-jobs/?$")
_JOB = re.compile(r"^/backup-jobs/(?P<job>[^/]+)/?$")
_COPY_JOBS = re.compile(r"^/copy-jobs/?$")
_COPY_JOB = re.compile(r"^/copy-jobs/(?P<job>[^/]+)/?$")
_VAULT_ARN = re.compile(r"^arn:aws[a-z-]*:backup:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):backup-vault:(?P<name>[A-Za-z0-9_.-]{2,50})$")
_VAULT = re.compile(r"^/backup-vaults/(?P<name>[^/]+)/?$")
_POINTS = re.compile(r"^/backup-vaults/(?P<name>[^/]+)/recovery-points/?$")
_POINT = re.compile(r"^/backup-vaults/(?P<name>[^/]+)/recovery-points/(?P<arn>.+)$")

# Resource type AWS Backup reports for a resource ARN (service, first part of the resource).
_RESOURCE_TYPES = {("dynamodb", "table"): "DynamoDB", ("rds", "cluster"): "Aurora", ("rds", "db"): "RDS",
                   ("ec2", "volume"): "EBS", ("ec2", "instance"): "EC2", ("s3", ""): "S3",
                   ("elasticfilesystem", "file-system"): "EFS"}
_ARN = re.compile(r"^arn:aws[a-z-]*:(?P<service>[a-z0-9-]+):[a-z0-9-]*:\d{0,12}:(?P<resource>.*)$")


def _json(status: int, payload: Any) -> Response:
    return status, {"Content-Type": "application/json"}, json.dumps(payload, default=str).encode()


def _resource_type(arn: str) -> str | None:
    match = _ARN.match(arn)
    if match is None:
        return None
    kind = re.split(r"[:/]", match["resource"], maxsplit=1)[0] if match["service"] != "s3" else ""
    return _RESOURCE_TYPES.get((match["service"], kind))


class BackupRecoveryPoints(Extension):
    name = "backup-recovery-points"
    state_attributes = ("delete_seconds", "_points", "_jobs", "_deleting", "_copy_jobs", "_standard_dynamodb")
    order = 35  # before security-fixes, which only knew empty vaults

    def __init__(self, emulator) -> None:
        super().__init__(emulator)
        self._lock = threading.Lock()
        self.delete_seconds = 0.0
        # (region, vault name) -> {recovery point ARN: record}
        self._points: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        # (region, job id) -> job
        self._jobs: dict[tuple[str, str], dict[str, Any]] = {}
        # (region, vault name, ARN) -> monotonic time the deletion completes
        self._deleting: dict[tuple[str, str, str], float] = {}
        # (region, copy job id) -> copy job
        self._copy_jobs: dict[tuple[str, str], dict[str, Any]] = {}
        # ARNs of the DynamoDB recovery points taken without advanced DynamoDB backup
        self._standard_dynamodb: set[str] = set()

    def reset(self) -> None:
        with self._lock:
            self.delete_seconds = 0.0
            self._points.clear()
            self._jobs.clear()
            self._deleting.clear()
            self._copy_jobs.clear()
            self._standard_dynamodb.clear()

    def control_routes(self):
        return {("GET", "settings"): self._settings_get, ("POST", "settings"): self._settings_post}

    def _settings_get(self, body: dict, query: dict) -> Response:
        return _json(200, {"delete_seconds": self.delete_seconds})

    def _settings_post(self, body: dict, query: dict) -> Response:
        seconds = float(body["delete_seconds"])
        if not 0 <= seconds <= 3600:
            raise ValueError("delete_seconds must be within 0..3600")
        with self._lock:
            self.delete_seconds = seconds
        return self._settings_get(body, query)

    # -- dispatch --------------------------------------------------------------------------------
    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "backup":
            return None
        self._finish_deletions()
        path = call.path
        if _JOBS.match(path) and call.method == "PUT":
            return self._start_job(call)
        match = _JOB.match(path)
        if match and call.method == "GET":
            with self._lock:
                job = self._jobs.get((call.region, match["job"]))
            if job is None:
                return error_response(call, 400, "ResourceNotFoundException", f"Backup job {match['job']} not found")
            return _json(200, job)
        if _COPY_JOBS.match(path) and call.method == "PUT":
            return self._start_copy_job(call)
        match = _COPY_JOB.match(path)
        if match and call.method == "GET":
            with self._lock:
                copy_job = self._copy_jobs.get((call.region, match["job"]))
            if copy_job is None:
                return error_response(call, 400, "ResourceNotFoundException", f"Copy job {match['job']} not found")
            return _json(200, {"CopyJob": copy_job})
        match = _POINTS.match(path)
        if match and call.method == "GET":
            return self._list(call, unquote(match["name"]))
        match = _POINT.match(path)
        if match and call.method in ("GET", "DELETE"):
            name, arn = unquote(match["name"]), unquote(match["arn"])
            return self._describe(call, name, arn) if call.method == "GET" else self._delete(call, name, arn)
        match = _VAULT.match(path)
        if match and call.method == "DELETE":
            name = unquote(match["name"])
            with self._lock:
                count = len(self._points.get((call.region, name), {}))
            if count:
                return error_response(call, 400, "InvalidRequestException",
                                      f"Backup vault cannot be deleted (contains {count} recovery points)")
        return None

    # -- helpers ----------------------------------------------------------------------------------
    def _vault(self, region: str, name: str):
        return self.emulator.backend("backup", region).vaults.get(name)

    @staticmethod
    def _no_vault(call: AwsCall) -> Response:
        return error_response(call, 403, "AccessDeniedException", "Insufficient privileges to perform this action.")

    def _count(self, region: str, name: str) -> None:
        vault = self._vault(region, name)
        if vault is not None:
            vault.num_of_recovery_points = len(self._points.get((region, name), {}))

    def _finish_deletions(self) -> None:
        now = self.emulator.clock.monotonic()
        with self._lock:
            for key in [k for k, when in self._deleting.items() if when <= now]:
                region, name, arn = key
                del self._deleting[key]
                self._points.get((region, name), {}).pop(arn, None)
                self._count(region, name)

    # -- StartBackupJob ---------------------------------------------------------------------------
    def _start_job(self, call: AwsCall) -> Response:
        params = json.loads(call.body or b"{}")
        for field in ("BackupVaultName", "ResourceArn", "IamRoleArn"):
            if not params.get(field):
                return error_response(call, 400, "MissingParameterValueException", f"{field} is required")
        name, resource = params["BackupVaultName"], params["ResourceArn"]
        vault = self._vault(call.region, name)
        if vault is None:
            return self._no_vault(call)
        resource_type = _resource_type(resource)
        if resource_type is None:
            return error_response(call, 400, "InvalidParameterValueException",
                                  f"Invalid ARN {resource}: not a resource type AWS Backup supports")
        account = self.emulator.account_id
        now = time.time()
        job_id = str(uuid.uuid4()).upper()
        arn = f"arn:aws:backup:{call.region}:{account}:recovery-point:{uuid.uuid4()}"
        point = {
            "RecoveryPointArn": arn, "BackupVaultName": name, "BackupVaultArn": vault.backup_vault_arn,
            "ResourceArn": resource, "ResourceType": resource_type, "IamRoleArn": params["IamRoleArn"],
            "Status": "COMPLETED", "CreationDate": now, "CompletionDate": now, "BackupSizeInBytes": 0,
            "EncryptionKeyArn": vault.encryption_key_arn or "", "IsEncrypted": True,
            "Lifecycle": params.get("Lifecycle") or {}, "IsParent": False, "VaultType": "BACKUP_VAULT",
        }
        job = {
            "AccountId": account, "BackupJobId": job_id, "BackupVaultName": name,
            "BackupVaultArn": vault.backup_vault_arn, "RecoveryPointArn": arn, "ResourceArn": resource,
            "ResourceType": resource_type, "IamRoleArn": params["IamRoleArn"], "State": "COMPLETED",
            "PercentDone": "100.0", "CreationDate": now, "CompletionDate": now, "StartBy": now,
            "BackupSizeInBytes": 0, "IsParent": False,
        }
        standard = resource_type == "DynamoDB" and not self._region_settings().dynamodb_advanced(call.region)
        with self._lock:
            self._points.setdefault((call.region, name), {})[arn] = point
            self._jobs[(call.region, job_id)] = job
            if standard:
                self._standard_dynamodb.add(arn)
            self._count(call.region, name)
        return _json(200, {"BackupJobId": job_id, "RecoveryPointArn": arn, "CreationDate": now, "IsParent": False})

    def _region_settings(self) -> BackupRegionSettings:
        return next(e for e in self.emulator.extensions if isinstance(e, BackupRegionSettings))

    # -- StartCopyJob -----------------------------------------------------------------------------
    def _start_copy_job(self, call: AwsCall) -> Response:
        params = json.loads(call.body or b"{}")
        for field in ("RecoveryPointArn", "SourceBackupVaultName", "DestinationBackupVaultArn", "IamRoleArn"):
            if not params.get(field):
                return error_response(call, 400, "MissingParameterValueException", f"{field} is required")
        source_name, arn = params["SourceBackupVaultName"], params["RecoveryPointArn"]
        source = self._vault(call.region, source_name)
        if source is None:
            return self._no_vault(call)
        destination = _VAULT_ARN.match(params["DestinationBackupVaultArn"])
        if destination is None:
            return error_response(call, 400, "InvalidParameterValueException",
                                  f"Invalid destination backup vault ARN {params['DestinationBackupVaultArn']}")
        with self._lock:
            point = self._points.get((call.region, source_name), {}).get(arn)
            standard = arn in self._standard_dynamodb
        if point is None or point["Status"] != "COMPLETED":
            return error_response(call, 400, "ResourceNotFoundException", f"Recovery point {arn} not found")
        account = self.emulator.account_id
        elsewhere = destination["region"] != call.region or destination["account"] != account
        if elsewhere and standard:
            return error_response(call, 400, "InvalidRequestException",
                                  f"Recovery point {arn} of resource type DynamoDB was not taken with advanced "
                                  "DynamoDB backup: cross-Region and cross-account copies need advanced DynamoDB "
                                  f"backup enabled in {call.region} (UpdateRegionSettings "
                                  "ResourceTypeManagementPreference DynamoDB) before the backup is taken")
        now = time.time()
        job_id = str(uuid.uuid4()).upper()
        job = {
            "AccountId": account, "CopyJobId": job_id, "SourceBackupVaultArn": source.backup_vault_arn,
            "SourceRecoveryPointArn": arn, "DestinationBackupVaultArn": params["DestinationBackupVaultArn"],
            "ResourceArn": point["ResourceArn"], "ResourceType": point["ResourceType"],
            "IamRoleArn": params["IamRoleArn"], "CreationDate": now, "BackupSizeInBytes": 0, "IsParent": False,
        }
        target = self._vault(destination["region"], destination["name"]) if destination["account"] == account else None
        if target is None:
            job.update(State="FAILED", StatusMessage=f"Backup vault {destination['name']} does not exist "
                                                     f"in {destination['region']}")
        else:
            copied = f"arn:aws:backup:{destination['region']}:{account}:recovery-point:{uuid.uuid4()}"
            record = dict(point, RecoveryPointArn=copied, BackupVaultName=destination["name"],
                          BackupVaultArn=target.backup_vault_arn, SourceBackupVaultArn=source.backup_vault_arn,
                          EncryptionKeyArn=target.encryption_key_arn or "", CreationDate=now, CompletionDate=now,
                          Lifecycle=params.get("Lifecycle") or {})
            job.update(State="COMPLETED", CompletionDate=now, DestinationRecoveryPointArn=copied)
            with self._lock:
                self._points.setdefault((destination["region"], destination["name"]), {})[copied] = record
                if standard:
                    self._standard_dynamodb.add(copied)
                self._count(destination["region"], destination["name"])
        with self._lock:
            self._copy_jobs[(call.region, job_id)] = job
        return _json(200, {"CopyJobId": job_id, "CreationDate": now, "IsParent": False})

    # -- recovery points --------------------------------------------------------------------------
    def _list(self, call: AwsCall, name: str) -> Response:
        if self._vault(call.region, name) is None:
            return self._no_vault(call)
        by_arn = (call.query.get("resourceArn") or [None])[0]
        by_type = (call.query.get("resourceType") or [None])[0]
        with self._lock:
            points = [dict(p) for p in self._points.get((call.region, name), {}).values()
                      if (by_arn is None or p["ResourceArn"] == by_arn)
                      and (by_type is None or p["ResourceType"] == by_type)]
        return _json(200, {"RecoveryPoints": sorted(points, key=lambda p: p["CreationDate"])})

    def _describe(self, call: AwsCall, name: str, arn: str) -> Response:
        if self._vault(call.region, name) is None:
            return self._no_vault(call)
        with self._lock:
            point = self._points.get((call.region, name), {}).get(arn)
        if point is None:
            return error_response(call, 400, "ResourceNotFoundException", f"Recovery point {arn} not found")
        return _json(200, dict(point))

    def _delete(self, call: AwsCall, name: str, arn: str) -> Response:
        if self._vault(call.region, name) is None:
            return self._no_vault(call)
        with self._lock:
            point = self._points.get((call.region, name), {}).get(arn)
            if point is None:
                return error_response(call, 400, "ResourceNotFoundException", f"Recovery point {arn} not found")
            if point["Status"] == "DELETING":
                return error_response(call, 400, "InvalidResourceStateException",
                                      f"Recovery point {arn} is already being deleted")
            point["Status"] = "DELETING"
            self._deleting[(call.region, name, arn)] = self.emulator.clock.monotonic() + self.delete_seconds
        self._finish_deletions()
        return 200, {"Content-Type": "application/json"}, b""


EXTENSIONS = [BackupRecoveryPoints]
