"""Secrets Manager's answer for a secret scheduled for deletion, in AWS's words.

moto 5.2.5 refuses GetSecretValue and UpdateSecret on a secret that is scheduled for deletion
with the right error code, InvalidRequestException, but with a message of its own wrapped in
botocore's "An error occurred (...) when calling the ... operation: " (twice for
GetSecretValue, whose text is "You tried to perform the operation on a secret that's currently
marked deleted.").
AWS answers "You can't perform this operation on the secret because it was marked for
deletion.", and clients tell this case from the others by that text (the error code is shared
with other refusals): amazon.aws's secretsmanager_secret lookup skips such a secret with
``on_deleted=skip`` only when the message says "marked for deletion". DescribeSecret, which
shows DeletedDate, and RestoreSecret are not refused and are left alone.
"""

from __future__ import annotations

import json

from ..request_info import AwsCall
from .base import Extension

AWS_MESSAGE = "You can't perform this operation on the secret because it was marked for deletion."
_REFUSED = {"GetSecretValue", "PutSecretValue", "UpdateSecret", "RotateSecret", "UpdateSecretVersionStage"}
_MOTO_TEXTS = ("currently marked deleted", "marked for deletion")


class SecretMarkedForDeletion(Extension):
    name = "secrets-deleted"
    order = 60

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service != "secretsmanager" or call.action not in _REFUSED or status != 400:
            return None
        try:
            answer = json.loads(body)
        except ValueError:
            return None
        text = str(answer.get("message", answer.get("Message", ""))) if isinstance(answer, dict) else ""
        if not any(marker in text for marker in _MOTO_TEXTS):
            return None
        for key in ("message", "Message"):
            if key in answer:
                answer[key] = AWS_MESSAGE
        return json.dumps(answer).encode()


EXTENSIONS = [SecretMarkedForDeletion]
