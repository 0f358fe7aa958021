"""Aurora global cluster administration moto lacks: ModifyGlobalCluster and tags.

moto 5.2.5 answers ModifyGlobalCluster with a 500 (not implemented), drops the
Tags of CreateGlobalCluster, and refuses AddTagsToResource,
RemoveTagsFromResource and ListTagsForResource for a global cluster's ARN
(``arn:aws:rds::ACCOUNT:global-cluster:ID`` has no region, which moto's ARN
check requires). AWS documents all of them:

- ModifyGlobalCluster with DeletionProtection: the flag changes at once and the
  GlobalCluster is returned. A global cluster that is failing over or switching
  over answers InvalidGlobalClusterStateFault, a missing one
  GlobalClusterNotFoundFault. The emulator does not do version upgrades or
  renames (NewGlobalClusterIdentifier, EngineVersion): those answer
  InvalidParameterValue naming the parameter, never a silent success.
- CreateGlobalCluster keeps its Tags (TagList in every later answer).
- Add/Remove/ListTagsForResource on a global cluster ARN act on its tags, from any
  region; an unknown global cluster is GlobalClusterNotFoundFault.

The extension runs after ``rds_global`` (order 60), so that extension's lazy
completion of failovers has already updated the status it checks.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from ..errors import error_response, rds_response
from ..request_info import AwsCall
from .base import Extension, Response

if TYPE_CHECKING:
    from moto.rds.models import GlobalCluster

# moto keeps every global cluster in us-east-1's backend (RDSResponse.global_backend).
GLOBAL_HOME = "us-east-1"
_GLOBAL_ARN = re.compile(r"^arn:aws[a-z-]*:rds::\d{12}:global-cluster:(?P<id>[A-Za-z][0-9A-Za-z-:._]*)$")
_TAG = re.compile(r"^Tags\.Tag\.(\d+)\.(Key|Value)$")
_TAG_KEY = re.compile(r"^TagKeys\.member\.(\d+)$")
_TAG_LIST = re.compile(rb"<TagList\s*/>|<TagList>.*?</TagList>", re.S)
_UNSUPPORTED_MODIFY = ("NewGlobalClusterIdentifier", "EngineVersion", "AllowMajorVersionUpgrade")


def _tags_from(params: dict[str, str]) -> list[dict[str, str]]:
    """Tags.Tag.N.Key / Tags.Tag.N.Value (query protocol) -> [{"Key", "Value"}] in N order."""
    found: dict[int, dict[str, str]] = {}
    for key, value in params.items():
        if match := _TAG.match(key):
            found.setdefault(int(match[1]), {})[match[2]] = value
    return [{"Key": found[n]["Key"], "Value": found[n].get("Value", "")} for n in sorted(found) if "Key" in found[n]]


def _tag_keys_from(params: dict[str, str]) -> list[str]:
    found = {int(match[1]): value for key, value in params.items() if (match := _TAG_KEY.match(key))}
    return [found[index] for index in sorted(found)]


def _tag_list_xml(tags: list[dict[str, str]]) -> bytes:
    inner = "".join(f"<Tag><Key>{escape(t['Key'])}</Key><Value>{escape(t['Value'])}</Value></Tag>" for t in tags)
    return f"<TagList>{inner}</TagList>".encode()


class AuroraGlobalClusterAdmin(Extension):
    name = "rds-global-admin"
    order = 60

    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "rds":
            return None
        if call.action == "ModifyGlobalCluster":
            return self._modify(call)
        if call.action in ("AddTagsToResource", "RemoveTagsFromResource", "ListTagsForResource"):
            match = _GLOBAL_ARN.match(call.param("ResourceName", ""))
            return self._tags(call, match["id"]) if match else None
        return None

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        if call.service != "rds" or call.action != "CreateGlobalCluster" or status != 200:
            return None
        tags = _tags_from(call.params)
        gc = self._global_cluster(call.param("GlobalClusterIdentifier", ""))
        if gc is None or not tags:
            return None
        gc.tags = tags
        xml = _tag_list_xml(tags)
        if _TAG_LIST.search(body):
            return _TAG_LIST.sub(lambda match: xml, body, count=1)
        return body.replace(b"</GlobalCluster>", xml + b"</GlobalCluster>", 1)

    # -- moto access -----------------------------------------------------------------------
    def _global_cluster(self, identifier: str) -> GlobalCluster | None:
        return self.emulator.backend("rds", GLOBAL_HOME).global_clusters.get(identifier) if identifier else None

    # -- handlers --------------------------------------------------------------------------
    def _modify(self, call: AwsCall) -> Response:
        identifier = call.param("GlobalClusterIdentifier", "")
        gc = self._global_cluster(identifier)
        if gc is None:
            return error_response(call, 404, "GlobalClusterNotFoundFault", f"Global cluster {identifier} not found.")
        unsupported = [name for name in _UNSUPPORTED_MODIFY if call.param(name) is not None]
        if unsupported:
            return error_response(call, 400, "InvalidParameterValue",
                                  f"The emulator does not model {', '.join(unsupported)} for ModifyGlobalCluster.")
        if gc.status != "available":
            return error_response(call, 400, "InvalidGlobalClusterStateFault",
                                  f"Global cluster {identifier} is {gc.status}; wait until it is available.")
        protection = call.param("DeletionProtection")
        if protection is not None:
            gc.deletion_protection = protection.lower() == "true"
        return rds_response("ModifyGlobalCluster", {"GlobalCluster": gc})

    def _tags(self, call: AwsCall, identifier: str) -> Response:
        gc = self._global_cluster(identifier)
        if gc is None:
            return error_response(call, 404, "GlobalClusterNotFoundFault", f"Global cluster {identifier} not found.")
        if call.action == "AddTagsToResource":
            gc.add_tags(_tags_from(call.params))
            return rds_response("AddTagsToResource", {})
        if call.action == "RemoveTagsFromResource":
            gc.remove_tags(_tag_keys_from(call.params))
            return rds_response("RemoveTagsFromResource", {})
        return rds_response("ListTagsForResource", {"TagList": gc.tags})


EXTENSIONS = [AuroraGlobalClusterAdmin]
