from __future__ import annotations

import base64
import hashlib
import os
import zipfile

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.payments.dr.plugins.modules import lambda_package


class Done(Exception):
    pass


@pytest.fixture
def run(monkeypatch):
    def finish(self, **kwargs):
        raise Done(kwargs)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", finish)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", finish)

    def call(**args):
        with patch_module_args(args), pytest.raises(Done) as done:
            lambda_package.main()
        return done.value.args[0]

    return call


def make_sources(tmp_path):
    src = tmp_path / "src"
    (src / "pkg").mkdir(parents=True)
    (src / "handler.py").write_text("def handler(e, c):\n    return 1\n")
    (src / "pkg" / "rules.py").write_text("X = 1\n")
    (src / "README.md").write_text("not packaged")
    return src


def test_package_is_reproducible_and_written_once(run, tmp_path):
    src = make_sources(tmp_path)
    dest = tmp_path / "out" / "f.zip"
    first = run(src=str(src), dest=str(dest))
    assert first["changed"] is True and first["files"] == ["handler.py", "pkg/rules.py"]
    data = dest.read_bytes()
    assert first["code_sha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    with zipfile.ZipFile(dest) as archive:
        assert {i.filename: i.date_time for i in archive.infolist()} == {
            "handler.py": (1980, 1, 1, 0, 0, 0), "pkg/rules.py": (1980, 1, 1, 0, 0, 0)}

    os.utime(src / "handler.py", (0, 0))  # a new mtime alone changes nothing
    second = run(src=str(src), dest=str(dest))
    assert second["changed"] is False and second["code_sha256"] == first["code_sha256"]

    (src / "handler.py").write_text("def handler(e, c):\n    return 2\n")
    third = run(src=str(src), dest=str(dest))
    assert third["changed"] is True and third["code_sha256"] != first["code_sha256"]


def test_check_mode_writes_nothing(run, tmp_path):
    src = make_sources(tmp_path)
    dest = tmp_path / "f.zip"
    result = run(src=str(src), dest=str(dest), _ansible_check_mode=True)
    assert result["changed"] is True and not dest.exists()


def test_empty_or_missing_source_fails(run, tmp_path):
    assert "not a directory" in run(src=str(tmp_path / "nope"), dest=str(tmp_path / "f.zip"))["msg"]
    (tmp_path / "empty").mkdir()
    assert "no file" in run(src=str(tmp_path / "empty"), dest=str(tmp_path / "f.zip"))["msg"]
