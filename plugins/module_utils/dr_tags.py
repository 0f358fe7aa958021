# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the payments.dr modules bring a resource's tags to the wanted ones: one helper.

The comparison is amazon.aws's (``compare_aws_tags``: with purge, keys not wanted are removed);
the service calls are the module's, passed in, since each service spells its tag API its own way.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags


def tags_after(current, to_add, to_remove):
    """The tags once ``to_remove`` keys are gone and ``to_add`` is set."""
    after = dict((key, value) for key, value in current.items() if key not in to_remove)
    after.update(to_add)
    return after


def sync_tags(module, current, desired, purge, tag, untag):
    """Align ``current`` (a dict) with ``desired`` (None leaves the tags alone): ``untag(keys)``
    first, then ``tag(dict)``, each only with what differs and never in check mode.
    Returns (changed, the tags after)."""
    if desired is None:
        return False, current
    to_add, to_remove = compare_aws_tags(current, desired, purge)
    if not (to_add or to_remove):
        return False, current
    if not module.check_mode:
        if to_remove:
            untag(to_remove)
        if to_add:
            tag(to_add)
    return True, tags_after(current, to_add, to_remove)
