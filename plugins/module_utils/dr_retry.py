# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One retry layer for every AWS call of the payments.dr modules.

Two layers can retry a call: botocore (its ``retries`` config, given through the modules'
``aws_config`` option) and amazon.aws's AWSRetry around the client. Stacked, a throttled call is
tried up to ten times ten times. ``client()`` keeps exactly one:

- the caller configured botocore's retries (``aws_config: {retries: ...}``, as every payments.dr
  playbook does through playbooks/vars/aws_calls.yml): botocore's is the layer. It knows every
  service's throttling and transient codes and connection errors, and its attempts are what the
  playbook chose (10 for a deploy, 3 for a runbook toward a region that may be lost);
- otherwise (the module called on its own): AWSRetry is the layer, with the throttling and
  transient codes botocore's standard mode retries (amazon.aws's list misses the JSON services'
  ThrottlingException), and botocore makes one attempt.

Calls keep amazon.aws's idiom, ``aws_retry=True``; a paginated read is decorated with
``paginated`` so it follows the same layer (a paginator's requests bypass the client wrapper).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

# What botocore's standard retry mode treats as throttling or transient (botocore/retries/standard.py;
# "Retry behavior" in the AWS SDKs and Tools reference guide).
THROTTLING_CODES = [
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
    "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
    "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
]
TRANSIENT_CODES = ["RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
                   "ServiceUnavailable"]
ONE_ATTEMPT = {"retries": {"mode": "standard", "total_max_attempts": 1}}


def aws_retry(*extra_codes):
    """AWSRetry with botocore's throttling and transient codes and a service's own (``extra_codes``)."""
    return AWSRetry.jittered_backoff(catch_extra_error_codes=THROTTLING_CODES + TRANSIENT_CODES + list(extra_codes))


RETRY = aws_retry()


def _no_retry(func):
    return func


def botocore_retries(module):
    """Whether the caller configured botocore's retries (then botocore is the retry layer)."""
    return bool((module.params.get("aws_config") or {}).get("retries"))


def client(module, service, retry=RETRY, **params):
    """``module.client(service)`` with one retry layer (the module docstring says which)."""
    if botocore_retries(module):
        return module.client(service, retry_decorator=_no_retry, **params)
    return module.client(service, retry_decorator=retry, config=ONE_ATTEMPT, **params)


def paginated(func):
    """Runs ``func(client, ...)`` (a paginated read) under the retry layer ``client`` was made with."""
    @functools.wraps(func)
    def run(client, *args, **kwargs):
        if isinstance(client, RetryingBotoClientWrapper):
            return client.retry(func)(client, *args, **kwargs)
        return func(client, *args, **kwargs)

    return run
