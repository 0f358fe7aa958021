# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja filters exposing the payments.dr naming convention and standard tags to roles."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

from ansible.errors import AnsibleFilterError
from ansible_collections.payments.dr.plugins.module_utils.dr_naming import (
    NamingError,
    partition,
    resource_name,
    stack_names,
    standard_tags,
)


def _as_filter(function):
    """The naming function as a filter: a NamingError (which names the bad input) becomes a filter error."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except NamingError as exc:
            raise AnsibleFilterError(str(exc))
    return wrapper


# dr_name: 'payments-db' | dr_name(dr_role, suffix); dr_tags: suffix | dr_tags(region, dr_role, extra);
# dr_names: suffix | dr_names(base-name inputs), published by preflight; dr_partition: region | dr_partition.
dr_name = _as_filter(resource_name)
dr_tags = _as_filter(standard_tags)
dr_names = _as_filter(stack_names)
dr_partition = _as_filter(partition)


class FilterModule(object):
    def filters(self):
        return {"dr_name": dr_name, "dr_tags": dr_tags, "dr_names": dr_names, "dr_partition": dr_partition}
