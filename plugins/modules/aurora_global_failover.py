#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: aurora_global_failover
short_description: Move the writer of an Aurora global database to another region
version_added: 0.1.0
description:
  - Promotes a secondary cluster of an Aurora global database to be its writer.
  - O(mode=switchover) is the planned path (C(SwitchoverGlobalCluster)) - Aurora first
    synchronises the secondary, so no committed write is lost (RPO 0). Every member must be healthy.
  - O(mode=failover) is the unplanned path (C(FailoverGlobalCluster) with C(AllowDataLoss)) for a
    primary region that is lost - writes not yet replicated are lost; the replication lag read
    just before is returned as the RPO estimate.
  - O(mode=detach_and_promote) is the last resort when the global cluster cannot be used -
    C(RemoveFromGlobalCluster) turns the target into a standalone writable cluster.
  - Every call goes to the region of the module (the target's region), so the unplanned path
    works while the old primary region does not answer.
  - Idempotent - when the target already is the writer (or already standalone for
    O(mode=detach_and_promote)) nothing is called.
author:
  - payments.dr maintainers (@payments-dr)
options:
  global_cluster_identifier:
    description: Identifier of the global cluster.
    required: true
    type: str
  target_db_cluster_identifier:
    description:
      - Identifier or ARN of the cluster to promote. An identifier is looked up in the module's region.
    required: true
    type: str
  mode:
    description: How to promote the target, see the description.
    required: true
    choices: ['switchover', 'failover', 'detach_and_promote']
    type: str
  max_replication_lag:
    description:
      - For O(mode=switchover), refuse to start when the target's replication lag (seconds, the
        highest of C(AuroraGlobalDBReplicationLag) and C(AuroraGlobalDBRPOLag) over the last
        O(lag_window) seconds) is above this value, or when CloudWatch has no lag datapoint for it in
        that window (the guard fails closed). Unset means no check.
    type: float
  lag_window:
    description: How many seconds of lag metrics to read before acting.
    default: 300
    type: int
  wait:
    description: Wait until the target is the writer and the global cluster is available again.
    default: true
    type: bool
  wait_timeout:
    description: Seconds to wait before failing.
    default: 1800
    type: int
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Planned switchover to the DR region (no data loss)
  payments.dr.aurora_global_failover:
    region: us-east-2
    global_cluster_identifier: payments-aurora-global-prod
    target_db_cluster_identifier: payments-aurora-dr-prod
    mode: switchover
    max_replication_lag: 1

- name: Unplanned failover while us-east-1 is down (talks only to us-east-2)
  payments.dr.aurora_global_failover:
    region: us-east-2
    global_cluster_identifier: payments-aurora-global-prod
    target_db_cluster_identifier: payments-aurora-dr-prod
    mode: failover
  register: failover

- name: Report the RPO estimate
  ansible.builtin.debug:
    msg: "Writes in the last {{ failover.replication_lag_seconds }} s before the failover may be lost"
"""

RETURN = r"""
global_cluster:
  description: The global cluster after the operation (empty after detach_and_promote removed the last member).
  returned: always
  type: dict
  contains:
    global_cluster_identifier:
      description: Identifier of the global cluster.
      type: str
      returned: when it exists
    status:
      description: Status of the global cluster.
      type: str
      returned: when it exists
    writer_cluster_arn:
      description: ARN of the member that takes writes.
      type: str
      returned: when it exists
    writer_region:
      description: Region of the writer.
      type: str
      returned: when it exists
    members:
      description: Members with C(db_cluster_arn), C(db_cluster_identifier), C(region), C(is_writer), C(readers).
      type: list
      elements: dict
      returned: when it exists
target_db_cluster_arn:
  description: ARN of the promoted cluster.
  returned: always
  type: str
previous_writer_arn:
  description: ARN of the writer before the operation (null when there was none).
  returned: always
  type: str
replication_lag_seconds:
  description:
    - Highest replication lag of the target over O(lag_window) seconds before the operation, in seconds;
      null when no datapoint was found. For O(mode=failover) it is the RPO estimate.
  returned: always
  type: float
elapsed_seconds:
  description: Seconds from the promote call until the target was the writer (0 when nothing was done).
  returned: always
  type: float
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import aurora_global
from ansible_collections.payments.dr.plugins.module_utils.dr_wait import module_wait


def resolve_target_arn(client, module, identifier):
    if identifier.startswith("arn:"):
        return identifier
    cluster = aurora_global.describe_db_cluster(client, identifier)
    if cluster is None:
        module.fail_json(msg="target_db_cluster_identifier %s was not found in %s" % (identifier, module.region))
    return cluster["DBClusterArn"]


def start_promotion(client, global_id, target_arn, mode):
    if mode == "switchover":
        aurora_global.switchover_global_cluster(client, global_id, target_arn)
    elif mode == "failover":
        aurora_global.failover_global_cluster(client, global_id, target_arn)
    else:
        aurora_global.remove_from_global_cluster(client, global_id, target_arn)


