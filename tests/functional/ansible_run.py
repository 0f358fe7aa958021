"""Run playbooks against the test session's emulator and read back per-task results.

Tests use it to drive modules and roles exactly as users do (ansible-playbook,
the local inventory, the collection through collections/), with the JSON
callback so they can assert on each task's result and on the recap.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
# Where every playbook's module_defaults come from (the runbooks' fail-fast variant).
AWS_CALLS = REPO / "playbooks" / "vars" / "aws_calls.yml"


# A stage playbook run where security.yml and network.yml never ran: what they would publish,
# given on purpose as a user would (AWS managed keys and no shared secret; the default VPC).
# Without them the stage fails closed, asking for those playbooks first.
WITHOUT_SECURITY = {"security_kms_key_arn": "", "security_db_secret_arn": ""}
WITHOUT_NETWORK = {"network_private_subnet_ids": [], "network_lambda_sg_id": "", "network_aurora_sg_id": ""}
# An API tier deployed without the aurora stage: the function gets no database endpoint, on purpose.
WITHOUT_AURORA = {"aurora_global_cluster_endpoint": ""}


@dataclass
class PlaybookRun:
    rc: int
    stats: dict
    plays: list
    stdout: str
    stderr: str

    def results(self, task_name: str, host: str = "primary") -> dict:
        """The result of the named task on ``host`` (the last one, if it ran more than once)."""
        found = None
        for play in self.plays:
            for task in play["tasks"]:
                if task["task"]["name"] == task_name and host in task["hosts"]:
                    found = task["hosts"][host]
        if found is None:
            raise KeyError(f"task {task_name!r} did not run on {host}")
        return found

    def changed(self) -> int:
        return sum(host.get("changed", 0) for host in self.stats.values())

    def changed_tasks(self) -> list:
        """(task, host) of every task that reported a change, to put in assertion messages."""
        return [(task["task"]["name"], host) for play in self.plays for task in play["tasks"]
                for host, result in task["hosts"].items() if result.get("changed")]

    def failures(self) -> list:
        """(task, host, msg) of every failed task, to put in assertion messages."""
        return [(task["task"]["name"], host, result.get("msg"))
                for play in self.plays for task in play["tasks"]
                for host, result in task["hosts"].items() if result.get("failed") and not result.get("ignore_errors")]

    def failed(self) -> int:
        return sum(host.get("failures", 0) + host.get("unreachable", 0) for host in self.stats.values())


# The strategy pytest's playbook runs use: Mitogen's linear strategy runs the same modules, tasks
# and plays in the same order, but in persistent Python interpreters instead of starting one (and
# unpacking an AnsiballZ zip) per task, which halves the CPU time of a run; the suite is bound by
# that CPU on CI's two cores. Molecule's scenarios run Ansible's own linear strategy, as users do,
# so the stock executor deploys, drills, fails over and tears down every run of `make test`.
# DR_TEST_STRATEGY=linear runs pytest on the stock strategy too.
TEST_STRATEGY = os.environ.get("DR_TEST_STRATEGY", "mitogen_linear")


def strategy_env(strategy: str = TEST_STRATEGY) -> dict:
    """The environment selecting ``strategy`` (Mitogen's plugins are found in its package)."""
    if not strategy.startswith("mitogen"):
        return {"ANSIBLE_STRATEGY": strategy}
    import ansible_mitogen  # imported here: only runs that ask for Mitogen need it

    plugins = Path(ansible_mitogen.__file__).parent / "plugins" / "strategy"
    return {"ANSIBLE_STRATEGY": strategy, "ANSIBLE_STRATEGY_PLUGINS": str(plugins)}


# Modules sleep on the emulator's clock (tests/playbook_site/dr_virtual_time.py says how);
# DR_TEST_VIRTUAL_TIME=0 makes them sleep for real.
VIRTUAL_TIME = os.environ.get("DR_TEST_VIRTUAL_TIME", "1") != "0"
# Module processes parse botocore's model files once each (tests/playbook_site/dr_botocore_data_cache.py);
# DR_TEST_BOTOCORE_DATA_CACHE=0 parses them for every client, as a lone module process does.
BOTOCORE_DATA_CACHE = os.environ.get("DR_TEST_BOTOCORE_DATA_CACHE", "1") != "0"
PLAYBOOK_SITE = REPO / "tests" / "playbook_site"


def _site_path() -> str:
    """PYTHONPATH with tests/playbook_site first, so its sitecustomize.py is the one Python loads."""
    return os.pathsep.join(filter(None, [str(PLAYBOOK_SITE), os.environ.get("PYTHONPATH")]))


def virtual_time_env(endpoint_url: str) -> dict:
    """The environment that makes module processes sleep on the emulator's clock at ``endpoint_url``."""
    if not VIRTUAL_TIME:
        return {}
    return {"PYTHONPATH": _site_path(), "DR_VIRTUAL_TIME_URL": endpoint_url}


def playbook_site_env(endpoint_url: str) -> dict:
    """What tests/playbook_site/sitecustomize.py loads in the playbook's processes."""
    env = virtual_time_env(endpoint_url)
    if BOTOCORE_DATA_CACHE:
        env.setdefault("PYTHONPATH", _site_path())
        env["DR_BOTOCORE_DATA_CACHE"] = "1"
    return env


def ansible_env(endpoint_url: str, tmp: str | Path, *, json_output: bool = True) -> dict:
    """ansible-playbook's environment: the emulator's port, this repo's config and collection, the
    test strategy, virtual time and the botocore data cache for the modules, and a private temp
    dir and home under ``tmp``; the JSON callback unless ``json_output`` is false (then the default callback prints each task as it
    starts, for a test that follows a run live)."""
    env = dict(os.environ, DR_EMULATOR_PORT=endpoint_url.rsplit(":", 1)[1], ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(REPO / "collections"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=str(Path(tmp) / "tmp"), ANSIBLE_HOME=str(Path(tmp) / "home"), **strategy_env(),
               **playbook_site_env(endpoint_url))
    if json_output:
        env.update(ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_CALLBACK_RESULT_FORMAT="json")
    return env


def playbook_command(path: str | Path, *, extra_vars: dict | None = None, check: bool = False, diff: bool = False,
                     limit: str | None = None, inventory: str = "inventories/local", verbosity: int = 0,
                     tags: str | None = None) -> list[str]:
    """The ansible-playbook command line for a playbook (path relative to the repo, or absolute)."""
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), str(REPO / path), "-i", str(REPO / inventory)]
    for key, value in (extra_vars or {}).items():
        cmd += ["-e", json.dumps({key: value})]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if limit:
        cmd += ["--limit", limit]
    if tags:
        cmd += ["--tags", tags]
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    return cmd


