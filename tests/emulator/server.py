"""The payments.dr AWS emulator: moto in server mode plus the DR behaviours moto lacks.

It listens on loopback only and serves every region from one port; the region of
a request is the one its SigV4 signature names, as on AWS's regional endpoints.
"""

from __future__ import annotations

import ipaddress
import os
import threading

# Must be set before moto is imported: AWS managed policies (AWSLambdaBasicExecutionRole...)
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server  # noqa: E402

from .clock import Clock  # noqa: E402
from .errors import json_response  # noqa: E402
from .extensions import default_extensions  # noqa: E402
from .extensions.base import ControlHandler, Extension, Response  # noqa: E402
from .middleware import DRMiddleware  # noqa: E402
from .snapshots import RequestGate, Snapshot, capture, restore  # noqa: E402
from .state import FAULT_KINDS, EmulatorState, FaultRule  # noqa: E402

DEFAULT_PORT = 4566
# Backends moto builds slowly (AWS managed policies, AMIs, default VPCs): built once, in the
# reset baseline, for the regions the stack uses; other regions are built on first use as before.
WARM_REGIONS = ("us-east-1", "us-east-2")
WARM_REGIONAL_SERVICES = ("ec2",)


class _QuietHandler(MotoRequestHandler):
    """moto's handler without a log line per request (set DR_EMULATOR_VERBOSE=1 to see them)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if os.environ.get("DR_EMULATOR_VERBOSE"):
            super().log_request(code, size)


def _require_loopback(host: str) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise ValueError(f"the emulator only listens on loopback addresses, not {host!r}")


def _snapshot_name(body: dict) -> str:
    name = body["name"]
    if not isinstance(name, str) or not name or len(name) > 64:
        raise ValueError("name must be a string of 1 to 64 characters")
    return name


class Emulator:
    def __init__(self, host: str = "127.0.0.1", port: int = DEFAULT_PORT, seed: int = 0) -> None:
        _require_loopback(host)
        self.host = host
        self.port = port
        self.state = EmulatorState(seed=seed)
        self.gate = RequestGate()
        self.clock = Clock()  # not reset nor restored: time only goes forward
        self.snapshots: dict[str, Snapshot] = {}
        self._baseline: Snapshot | None = None
        self.extensions: list[Extension] = [cls(self) for cls in default_extensions()]
        self.control_routes: dict[tuple[str, str], ControlHandler] = self._core_routes()
        for extension in self.extensions:
            for (method, path), handler in extension.control_routes().items():
                self.control_routes[(method, f"{extension.name}/{path}".rstrip("/"))] = handler
        self.app = DRMiddleware(self, DomainDispatcherApplication(create_backend_app))
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- moto access for extensions ------------------------------------------------
    @property
    def account_id(self) -> str:
        return self.state.account_id

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def backend(self, service: str, region: str):
        """moto's in-process backend for ``service`` in ``region``."""
        from moto.backends import get_backend

        return get_backend(service)[self.account_id][region]

    # -- lifecycle ------------------------------------------------------------------
    def start(self) -> Emulator:
        """Serve in a background thread (tests); returns once the port is bound."""
        self._server = make_server(self.host, self.port, self.app, threaded=True,
                                   request_handler=_QuietHandler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server = make_server(self.host, self.port, self.app, threaded=True,
                                   request_handler=_QuietHandler)
        self._server.serve_forever()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def reset(self) -> None:
        """Back to a fresh account: the baseline taken after the first reset, or moto's own reset."""
        if self._baseline is not None:
            restore(self, self._baseline)
            return
        from moto.moto_api._internal.models import moto_api_backend

        moto_api_backend.reset()
        self.state.reset()
        for extension in self.extensions:
            extension.reset()
        from moto.iam.models import PARTITION_NAMES

        for partition in PARTITION_NAMES:  # every request looks its access key up in each of them
            self.backend("iam", partition)
        for service in WARM_REGIONAL_SERVICES:
            for region in WARM_REGIONS:
                self.backend(service, region)
        self._baseline = capture(self)

    def snapshot(self, name: str) -> None:
        self.snapshots[name] = capture(self)

    def restore(self, name: str) -> None:
        if name not in self.snapshots:
            raise KeyError(f"no snapshot named {name!r} (taken: {', '.join(sorted(self.snapshots)) or 'none'})")
        restore(self, self.snapshots[name])

    # -- core control API -------------------------------------------------------------
    def _core_routes(self) -> dict[tuple[str, str], ControlHandler]:
        return {
            ("GET", "health"): lambda body, query: json_response(200, {"status": "ok"}),
            ("POST", "reset"): self._reset_route,
            ("GET", "outage"): lambda body, query: json_response(200, {"down": sorted(self.state.outages)}),
            ("POST", "outage"): self._outage_route,
            ("GET", "faults"): lambda body, query: json_response(
                200, {s: vars(r) for s, r in self.state.faults.items()}),
            ("POST", "faults"): self._faults_route,
            ("GET", "counters"): lambda body, query: json_response(200, self.state.counters_report()),
            ("POST", "counters/reset"): self._counters_reset_route,
            ("GET", "clock"): lambda body, query: json_response(200, {"offset": self.clock.offset}),
            ("POST", "clock"): lambda body, query: json_response(
                200, {"offset": self.clock.advance(float(body["advance"]))}),
            ("GET", "snapshots"): lambda body, query: json_response(200, {"snapshots": sorted(self.snapshots)}),
            ("POST", "snapshots"): self._snapshot_route,
            ("POST", "snapshots/restore"): self._restore_route,
            ("POST", "snapshots/delete"): self._snapshot_delete_route,
        }

    def _reset_route(self, body: dict, query: dict) -> Response:
        self.reset()
        return json_response(200, {"reset": True})

    def _snapshot_route(self, body: dict, query: dict) -> Response:
        """{"name": "deployed"}: copy the whole emulated account under ``name`` (replacing one)."""
        self.snapshot(_snapshot_name(body))
        return json_response(200, {"snapshots": sorted(self.snapshots)})

    def _restore_route(self, body: dict, query: dict) -> Response:
        """{"name": "deployed"}: put the account back as it was when ``name`` was taken."""
        name = _snapshot_name(body)
        if name not in self.snapshots:
            return json_response(404, {"error": f"no snapshot named {name!r}"})
        self.restore(name)
        return json_response(200, {"restored": name})

    def _snapshot_delete_route(self, body: dict, query: dict) -> Response:
        self.snapshots.pop(_snapshot_name(body), None)
        return json_response(200, {"snapshots": sorted(self.snapshots)})

    def _outage_route(self, body: dict, query: dict) -> Response:
        """{"region": "us-east-1", "down": true|false}: take a region down or bring it back."""
        region = body["region"]
        if not isinstance(region, str) or not region:
            raise ValueError("region must be a region name")
        if body.get("down", True):
            self.state.outages.add(region)
        else:
            self.state.outages.discard(region)
        return json_response(200, {"down": sorted(self.state.outages)})

    def _faults_route(self, body: dict, query: dict) -> Response:
        """{"service": "dynamodb"|"*", "rate": 0.1, "kind": "throttle"|"5xx"|"mixed"|"latency", "seed": 7,
        "latency_ms": 2500 (kind latency), "actions": ["TransactWriteItems"] (only these; default all)};
        rate 0 clears; a seed restarts the rolls (the same seed replays the same faults)."""
        service = body.get("service", "*")
        rate = float(body["rate"])
        kind = body.get("kind", "throttle")
        if not 0 <= rate <= 1 or kind not in FAULT_KINDS:
            raise ValueError(f"rate must be within 0..1 and kind one of {', '.join(FAULT_KINDS)}")
        if "seed" in body:
            self.state.set_seed(int(body["seed"]))
        if rate == 0:
            self.state.faults.pop(service, None)
        else:
            latency = float(body.get("latency_ms", 0))
            if kind == "latency" and not 0 < latency <= 60000:
                raise ValueError("a latency fault needs latency_ms within 1..60000")
            actions = body.get("actions") or []
            if not isinstance(actions, list) or not all(isinstance(a, str) and a for a in actions):
                raise ValueError("actions must be a list of action names")
            self.state.faults[service] = FaultRule(rate=rate, kind=kind, latency_ms=latency, actions=tuple(actions))
        return json_response(200, {s: vars(r) for s, r in self.state.faults.items()})

    def _counters_reset_route(self, body: dict, query: dict) -> Response:
        with self.state.lock:
            self.state.counters.clear()
            self.state.faults_injected.clear()
        return json_response(200, {"reset": True})
