"""KMS multi-Region replicas, Secrets Manager replica keys, AWS Budgets and AWS Backup, as on AWS.

moto 5.2.5 differs from AWS where a DR security baseline looks:

KMS (``ReplicateKey``, key rotation)
- ``ReplicateKey`` takes only a key id (AWS: id or ARN) and ignores ``Description``, ``Policy``
  and ``Tags``: the replica gets the primary's description and policy and no tags. AWS applies
  the three to the replica (none of them is a property multi-Region keys share; an omitted policy
  means the default key policy, an omitted description an empty one) and answers them in
  ``ReplicaKeyMetadata``, ``ReplicaPolicy`` and ``ReplicaTags``.
- The replica is a shallow copy sharing the primary's ``MultiRegionConfiguration``: describing the
  replica flips the *primary's* ``MultiRegionKeyType`` to ``REPLICA``, and the ``ReplicateKey``
  answer calls the replica ``PRIMARY``. Each key gets its own type here; the replica list stays shared.
- ``ReplicateKey`` into a region that already holds the replica overwrites it silently; AWS
  answers ``AlreadyExistsException``.
- Rotation is a shared property managed on the primary: ``GetKeyRotationStatus`` on a replica
  answers the primary's status, and ``EnableKeyRotation`` / ``DisableKeyRotation`` on a replica
  are refused with ``UnsupportedOperationException``.

Secrets Manager (``CreateSecret`` / ``ReplicateSecretToRegions`` with ``AddReplicaRegions``)
- moto drops each replica's ``KmsKeyId``: ``ReplicationStatus`` says ``alias/aws/secretsmanager``
  and the replica describes itself with the primary's key. AWS encrypts the replica with the key
  given for its region and reports that key in both places.

AWS Budgets
- moto has no ``UpdateBudget``, no subscriber calls (``DescribeSubscribersForNotification``,
  ``CreateSubscriber``, ``DeleteSubscriber``) and no budget tags (``ResourceTags`` on
  ``CreateBudget``, ``TagResource``, ``UntagResource``, ``ListTagsForResource``). They are served
  here on moto's budgets; a notification is identified by its type, operator, threshold and
  threshold type, as on AWS.

AWS Backup
- ``DescribeBackupVault`` of a vault that does not exist answers ``AccessDeniedException`` (403)
  on AWS even to callers allowed to describe it (aws/aws-sdk-js#2625, amazon.aws#1436 — the
  amazon.aws ``backup_vault`` module relies on it); moto answers ``ResourceNotFoundException``.
- Backup selections (``CreateBackupSelection``, ``GetBackupSelection``, ``ListBackupSelections``,
  ``DeleteBackupSelection``) and ``UpdateBackupPlan`` are missing from moto. They are served here
  with the documented request and answer shapes; ``DeleteBackupPlan`` is refused with
  ``InvalidRequestException`` while the plan still has selections, as on AWS.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from copy import deepcopy
from typing import Any

from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response

_VAULT = re.compile(r"^/backup-vaults/(?P<name>[^/]+)$")
_PLAN = re.compile(r"^/backup/plans/(?P<plan>[^/]+)/?$")
_SELECTIONS = re.compile(r"^/backup/plans/(?P<plan>[^/]+)/selections/?$")
_SELECTION = re.compile(r"^/backup/plans/(?P<plan>[^/]+)/selections/(?P<selection>[^/]+)/?$")

# Defaults AWS Backup fills into a plan rule (as moto does on CreateBackupPlan).
_RULE_DEFAULTS = {"ScheduleExpression": "cron(0 5 ? * * *)", "StartWindowMinutes": 480,
                  "CompletionWindowMinutes": 10080, "ScheduleExpressionTimezone": "Etc/UTC"}
_EMPTY_CONDITIONS = {"StringEquals": [], "StringNotEquals": [], "StringLike": [], "StringNotLike": []}


def _json(status: int, payload: Any) -> Response:
    return status, {"Content-Type": "application/json"}, json.dumps(payload, default=str).encode()


class SecurityFixes(Extension):
    name = "security-fixes"
    state_attributes = ("_selections", "_budget_tags")
    order = 40

    def __init__(self, emulator) -> None:
        super().__init__(emulator)
        self._lock = threading.Lock()
        # (region, plan id) -> {selection id: selection record}
        self._selections: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        # (account, budget name) -> tags
        self._budget_tags: dict[tuple[str, str], dict[str, str]] = {}

    def reset(self) -> None:
        with self._lock:
            self._selections.clear()
            self._budget_tags.clear()

    # -- dispatch ---------------------------------------------------------------------------
    def intercept(self, call: AwsCall) -> Response | None:
        if call.service == "kms":
            return self._kms(call)
        if call.service == "backup":
            return self._backup(call)
        if call.service == "budgets":
            return self._budgets(call)
        return None

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if status != 200:
            return None
        if call.service == "secretsmanager" and call.action in ("CreateSecret", "ReplicateSecretToRegions"):
            return self._secret_replica_keys(call, body)
        if call.service == "budgets" and call.action == "CreateBudget":
            tags = {t["Key"]: t["Value"] for t in call.param("ResourceTags") or []}
            with self._lock:
                self._budget_tags[(call.param("AccountId"), (call.param("Budget") or {}).get("BudgetName"))] = tags
        if call.service == "budgets" and call.action == "DeleteBudget":
            with self._lock:
                self._budget_tags.pop((call.param("AccountId"), call.param("BudgetName")), None)
        return None

    # -- KMS --------------------------------------------------------------------------------
    def _kms_key(self, region: str, key_id: str):
        backend = self.emulator.backend("kms", region)
        try:
            return backend.keys[backend.any_id_to_key_id(key_id)]
        except Exception:  # noqa: BLE001 - unknown id or alias: moto answers its own NotFoundException
            return None

    @staticmethod
    def _is_replica(key, region: str) -> bool:
        return bool(key.multi_region) and key.multi_region_configuration["PrimaryKey"]["Region"] != region

    def _kms(self, call: AwsCall) -> Response | None:
        if call.action == "ReplicateKey":
            return self._replicate_key(call)
        if call.action not in ("GetKeyRotationStatus", "EnableKeyRotation", "DisableKeyRotation"):
            return None
        key = self._kms_key(call.region, call.param("KeyId", ""))
        if key is None or not self._is_replica(key, call.region):
            return None
        if call.action != "GetKeyRotationStatus":
            return error_response(call, 400, "UnsupportedOperationException",
                                  f"{key.arn} is a multi-Region replica key; manage rotation on its primary key.")
        primary_ref = key.multi_region_configuration["PrimaryKey"]
        primary = self._kms_key(primary_ref["Region"], primary_ref["Arn"])
        enabled = bool(primary.key_rotation_status) if primary is not None else False
        answer: dict[str, Any] = {"KeyId": key.arn, "KeyRotationEnabled": enabled}
        if enabled and getattr(primary, "rotation_period_in_days", None):
            answer["RotationPeriodInDays"] = primary.rotation_period_in_days
        return _json(200, answer)

    def _replicate_key(self, call: AwsCall) -> Response:
        """ReplicateKey: KeyId is the primary's id or ARN (moto only takes the id)."""
        key_id = call.param("KeyId", "")
        region = call.param("ReplicaRegion", "")
        primary = self._kms_key(call.region, key_id)
        if primary is None:
            return error_response(call, 400, "NotFoundException", f"Key '{key_id}' does not exist")
        if not primary.multi_region or self._is_replica(primary, call.region):
            return error_response(call, 400, "UnsupportedOperationException",
                                  f"{primary.arn} is not a multi-Region primary key.")
        if not re.match(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$", region) or region == call.region:
            return error_response(call, 400, "ValidationException", f"Invalid ReplicaRegion {region!r}")
        if self._kms_key(region, primary.id) is not None:
            return error_response(call, 400, "AlreadyExistsException",
                                  f"Replica key {primary.id} already exists in {region}.")
        replica = self.emulator.backend("kms", call.region).replicate_key(primary.id, region)
        # Each key its own configuration (type), one shared list of replicas.
        shared = primary.multi_region_configuration
        shared["MultiRegionKeyType"] = "PRIMARY"
        replica.multi_region_configuration = {
            "MultiRegionKeyType": "REPLICA",
            "PrimaryKey": dict(shared["PrimaryKey"]),
            "ReplicaKeys": shared["ReplicaKeys"],
        }
        # Not shared by multi-Region keys: each replica has its own.
        replica.description = call.param("Description") or ""
        replica.policy = call.param("Policy") or replica.generate_default_policy()
        replica.key_rotation_status = False  # unused: a replica's rotation is read from its primary
        replica.grants = {}
        replica.aliases = {}
        replica.rotations = []
        tags = call.param("Tags") or []
        tagger = self.emulator.backend("kms", region).tagger
        tagger.delete_all_tags_for_resource(replica.id)
        if tags:
            tagger.tag_resource(replica.id, tags)
        return _json(200, {"ReplicaKeyMetadata": deepcopy(replica.to_dict()["KeyMetadata"]),
                           "ReplicaPolicy": replica.policy, "ReplicaTags": tags})

    # -- Secrets Manager ----------------------------------------------------------------------
    def _secret_replica_keys(self, call: AwsCall, body: bytes) -> bytes | None:
        wanted = {r.get("Region"): r.get("KmsKeyId") for r in call.param("AddReplicaRegions") or []
                  if r.get("KmsKeyId")}
        if not wanted:
            return None
        answer = json.loads(body)
        backend = self.emulator.backend("secretsmanager", call.region)
        secret_id = answer.get("ARN") or call.param("Name") or call.param("SecretId")
        try:
            secret = backend.describe_secret(secret_id)
        except Exception:  # noqa: BLE001 - moto's own not-found; nothing to fix
            return None
        for replica in getattr(secret, "replicas", []):
            key_id = wanted.get(replica.region)
            if key_id is None or not replica.has_replica:
                continue
            replica.config["KmsKeyId"] = key_id
            _override_replica_key(replica, key_id)  # the same object moto stores in the replica region
        if "ReplicationStatus" in answer:
            answer["ReplicationStatus"] = [replica.config for replica in secret.replicas]
        return json.dumps(answer).encode()

    # -- AWS Budgets ----------------------------------------------------------------------------
    def _budgets(self, call: AwsCall) -> Response | None:
        handler = {
            "UpdateBudget": self._update_budget,
            "DescribeSubscribersForNotification": self._describe_subscribers,
            "CreateSubscriber": self._create_subscriber,
            "DeleteSubscriber": self._delete_subscriber,
            "TagResource": self._budget_tag_call,
            "UntagResource": self._budget_tag_call,
            "ListTagsForResource": self._budget_tag_call,
        }.get(call.action or "")
        return handler(call) if handler else None

    def _budget(self, account: str, name: str):
        return self.emulator.backend("budgets", "aws").budgets[account].get(name)

    def _budget_not_found(self, call: AwsCall, name: str) -> Response:
        return error_response(call, 400, "NotFoundException",
                              f"Unable to get budget: {name} - the budget doesn't exist.")

    def _update_budget(self, call: AwsCall) -> Response:
        new = deepcopy(call.param("NewBudget") or {})
        budget = self._budget(call.param("AccountId", ""), new.get("BudgetName", ""))
        if budget is None:
            return self._budget_not_found(call, new.get("BudgetName", ""))
        if "BudgetLimit" not in new and "PlannedBudgetLimits" not in new:
            return error_response(call, 400, "InvalidParameterException", "A budget needs a BudgetLimit.")
        new.setdefault("TimePeriod", budget.budget.get("TimePeriod"))
        new["LastUpdatedTime"] = time.time()
        budget.budget = new
        return _json(200, {})

    @staticmethod
    def _same_notification(a: dict, b: dict) -> bool:
        def key(n: dict) -> tuple:
            return (n.get("NotificationType"), n.get("ComparisonOperator"), float(n.get("Threshold", 0)),
                    n.get("ThresholdType", "PERCENTAGE"))
        return key(a) == key(b)

    def _notification(self, call: AwsCall):
        """(budget, notification) named by the call, or an error answer."""
        budget = self._budget(call.param("AccountId", ""), call.param("BudgetName", ""))
        if budget is None:
            return None, self._budget_not_found(call, call.param("BudgetName", ""))
        for notification in budget.notifications:
            if self._same_notification(notification.details, call.param("Notification") or {}):
                return notification, None
        return None, error_response(call, 400, "NotFoundException", "Unable to find the notification of the budget.")

    def _describe_subscribers(self, call: AwsCall) -> Response:
        notification, error = self._notification(call)
        return error or _json(200, {"Subscribers": list(notification.subscribers or [])})

    def _create_subscriber(self, call: AwsCall) -> Response:
        notification, error = self._notification(call)
        if error:
            return error
        subscriber = call.param("Subscriber") or {}
        if subscriber in (notification.subscribers or []):
            return error_response(call, 400, "DuplicateRecordException", "The subscriber already exists.")
        notification.subscribers = list(notification.subscribers or []) + [subscriber]
        return _json(200, {})

    def _delete_subscriber(self, call: AwsCall) -> Response:
        notification, error = self._notification(call)
        if error:
            return error
        subscriber = call.param("Subscriber") or {}
        if subscriber not in (notification.subscribers or []):
            return error_response(call, 400, "NotFoundException", "The subscriber does not exist.")
        notification.subscribers = [s for s in notification.subscribers if s != subscriber]
        return _json(200, {})

    def _budget_tag_call(self, call: AwsCall) -> Response:
        match = re.match(r"^arn:aws[a-z-]*:budgets::(?P<account>\d{12}):budget/(?P<name>.+)$",
                         call.param("ResourceARN", ""))
        if match is None or self._budget(match["account"], match["name"]) is None:
            return error_response(call, 400, "NotFoundException", f"Resource {call.param('ResourceARN')} not found.")
        key = (match["account"], match["name"])
        with self._lock:
            tags = self._budget_tags.setdefault(key, {})
            if call.action == "TagResource":
                tags.update({t["Key"]: t["Value"] for t in call.param("ResourceTags") or []})
            elif call.action == "UntagResource":
                for name in call.param("ResourceTagKeys") or []:
                    tags.pop(name, None)
            else:
                return _json(200, {"ResourceTags": [{"Key": k, "Value": v} for k, v in tags.items()]})
        return _json(200, {})

    # -- AWS Backup ---------------------------------------------------------------------------
    def _backup(self, call: AwsCall) -> Response | None:
        path = call.path
        # Recovery points (and ListRecoveryPointsByBackupVault) are served by backup_recovery_points.
        match = _VAULT.match(path)
        if match and call.method == "GET":
            vaults = self.emulator.backend("backup", call.region).vaults
            if match["name"] not in vaults:
                return error_response(call, 403, "AccessDeniedException",
                                      "Insufficient privileges to perform this action.")
            return None
        match = _SELECTIONS.match(path)
        if match:
            if call.method == "PUT":
                return self._create_selection(call, match["plan"])
            if call.method == "GET":
                return self._list_selections(call, match["plan"])
            return None
        match = _SELECTION.match(path)
        if match:
            if call.method == "GET":
                return self._get_selection(call, match["plan"], match["selection"])
            if call.method == "DELETE":
                return self._delete_selection(call, match["plan"], match["selection"])
            return None
        match = _PLAN.match(path)
        if match and path.rstrip("/") != "/backup/plans":
            if call.method == "POST":
                return self._update_plan(call, match["plan"])
            if call.method == "DELETE":
                with self._lock:
                    if self._selections.get((call.region, match["plan"])):
                        return error_response(call, 400, "InvalidRequestException",
                                              "Related backup plan selections must be deleted prior to backup "
                                              "plan deletion.")
        return None

    def _live_plan(self, region: str, plan_id: str):
        plan = self.emulator.backend("backup", region).plans.get(plan_id)
        if plan is None or plan.deletion_date is not None:
            return None
        return plan

    def _not_found(self, call: AwsCall, what: str) -> Response:
        return error_response(call, 400, "ResourceNotFoundException", what)

    def _create_selection(self, call: AwsCall, plan_id: str) -> Response:
        if self._live_plan(call.region, plan_id) is None:
            return self._not_found(call, f"Failed reading Backup plan {plan_id}")
        params = json.loads(call.body or b"{}")
        selection = params.get("BackupSelection") or {}
        for field in ("SelectionName", "IamRoleArn"):
            if not selection.get(field):
                return error_response(call, 400, "MissingParameterValueException", f"{field} is required")
        if not (selection.get("Resources") or selection.get("ListOfTags") or selection.get("Conditions")):
            return error_response(call, 400, "InvalidParameterValueException",
                                  "A selection needs Resources, ListOfTags or Conditions")
        stored_selection = {
            "SelectionName": selection["SelectionName"],
            "IamRoleArn": selection["IamRoleArn"],
            "Resources": list(selection.get("Resources") or []),
            "ListOfTags": list(selection.get("ListOfTags") or []),
            "NotResources": list(selection.get("NotResources") or []),
            "Conditions": dict(_EMPTY_CONDITIONS, **(selection.get("Conditions") or {})),
        }
        with self._lock:
            selections = self._selections.setdefault((call.region, plan_id), {})
            if any(s["BackupSelection"]["SelectionName"] == selection["SelectionName"] for s in selections.values()):
                return error_response(call, 400, "AlreadyExistsException",
                                      f"Backup selection {selection['SelectionName']} already exists in plan {plan_id}")
            record = {
                "BackupSelection": stored_selection,
                "SelectionId": str(uuid.uuid4()),
                "BackupPlanId": plan_id,
                "CreationDate": time.time(),
                "CreatorRequestId": params.get("CreatorRequestId") or str(uuid.uuid4()),
            }
            selections[record["SelectionId"]] = record
        return _json(200, {k: record[k] for k in ("SelectionId", "BackupPlanId", "CreationDate")})

    def _list_selections(self, call: AwsCall, plan_id: str) -> Response:
        if self._live_plan(call.region, plan_id) is None:
            return self._not_found(call, f"Failed reading Backup plan {plan_id}")
        with self._lock:
            records = sorted(self._selections.get((call.region, plan_id), {}).values(),
                             key=lambda r: r["CreationDate"])
            listing = [{"SelectionId": r["SelectionId"], "SelectionName": r["BackupSelection"]["SelectionName"],
                        "BackupPlanId": plan_id, "CreationDate": r["CreationDate"],
                        "CreatorRequestId": r["CreatorRequestId"], "IamRoleArn": r["BackupSelection"]["IamRoleArn"]}
                       for r in records]
        return _json(200, {"BackupSelectionsList": listing})

    def _get_selection(self, call: AwsCall, plan_id: str, selection_id: str) -> Response:
        with self._lock:
            record = self._selections.get((call.region, plan_id), {}).get(selection_id)
            answer = deepcopy(record)
        if answer is None:
            return self._not_found(call, f"Failed reading Backup selection {selection_id} of plan {plan_id}")
        return _json(200, answer)

    def _delete_selection(self, call: AwsCall, plan_id: str, selection_id: str) -> Response:
        with self._lock:
            record = self._selections.get((call.region, plan_id), {}).pop(selection_id, None)
        if record is None:
            return self._not_found(call, f"Failed reading Backup selection {selection_id} of plan {plan_id}")
        return 200, {"Content-Type": "application/json"}, b""

    def _update_plan(self, call: AwsCall, plan_id: str) -> Response:
        plan = self._live_plan(call.region, plan_id)
        if plan is None:
            return self._not_found(call, "Failed reading Backup plan with provided version")
        params = json.loads(call.body or b"{}")
        new_plan = deepcopy(params.get("BackupPlan") or {})
        if not new_plan.get("BackupPlanName") or not new_plan.get("Rules"):
            return error_response(call, 400, "MissingParameterValueException", "BackupPlanName and Rules are required")
        old_ids = {rule.get("RuleName"): rule.get("RuleId") for rule in plan.backup_plan.get("Rules", [])}
        for rule in new_plan["Rules"]:
            for key, value in _RULE_DEFAULTS.items():
                rule.setdefault(key, value)
            rule["RuleId"] = old_ids.get(rule.get("RuleName")) or str(uuid.uuid4())
        plan.backup_plan = new_plan
        plan.advanced_backup_settings = new_plan.get("AdvancedBackupSettings") or []
        plan.version_id = uuid.uuid4().hex + uuid.uuid4().hex[:16]
        answer = {"BackupPlanId": plan.backup_plan_id, "BackupPlanArn": plan.backup_plan_arn,
                  "CreationDate": plan.creation_date, "VersionId": plan.version_id}
        if plan.advanced_backup_settings:
            answer["AdvancedBackupSettings"] = plan.advanced_backup_settings
        return _json(200, answer)


def _override_replica_key(replica, key_id: str) -> None:
    """Make a moto replica secret describe itself with its own region's key."""
    original = type(replica).to_dict

    def to_dict(self=replica):
        answer = original(self)
        answer["KmsKeyId"] = key_id
        return answer

    replica.to_dict = to_dict


EXTENSIONS = [SecurityFixes]