def run_playbook(playbook: str | Path | list, endpoint_url: str, *, extra_vars: dict | None = None,
                 check: bool = False, diff: bool = False, limit: str | None = None,
                 inventory: str = "inventories/local", timeout: int = 900, verbosity: int = 0,
                 tags: str | None = None) -> PlaybookRun:
    """Run a playbook file (path relative to the repo) or a list of plays written to a temp file."""
    with tempfile.TemporaryDirectory() as tmp:
        if isinstance(playbook, list):
            path = Path(tmp) / "playbook.yml"
            path.write_text(yaml.safe_dump(playbook, sort_keys=False))
        else:
            path = REPO / playbook
        cmd = playbook_command(path, extra_vars=extra_vars, check=check, diff=diff, limit=limit,
                               inventory=inventory, verbosity=verbosity, tags=tags)
        proc = subprocess.run(cmd, cwd=REPO, env=ansible_env(endpoint_url, tmp), capture_output=True, text=True,
                              timeout=timeout, check=False)
    try:
        start = proc.stdout.index("{")
        report = json.loads(proc.stdout[start:])
    except ValueError:
        report = {"stats": {}, "plays": []}
    return PlaybookRun(proc.returncode, report.get("stats", {}), report.get("plays", []), proc.stdout, proc.stderr)


def play(tasks: list, hosts: str = "primary:dr", name: str = "test play", preflight: bool = True) -> list:
    """A one-play playbook with the collection's module_defaults, optionally after preflight."""
    body = {"name": name, "hosts": hosts, "gather_facts": False, "vars_files": [str(AWS_CALLS)],
            "module_defaults": {"group/payments.dr.aws": "{{ dr_aws_call }}"}}
    if preflight:
        body["roles"] = [{"role": "payments.dr.preflight"}]
    body["tasks"] = tasks
    return [body]
