"""What Python loads first in the playbooks a test runs.

tests/functional/ansible_run.py puts this directory on the PYTHONPATH of ansible-playbook, so
Python imports this file in ansible-playbook, its workers and every module process, each of the
modules below when its variable asks for it.
"""

import os

if os.environ.get("DR_VIRTUAL_TIME_URL"):
    import dr_virtual_time  # noqa: F401 - sleeps on the emulator's clock

if os.environ.get("DR_BOTOCORE_DATA_CACHE") == "1":
    import dr_botocore_data_cache  # noqa: F401 - botocore's model files parsed once per process
