# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja filters exposing the payments.dr naming convention and standard tags to roles."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible_collections.payments.dr.plugins.module_utils.dr_naming import (
    NamingError,
    partition,
    resource_name,
    stack_names,
    standard_tags,
)


def dr_name(resource, dr_role, environment_suffix):
    try:
        return resource_name(resource, dr_role, environment_suffix)
    except NamingError as exc:
        raise AnsibleFilterError(str(exc))


def dr_tags(environment, region, dr_role, extra=None):
    try:
        return standard_tags(environment, region, dr_role, extra)
    except NamingError as exc:
        raise AnsibleFilterError(str(exc))


def dr_names(environment_suffix, inputs=None):
    """Every resource family's names (module_utils/dr_naming.stack_names), published by preflight."""
    try:
        return stack_names(environment_suffix, inputs)
    except NamingError as exc:
        raise AnsibleFilterError(str(exc))


def dr_partition(region):
    """The ARN partition of a region (module_utils/dr_naming.partition), published by preflight."""
    try:
        return partition(region)
    except NamingError as exc:
        raise AnsibleFilterError(str(exc))


class FilterModule(object):
    def filters(self):
        return {"dr_name": dr_name, "dr_tags": dr_tags, "dr_names": dr_names, "dr_partition": dr_partition}
