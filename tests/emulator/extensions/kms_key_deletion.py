"""KMS key states as AWS answers them: ScheduleKeyDeletion, CancelKeyDeletion, EnableKey and
DisableKey, multi-Region keys included.

moto 5.2.5 differs from AWS here:
- ``EnableKey`` / ``DisableKey`` given a key ARN fail with a 500 (moto looks the ARN up as a key
  id); AWS takes the key id or the key ARN. A key pending deletion can be neither enabled nor
  disabled (``KMSInvalidStateException``: "Key states of AWS KMS keys", KMS Developer Guide); moto
  enables it, leaving a key that is both enabled and scheduled for deletion. A rebuild after a
  teardown cancels the deletion first, then enables the key, in that order.
- ``ScheduleKeyDeletion`` / ``CancelKeyDeletion`` given a key ARN fail with a 500 (moto looks the
  ARN up as a key id); AWS takes the key id or the key ARN.
- A multi-Region primary key that still has replica keys is scheduled like any key. On AWS it goes
  to ``PendingReplicaDeletion`` (no ``DeletionDate``: its waiting period only starts once its last
  replica is deleted) and ``DescribeKey`` reports ``PendingDeletionWindowInDays``. The emulator
  never deletes a key, so a replica scheduled for deletion still counts as a replica.
- Scheduling a key already pending deletion reschedules it; AWS refuses with
  ``KMSInvalidStateException``. A window outside 7-30 days is silently ignored by moto; AWS answers
  ``ValidationException``. ``CancelKeyDeletion`` of a key not pending deletion is refused by AWS
  (``KMSInvalidStateException``).
- AWS answers ``ScheduleKeyDeletion`` with the key ARN, the new ``KeyState`` and
  ``PendingWindowInDays``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response

PENDING = ("PendingDeletion", "PendingReplicaDeletion")


def _json(payload: Any) -> Response:
    return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(payload).encode()


class KmsKeyDeletion(Extension):
    name = "kms-key-deletion"
    order = 35

    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "kms" or call.action not in ("ScheduleKeyDeletion", "CancelKeyDeletion",
                                                        "EnableKey", "DisableKey"):
            return None
        key_ref = call.param("KeyId", "")
        key = self._key(call.region, key_ref)
        if key is None:
            return error_response(call, 400, "NotFoundException", f"Key '{key_ref}' does not exist")
        if call.action == "CancelKeyDeletion":
            return self._cancel(call, key)
        if call.action in ("EnableKey", "DisableKey"):
            return self._enable(call, key, call.action == "EnableKey")
        return self._schedule(call, key)

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service != "kms" or call.action != "DescribeKey" or status != 200:
            return None
        answer = json.loads(body)
        metadata = answer.get("KeyMetadata") or {}
        key = self._key(call.region, metadata.get("Arn", ""))
        if key is None or key.key_state != "PendingReplicaDeletion":
            return None
        metadata.pop("DeletionDate", None)
        metadata["PendingDeletionWindowInDays"] = getattr(key, "pending_window_in_days", 30)
        return json.dumps(answer).encode()

    # -- helpers -------------------------------------------------------------------------------
    def _key(self, region: str, key_ref: str):
        """The key named by its id or ARN in this region (aliases are not accepted here, as on AWS)."""
        if key_ref.startswith("arn:"):
            parts = key_ref.split(":", 5)
            if len(parts) < 6 or parts[3] != region or not parts[5].startswith("key/"):
                return None
            key_ref = parts[5][len("key/"):]
        return self.emulator.backend("kms", region).keys.get(key_ref)

    def _live_replicas(self, key) -> list[dict]:
        config = key.multi_region_configuration if key.multi_region else {}
        if config.get("MultiRegionKeyType") != "PRIMARY":
            return []
        return [replica for replica in config.get("ReplicaKeys") or []
                if self._key(replica["Region"], replica["Arn"]) is not None]

    def _schedule(self, call: AwsCall, key) -> Response:
        window = call.param("PendingWindowInDays", 30)
        if not isinstance(window, int) or not 7 <= window <= 30:
            return error_response(call, 400, "ValidationException",
                                  f"1 validation error detected: Value '{window}' at 'pendingWindowInDays' failed to "
                                  "satisfy constraint: Member must have value between 7 and 30")
        if key.key_state in PENDING:
            return error_response(call, 400, "KMSInvalidStateException", f"{key.arn} is pending deletion.")
        from moto.core.utils import unix_time, utcnow

        key.enabled = False
        key.pending_window_in_days = window
        if self._live_replicas(key):
            key.key_state, key.deletion_date = "PendingReplicaDeletion", None
            return _json({"KeyId": key.arn, "KeyState": key.key_state, "PendingWindowInDays": window})
        key.key_state = "PendingDeletion"
        key.deletion_date = utcnow() + timedelta(days=window)
        return _json({"KeyId": key.arn, "DeletionDate": unix_time(key.deletion_date),
                      "KeyState": key.key_state, "PendingWindowInDays": window})

    @staticmethod
    def _enable(call: AwsCall, key, enabled: bool) -> Response:
        if key.key_state in PENDING:
            return error_response(call, 400, "KMSInvalidStateException", f"{key.arn} is pending deletion.")
        key.enabled, key.key_state = enabled, "Enabled" if enabled else "Disabled"
        return _json({})

    @staticmethod
    def _cancel(call: AwsCall, key) -> Response:
        if key.key_state not in PENDING:
            return error_response(call, 400, "KMSInvalidStateException", f"{key.arn} is not pending deletion.")
        key.key_state, key.deletion_date = "Disabled", None
        return _json({"KeyId": key.arn})


EXTENSIONS = [KmsKeyDeletion]
