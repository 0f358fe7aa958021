"""cloudwatch_dashboard against the emulator: create, no-op, update, check mode, delete."""

from __future__ import annotations

import json

from tests.functional.ansible_run import play, run_playbook

BODY = {"widgets": [{"type": "text", "x": 0, "y": 0, "width": 6, "height": 2, "properties": {"markdown": "hi"}}]}


def dashboard_task(body=None, state="present"):
    args = {"name": "payments-{{ dr_role }}-test", "state": state}
    if body is not None:
        args["body"] = body
    return [{"name": "dashboard", "payments.dr.cloudwatch_dashboard": args}]


def test_dashboard_lifecycle(emulator, aws):
    url = emulator.endpoint_url
    first = run_playbook(play(dashboard_task(BODY), preflight=False), url)
    assert first.rc == 0, first.stdout
    assert first.changed() == 2
    stored = aws("cloudwatch", "us-east-2").get_dashboard(DashboardName="payments-dr-test")
    assert json.loads(stored["DashboardBody"]) == BODY

    assert run_playbook(play(dashboard_task(BODY), preflight=False), url).changed() == 0

    updated = {"widgets": BODY["widgets"] * 2}
    check = run_playbook(play(dashboard_task(updated), preflight=False), url, check=True)
    assert check.changed() == 2
    stored = aws("cloudwatch", "us-east-1").get_dashboard(DashboardName="payments-primary-test")
    assert json.loads(stored["DashboardBody"]) == BODY  # check mode wrote nothing

    gone = run_playbook(play(dashboard_task(state="absent"), preflight=False), url)
    assert gone.changed() == 2
    names = [d["DashboardName"] for d in aws("cloudwatch", "us-east-1").list_dashboards()["DashboardEntries"]]
    assert "payments-primary-test" not in names
