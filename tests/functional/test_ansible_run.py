"""The playbook runner the functional tests rely on really reaches the emulator."""

from __future__ import annotations

from tests.functional.ansible_run import play, run_playbook


def test_runner_reports_changes_and_state_lands_in_the_emulator(emulator, control, aws):
    tasks = [{"name": "topic", "community.aws.sns_topic": {"name": "runner-{{ dr_role }}"}}]
    first = run_playbook(play(tasks), emulator.endpoint_url)
    assert first.rc == 0, first.stdout + first.stderr
    assert first.changed() == 2
    assert first.results("topic", "dr")["sns_arn"].startswith("arn:aws:sns:us-east-2:")
    topics = [t["TopicArn"] for t in aws("sns", "us-east-2").list_topics()["Topics"]]
    assert topics == ["arn:aws:sns:us-east-2:123456789012:runner-dr"]
    second = run_playbook(play(tasks), emulator.endpoint_url)
    assert second.rc == 0 and second.changed() == 0
