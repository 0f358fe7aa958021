#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: payment_probe
short_description: Send a synthetic payment through the payment API's DNS name and check where it was served and stored
version_added: 0.1.0
description:
  - Resolves the host of O(url) (optionally through a DNS-over-HTTPS JSON resolver, following CNAMEs),
    sends O(payment) as a C(POST) signed with Signature Version 4 (service C(execute-api)) with the
    module's AWS credentials, as the API's C(AWS_IAM) authorization requires, and reads the region that served it (the C(X-Served-Region) header
    the payment function sets, else the C(region) of the answer).
  - With O(expect_region), retries until the answer comes from that region (DNS following a failover)
    or O(timeout) passes.
  - With O(table_name), then queries that table in the module's region for the transaction, to prove
    the payment was stored there.
  - Never changes anything but the one synthetic payment it sends (which is idempotent by its key);
    in check mode it sends nothing.
author:
  - payments.dr maintainers (@payments-dr)
options:
  url:
    description: URL of C(POST /validate) through the API's DNS name.
    required: true
    type: str
  payment:
    description: The JSON body to send.
    required: true
    type: dict
  headers:
    description: Extra request headers (for example C(Idempotency-Key)).
    type: dict
    default: {}
  expect_region:
    description: Region the answer must come from; retried until it does.
    type: str
  expect_status:
    description: HTTP statuses that count as success.
    type: list
    elements: int
    default: [200, 201]
  timeout:
    description: Seconds to keep retrying.
    type: int
    default: 120
  delay:
    description: Seconds between attempts.
    type: float
    default: 2
  doh_url:
    description:
      - DNS-over-HTTPS resolver speaking the JSON API (C(application/dns-json)), used to resolve the URL's host
        following CNAMEs. Unset uses the system resolver.
    type: str
  connect_url:
    description:
      - Send the request to this base URL instead of the resolved host, keeping the resolved name in the
        C(Host) header (like curl's C(--connect-to)). For endpoints that serve many host names on one address.
    type: str
  table_name:
    description: Transactions table to read the payment back from, in the module's region.
    type: str
  sign:
    description:
      - Sign the request with SigV4 (service C(execute-api)) with the module's credentials
        (O(access_key), O(secret_key), O(session_token), O(profile) or the environment's).
      - C(false) sends it unsigned, which an API with C(AWS_IAM) authorization refuses (403 Missing Authentication Token).
    type: bool
    default: true
  signing_region:
    description:
      - Region the signature is scoped to, which must be the region of the API that serves the request
        (API Gateway refuses a signature scoped to another region).
      - Unset means O(expect_region) when given (the region DNS must reach), else the module's region.
    type: str
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: A synthetic payment must be served and stored in us-east-2
  payments.dr.payment_probe:
    region: us-east-2
    url: https://api.payments.example.com/validate
    payment: {amount: "1.00", currency: USD, customerId: cus_drprobe0001}
    headers: {Idempotency-Key: "drill-20261129T0400"}
    expect_region: us-east-2  # the request is signed for us-east-2 too
    table_name: payments-transactions-global-prod
"""

RETURN = r"""
status:
  description: HTTP status of the last answer.
  returned: always
  type: int
body:
  description: JSON body of the last answer.
  returned: always
  type: dict
served_region:
  description: Region that served the request (the C(X-Served-Region) answer header, else the body's C(region)).
  returned: always
  type: str
resolved:
  description: The chain of names the host resolved through.
  returned: always
  type: list
  elements: str
attempts:
  description: Requests sent.
  returned: always
  type: int
elapsed_seconds:
  description: Seconds from the first attempt to the accepted answer.
  returned: always
  type: float
stored:
  description: Whether the transaction was found in O(table_name) in the module's region.
  returned: when table_name is set
  type: bool
"""

import json
import time

try:
    import boto3
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
except ImportError:
    pass  # caught by AnsibleAWSModule

from ansible.module_utils.six.moves.urllib.parse import urlencode, urlsplit
from ansible.module_utils.urls import open_url

from ansible_collections.amazon.aws.plugins.module_utils.botocore import get_aws_connection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import dynamodb

CNAME = 5


def resolve_chain(doh_url, name, limit=8):
    """Follow CNAME records through a DNS-over-HTTPS JSON resolver; returns [name, target, ...]."""
    chain = [name]
    while len(chain) <= limit:
        answer = json.loads(open_url("%s?%s" % (doh_url, urlencode({"name": chain[-1], "type": "CNAME"})),
                                     headers={"Accept": "application/dns-json"}, timeout=10).read())
        targets = [a["data"].rstrip(".") for a in answer.get("Answer", []) if a.get("type") == CNAME]
        if not targets:
            break
        chain.append(targets[0])
    return chain


def signing_credentials(module):
    """The module's credentials (its options, its profile or the environment's), frozen for signing."""
    params = get_aws_connection_info(module)[2]
    session = boto3.session.Session(aws_access_key_id=params.get("aws_access_key_id"),
                                    aws_secret_access_key=params.get("aws_secret_access_key"),
                                    aws_session_token=params.get("aws_session_token"),
                                    profile_name=params.get("profile_name"))
    credentials = session.get_credentials()
    if credentials is None:
        module.fail_json(msg="no AWS credentials to sign the payment with: set access_key/secret_key, a profile or "
                             "the environment's credentials, or sign=false for an API without IAM authorization")
    return credentials.get_frozen_credentials()


def signed_headers(credentials, region, url, data, headers):
    """``headers`` plus SigV4's (Authorization, X-Amz-Date, X-Amz-Security-Token) for a POST of ``data``."""
    request = AWSRequest(method="POST", url=url, data=data, headers=headers)
    SigV4Auth(credentials, "execute-api", region).add_auth(request)
    return dict(request.headers.items())


def send(module, url, payment, headers, doh_url, connect_url, signer=None):
    parts = urlsplit(url)
    chain = resolve_chain(doh_url, parts.hostname) if doh_url else [parts.hostname]
    host = chain[-1]
    path = parts.path + ("?" + parts.query if parts.query else "")
    target = (connect_url.rstrip("/") if connect_url else "%s://%s" % (parts.scheme, host)) + path
    request_headers = dict(headers, **{"Content-Type": "application/json", "Host": host})
    data = json.dumps(payment).encode("utf-8")
    if signer is not None:  # signed for the name the request is addressed to (the Host header), not connect_url
        request_headers = signer("https://%s%s" % (host, path), data, request_headers)
    try:
        response = open_url(target, method="POST", data=data, headers=request_headers, timeout=30)
        status, raw, answer_headers = response.getcode(), response.read(), response.headers
    except Exception as e:  # pylint: disable=broad-except
        # HTTP errors carry a status, headers and body; connection errors (a region down) do not.
        status = getattr(e, "code", 0)
        raw = e.read() if hasattr(e, "read") else json.dumps({"error": str(e)}).encode()
        answer_headers = getattr(e, "headers", None) or {}
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        body = {"raw": raw.decode("utf-8", "replace")[:500]}
    body = body if isinstance(body, dict) else {"value": body}
    # A replayed payment answers with its original body (and its original region): the region that
    # served this request is in the X-Served-Region header.
    served = answer_headers.get("X-Served-Region") or body.get("region")
    return status, body, chain, served


def is_stored(module, table, transaction_id):
    client = dr_retry.client(module, "dynamodb", retry=dynamodb.RETRY)
    answer = dynamodb.query(client, table, "transaction %s" % transaction_id, "transactionId = :t",
                            {":t": {"S": transaction_id}}, limit=1)
    return answer.get("Count", 0) > 0


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            url=dict(type="str", required=True),
            payment=dict(type="dict", required=True),
            headers=dict(type="dict", default={}),
            expect_region=dict(type="str"),
            expect_status=dict(type="list", elements="int", default=[200, 201]),
            timeout=dict(type="int", default=120),
            delay=dict(type="float", default=2),
            doh_url=dict(type="str"),
            connect_url=dict(type="str"),
            table_name=dict(type="str"),
            sign=dict(type="bool", default=True),
            signing_region=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if module.check_mode:
        module.exit_json(changed=False, skipped_in_check_mode=True, status=0, body={}, served_region=None,
                         resolved=[], attempts=0, elapsed_seconds=0.0)

    signer = None
    if params["sign"]:
        credentials = signing_credentials(module)
        signing_region = params["signing_region"] or params["expect_region"] or module.region

        def signer(url, data, headers):
            return signed_headers(credentials, signing_region, url, data, headers)

    started = time.monotonic()
    deadline = started + params["timeout"]
    attempts = 0
    while True:
        attempts += 1
        status, body, chain, region = send(module, params["url"], params["payment"], params["headers"],
                                           params["doh_url"], params["connect_url"], signer)
        accepted = status in params["expect_status"] and (
            params["expect_region"] is None or region == params["expect_region"])
        if accepted or time.monotonic() >= deadline:
            break
        time.sleep(params["delay"])

    result = dict(changed=True, status=status, body=body, served_region=region, resolved=chain, attempts=attempts,
                  elapsed_seconds=round(time.monotonic() - started, 3))
    if not accepted:
        module.fail_json(msg="no accepted answer within %ss: last status %s from region %s (expected %s)"
                         % (params["timeout"], status, region, params["expect_region"] or "any"), **result)
    if params["table_name"]:
        transaction_id = body.get("transactionId")
        try:
            result["stored"] = bool(transaction_id) and is_stored(module, params["table_name"], transaction_id)
        except dynamodb.AnsibleDynamoDBError as e:
            module.fail_json_aws_error(e)
        if not result["stored"]:
            module.fail_json(msg="transaction %s was not found in %s in %s"
                             % (transaction_id, params["table_name"], module.region), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
