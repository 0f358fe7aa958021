# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the payments.dr modules turn a failed AWS call into one error.

The calls live in per-service files (module_utils/kms.py...), one function per call, each wrapped
by its service's handler: amazon.aws's AWSErrorHandler pattern (module_utils/errors.py), which
raises one exception type instead of failing the module inside every call. The module catches
that type once, in main(), and fails with ``module.fail_json_aws_error``. Here the handler's
description may name the call's arguments (``"tag {key_arn}"``), so the message says which
resource failed, as the hand-written wrappers did.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import inspect

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler


def _described(description, func, args, kwargs):
    """``description`` with {name} replaced by the call's argument of that name."""
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
        bound.apply_defaults()
        return description.format(**bound.arguments)
    except (TypeError, KeyError, IndexError, ValueError):
        return description


class DRErrorHandler(AWSErrorHandler):
    """AWSErrorHandler whose descriptions are formatted with the call's arguments.

    A service's handler sets ``_CUSTOM_EXCEPTION`` and ``_MISSING_CODES``, the error codes by which
    it says a resource does not exist (what list/deletion handlers turn into a value)."""

    _MISSING_CODES = ()

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(list(cls._MISSING_CODES))

    @classmethod
    def common_error_handler(cls, description):
        def wrapper(func):
            @functools.wraps(func)
            def handler(*args, **kwargs):
                try:
                    return func(*args, **kwargs)
                except botocore.exceptions.WaiterError as e:
                    raise cls._CUSTOM_EXCEPTION(
                        message="Timeout trying to " + _described(description, func, args, kwargs), exception=e) from e
                except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
                    raise cls._CUSTOM_EXCEPTION(
                        message="Failed to " + _described(description, func, args, kwargs), exception=e) from e

            return handler

        return wrapper

    @classmethod
    def _or_when_missing(cls, description, value):
        """common_error_handler, answering ``value`` when the service says the resource is missing."""
        def wrapper(func):
            @cls.common_error_handler(description)
            @functools.wraps(func)  # so the description is formatted from func's own signature
            def handler(*args, **kwargs):
                try:
                    return func(*args, **kwargs)
                except cls._is_missing():
                    return value

            return handler

        return wrapper

    @classmethod
    def list_error_handler(cls, description, default_value=None):
        """For a Get/Describe/List call: a missing resource is ``default_value``."""
        return cls._or_when_missing(description, default_value)

    @classmethod
    def deletion_error_handler(cls, description):
        """For a Delete call: a resource already gone is False (nothing deleted)."""
        return cls._or_when_missing(description, False)
