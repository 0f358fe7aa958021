"""Shared pytest fixtures: one in-process emulator per test session on a free loopback port."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

REPO = Path(__file__).resolve().parent.parent
# Make ansible_collections.payments.dr importable (collections/ holds a link to this repo).
sys.path.insert(0, str(REPO / "collections"))

from tests.emulator.control import EmulatorControl  # noqa: E402
from tests.emulator.server import Emulator  # noqa: E402

PRIMARY, DR = "us-east-1", "us-east-2"


@pytest.fixture(scope="session")
def emulator():
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    server = Emulator(port=0).start()
    yield server
    server.stop()


@pytest.fixture
def control(emulator):
    """Control client; the emulator is reset before each test that asks for it."""
    ctl = EmulatorControl(emulator.endpoint_url)
    ctl.reset()
    return ctl


@pytest.fixture
def aws(emulator, control):
    """aws("dynamodb", "us-east-2") -> a boto3 client on the emulator (few retries, fast failures)."""

    def make(service: str, region: str = PRIMARY, retries: int = 2):
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=emulator.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": retries, "mode": "standard"}),
        )

    return make
