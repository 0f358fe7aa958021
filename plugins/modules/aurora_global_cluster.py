#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: aurora_global_cluster
short_description: Create, modify or delete an Aurora global database (global cluster)
version_added: 0.1.0
description:
  - Creates an Aurora global cluster, either empty (a cluster created afterwards with
    C(GlobalClusterIdentifier) becomes its primary) or from an existing cluster that becomes its primary
    (O(source_db_cluster_identifier)).
  - On an existing global cluster only O(deletion_protection) and the tags are changed. O(engine),
    O(engine_version), O(storage_encrypted), O(database_name) and O(source_db_cluster_identifier) are
    creation settings - an O(engine) or O(storage_encrypted) that differs from the live cluster fails,
    the others are ignored.
  - O(state=absent) follows the order AWS requires - every member cluster is removed from the global
    cluster (secondaries first, the writer last, each removal awaited), then the global cluster is
    deleted. The member clusters are not deleted; they become standalone clusters.
  - Members and roles are always read from AWS, so the module is correct after a failover moved the writer.
  - Global cluster calls are served from any region; a member is removed through its own region.
author:
  - payments.dr maintainers (@payments-dr)
options:
  global_cluster_identifier:
    description: Identifier of the global cluster.
    required: true
    type: str
  state:
    description: Whether the global cluster should exist.
    default: present
    choices: ['present', 'absent']
    type: str
  engine:
    description:
      - Engine of the global cluster. Required to create one without O(source_db_cluster_identifier).
    choices: ['aurora-postgresql', 'aurora-mysql']
    type: str
  engine_version:
    description: Engine version at creation (default - the engine's default version). Ignored afterwards.
    type: str
  deletion_protection:
    description:
      - Whether the global cluster is protected from deletion. Unset leaves an existing cluster as it is
        (and creates one unprotected, the AWS default).
      - With O(state=absent), a protected global cluster is only deleted when this is V(false) (protection
        is then turned off first); otherwise the module fails before changing anything.
    type: bool
  storage_encrypted:
    description: Whether the storage is encrypted (creation only; a different live value fails).
    type: bool
  source_db_cluster_identifier:
    description:
      - Identifier or ARN of an existing cluster that becomes the primary of the new global cluster;
        an identifier is looked up in the module's region. The engine, version and encryption come
        from that cluster. Creation only.
    type: str
  database_name:
    description: Name of the default database of a new global cluster (creation only).
    type: str
  wait:
    description:
      - Wait until the global cluster is available after a create or modify, or gone after a delete.
      - Member removals of O(state=absent) are always awaited one by one, since AWS refuses to remove
        the writer while secondaries remain.
    default: true
    type: bool
  wait_timeout:
    description: Seconds to wait before failing.
    default: 1800
    type: int
notes:
  - Check mode and diff mode are supported.
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.tags, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: Empty, encrypted, protected global cluster (its first member becomes the primary)
  payments.dr.aurora_global_cluster:
    global_cluster_identifier: payments-aurora-global-prod
    engine: aurora-postgresql
    engine_version: "15.4"
    storage_encrypted: true
    deletion_protection: true
    tags:
      Project: PaymentProcessing

- name: Global cluster from an existing regional cluster
  payments.dr.aurora_global_cluster:
    region: us-east-1
    global_cluster_identifier: payments-aurora-global-prod
    source_db_cluster_identifier: payments-aurora-primary-prod

- name: Detach every member (secondaries first) and delete the global cluster
  payments.dr.aurora_global_cluster:
    global_cluster_identifier: payments-aurora-global-prod
    state: absent
    deletion_protection: false
"""

RETURN = r"""
global_cluster:
  description: The global cluster as it is after the module ran (empty when it does not exist).
  returned: always
  type: dict
  contains:
    global_cluster_identifier:
      description: Identifier of the global cluster.
      type: str
      returned: when it exists
      sample: payments-aurora-global-prod
    global_cluster_arn:
      description: ARN of the global cluster.
      type: str
      returned: when it exists
      sample: arn:aws:rds::123456789012:global-cluster:payments-aurora-global-prod
    status:
      description: Status of the global cluster.
      type: str
      returned: when it exists
      sample: available
    engine:
      description: Engine of the global cluster.
      type: str
      returned: when it exists
    engine_version:
      description: Engine version of the global cluster.
      type: str
      returned: when it exists
    database_name:
      description: Default database name given at creation.
      type: str
      returned: when it exists
    deletion_protection:
      description: Whether deletion protection is on.
      type: bool
      returned: when it exists
    storage_encrypted:
      description: Whether the storage is encrypted.
      type: bool
      returned: when it exists
    endpoint:
      description: Global writer endpoint (follows the writer across regions).
      type: str
      returned: when AWS returns it
    writer_cluster_arn:
      description: ARN of the member that takes writes (null while there is none).
      type: str
      returned: when it exists
    writer_region:
      description: Region of the writer.
      type: str
      returned: when it exists
      sample: us-east-1
    members:
      description: Member clusters.
      type: list
      elements: dict
      returned: when it exists
      contains:
        db_cluster_arn:
          description: ARN of the member cluster.
          type: str
        db_cluster_identifier:
          description: Identifier of the member cluster.
          type: str
        region:
          description: Region of the member cluster.
          type: str
        is_writer:
          description: Whether the member is the writer (primary).
          type: bool
        readers:
          description: ARNs of the secondaries replicating from this member (writer only).
          type: list
          elements: str
        synchronization_status:
          description: Synchronization status of the member, when AWS reports it.
          type: str
    failover_state:
      description: The switchover or failover under way, as AWS reports it (empty when none).
      type: dict
      returned: when it exists
    tags:
      description: Tags of the global cluster.
      type: dict
      returned: when it exists
removed_members:
  description: ARNs of the clusters removed from the global cluster, in the order they were removed.
  returned: when O(state=absent)
  type: list
  elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import (
    ansible_dict_to_boto3_tag_list,
    boto3_tag_list_to_ansible_dict,
    compare_aws_tags,
)
from ansible_collections.payments.dr.plugins.module_utils import aurora_global
from ansible_collections.payments.dr.plugins.module_utils.dr_wait import module_wait

BUSY_STATUSES = aurora_global.TRANSITION_STATUSES + ("creating", "upgrading", "updating")


# -- shapes --------------------------------------------------------------------------------------

def tags_of(global_cluster):
    return boto3_tag_list_to_ansible_dict((global_cluster or {}).get("TagList", []))


def describe_result(global_cluster):
    """The module's view of a global cluster: the shared topology plus what only this module reports."""
    if not global_cluster:
        return {}
    result = aurora_global.topology(global_cluster)
    result.update(
        database_name=global_cluster.get("DatabaseName"),
        endpoint=global_cluster.get("Endpoint"),
        tags=tags_of(global_cluster),
    )
    return result


def diff_view(global_cluster):
    """The settings shown in --diff (a stable subset, without volatile status fields)."""
    if not global_cluster:
        return {}
    return {
        "global_cluster_identifier": global_cluster.get("GlobalClusterIdentifier"),
        "engine": global_cluster.get("Engine"),
        "engine_version": global_cluster.get("EngineVersion"),
        "database_name": global_cluster.get("DatabaseName"),
        "storage_encrypted": global_cluster.get("StorageEncrypted"),
        "deletion_protection": global_cluster.get("DeletionProtection"),
        "members": aurora_global.member_arns(global_cluster),
        "tags": tags_of(global_cluster),
    }


def removal_order(global_cluster):
    """Member ARNs in the order AWS accepts their removal: secondaries first, the writer last."""
    members = (global_cluster or {}).get("GlobalClusterMembers", [])
    return [m["DBClusterArn"] for m in sorted(members, key=lambda m: bool(m.get("IsWriter")))]


# -- waits ---------------------------------------------------------------------------------------

def wait_until(module, fetch, ready, description):
    return module_wait(module, fetch, ready, description, delay=5)


def wait_available(client, module, identifier):
    return wait_until(module, lambda: aurora_global.describe_global_cluster(client, identifier),
                      lambda gc: gc is not None and gc.get("Status") == "available",
                      "global cluster %s to be available" % identifier)


def wait_not_busy(client, module, identifier, global_cluster):
    """Let an operation already under way (creating, failing over, ...) finish before acting."""
    if global_cluster is None or global_cluster.get("Status") not in BUSY_STATUSES:
        return global_cluster
    return wait_until(module, lambda: aurora_global.describe_global_cluster(client, identifier),
                      lambda gc: gc is None or gc.get("Status") not in BUSY_STATUSES,
                      "global cluster %s to finish its current operation" % identifier)


# -- states --------------------------------------------------------------------------------------

def resolve_source_arn(client, module, identifier):
    if identifier.startswith("arn:"):
        return identifier
    cluster = aurora_global.describe_db_cluster(client, identifier)
    if cluster is None:
        module.fail_json(msg="source_db_cluster_identifier %s was not found in %s" % (identifier, module.region))
    return cluster["DBClusterArn"]


def create_request(client, module):
    params = module.params
    request = {"GlobalClusterIdentifier": params["global_cluster_identifier"]}
    if params["source_db_cluster_identifier"]:
        request["SourceDBClusterIdentifier"] = resolve_source_arn(client, module, params["source_db_cluster_identifier"])
    else:
        if not params["engine"]:
            module.fail_json(msg="engine is required to create global cluster %s without source_db_cluster_identifier"
                             % params["global_cluster_identifier"])
        request["Engine"] = params["engine"]
        for option, key in (("engine_version", "EngineVersion"), ("storage_encrypted", "StorageEncrypted"),
                            ("database_name", "DatabaseName")):
            if params[option] is not None:
                request[key] = params[option]
    if params["deletion_protection"] is not None:
        request["DeletionProtection"] = params["deletion_protection"]
    if params["tags"]:
        request["Tags"] = ansible_dict_to_boto3_tag_list(params["tags"])
    return request


def predicted(request):
    """What a create is expected to give, for --diff (members come from the source cluster, if any)."""
    return {
        "global_cluster_identifier": request["GlobalClusterIdentifier"],
        "engine": request.get("Engine"),
        "engine_version": request.get("EngineVersion"),
        "database_name": request.get("DatabaseName"),
        "storage_encrypted": request.get("StorageEncrypted"),
        "deletion_protection": request.get("DeletionProtection", False),
        "members": [request["SourceDBClusterIdentifier"]] if "SourceDBClusterIdentifier" in request else [],
        "tags": boto3_tag_list_to_ansible_dict(request.get("Tags", [])),
    }


def check_immutable(module, global_cluster):
    """Fail when a creation-only setting that cannot be changed differs from the live cluster."""
    params, identifier = module.params, module.params["global_cluster_identifier"]
    if params["engine"] and params["engine"] != global_cluster.get("Engine"):
        module.fail_json(msg="global cluster %s exists with engine %s, not %s; the engine cannot be changed"
                         % (identifier, global_cluster.get("Engine"), params["engine"]))
    if params["storage_encrypted"] is not None and params["storage_encrypted"] != bool(
            global_cluster.get("StorageEncrypted")):
        module.fail_json(msg="global cluster %s exists with storage_encrypted=%s; it cannot be changed to %s"
                         % (identifier, bool(global_cluster.get("StorageEncrypted")), params["storage_encrypted"]))


def ensure_present(client, module, global_cluster):
    params, identifier = module.params, module.params["global_cluster_identifier"]
    if global_cluster is None:
        request = create_request(client, module)
        diff = {"before": {}, "after": predicted(request)}
        if module.check_mode:
            return True, {}, diff
        aurora_global.create_global_cluster(client, request)
        created = wait_available(client, module, identifier) if params["wait"] else None
        return True, created or aurora_global.describe_global_cluster(client, identifier), diff

    check_immutable(module, global_cluster)
    protection = params["deletion_protection"]
    modify = protection is not None and protection != bool(global_cluster.get("DeletionProtection"))
    tags_to_add, tags_to_remove = {}, []
    if params["tags"] is not None:
        tags_to_add, tags_to_remove = compare_aws_tags(tags_of(global_cluster), params["tags"], params["purge_tags"])

    before = diff_view(global_cluster)
    after = dict(before)
    if modify:
        after["deletion_protection"] = protection
    if tags_to_add or tags_to_remove:
        after["tags"] = dict((k, v) for k, v in dict(before["tags"], **tags_to_add).items() if k not in tags_to_remove)
    changed = before != after
    diff = {"before": before, "after": after}
    if not changed or module.check_mode:
        return changed, global_cluster, diff

    arn = global_cluster["GlobalClusterArn"]
    if modify:
        aurora_global.modify_global_cluster(client, identifier, protection)
    if tags_to_remove:
        aurora_global.remove_tags(client, arn, tags_to_remove)
    if tags_to_add:
        aurora_global.add_tags(client, arn, tags_to_add)
    if modify and params["wait"]:
        return changed, wait_available(client, module, identifier), diff
    return changed, aurora_global.describe_global_cluster(client, identifier), diff


def ensure_absent(client, module, global_cluster):
    params, identifier = module.params, module.params["global_cluster_identifier"]
    if global_cluster is None:
        return False, [], {"before": {}, "after": {}}
    protected = bool(global_cluster.get("DeletionProtection"))
    if protected and params["deletion_protection"] is not False:
        module.fail_json(msg="global cluster %s has deletion protection; pass deletion_protection=false with "
                         "state=absent to turn it off and delete it" % identifier)
    order = removal_order(global_cluster)
    diff = {"before": diff_view(global_cluster), "after": {}}
    if module.check_mode:
        return True, order, diff

    if protected:
        aurora_global.modify_global_cluster(client, identifier, False)
        wait_available(client, module, identifier)
    for member_arn in order:
        member_client = dr_retry.client(module, "rds", retry=aurora_global.RETRY, region=aurora_global.arn_region(member_arn))
        aurora_global.remove_from_global_cluster(member_client, identifier, member_arn)
        wait_until(module, lambda: aurora_global.describe_global_cluster(client, identifier),
                   lambda gc, arn=member_arn: gc is None or arn not in aurora_global.member_arns(gc),
                   "%s to leave global cluster %s" % (member_arn, identifier))
    aurora_global.delete_global_cluster(client, identifier)
    if params["wait"]:
        wait_until(module, lambda: aurora_global.describe_global_cluster(client, identifier),
                   lambda gc: gc is None, "global cluster %s to be deleted" % identifier)
    return True, order, diff


def main():
    argument_spec = dict(
        global_cluster_identifier=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        engine=dict(type="str", choices=["aurora-postgresql", "aurora-mysql"]),
        engine_version=dict(type="str"),
        deletion_protection=dict(type="bool"),
        storage_encrypted=dict(type="bool"),
        source_db_cluster_identifier=dict(type="str"),
        database_name=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        mutually_exclusive=[
            # AWS takes these from the source cluster and refuses them beside it.
            ["source_db_cluster_identifier", "engine"],
            ["source_db_cluster_identifier", "engine_version"],
            ["source_db_cluster_identifier", "storage_encrypted"],
            ["source_db_cluster_identifier", "database_name"],
        ],
        supports_check_mode=True,
    )
    identifier = module.params["global_cluster_identifier"]
    client = dr_retry.client(module, "rds", retry=aurora_global.RETRY)

    try:
        global_cluster = aurora_global.describe_global_cluster(client, identifier)
        if module.params["wait"]:
            global_cluster = wait_not_busy(client, module, identifier, global_cluster)

        if module.params["state"] == "absent":
            changed, removed, diff = ensure_absent(client, module, global_cluster)
            final = global_cluster if module.check_mode else aurora_global.describe_global_cluster(client, identifier)
            module.exit_json(changed=changed, global_cluster=describe_result(final), removed_members=removed, diff=diff)

        changed, final, diff = ensure_present(client, module, global_cluster)
        module.exit_json(changed=changed, global_cluster=describe_result(final), diff=diff)
    except aurora_global.AnsibleAuroraError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    main()
