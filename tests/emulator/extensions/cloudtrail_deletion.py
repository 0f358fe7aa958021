"""CloudTrail DeleteTrail as AWS answers it.

moto 5.2.5 deletes a trail only when ``Name`` is the trail's name, and answers success either way:
given the trail's ARN (which AWS accepts, and which amazon.aws.cloudtrail sends) it keeps the trail,
and an unknown trail is "deleted" without error. It also deletes a multi-Region trail from any
region. AWS:
- takes the name or the ARN;
- answers ``TrailNotFoundException`` for a trail that does not exist;
- answers ``InvalidHomeRegionException`` when called outside the trail's home region (a multi-Region
  trail is visible from every region but can only be deleted from its home region).
"""

from __future__ import annotations

import json

from ..errors import error_response
from ..request_info import AwsCall
from .base import Extension, Response


class CloudTrailDeletion(Extension):
    name = "cloudtrail-deletion"
    order = 40

    def intercept(self, call: AwsCall) -> Response | None:
        if call.service != "cloudtrail" or call.action != "DeleteTrail":
            return None
        ref = call.param("Name", "")
        from moto.cloudtrail.models import cloudtrail_backends

        for region, backend in cloudtrail_backends[self.emulator.account_id].items():
            for name, trail in list(backend.trails.items()):
                if ref not in (name, trail.arn):
                    continue
                if ref == name and region != call.region and not trail.is_multi_region:
                    continue  # a single-region trail of that name elsewhere is another trail
                if region != call.region:
                    return error_response(call, 400, "InvalidHomeRegionException",
                                          f"This operation must be called from the trail's home region ({region}).")
                del backend.trails[name]
                backend.tagging_service.delete_all_tags_for_resource(trail.arn)
                return 200, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps({}).encode()
        return error_response(call, 400, "TrailNotFoundException",
                              f"Unknown trail: {ref} for the user: {self.emulator.account_id}")


EXTENSIONS = [CloudTrailDeletion]
