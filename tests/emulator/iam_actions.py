"""The IAM action a request needs, as IAM names it.

For query and JSON protocols the request names its operation (``Action=``, ``X-Amz-Target``); REST
services (Lambda, API Gateway, Route 53, S3, Backup...) are matched against botocore's model of the
service: the operation whose HTTP method and request URI (with the query keys it requires) fit the
request, the most specific one winning. The operation then becomes the IAM action of the Service
Authorization Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/):

- the IAM prefix of the service (``monitoring`` signs CloudWatch's requests, IAM says ``cloudwatch``);
- most operations keep their name; S3's differ (``ListObjectsV2`` needs ``s3:ListBucket``,
  ``GetBucketEncryption`` ``s3:GetEncryptionConfiguration``...), listed in ``S3_ACTIONS``;
- API Gateway's control plane is authorized by HTTP method: ``apigateway:GET``, ``apigateway:POST``,
  ``apigateway:PUT``, ``apigateway:PATCH``, ``apigateway:DELETE``
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-iam-policy-examples.html).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from .request_info import AwsCall

# Signing name -> IAM service prefix, where they differ.
IAM_PREFIXES = {"monitoring": "cloudwatch", "tagging": "tag", "email": "ses", "execute-api": "execute-api"}
# Signing name -> botocore service name, where they differ.
BOTOCORE_NAMES = {"monitoring": "cloudwatch", "tagging": "resourcegroupstaggingapi", "email": "ses",
                  "states": "stepfunctions"}
# S3 operations whose IAM action has another name (Service Authorization Reference, Amazon S3).
S3_ACTIONS = {
    "ListBuckets": "ListAllMyBuckets", "ListObjects": "ListBucket", "ListObjectsV2": "ListBucket", "HeadBucket": "ListBucket",
    "ListObjectVersions": "ListBucketVersions", "HeadObject": "GetObject", "DeleteObjects": "DeleteObject",
    "GetBucketEncryption": "GetEncryptionConfiguration", "PutBucketEncryption": "PutEncryptionConfiguration",
    "DeleteBucketEncryption": "PutEncryptionConfiguration",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock", "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetBucketReplication": "GetReplicationConfiguration", "PutBucketReplication": "PutReplicationConfiguration",
    "DeleteBucketReplication": "PutReplicationConfiguration",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration", "GetBucketLifecycle": "GetLifecycleConfiguration",
    "PutBucketLifecycle": "PutLifecycleConfiguration", "GetBucketInventoryConfiguration": "GetInventoryConfiguration",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration", "DeleteBucketLifecycle": "PutLifecycleConfiguration",
    "DeleteBucketTagging": "PutBucketTagging", "GetBucketCors": "GetBucketCORS", "PutBucketCors": "PutBucketCORS",
    "GetObjectLockConfiguration": "GetBucketObjectLockConfiguration",
    "GetBucketNotificationConfiguration": "GetBucketNotification",
    "PutBucketNotificationConfiguration": "PutBucketNotification",
    "GetBucketAccelerateConfiguration": "GetAccelerateConfiguration",
    "DeleteBucketOwnershipControls": "PutBucketOwnershipControls",
    "GetObjectAttributes": "GetObject", "CopyObject": "PutObject", "ListMultipartUploads": "ListBucketMultipartUploads",
    "CreateMultipartUpload": "PutObject", "UploadPart": "PutObject", "CompleteMultipartUpload": "PutObject",
    "ListBucketInventoryConfigurations": "GetInventoryConfiguration",
    "ListBucketAnalyticsConfigurations": "GetAnalyticsConfiguration",
    "ListBucketMetricsConfigurations": "GetMetricsConfiguration",
    "ListBucketIntelligentTieringConfigurations": "GetIntelligentTieringConfiguration",
}
# Calls no IAM policy governs (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
ALWAYS_ALLOWED = {"sts:GetCallerIdentity"}


@functools.lru_cache(maxsize=None)
def _routes(service: str) -> list[tuple[str, re.Pattern, frozenset, int, str]]:
    """(method, path pattern, required query keys, specificity, operation) of a REST service."""
    import botocore.session

    model = botocore.session.get_session().get_service_model(BOTOCORE_NAMES.get(service, service))
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        uri, _, query = http["requestUri"].partition("?")
        parts = []
        for piece in re.split(r"(\{[^}]+\})", uri):
            if piece.startswith("{"):
                parts.append(".+" if piece.endswith("+}") else "[^/]+")
            else:
                parts.append(re.escape(piece))
        pattern = re.compile("^" + "".join(parts).rstrip("/") + "/?$")
        keys = frozenset(k.split("=", 1)[0] for k in query.split("&") if k)
        literal = len(re.sub(r"\{[^}]+\}", "", uri))
        routes.append((http["method"], pattern, keys, literal * 10 + len(keys), name))
    return routes


def operation(call: AwsCall) -> str | None:
    """The botocore operation of ``call``, or None when the model has no match."""
    if call.action:
        return call.action
    if not call.service:
        return None
    path = call.path
    if call.service == "s3":  # virtual-hosted style names the bucket in the host
        host = call.headers.get("host", "").split(":", 1)[0]
        if host.endswith(".amazonaws.com") and not host.startswith("s3"):
            path = "/" + host.split(".", 1)[0] + path
    try:
        routes = _routes(call.service)
    except Exception:  # noqa: BLE001 - a service botocore does not know
        return None
    best = None
    for method, pattern, keys, rank, name in routes:
        if method == call.method and pattern.match(path.rstrip("/") or "/") and keys <= set(call.query):
            if best is None or rank > best[0]:
                best = (rank, name)
    return best[1] if best else None


def iam_action(call: AwsCall) -> str | None:
    """``prefix:Action`` the request needs, or None when it cannot be told."""
    if not call.service:
        return None
    prefix = IAM_PREFIXES.get(call.service, call.service)
    if call.service == "apigateway":
        return f"apigateway:{call.method}"
    name = operation(call)
    if name is None:
        return None
    if call.service == "s3":
        if name == "DeleteObject" and "versionId" in call.query:
            return "s3:DeleteObjectVersion"
        if name == "GetObject" and "versionId" in call.query:
            return "s3:GetObjectVersion"
        name = S3_ACTIONS.get(name, name)
    return f"{prefix}:{name}"


def matches(pattern: str, value: str, ignore_case: bool = True) -> bool:
    """IAM's wildcard matching (``*``, ``?``): actions ignore case, resources (``ignore_case=False``) do not."""
    regex = "^" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + "$"
    return re.match(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def iam_resource(call: AwsCall, account_id: str) -> str | None:
    """The ARN an IAM request acts on (role, instance profile or managed policy), when it names one."""
    if call.service != "iam":
        return None
    # The resource is the role (or instance profile) acted on; a managed policy only when no role is
    # named (AttachRolePolicy's PolicyArn is a condition key, iam:PolicyARN, not its resource).
    for parameter, kind in (("RoleName", "role"), ("InstanceProfileName", "instance-profile")):
        if call.param(parameter):
            return f"arn:aws:iam::{account_id}:{kind}/{call.param(parameter)}"
    if call.param("PolicyArn"):
        return call.param("PolicyArn")
    if call.param("PolicyName") and not call.param("UserName") and not call.param("GroupName"):
        return f"arn:aws:iam::{account_id}:policy/{call.param('PolicyName')}"
    return None


def statement_list(document: Any) -> list[dict]:
    statements = document.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]
