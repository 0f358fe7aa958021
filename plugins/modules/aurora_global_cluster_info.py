#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: aurora_global_cluster_info
short_description: Read an Aurora global database's topology and how far one member lags
version_added: 0.1.0
description:
  - Describes an Aurora global cluster (C(DescribeGlobalClusters)) as its members, their regions
    and which one is the writer.
  - With O(db_cluster_identifier), also says whether that cluster is a member and the writer, and
    reads its replication lag from CloudWatch (the highest C(AuroraGlobalDBReplicationLag) or
    C(AuroraGlobalDBRPOLag) datapoint over O(lag_window) seconds).
  - Every call goes to the module's region, so the topology can be read from the DR region while
    the primary region does not answer.
  - Read-only; safe in check mode. The runbooks read the topology with this module before they
    decide to promote (M(payments.dr.aurora_global_failover) then writes).
author:
  - payments.dr maintainers (@payments-dr)
options:
  global_cluster_identifier:
    description: Identifier of the global cluster.
    required: true
    type: str
  db_cluster_identifier:
    description:
      - Identifier or ARN of a cluster to report on (an identifier is looked up in the module's region).
      - Unset, only the global cluster is described.
    type: str
  lag_window:
    description: Seconds of CloudWatch history the replication lag is read over.
    type: int
    default: 300
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Read the topology and the DR cluster's lag from the DR region
  payments.dr.aurora_global_cluster_info:
    region: us-east-2
    global_cluster_identifier: payments-aurora-global-prod
    db_cluster_identifier: payments-aurora-dr-prod
  register: aurora

- name: Refuse a switchover that would wait on a lagging secondary
  ansible.builtin.assert:
    that: aurora.replication_lag_seconds is none or aurora.replication_lag_seconds <= 1
"""

RETURN = r"""
exists:
  description: Whether the global cluster exists.
  returned: always
  type: bool
global_cluster:
  description: The global cluster (empty when it does not exist).
  returned: always
  type: dict
  contains:
    global_cluster_identifier:
      description: Identifier of the global cluster.
      type: str
    status:
      description: Status of the global cluster (C(available), C(failing-over), C(switching-over)...).
      type: str
    writer_cluster_arn:
      description: ARN of the member that takes writes (null when there is none, as mid-failover).
      type: str
    writer_region:
      description: Region of the writer.
      type: str
    members:
      description: Every member, with C(db_cluster_arn), C(db_cluster_identifier), C(region), C(is_writer).
      type: list
      elements: dict
in_transition:
  description: Whether a failover, switchover or modification of the global cluster is under way.
  returned: always
  type: bool
db_cluster_arn:
  description: ARN of O(db_cluster_identifier) (null when it is unset or does not exist).
  returned: always
  type: str
is_member:
  description: Whether O(db_cluster_identifier) is a member of the global cluster.
  returned: always
  type: bool
is_writer:
  description: Whether O(db_cluster_identifier) is the global cluster's writer.
  returned: always
  type: bool
replication_lag_seconds:
  description:
    - Highest replication lag of O(db_cluster_identifier) over O(lag_window) seconds, in seconds;
      null when no datapoint was found (a writer has none) or no cluster was given.
  returned: always
  type: float
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import aurora_global


def main():
    argument_spec = dict(
        global_cluster_identifier=dict(type="str", required=True),
        db_cluster_identifier=dict(type="str"),
        lag_window=dict(type="int", default=300),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    if params["lag_window"] < 60:
        module.fail_json(msg="lag_window must be at least 60 seconds (one CloudWatch period), got %d" % params["lag_window"])
    client = dr_retry.client(module, "rds", retry=aurora_global.RETRY)

    try:
        global_cluster = aurora_global.describe_global_cluster(client, params["global_cluster_identifier"])
        result = dict(changed=False, exists=global_cluster is not None, global_cluster=aurora_global.topology(global_cluster),
                      in_transition=(global_cluster or {}).get("Status") in aurora_global.TRANSITION_STATUSES,
                      db_cluster_arn=None, is_member=False, is_writer=False, replication_lag_seconds=None)

        identifier = params["db_cluster_identifier"]
        if identifier:
            arn = identifier if identifier.startswith("arn:") else (aurora_global.describe_db_cluster(client, identifier) or {}).get(
                "DBClusterArn")
            result.update(db_cluster_arn=arn, is_member=arn in aurora_global.member_arns(global_cluster),
                          is_writer=arn is not None and arn == aurora_global.writer_arn(global_cluster))
            if arn is not None and result["is_member"] and not result["is_writer"]:
                cloudwatch = dr_retry.client(module, "cloudwatch", retry=aurora_global.RETRY)
                result["replication_lag_seconds"] = aurora_global.replication_lag_seconds(
                    cloudwatch, aurora_global.arn_resource_id(arn), aurora_global.arn_region(aurora_global.writer_arn(global_cluster)),
                    params["lag_window"])
        module.exit_json(**result)
    except aurora_global.AnsibleAuroraError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
