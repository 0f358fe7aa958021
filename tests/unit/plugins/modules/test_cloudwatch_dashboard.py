from __future__ import annotations

import json
from unittest.mock import MagicMock

import botocore.exceptions
import pytest

from ansible_collections.payments.dr.plugins.modules import cloudwatch_dashboard

BODY = {"widgets": [{"type": "metric", "x": 0, "y": 0, "width": 6, "height": 6,
                     "properties": {"metrics": [["AWS/Lambda", "Errors"]], "region": "us-east-1"}}]}
NOT_FOUND = botocore.exceptions.ClientError(
    {"Error": {"Code": "ResourceNotFound", "Message": "no"}}, "GetDashboard")


def client_with(body=None):
    client = MagicMock()
    if body is None:
        client.get_dashboard.side_effect = NOT_FOUND
    else:
        client.get_dashboard.return_value = {
            "DashboardName": "d", "DashboardArn": "arn:aws:cloudwatch::1:dashboard/d", "DashboardBody": json.dumps(body)}
    client.put_dashboard.return_value = {"DashboardValidationMessages": []}
    return client


@pytest.mark.parametrize(
    "current, desired, changed",
    [
        (None, BODY, True),
        (BODY, BODY, False),
        (BODY, json.dumps(BODY, indent=4, sort_keys=True), False),  # same data, other formatting
        (BODY, {"widgets": []}, True),
    ],
)
def test_present_writes_only_when_body_differs(run_module, current, desired, changed):
    client = client_with(current)
    result, failed = run_module(cloudwatch_dashboard, {"name": "d", "body": desired}, client)
    assert not failed
    assert result["changed"] is changed
    assert client.put_dashboard.called is changed
    if changed:
        sent = json.loads(client.put_dashboard.call_args.kwargs["DashboardBody"])
        assert sent == (json.loads(desired) if isinstance(desired, str) else desired)


@pytest.mark.parametrize("state, current", [("present", None), ("present", {"widgets": []}), ("absent", BODY)])
def test_check_mode_reports_change_without_writing(run_module, state, current):
    client = client_with(current)
    result, failed = run_module(cloudwatch_dashboard, {"name": "d", "state": state, "body": BODY}, client,
                                check_mode=True)
    assert not failed and result["changed"] is True
    client.put_dashboard.assert_not_called()
    client.delete_dashboards.assert_not_called()


@pytest.mark.parametrize("current, changed", [(BODY, True), (None, False)])
def test_absent(run_module, current, changed):
    client = client_with(current)
    result, failed = run_module(cloudwatch_dashboard, {"name": "d", "state": "absent"}, client)
    assert not failed and result["changed"] is changed
    assert client.delete_dashboards.called is changed


def test_diff_shows_before_and_after(run_module):
    client = client_with({"widgets": []})
    after = client_with(BODY).get_dashboard.return_value
    client.get_dashboard.side_effect = [client.get_dashboard.return_value, after]  # read back after the write
    result, failed = run_module(cloudwatch_dashboard, {"name": "d", "body": BODY}, client, diff=True)
    assert not failed
    assert result["diff"] == {"before": {"widgets": []}, "after": BODY}


@pytest.mark.parametrize("body", ["not json", "[1, 2]"])
def test_bad_body_fails_before_writing(run_module, body):
    client = client_with(None)
    result, failed = run_module(cloudwatch_dashboard, {"name": "d", "body": body}, client)
    assert failed and "body" in result["msg"]
    client.put_dashboard.assert_not_called()
