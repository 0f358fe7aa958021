"""A secret scheduled for deletion is refused in AWS's words (secrets_deleted)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.conftest import PRIMARY

AWS_MESSAGE = "You can't perform this operation on the secret because it was marked for deletion."


@pytest.mark.parametrize("call, kwargs", [
    ("get_secret_value", {}),
    ("update_secret", {"SecretString": "new"}),
])
def test_calls_on_a_secret_marked_for_deletion(aws, call, kwargs):
    secrets = aws("secretsmanager", PRIMARY)
    secrets.create_secret(Name="payments-scheduled", SecretString="value")
    secrets.delete_secret(SecretId="payments-scheduled", RecoveryWindowInDays=7)
    with pytest.raises(ClientError) as err:
        getattr(secrets, call)(SecretId="payments-scheduled", **kwargs)
    assert err.value.response["Error"]["Code"] == "InvalidRequestException"
    assert err.value.response["Error"]["Message"] == AWS_MESSAGE
    # Still described (with its deletion date) and restorable, as on AWS.
    assert "DeletedDate" in secrets.describe_secret(SecretId="payments-scheduled")
    secrets.restore_secret(SecretId="payments-scheduled")
    assert secrets.get_secret_value(SecretId="payments-scheduled")["SecretString"] in ("value", "new")


def test_the_lookup_skips_a_secret_marked_for_deletion(aws, emulator):
    """What amazon.aws's secretsmanager_secret lookup does with on_deleted=skip."""
    from ansible_collections.amazon.aws.plugins.lookup.secretsmanager_secret import LookupModule

    secrets = aws("secretsmanager", PRIMARY)
    secrets.create_secret(Name="payments-scheduled", SecretString="value")
    secrets.delete_secret(SecretId="payments-scheduled", RecoveryWindowInDays=7)
    class Client:  # the lookup calls a retrying client: get_secret_value(aws_retry=True, ...)
        @staticmethod
        def get_secret_value(aws_retry=False, **kwargs):
            return secrets.get_secret_value(**kwargs)

    lookup = LookupModule()
    assert lookup.get_secret_value("payments-scheduled", Client(), on_deleted="skip") is None
    with pytest.raises(Exception, match="marked for deletion"):
        lookup.get_secret_value("payments-scheduled", Client(), on_deleted="error")
