"""module_utils/dr_tags.sync_tags: only what differs is written, never in check mode."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.payments.dr.plugins.module_utils.dr_tags import sync_tags


def calls():
    made = []
    return made, (lambda tags: made.append(("tag", tags))), (lambda keys: made.append(("untag", sorted(keys))))


@pytest.mark.parametrize("check_mode", [False, True])
def test_untags_then_tags_only_what_differs(check_mode):
    made, tag, untag = calls()
    changed, after = sync_tags(SimpleNamespace(check_mode=check_mode), {"a": "1", "b": "2", "old": "x"},
                               {"a": "1", "b": "3"}, True, tag, untag)
    assert changed is True and after == {"a": "1", "b": "3"}
    assert made == ([] if check_mode else [("untag", ["old"]), ("tag", {"b": "3"})])


def test_without_purge_unwanted_keys_stay():
    made, tag, untag = calls()
    changed, after = sync_tags(SimpleNamespace(check_mode=False), {"old": "x"}, {"a": "1"}, False, tag, untag)
    assert changed and after == {"old": "x", "a": "1"} and made == [("tag", {"a": "1"})]


@pytest.mark.parametrize("desired", [None, {"a": "1"}])
def test_nothing_to_do_writes_nothing(desired):
    made, tag, untag = calls()
    assert sync_tags(SimpleNamespace(check_mode=False), {"a": "1"}, desired, True, tag, untag) == (False, {"a": "1"})
    assert made == []
