"""boto3 clients, one per service and region, kept warm across invocations.

Endpoints come from boto3's own configuration (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>);
retries use the standard mode, whose attempt count AWS_MAX_ATTEMPTS may set (default 3).
"""

from __future__ import annotations

import functools

import boto3
from botocore.config import Config

_CONFIG = Config(
    connect_timeout=2,
    read_timeout=5,
    retries={"mode": "standard"},
    user_agent_extra="payments-dr-payment-validation/1.0",
)


@functools.lru_cache(maxsize=1)
def _session() -> boto3.session.Session:
    return boto3.session.Session()


@functools.lru_cache(maxsize=8)
def client(service: str, region: str):
    return _session().client(service, region_name=region, config=_CONFIG)


def reset_clients() -> None:
    """Forget the session and its clients (tests, or after the environment changed)."""
    client.cache_clear()
    _session.cache_clear()
