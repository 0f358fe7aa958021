# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Route 53 calls of the payments.dr modules (acm_certificate_request): one function per call.

Each raises AnsibleRoute53Error (module_utils/dr_errors.py says why); a missing hosted zone
(NoSuchHostedZone) is None, not an error. Route 53 is global: the client's region is us-east-1.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry("PriorRequestNotComplete")


class AnsibleRoute53Error(AnsibleAWSError):
    pass


class Route53ErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleRoute53Error
    _MISSING_CODES = ("NoSuchHostedZone",)


def _fqdn(name):
    return name.rstrip(".").lower() + "."


@Route53ErrorHandler.list_error_handler("get hosted zone {zone_id}")
def get_hosted_zone(client, zone_id):
    """The zone (HostedZone), or None when it does not exist."""
    return client.get_hosted_zone(aws_retry=True, Id=zone_id)["HostedZone"]


@Route53ErrorHandler.common_error_handler("read the {record_type} records {name} of zone {zone_id}")
def get_record_sets(client, zone_id, name, record_type):
    """The record sets named ``name`` of type ``record_type`` (every set identifier)."""
    answer = client.list_resource_record_sets(aws_retry=True, HostedZoneId=zone_id, StartRecordName=name,
                                              StartRecordType=record_type, MaxItems="100")
    return [record for record in answer.get("ResourceRecordSets", [])
            if _fqdn(record["Name"]) == _fqdn(name) and record["Type"] == record_type]


@Route53ErrorHandler.common_error_handler("change records of zone {zone_id}")
def change_record_sets(client, zone_id, changes, comment):
    """Apply ``changes`` (Route 53 Change list) in one batch; returns the change id."""
    return client.change_resource_record_sets(aws_retry=True, HostedZoneId=zone_id, ChangeBatch=dict(
        Comment=comment, Changes=changes))["ChangeInfo"]["Id"]


@Route53ErrorHandler.common_error_handler("list the records of zone {zone_id}")
@dr_retry.paginated
def list_record_sets(client, zone_id):
    """Every record set of the zone (all pages)."""
    pages = client.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id)
    return [record for page in pages for record in page.get("ResourceRecordSets", [])]
