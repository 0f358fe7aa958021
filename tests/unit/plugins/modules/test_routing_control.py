from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from ansible_collections.payments.dr.plugins.modules import routing_control


def client_with(fenced):
    client = MagicMock()
    client.get_item.return_value = (
        {"Item": {"name": {"S": "routing"}, "fenced_regions": {"L": [{"S": r} for r in fenced]}}}
        if fenced is not None else {})
    return client


@pytest.mark.parametrize("current, wanted, changed", [
    (None, ["us-east-1"], True),
    ([], ["us-east-1"], True),
    (["us-east-1"], ["us-east-1"], False),
    (["us-east-1"], ["us-east-1", "us-east-1"], False),
    (["us-east-1"], [], True),
    (None, [], False),
])
@pytest.mark.parametrize("check_mode", [False, True])
def test_writes_only_when_fenced_set_differs(run_module, current, wanted, changed, check_mode):
    client = client_with(current)
    result, failed = run_module(routing_control, {"table_name": "t", "fenced_regions": wanted, "region": "us-east-2"},
                                client, check_mode=check_mode)
    assert not failed and result["changed"] is changed
    assert client.get_item.call_args.kwargs["ConsistentRead"] is True
    assert client.put_item.called is (changed and not check_mode)
    if changed and not check_mode:
        item = client.put_item.call_args.kwargs["Item"]
        assert item["fenced_regions"] == {"L": [{"S": r} for r in sorted(set(wanted))]}
        assert item["updated_in"] == {"S": "us-east-2"}
