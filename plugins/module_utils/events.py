# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Amazon EventBridge calls of the payments.dr eventbridge_schedule module: one function per call.

Each raises AnsibleEventsError (module_utils/dr_errors.py says why); a rule that does not exist
(ResourceNotFoundException) is None on a read and False on a deletion. Retries: one layer, chosen
by dr_retry.client with RETRY (``aws_retry=True`` on every call).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry()


class AnsibleEventsError(AnsibleAWSError):
    pass


class EventsErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleEventsError
    _MISSING_CODES = ("ResourceNotFoundException",)


@EventsErrorHandler.list_error_handler("read rule {name}")
def describe_rule(client, name):
    """The rule (DescribeRule's answer), or None."""
    return client.describe_rule(aws_retry=True, Name=name)


@EventsErrorHandler.list_error_handler("read the targets of rule {name}")
def list_targets(client, name):
    targets, token = [], None
    while True:
        page = client.list_targets_by_rule(aws_retry=True, Rule=name, **({"NextToken": token} if token else {}))
        targets.extend(page.get("Targets", []))
        token = page.get("NextToken")
        if not token:
            return targets


@EventsErrorHandler.common_error_handler("read the tags of {arn}")
def list_tags(client, arn):
    return dict((t["Key"], t["Value"]) for t in client.list_tags_for_resource(aws_retry=True, ResourceARN=arn)["Tags"])


@EventsErrorHandler.common_error_handler("write rule {name}")
def put_rule(client, name, schedule_expression, description, state, tags=None):
    """PutRule (creates or updates); tags only apply on creation. Returns the rule ARN."""
    extra = {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else {}
    return client.put_rule(aws_retry=True, Name=name, ScheduleExpression=schedule_expression, Description=description,
                           State=state, **extra)["RuleArn"]


@EventsErrorHandler.common_error_handler("write the targets of rule {name}")
def put_targets(client, name, targets):
    answer = client.put_targets(aws_retry=True, Rule=name, Targets=targets)
    if answer.get("FailedEntryCount"):
        raise AnsibleEventsError(message="EventBridge refused targets of rule %s: %s" % (name, answer["FailedEntries"]))


@EventsErrorHandler.common_error_handler("remove targets {ids} of rule {name}")
def remove_targets(client, name, ids):
    client.remove_targets(aws_retry=True, Rule=name, Ids=list(ids))


@EventsErrorHandler.deletion_error_handler("delete rule {name}")
def delete_rule(client, name):
    client.delete_rule(aws_retry=True, Name=name)
    return True


@EventsErrorHandler.common_error_handler("tag {arn}")
def tag_resource(client, arn, tags):
    client.tag_resource(aws_retry=True, ResourceARN=arn, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])


@EventsErrorHandler.common_error_handler("untag {arn}")
def untag_resource(client, arn, keys):
    client.untag_resource(aws_retry=True, ResourceARN=arn, TagKeys=list(keys))
