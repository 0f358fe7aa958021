"""Bucket policies apply a statement only when its conditions hold (moto denies on any condition)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.conftest import PRIMARY

BUCKET = "policy-test-bucket"


def bucket_with(s3, *statements):
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


TLS_ONLY = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::" + BUCKET, "arn:aws:s3:::%s/*" % BUCKET],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def denied(call):
    with pytest.raises(ClientError) as err:
        call()
    return err.value.response["Error"]["Code"]


def test_tls_only_policy_allows_secure_requests_and_refuses_plain_ones(aws, control):
    s3 = aws("s3", PRIMARY)
    bucket_with(s3, TLS_ONLY)
    s3.put_object(Bucket=BUCKET, Key="a.txt", Body=b"hello")
    assert s3.get_object(Bucket=BUCKET, Key="a.txt")["Body"].read() == b"hello"
    s3.delete_object(Bucket=BUCKET, Key="a.txt")

    assert control.post("s3-policy/transport", {"secure": False}) == {"secure": False}
    assert denied(lambda: s3.put_object(Bucket=BUCKET, Key="b.txt", Body=b"x")) == "AccessDenied"
    assert denied(lambda: s3.get_object(Bucket=BUCKET, Key="a.txt")) == "AccessDenied"
    control.post("s3-policy/transport", {"secure": True})
    s3.put_object(Bucket=BUCKET, Key="b.txt", Body=b"x")


def test_unconditional_deny_still_applies_to_its_resources_only(aws):
    s3 = aws("s3", PRIMARY)
    bucket_with(s3, {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                     "Resource": "arn:aws:s3:::%s/locked/*" % BUCKET})
    s3.put_object(Bucket=BUCKET, Key="open/a", Body=b"1")
    assert denied(lambda: s3.put_object(Bucket=BUCKET, Key="locked/a", Body=b"1")) == "AccessDenied"


@pytest.mark.parametrize(
    "condition, refused",
    [
        ({"StringEquals": {"aws:SourceVpce": "vpce-1234"}}, False),  # key absent: condition false
        ({"StringNotEquals": {"aws:SourceVpce": "vpce-1234"}}, True),  # negated: true when absent
        ({"Null": {"aws:SourceVpce": "true"}}, True),
        ({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}, True),
        ({"Bool": {"aws:SecureTransport": "true"}}, True),
    ],
)
def test_conditions_on_keys_the_request_lacks(aws, condition, refused):
    s3 = aws("s3", PRIMARY)
    bucket_with(s3, {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                     "Resource": "arn:aws:s3:::%s/*" % BUCKET, "Condition": condition})
    if refused:
        assert denied(lambda: s3.put_object(Bucket=BUCKET, Key="k", Body=b"1")) == "AccessDenied"
    else:
        s3.put_object(Bucket=BUCKET, Key="k", Body=b"1")


def test_transport_setting_is_validated_and_reset(control):
    from urllib.error import HTTPError

    with pytest.raises(HTTPError):
        control.post("s3-policy/transport", {"secure": "no"})
    control.post("s3-policy/transport", {"secure": False})
    control.reset()
    assert control.get("s3-policy/transport") == {"secure": True}
