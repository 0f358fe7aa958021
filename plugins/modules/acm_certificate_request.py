#!/usr/bin/python
# -*- coding: utf-8 -*-

# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: acm_certificate_request
short_description: Request an ACM certificate and validate it through a Route 53 hosted zone
version_added: 0.2.0
description:
  - Requests a public ACM certificate (C(RequestCertificate), DNS validation) in the module's region,
    publishes each name's validation CNAME in O(hosted_zone_id), and waits until ACM reports it
    C(ISSUED). M(amazon.aws.acm_certificate) only imports certificates; this module asks ACM for one.
  - The certificate is found again by its C(Name) tag (O(name_tag)) and its domain name, as
    M(amazon.aws.acm_certificate) finds its own; a second run changes nothing. A certificate found with
    other subject alternative names is an error, not replaced (it may be in use).
  - ACM gives each domain name one validation record per account, the same for every certificate of that
    name in every region (ACM User Guide, "DNS validation"), so the two regions' certificates of one name
    share it. Records are written with C(UPSERT) and only when they differ.
  - Certificates are regional. API Gateway regional custom domains, load balancers and the like need a
    certificate of their own region; CloudFront needs one in us-east-1.
  - With O(state=absent) the certificate is deleted; ACM refuses while a service still uses it, and the
    error names the users. O(remove_validation_records=true) also deletes the validation records - only
    when no certificate of the name remains in any region, since ACM renews through them.
author:
  - payments.dr maintainers (@payments-dr)
options:
  domain_name:
    description: Fully qualified domain name the certificate is for (a leading C(*.) asks for a wildcard).
    required: true
    type: str
  subject_alternative_names:
    description: Further names the certificate covers.
    type: list
    elements: str
    default: []
  name_tag:
    description: Value of the certificate's C(Name) tag, by which the module finds it again.
    required: true
    type: str
  hosted_zone_id:
    description:
      - Public Route 53 hosted zone that holds the names, where the validation records go.
      - Required with O(state=present). With O(state=absent), used only by O(remove_validation_records).
    type: str
  remove_validation_records:
    description: With O(state=absent), also delete the certificate's validation records from O(hosted_zone_id).
    type: bool
    default: false
  wait:
    description: Wait until the certificate is C(ISSUED).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the validation records to appear and the certificate to be issued.
      - ACM validates within minutes once the records resolve publicly; a zone that is not delegated from
        its parent never validates.
    type: int
    default: 1800
  state:
    description: Whether the certificate should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment: [amazon.aws.common.modules, amazon.aws.region.modules, amazon.aws.tags, amazon.aws.boto3]
"""

EXAMPLES = r"""
- name: A certificate for the payment API's name in us-east-2, validated through the stack's zone
  payments.dr.acm_certificate_request:
    region: us-east-2
    domain_name: api.payments.example.com
    name_tag: payments-api-dr-prod
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    tags:
      Environment: prod
  register: api_certificate

- name: Delete it, and its validation record once no region has a certificate for the name
  payments.dr.acm_certificate_request:
    region: us-east-2
    domain_name: api.payments.example.com
    name_tag: payments-api-dr-prod
    hosted_zone_id: Z0123456789ABCDEFGHIJ
    remove_validation_records: true
    state: absent
"""

RETURN = r"""
certificate:
  description: The certificate after the run (empty when absent, or when check mode would request it).
  returned: always
  type: dict
  contains:
    arn:
      description: Certificate ARN.
      type: str
      sample: arn:aws:acm:us-east-2:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b
    status:
      description: ACM status (C(ISSUED) once validated when O(wait=true)).
      type: str
      sample: ISSUED
    domain_name:
      description: The certificate's domain name.
      type: str
    subject_alternative_names:
      description: Every name the certificate covers, its domain name included.
      type: list
      elements: str
    in_use_by:
      description: ARNs of the AWS resources using the certificate.
      type: list
      elements: str
    tags:
      description: The certificate's tags.
      type: dict
validation_records:
  description: The validation CNAMEs of the certificate's names.
  returned: when the certificate exists
  type: list
  elements: dict
  sample: [{"name": "_3639ac514e785e898d2646601fa951d5.api.payments.example.com.", "type": "CNAME",
            "value": "_98d2646601fa951d5a3639ac514e785e.mhbtsbpdnt.acm-validations.aws."}]
