"""EC2 answers moto 5.2.5 gets wrong, which the amazon.aws VPC modules rely on.

- DescribeTags: moto names a tag's resource type after its own id-prefix table
  (``nat-gateway``, ``vpc-elastic-ip``, ``flow-logs``, ...) where AWS uses the
  TagSpecification names (``natgateway``, ``elastic-ip``, ``vpc-flow-log``, ...), so a
  ``resource-type`` filter with AWS's name matches nothing: ec2_vpc_nat_gateway then sees
  no tags and re-tags the gateway (changed) on every run. moto also ignores MaxResults and
  the ``tag:<key>`` filter. This extension answers DescribeTags from moto's tag store with
  AWS's names, the documented filters (key, value, resource-id, resource-type, tag:<key>;
  ``*``/``?`` wildcards in keys and values) and MaxResults/NextToken pagination.
- DescribeVpcPeeringConnections: moto ignores ``Filter.N``, so ec2_vpc_peering, which
  looks up the peering between two VPCs by filter, adopts any peering of the region.
  The documented filters are applied to moto's answer.
- A cross-region (or cross-account) peering has one view per side, each with its own
  tags; moto shares one object and shows the requester's tags in both regions. Peering
  answers (describe, create, accept) carry the calling region's tags.
"""

from __future__ import annotations

import base64
import fnmatch
import re
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response

# moto's resource-type names (moto.ec2.utils.EC2_RESOURCE_TO_PREFIX) that differ from AWS's.
_AWS_RESOURCE_TYPES = {
    "nat-gateway": "natgateway",
    "vpc-elastic-ip": "elastic-ip",
    "flow-logs": "vpc-flow-log",
    "dedicated_host": "dedicated-host",
    "spot-instance-request": "spot-instances-request",
    "reserved-instance": "reserved-instances",
}
_FILTER_NAME = re.compile(r"^Filter\.(\d+)\.Name$")
_EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/"

# Documented DescribeVpcPeeringConnections filters -> path of the value in a response <item>.
_PEERING_FILTERS = {
    "vpc-peering-connection-id": "vpcPeeringConnectionId",
    "status-code": "status/code",
    "status-message": "status/message",
    "expiration-time": "expirationTime",
    "requester-vpc-info.vpc-id": "requesterVpcInfo/vpcId",
    "requester-vpc-info.cidr-block": "requesterVpcInfo/cidrBlock",
    "requester-vpc-info.owner-id": "requesterVpcInfo/ownerId",
    "accepter-vpc-info.vpc-id": "accepterVpcInfo/vpcId",
    "accepter-vpc-info.cidr-block": "accepterVpcInfo/cidrBlock",
    "accepter-vpc-info.owner-id": "accepterVpcInfo/ownerId",
}


def query_filters(params: dict) -> dict[str, list[str]]:
    """Filter.N.Name / Filter.N.Value.M query parameters -> {name: [values]}."""
    filters: dict[str, list[str]] = {}
    for key, name in params.items():
        match = _FILTER_NAME.match(key)
        if match:
            prefix = f"Filter.{match.group(1)}.Value."
            values = [(int(k[len(prefix):]), v) for k, v in params.items() if k.startswith(prefix)]
            filters.setdefault(name, []).extend(v for _, v in sorted(values))
    return filters


def _wildcard_match(value: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns)


def aws_resource_type(resource_id: str) -> str:
    from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix

    moto_name = EC2_PREFIX_TO_RESOURCE.get(get_prefix(resource_id) or "", "")
    return _AWS_RESOURCE_TYPES.get(moto_name, moto_name)