def lag_refusal(mode, lag, limit, target_arn, source_region, window):
    """Why a switchover must not start, or None. The guard fails closed: no lag datapoint proves
    nothing about how far behind the target is, so it refuses as a lag above the limit does."""
    if mode != "switchover" or limit is None:
        return None
    if lag is None:
        return ("no AuroraGlobalDBReplicationLag or AuroraGlobalDBRPOLag datapoint for %s (SourceRegion %s) in the last %d s: "
                "its lag cannot be shown to be within max_replication_lag %.3f s; refusing the switchover"
                % (target_arn, source_region, window, limit))
    if lag > limit:
        return ("replication lag of %s is %.3f s, above max_replication_lag %.3f s; refusing the switchover"
                % (target_arn, lag, limit))
    return None


def promoted(global_id, target_arn, mode, client, module):
    """A fetch/ready pair telling when the promotion has completed."""
    if mode == "detach_and_promote":
        def fetch():
            cluster = aurora_global.describe_db_cluster(client, target_arn)
            members = aurora_global.member_arns(aurora_global.describe_global_cluster(client, global_id))
            return {"status": (cluster or {}).get("Status"), "member": target_arn in members}

        return fetch, lambda state: state["status"] == "available" and not state["member"]

    def fetch():
        return aurora_global.describe_global_cluster(client, global_id)

    return fetch, lambda gc: gc is not None and gc.get("Status") == "available" and aurora_global.writer_arn(gc) == target_arn


def main():
    argument_spec = dict(
        global_cluster_identifier=dict(type="str", required=True),
        target_db_cluster_identifier=dict(type="str", required=True),
        mode=dict(type="str", required=True, choices=["switchover", "failover", "detach_and_promote"]),
        max_replication_lag=dict(type="float"),
        lag_window=dict(type="int", default=300),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    global_id, mode = params["global_cluster_identifier"], params["mode"]
    client = dr_retry.client(module, "rds", retry=aurora_global.RETRY)
    cloudwatch = dr_retry.client(module, "cloudwatch", retry=aurora_global.RETRY)

    try:
        target_arn = resolve_target_arn(client, module, params["target_db_cluster_identifier"])
        fetch, ready = promoted(global_id, target_arn, mode, client, module)
        global_cluster = aurora_global.describe_global_cluster(client, global_id)
        result = dict(changed=False, target_db_cluster_arn=target_arn, previous_writer_arn=aurora_global.writer_arn(global_cluster),
                      replication_lag_seconds=None, elapsed_seconds=0.0)

        # An operation already under way (a rerun after an interrupted runbook): let it finish first.
        if global_cluster and global_cluster.get("Status") in aurora_global.TRANSITION_STATUSES and params["wait"]:
            global_cluster = wait_until(module, lambda: aurora_global.describe_global_cluster(client, global_id),
                                        lambda gc: gc is None or gc.get("Status") not in aurora_global.TRANSITION_STATUSES,
                                        "global cluster %s to finish its current operation" % global_id)

        if ready(fetch()):
            module.exit_json(global_cluster=aurora_global.topology(global_cluster), **result)
        if global_cluster is None:
            module.fail_json(msg="global cluster %s was not found in %s" % (global_id, module.region))
        if target_arn not in aurora_global.member_arns(global_cluster):
            module.fail_json(msg="%s is not a member of global cluster %s (members: %s)"
                             % (target_arn, global_id, ", ".join(aurora_global.member_arns(global_cluster))))

        source_region = aurora_global.arn_region(aurora_global.writer_arn(global_cluster))
        lag = aurora_global.replication_lag_seconds(cloudwatch, aurora_global.arn_resource_id(target_arn), source_region,
                                                    params["lag_window"])
        result["replication_lag_seconds"] = lag
        refusal = lag_refusal(mode, lag, params["max_replication_lag"], target_arn, source_region, params["lag_window"])
        if refusal:
            module.fail_json(msg=refusal, **result)

        result["changed"] = True
        if module.check_mode:
            module.exit_json(global_cluster=aurora_global.topology(global_cluster), **result)

        started = time.monotonic()
        start_promotion(client, global_id, target_arn, mode)
        if params["wait"]:
            wait_until(module, fetch, ready, "%s of %s to %s" % (mode, global_id, target_arn))
        result["elapsed_seconds"] = round(time.monotonic() - started, 3)
        module.exit_json(global_cluster=aurora_global.topology(aurora_global.describe_global_cluster(client, global_id)), **result)
    except aurora_global.AnsibleAuroraError as e:
        module.fail_json_aws_error(e)


def wait_until(module, fetch, ready, description):
    return module_wait(module, fetch, ready, description, delay=2)


if __name__ == "__main__":
    main()