changes:
  description: What the run changed, or would change in check mode.
  returned: always
  type: list
  elements: str
"""

import hashlib
import re
import uuid

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags
from ansible_collections.payments.dr.plugins.module_utils import acm
from ansible_collections.payments.dr.plugins.module_utils import dr_retry
from ansible_collections.payments.dr.plugins.module_utils import dr_wait
from ansible_collections.payments.dr.plugins.module_utils import route53

DOMAIN = re.compile(r"^(\*\.)?(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$")
FAILED_STATUSES = ("FAILED", "VALIDATION_TIMED_OUT", "REVOKED", "EXPIRED")


# --- validation --------------------------------------------------------------------------------

def validate_params(module):
    params = module.params
    names = [params["domain_name"]] + params["subject_alternative_names"]
    bad = [name for name in names if not DOMAIN.match(name.lower().rstrip("."))]
    if bad:
        module.fail_json(msg="not a fully qualified domain name: %s" % ", ".join(bad))
    if params["state"] == "present" and not params["hosted_zone_id"]:
        module.fail_json(msg="hosted_zone_id is required with state=present: the validation records go there")
    if params["remove_validation_records"] and not params["hosted_zone_id"]:
        module.fail_json(msg="remove_validation_records needs hosted_zone_id, the zone holding the records")


def validate_zone(module, r53, zone_id, names):
    """The zone exists, is public, and holds every name (before anything is requested)."""
    zone = route53.get_hosted_zone(r53, zone_id)
    if zone is None:
        module.fail_json(msg="hosted zone %s does not exist" % zone_id)
    if zone.get("Config", {}).get("PrivateZone"):
        module.fail_json(msg="hosted zone %s (%s) is private: ACM validates through public DNS" % (zone_id, zone["Name"]))
    apex = zone["Name"].rstrip(".").lower()
    outside = [n for n in names if not (n.lower().rstrip(".").lstrip("*.") == apex
                                        or n.lower().rstrip(".").endswith("." + apex))]
    if outside:
        module.fail_json(msg="%s not under hosted zone %s (%s): its validation record cannot go there"
                         % (", ".join(outside), zone_id, apex))


# --- reading -----------------------------------------------------------------------------------

def find(module, client):
    """The certificate tagged Name=name_tag for the domain (with its tags), or None; two is an error."""
    found = []
    for summary in acm.list_certificates(client, module.params["domain_name"]):
        tags = acm.list_tags(client, summary["CertificateArn"])
        tags = boto3_tag_list_to_ansible_dict(tags) if tags is not None else {}
        if tags.get("Name") == module.params["name_tag"]:
            certificate = acm.describe_certificate(client, summary["CertificateArn"])
            if certificate is not None:
                found.append(dict(certificate, Tags=tags))
    if len(found) > 1:
        module.fail_json(msg="%d certificates for %s are tagged Name=%s: %s; delete all but one"
                         % (len(found), module.params["domain_name"], module.params["name_tag"],
                            ", ".join(c["CertificateArn"] for c in found)))
    return found[0] if found else None


def records_of(certificate):
    """Unique validation CNAMEs of the certificate (a wildcard and its base name share one)."""
    records = {}
    for option in certificate.get("DomainValidationOptions", []):
        record = option.get("ResourceRecord")
        if record:
            records[record["Name"]] = dict(name=record["Name"], type=record["Type"], value=record["Value"])
    return [records[name] for name in sorted(records)]


def all_records_known(certificate):
    """ACM fills in each name's record a few seconds after the request."""
    options = certificate.get("DomainValidationOptions", []) if certificate else []
    return bool(options) and all(option.get("ResourceRecord") for option in options)


def describe(certificate):
    if not certificate:
        return {}
    return dict(arn=certificate["CertificateArn"], status=certificate.get("Status"),
                domain_name=certificate.get("DomainName"),
                subject_alternative_names=certificate.get("SubjectAlternativeNames", []),
                in_use_by=certificate.get("InUseBy", []), tags=certificate.get("Tags", {}))


# --- planning and applying ---------------------------------------------------------------------

