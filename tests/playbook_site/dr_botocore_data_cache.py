"""botocore's model files parsed once per process, not once per client.

Every amazon.aws module makes a new boto3 session and client, and a new session re-reads and
re-parses its service's JSON models (ec2's service-2.json is megabytes) and the endpoint data:
about 0.15 CPU-seconds a client, most of a module run's own work. Under Mitogen one Python process
runs many modules one after another, so the same files were parsed again for every task. Here
JSONFileLoader.load_file keeps what it parsed by path, and every later session of the process gets
that result: the same data botocore's own per-session cache hands out to every client of a session
(botocore never writes to it, except to merge its sdk-extras in, which gives the same dict again).
Sessions, clients, credentials, endpoints and every request stay as the module makes them.
sitecustomize.py turns this on when DR_BOTOCORE_DATA_CACHE=1 (tests/functional/ansible_run.py
sets it; DR_TEST_BOTOCORE_DATA_CACHE=0 there runs without it).
"""

import importlib.abc
import importlib.util
import sys

_parsed = {}


def _cache_load_file(loaders):
    load_file = loaders.JSONFileLoader.load_file

    def cached_load_file(self, file_path):
        if file_path not in _parsed:
            _parsed[file_path] = load_file(self, file_path)
        return _parsed[file_path]

    cached_load_file.__doc__ = load_file.__doc__
    loaders.JSONFileLoader.load_file = cached_load_file


class _AfterBotocoreLoaders(importlib.abc.MetaPathFinder):
    """Finds botocore.loaders as Python would, and patches the module once it has run."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "botocore.loaders":
            return None
        sys.meta_path.remove(self)  # one module, once; and no recursion through find_spec below
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            _cache_load_file(module)

        spec.loader.exec_module = exec_and_patch
        return spec


if "botocore.loaders" in sys.modules:
    _cache_load_file(sys.modules["botocore.loaders"])
else:
    sys.meta_path.insert(0, _AfterBotocoreLoaders())
