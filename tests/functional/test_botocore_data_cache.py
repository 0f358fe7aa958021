"""tests/playbook_site/dr_botocore_data_cache.py: a playbook's module process parses botocore's
model files once, and its clients still work and still check their parameters."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.functional.ansible_run import REPO, playbook_site_env

# Two sessions' ec2 clients, as two module runs in one Mitogen interpreter make them; then a real
# call to the emulator, and a call botocore must refuse from the (shared) model.
PROGRAM = """
import json, boto3, botocore.exceptions, botocore.loaders
def client():
    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing").client(
        "ec2", region_name="us-east-2", endpoint_url={url!r})
first, second = client(), client()
try:
    second.describe_vpcs(Filter=[])  # the parameter is Filters
    refused = False
except botocore.exceptions.ParamValidationError:
    refused = True
print(json.dumps({{
    "patched": botocore.loaders.JSONFileLoader.load_file.__name__,
    "same_model": first.meta.service_model._service_description is second.meta.service_model._service_description,
    "vpcs": len(second.describe_vpcs()["Vpcs"]),
    "refused": refused,
}}))
"""


def run_program(endpoint_url, tmp_path, **env):
    script = tmp_path / "module.py"
    script.write_text(PROGRAM.format(url=endpoint_url))
    done = subprocess.run([sys.executable, str(script)], env=dict(os.environ, **env), capture_output=True,
                          text=True, check=True, timeout=120, cwd=REPO)
    return json.loads(done.stdout)


def test_a_second_session_reuses_the_parsed_model_and_its_client_still_works(emulator, control, tmp_path):
    env = playbook_site_env(emulator.endpoint_url)
    assert env["DR_BOTOCORE_DATA_CACHE"] == "1"
    found = run_program(emulator.endpoint_url, tmp_path, **env)
    assert found == {"patched": "cached_load_file", "same_model": True, "vpcs": 1, "refused": True}  # 1: the default VPC


def test_without_the_variable_botocore_is_left_alone(emulator, control, tmp_path):
    env = dict(playbook_site_env(emulator.endpoint_url), DR_BOTOCORE_DATA_CACHE="0")
    found = run_program(emulator.endpoint_url, tmp_path, **env)
    assert found["patched"] == "load_file" and found["same_model"] is False and found["refused"] is True