def record_changes(r53, zone_id, records, action):
    """Route 53 changes that bring the records to ``action`` (UPSERT where missing or different,
    DELETE where present)."""
    changes = []
    for record in records:
        current = route53.get_record_sets(r53, zone_id, record["name"], "CNAME")
        values = [v["Value"].rstrip(".").lower() for r in current for v in r.get("ResourceRecords", [])]
        present = values == [record["value"].rstrip(".").lower()]
        if action == "UPSERT" and not present:
            changes.append(dict(Action="UPSERT", ResourceRecordSet=dict(
                Name=record["name"], Type="CNAME", TTL=300, ResourceRecords=[dict(Value=record["value"])])))
        elif action == "DELETE":
            changes.extend(dict(Action="DELETE", ResourceRecordSet=r) for r in current)
    return changes


def request_token(params):
    """One token per run: a RequestCertificate retried within the run answers the certificate it made,
    and a later run (after a teardown, say) never gets back a deleted one. A run that stopped after its
    request finds that certificate by its Name tag, set by the request itself."""
    identity = "|".join([params["name_tag"], params["domain_name"], uuid.uuid4().hex])
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]


def wanted_names(params):
    return sorted(set([params["domain_name"].lower()] + [n.lower() for n in params["subject_alternative_names"]]))


def ensure_present(module, client, r53):
    params = module.params
    zone_id = params["hosted_zone_id"]
    validate_zone(module, r53, zone_id, wanted_names(params))
    tags = dict(params["tags"] or {}, Name=params["name_tag"])
    certificate = find(module, client)
    before = describe(certificate)
    changes = []
    if certificate is not None:
        have = sorted(set(n.lower() for n in certificate.get("SubjectAlternativeNames", [])))
        if have != wanted_names(params):
            module.fail_json(msg="certificate %s (Name=%s) covers %s, not %s; ACM cannot change a certificate's "
                             "names: delete it (or change name_tag) to request a new one"
                             % (certificate["CertificateArn"], params["name_tag"], ", ".join(have),
                                ", ".join(wanted_names(params))))
        if certificate.get("Status") in FAILED_STATUSES:
            module.fail_json(msg="certificate %s is %s: delete it to request a new one"
                             % (certificate["CertificateArn"], certificate["Status"]), certificate=describe(certificate))
        to_add, to_remove = compare_aws_tags(certificate["Tags"], tags, purge_tags=params["purge_tags"])
        # The Name tag is the certificate's identity: never purged.
        to_remove = [key for key in to_remove if key != "Name"]
    else:
        changes.append("request a certificate for %s" % ", ".join(wanted_names(params)))
        if module.check_mode:
            return dict(changed=True, certificate={}, changes=changes, before=before)
        arn = acm.request_certificate(client, params["domain_name"], params["subject_alternative_names"],
                                      request_token(params), ansible_dict_to_boto3_tag_list(tags))
        certificate = dict(CertificateArn=arn, Tags=tags)
        to_add, to_remove = {}, []
    arn = certificate["CertificateArn"]

    if to_remove:
        changes.append("remove tags %s" % ", ".join(sorted(to_remove)))
    if to_add:
        changes.append("set tags %s" % ", ".join(sorted(to_add)))
    if not module.check_mode:
        if to_remove:
            acm.remove_tags(client, arn, to_remove)
        if to_add:
            acm.add_tags(client, arn, ansible_dict_to_boto3_tag_list(to_add))
    tags = dict((k, v) for k, v in dict(certificate["Tags"], **to_add).items() if k not in to_remove)

    certificate = dr_wait.module_wait(module, lambda: acm.describe_certificate(client, arn), all_records_known,
                                      "ACM to give the validation records of %s" % arn, delay=2)
    records = records_of(certificate)
    record_updates = record_changes(r53, zone_id, records, "UPSERT")
    if record_updates:
        changes.append("publish validation records %s in %s" % (", ".join(
            c["ResourceRecordSet"]["Name"] for c in record_updates), zone_id))
        if not module.check_mode:
            route53.change_record_sets(r53, zone_id, record_updates, "ACM validation of %s" % arn)

    if params["wait"] and not module.check_mode and certificate.get("Status") != "ISSUED":
        certificate = wait_issued(module, client, arn, records, zone_id)
    return dict(changed=bool(changes), certificate=describe(dict(certificate, Tags=tags)),
                validation_records=records, changes=changes, before=before)


