#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: aurora_cluster_wait
short_description: Wait until an Aurora DB cluster and some of its instances are available
version_added: 0.1.0
description:
  - Polls C(DescribeDBClusters) and C(DescribeDBInstances) until the cluster and every instance in
    O(db_instance_identifiers) are C(available), for at most O(wait_timeout) seconds in all (one
    deadline for the cluster and its instances).
  - Written because the waiters of M(amazon.aws.rds_cluster) and M(amazon.aws.rds_instance) stop at
    their own fixed limits, whatever the playbook allows; with them at C(wait=false), this module is
    the wait, bounded by the caller's timeout. A timeout fails with what was awaited and the last
    statuses seen.
  - A cluster or instance not found yet is waited for (it may have just been created).
  - Read-only. In check mode it reads the statuses once and does not wait (what check mode did not
    create cannot become available).
author:
  - payments.dr maintainers (@payments-dr)
options:
  db_cluster_identifier:
    description: Identifier of the DB cluster, in the module's region.
    required: true
    type: str
  db_instance_identifiers:
    description: Instances (of that cluster) that must be available too.
    type: list
    elements: str
    default: []
  wait_timeout:
    description: Seconds to wait for all of them before failing.
    type: int
    default: 3600
  delay:
    description: Seconds between two reads.
    type: int
    default: 15
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: The primary cluster and its writer instance are available before a secondary joins
  payments.dr.aurora_cluster_wait:
    db_cluster_identifier: payments-aurora-primary-prod
    db_instance_identifiers: [payments-aurora-primary-prod-1]
    wait_timeout: 3600
"""

RETURN = r"""
available:
  description: Whether the cluster and every instance named are available (false only in check mode).
  returned: always
  type: bool
statuses:
  description: Status of the cluster and of each instance named, by identifier; C(null) for one not found.
  returned: always
  type: dict
  sample: {"payments-aurora-primary-prod": "available", "payments-aurora-primary-prod-1": "available"}
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import aurora_global
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_wait import module_wait


def read_statuses(client, cluster_id, instance_ids):
    """Identifier -> status (None when not found), the cluster first."""
    cluster = aurora_global.describe_db_cluster(client, cluster_id)
    statuses = {cluster_id: cluster.get("Status") if cluster else None}
    for instance_id in instance_ids:
        instance = aurora_global.describe_db_instance(client, instance_id)
        statuses[instance_id] = instance.get("DBInstanceStatus") if instance else None
    return statuses


def all_available(statuses):
    return all(status == "available" for status in statuses.values())


def describe_wait(cluster_id, instance_ids):
    what = "DB cluster %s" % cluster_id
    if instance_ids:
        what += " and DB instance(s) %s" % ", ".join(instance_ids)
    return what + " to be available"


def main():
    argument_spec = dict(
        db_cluster_identifier=dict(type="str", required=True),
        db_instance_identifiers=dict(type="list", elements="str", default=[]),
        wait_timeout=dict(type="int", default=3600),
        delay=dict(type="int", default=15),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    if params["wait_timeout"] < 0 or params["delay"] < 1:
        module.fail_json(msg="wait_timeout must be 0 or more and delay 1 or more")
    cluster_id, instance_ids = params["db_cluster_identifier"], params["db_instance_identifiers"]
    client = dr_retry.client(module, "rds", retry=aurora_global.RETRY)
    try:
        def fetch():
            return read_statuses(client, cluster_id, instance_ids)

        if module.check_mode:
            statuses = fetch()
        else:
            statuses = module_wait(module, fetch, all_available, describe_wait(cluster_id, instance_ids),
                                   delay=params["delay"])
        module.exit_json(changed=False, available=all_available(statuses), statuses=statuses)
    except aurora_global.AnsibleAuroraError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
