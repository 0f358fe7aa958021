# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The S3 calls of the payments.dr modules (s3_bucket_replication): one function per call.

Each raises AnsibleS3Error (module_utils/dr_errors.py says why). A bucket without a replication
configuration (NOT_CONFIGURED) is not an error: reading it is None, deleting it is False; a
missing bucket reads as False. Retries: one layer, chosen by dr_retry.client with RETRY
(``aws_retry=True`` on every call).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils.dr_errors import DRErrorHandler

RETRY = dr_retry.aws_retry()
NOT_CONFIGURED = "ReplicationConfigurationNotFoundError"


class AnsibleS3Error(AnsibleAWSError):
    pass


class S3ErrorHandler(DRErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleS3Error
    _MISSING_CODES = (NOT_CONFIGURED,)


# --- replication ---------------------------------------------------------------------------------

@S3ErrorHandler.list_error_handler("get the replication configuration of {bucket}")
def get_bucket_replication(client, bucket):
    """The ReplicationConfiguration dict, None when the bucket has none, or False when the bucket is missing."""
    try:
        return client.get_bucket_replication(aws_retry=True, Bucket=bucket)["ReplicationConfiguration"]
    except is_boto3_error_code("NoSuchBucket"):
        return False


@S3ErrorHandler.common_error_handler("put the replication configuration of {bucket}")
def put_bucket_replication(client, bucket, configuration):
    client.put_bucket_replication(aws_retry=True, Bucket=bucket, ReplicationConfiguration=configuration)


@S3ErrorHandler.deletion_error_handler("delete the replication configuration of {bucket}")
def delete_bucket_replication(client, bucket):
    """True, or False when the bucket had no replication configuration."""
    client.delete_bucket_replication(aws_retry=True, Bucket=bucket)
    return True
