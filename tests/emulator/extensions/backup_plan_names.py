"""AWS Backup plan names: a deleted plan's name can be used again, as on AWS.

moto 5.2.5 keeps a deleted plan (with its ``DeletionDate``, as AWS does for ``GetBackupPlan`` and
``ListBackupPlans --include-deleted``) but still counts its name in ``CreateBackupPlan``'s
uniqueness check, so a stack rebuilt after a teardown could never recreate its plan
(``AlreadyExistsException``). On AWS only a plan that is not deleted holds its name ("CreateBackupPlan",
AWS Backup API reference: "If you call CreateBackupPlan with a plan that is identical to a plan that
already exists, you receive an AlreadyExistsException"). This extension serves ``CreateBackupPlan``
(``PUT /backup/plans/``) when the name is held only by deleted plans: moto creates the plan with
those set aside for the call, and they are kept as they were.
"""

from __future__ import annotations

import json
import re
import threading

from ..request_info import AwsCall
from .base import Extension, Response

_PLANS = re.compile(r"^/backup/plans/?$")


class BackupPlanNames(Extension):
    name = "backup-plan-names"
    order = 40

    def __init__(self, emulator) -> None:
        super().__init__(emulator)
        self._lock = threading.Lock()

    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "backup" or call.method != "PUT" or not _PLANS.match(call.path):
            return None
        try:
            request = json.loads(call.body or b"{}")
            name = request["BackupPlan"]["BackupPlanName"]
        except (ValueError, KeyError, TypeError):
            return None  # moto answers a malformed request
        backend = self.emulator.backend("backup", call.region)
        with self._lock:
            same_name = {plan_id: plan for plan_id, plan in backend.plans.items()
                         if plan.backup_plan.get("BackupPlanName") == name}
            if not same_name or any(plan.deletion_date is None for plan in same_name.values()):
                return None  # a new name, or one a live plan holds: moto's answer is AWS's
            for plan_id in same_name:
                del backend.plans[plan_id]
            try:
                plan = backend.create_backup_plan(backup_plan=request["BackupPlan"],
                                                  backup_plan_tags=request.get("BackupPlanTags"),
                                                  creator_request_id=request.get("CreatorRequestId"))
            finally:
                backend.plans.update(same_name)
        return 200, {"Content-Type": "application/json"}, json.dumps(plan.to_dict()).encode()


EXTENSIONS = [BackupPlanNames]
