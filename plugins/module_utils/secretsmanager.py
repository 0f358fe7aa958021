# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Secrets Manager calls of the payments.dr modules (secretsmanager_secret_replica): one
function per call.

Each raises AnsibleSecretsManagerError (module_utils/dr_errors.py says why); a missing secret is
None, not an error. Retries: one layer, chosen by dr_retry.client (RETRY adds Secrets Manager's
internal error to the throttling codes; ``aws_retry=True`` on every call).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry("InternalServiceError")


class AnsibleSecretsManagerError(AnsibleAWSError):
    pass


class SecretsManagerErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleSecretsManagerError
    _MISSING_CODES = ("ResourceNotFoundException",)


# --- secrets and their replicas ------------------------------------------------------------------

@SecretsManagerErrorHandler.list_error_handler("describe secret {secret_id}")
def describe_secret(client, secret_id):
    """DescribeSecret's answer, or None when the secret does not exist."""
    return client.describe_secret(aws_retry=True, SecretId=secret_id)


@SecretsManagerErrorHandler.common_error_handler("replicate secret {secret_id} into {region}")
def replicate_secret_to_region(client, secret_id, region, kms_key_id=None):
    replica = {"Region": region}
    if kms_key_id:
        replica["KmsKeyId"] = kms_key_id
    return client.replicate_secret_to_regions(aws_retry=True, SecretId=secret_id, AddReplicaRegions=[replica])


@SecretsManagerErrorHandler.common_error_handler("remove the {region} replica of secret {secret_id}")
def remove_region_from_replication(client, secret_id, region):
    return client.remove_regions_from_replication(aws_retry=True, SecretId=secret_id, RemoveReplicaRegions=[region])
