"""payments.dr.wafv2_association and payments.dr.wafv2_logging: desired vs current, check mode, errors."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest
from botocore.exceptions import ClientError

from ansible_collections.payments.dr.plugins.modules import wafv2_association, wafv2_logging

STAGE = "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/prod"
ACL = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/payments-api-waf-primary-prod/1111"
OTHER = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/someone-elses/2222"
GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-payments-api-primary-prod"
MISSING = ClientError({"Error": {"Code": "WAFNonexistentItemException", "Message": "no such"}}, "GetLoggingConfiguration")


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("current, state, changed, call", [
    (None, "present", True, "associate_web_acl"),
    (ACL, "present", False, None),
    (OTHER, "present", True, "associate_web_acl"),  # one web ACL per resource: replaced
    (ACL, "absent", True, "disassociate_web_acl"),
    (None, "absent", False, None),
])
def test_association_follows_the_desired_web_acl(run_module, check_mode, current, state, changed, call):
    client = MagicMock()
    client.get_web_acl_for_resource.return_value = {"WebACL": {"ARN": current}} if current else {}
    args = {"resource_arn": STAGE, "state": state, **({"web_acl_arn": ACL} if state == "present" else {})}
    result, failed = run_module(wafv2_association, args, client, check_mode=check_mode, diff=True)
    assert not failed and result["changed"] is changed
    assert result["diff"] == {"before": {"web_acl_arn": current}, "after": {"web_acl_arn": ACL if state == "present" else None}}
    writes = [name for name in ("associate_web_acl", "disassociate_web_acl") if getattr(client, name).called]
    assert writes == ([] if check_mode or call is None else [call])
    if call == "associate_web_acl" and not check_mode:
        client.associate_web_acl.assert_called_once_with(aws_retry=True, WebACLArn=ACL, ResourceArn=STAGE)


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize("current, state, headers, changed", [
    (None, "present", ["authorization"], True),
    ({"LogDestinationConfigs": [GROUP], "RedactedFields": [{"SingleHeader": {"Name": "authorization"}}]},
     "present", ["Authorization"], False),
    ({"LogDestinationConfigs": [GROUP]}, "present", ["authorization", "x-amz-security-token"], True),
    ({"LogDestinationConfigs": [GROUP]}, "absent", [], True),
    (None, "absent", [], False),
])
def test_logging_follows_the_desired_configuration(run_module, check_mode, current, state, headers, changed):
    client = MagicMock()
    if current is None:
        client.get_logging_configuration.side_effect = MISSING
    else:
        client.get_logging_configuration.return_value = {"LoggingConfiguration": dict(current, ResourceArn=ACL)}
    client.put_logging_configuration.return_value = {"LoggingConfiguration": {}}
    args = {"web_acl_arn": ACL, "state": state, "redacted_headers": headers,
            **({"log_destination_arns": [GROUP]} if state == "present" else {})}
    result, failed = run_module(wafv2_logging, args, client, check_mode=check_mode)
    assert not failed and result["changed"] is changed
    wrote = client.put_logging_configuration.called or client.delete_logging_configuration.called
    assert wrote is (changed and not check_mode)
    if wrote and state == "present":
        client.put_logging_configuration.assert_called_once_with(aws_retry=True, LoggingConfiguration={
            "ResourceArn": ACL, "LogDestinationConfigs": [GROUP],
            "RedactedFields": [{"SingleHeader": {"Name": h}} for h in sorted(h.lower() for h in headers)]})


def test_a_refused_destination_fails_with_the_services_message(run_module):
    client = MagicMock()
    client.get_logging_configuration.side_effect = MISSING
    client.put_logging_configuration.side_effect = ClientError(
        {"Error": {"Code": "WAFInvalidParameterException", "Message": "field: LOG_DESTINATION"}}, "PutLoggingConfiguration")
    result, failed = run_module(wafv2_logging, {"web_acl_arn": ACL, "log_destination_arns": [GROUP.replace("aws-waf-logs-", "")]}, client)
    assert failed and "Failed to log web ACL " + ACL in result["msg"] and "LOG_DESTINATION" in result["msg"]