class Ec2Fixes(Extension):
    name = "ec2-fixes"
    order = 40

    # -- DescribeTags ---------------------------------------------------------------
    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "ec2":
            return None
        if call.action == "DescribeVpcPeeringConnections":
            unknown = [n for n in query_filters(call.params)
                       if n not in _PEERING_FILTERS and n != "tag-key" and not n.startswith("tag:")]
            if unknown:
                return error_response(call, 400, "InvalidParameterValue", f"The filter '{unknown[0]}' is invalid")
            return None
        if call.action != "DescribeTags":
            return None
        filters = query_filters(call.params)
        unknown = [n for n in filters if n not in ("key", "value", "resource-id", "resource-type")
                   and not n.startswith("tag:")]
        if unknown:
            return error_response(call, 400, "InvalidParameterValue", f"The filter '{unknown[0]}' is invalid")
        store = self.emulator.backend("ec2", call.region).tags
        rows = []
        for resource_id in sorted(store):
            tags = store[resource_id]
            if "resource-id" in filters and resource_id not in filters["resource-id"]:
                continue
            resource_type = aws_resource_type(resource_id)
            if "resource-type" in filters and resource_type not in filters["resource-type"]:
                continue
            if not all(name[4:] in tags and _wildcard_match(tags[name[4:]], values)
                       for name, values in filters.items() if name.startswith("tag:")):
                continue
            for key in sorted(tags):
                if "key" in filters and not _wildcard_match(key, filters["key"]):
                    continue
                if "value" in filters and not _wildcard_match(tags[key], filters["value"]):
                    continue
                rows.append((resource_id, resource_type, key, tags[key]))

        start = 0
        if call.param("NextToken"):
            try:
                start = int(base64.urlsafe_b64decode(call.param("NextToken")).decode())
            except ValueError:
                return error_response(call, 400, "InvalidNextToken", "The token is invalid")
        end = len(rows)
        if call.param("MaxResults"):
            end = min(end, start + int(call.param("MaxResults")))
        items = "".join(
            f"<item><resourceId>{escape(rid)}</resourceId><resourceType>{escape(rtype)}</resourceType>"
            f"<key>{escape(key)}</key><value>{escape(value)}</value></item>"
            for rid, rtype, key, value in rows[start:end])
        token = (f"<nextToken>{base64.urlsafe_b64encode(str(end).encode()).decode()}</nextToken>"
                 if end < len(rows) else "")
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<DescribeTagsResponse xmlns="{_EC2_NS}">'
                f"<requestId>dr-emulator-tags</requestId><tagSet>{items}</tagSet>{token}</DescribeTagsResponse>")
        return 200, {"Content-Type": "text/xml"}, body.encode()

    # -- VPC peering answers -----------------------------------------------------------
    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service != "ec2" or status != 200 or call.action not in (
                "DescribeVpcPeeringConnections", "CreateVpcPeeringConnection", "AcceptVpcPeeringConnection"):
            return None
        root = ET.fromstring(body)
        ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
        q = (lambda path: "/".join(f"{{{ns}}}{part}" for part in path.split("/"))) if ns else (lambda path: path)
        store = self.emulator.backend("ec2", call.region).tags

        def region_tags(item: ET.Element) -> dict[str, str]:
            return dict(store.get(item.findtext(q("vpcPeeringConnectionId"), ""), {}))

        def set_tags(item: ET.Element, tags: dict[str, str]) -> None:
            tag_set = item.find(q("tagSet"))
            if tag_set is None:
                tag_set = ET.SubElement(item, q("tagSet"))
            for child in list(tag_set):
                tag_set.remove(child)
            for key, value in tags.items():
                entry = ET.SubElement(tag_set, q("item"))
                ET.SubElement(entry, q("key")).text = key
                ET.SubElement(entry, q("value")).text = value

        if call.action == "DescribeVpcPeeringConnections":
            filters = query_filters(call.params)
            items_parent = root.find(q("vpcPeeringConnectionSet"))
            items = list(items_parent) if items_parent is not None else []
        else:
            filters = {}
            found = root.find(q("vpcPeeringConnection"))
            items_parent, items = None, [found] if found is not None else []

        for item in items:
            tags = region_tags(item)
            set_tags(item, tags)
            if items_parent is not None and not self._peering_matches(item, q, tags, filters):
                items_parent.remove(item)
        if ns:
            ET.register_namespace("", ns)
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)

    @staticmethod
    def _peering_matches(item: ET.Element, q, tags: dict[str, str], filters: dict[str, list[str]]) -> bool:
        for name, values in filters.items():
            if name == "tag-key":
                if not any(_wildcard_match(key, values) for key in tags):
                    return False
            elif name.startswith("tag:"):
                if name[4:] not in tags or not _wildcard_match(tags[name[4:]], values):
                    return False
            elif not _wildcard_match(item.findtext(q(_PEERING_FILTERS[name]), ""), values):
                return False
        return True


EXTENSIONS = [Ec2Fixes]