def wait_issued(module, client, arn, records, zone_id):
    def done(certificate):
        return certificate is not None and certificate.get("Status") in ("ISSUED",) + FAILED_STATUSES

    try:
        certificate = dr_wait.wait_for(lambda: acm.describe_certificate(client, arn), done,
                                       module.params["wait_timeout"], delay=10, description="certificate %s" % arn)
    except dr_wait.WaitTimeout:
        module.fail_json(msg="certificate %s is still PENDING_VALIDATION after %ss: ACM has not seen %s in public DNS."
                         " Check that hosted zone %s is the one the domain is delegated to (its NS records at the"
                         " parent), then run again; the request and the records are kept"
                         % (arn, module.params["wait_timeout"], ", ".join(r["name"] for r in records), zone_id),
                         validation_records=records)
    if certificate["Status"] != "ISSUED":
        module.fail_json(msg="certificate %s is %s: %s" % (arn, certificate["Status"], certificate.get(
            "FailureReason", "see the ACM console")), validation_records=records)
    return certificate


def ensure_absent(module, client, r53):
    params = module.params
    certificate = find(module, client)
    before = describe(certificate)
    changes = []
    records = records_of(certificate) if certificate else []
    if certificate is not None:
        if certificate.get("InUseBy") and module.check_mode:
            # An earlier task of the same run (not run in check mode) may be the one removing them.
            module.warn("certificate %s is in use by %s: deleting it needs those gone first"
                        % (certificate["CertificateArn"], ", ".join(certificate["InUseBy"])))
        elif certificate.get("InUseBy"):
            module.fail_json(msg="certificate %s is in use by %s: remove those first"
                             % (certificate["CertificateArn"], ", ".join(certificate["InUseBy"])),
                             certificate=describe(certificate))
        changes.append("delete certificate %s" % certificate["CertificateArn"])
        if not module.check_mode:
            acm.delete_certificate(client, certificate["CertificateArn"])
    if params["remove_validation_records"]:
        if not records:  # the certificate is gone: its records are named after the names, found by listing
            records = validation_records_in_zone(r53, params["hosted_zone_id"], wanted_names(params))
        deletions = record_changes(r53, params["hosted_zone_id"], records, "DELETE")
        if deletions:
            changes.append("delete validation records %s" % ", ".join(c["ResourceRecordSet"]["Name"] for c in deletions))
            if not module.check_mode:
                route53.change_record_sets(r53, params["hosted_zone_id"], deletions, "ACM validation removed")
    return dict(changed=bool(changes), certificate={}, changes=changes, before=before)


def validation_records_in_zone(r53, zone_id, names):
    """ACM validation CNAMEs (``_<token>.<name>`` to ``*.acm-validations.aws``) of ``names`` in the zone."""
    found = []
    for record in route53.list_record_sets(r53, zone_id):
        label, rest = (record["Name"].rstrip(".").lower().split(".", 1) + [""])[:2]
        values = [v["Value"] for v in record.get("ResourceRecords", [])]
        if (record["Type"] == "CNAME" and label.startswith("_") and rest in [n.lstrip("*.") for n in names]
                and values and all(v.rstrip(".").endswith(".acm-validations.aws") for v in values)):
            found.append(dict(name=record["Name"], type="CNAME", value=values[0]))
    return found


# --- main --------------------------------------------------------------------------------------

def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            domain_name=dict(type="str", required=True),
            subject_alternative_names=dict(type="list", elements="str", default=[]),
            name_tag=dict(type="str", required=True),
            hosted_zone_id=dict(type="str"),
            remove_validation_records=dict(type="bool", default=False),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=1800),
            tags=dict(type="dict", aliases=["resource_tags"]),
            purge_tags=dict(type="bool", default=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        supports_check_mode=True,
    )
    validate_params(module)
    client = dr_retry.client(module, "acm", retry=acm.RETRY)
    # Route 53 is global; its endpoint answers in us-east-1 whatever region the certificate is in.
    r53 = dr_retry.client(module, "route53", retry=route53.RETRY, region="us-east-1")
    try:
        if module.params["state"] == "present":
            result = ensure_present(module, client, r53)
        else:
            result = ensure_absent(module, client, r53)
    except (acm.AnsibleACMError, route53.AnsibleRoute53Error) as e:
        module.fail_json_aws_error(e)
    before = result.pop("before")
    if module._diff:
        result["diff"] = dict(before=before, after=result["certificate"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
