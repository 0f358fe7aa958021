"""Snapshots of the whole emulated account, so a test can start from a deployed stack in a blink.

A snapshot holds moto's backends (every account, every region moto has created), what each
extension knows (global tables, pending replications, recovery points, health check states...)
and the emulator's own state (outages, faults, counters). They are copied in ONE deepcopy so a
reference from an extension into moto's objects (a replica version, say) stays a reference to
the copied object. Restoring copies the snapshot again, so it can be restored any number of times.

This is a test-double facility with no AWS counterpart: it only replaces redeploying a stack.
"""

from __future__ import annotations

import contextlib
import copy
import threading
import weakref
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

from moto.core.base_backend import BackendDict, backend_lock
from moto.core.model_instances import reset_model_data

if TYPE_CHECKING:
    from .server import Emulator

DRAIN_TIMEOUT = 60.0  # seconds to wait for in-flight requests before copying


class RequestGate:
    """Counts AWS requests in flight; ``exclusive()`` waits for none and holds new ones meanwhile.

    New requests are not held while draining: a Lambda function answering an in-flight API call
    makes requests of its own, and holding them would never let the outer request finish.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._inflight = 0
        self._closed = False

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        with self._condition:
            self._condition.wait_for(lambda: not self._closed)
            self._inflight += 1
        try:
            yield
        finally:
            with self._condition:
                self._inflight -= 1
                self._condition.notify_all()

    @contextlib.contextmanager
    def exclusive(self, timeout: float = DRAIN_TIMEOUT) -> Iterator[None]:
        with self._condition:
            if not self._condition.wait_for(lambda: self._inflight == 0 and not self._closed, timeout):
                raise RuntimeError(f"{self._inflight} request(s) still in flight after {timeout:.0f} s")
            self._closed = True
        try:
            yield
        finally:
            with self._condition:
                self._closed = False
                self._condition.notify_all()


# What every BackendDict has; anything else (S3's bucket-name registry...) is account state.
_BACKEND_DICT_FIELDS = frozenset(("backend", "service_name", "_use_boto3_regions", "_additional_regions", "_id"))


@dataclass(frozen=True)
class Snapshot:
    backends: list[BackendDict]
    # deep copies of, per backend, ({account: AccountSpecificBackend}, its extra fields); the
    # emulator state; each extension's state
    contents: tuple[list[tuple[dict[str, Any], dict[str, Any]]], dict[str, Any], dict[str, dict[str, Any]]]


def _extra_fields(backend: BackendDict) -> dict[str, Any]:
    return {name: value for name, value in vars(backend).items() if name not in _BACKEND_DICT_FIELDS}


def _copy_weak_values(mapping: weakref.WeakValueDictionary, memo: dict) -> weakref.WeakValueDictionary:
    return weakref.WeakValueDictionary({copy.deepcopy(k, memo): copy.deepcopy(v, memo) for k, v in mapping.items()})


def _copy_weak_keys(mapping: weakref.WeakKeyDictionary, memo: dict) -> weakref.WeakKeyDictionary:
    return weakref.WeakKeyDictionary({copy.deepcopy(k, memo): copy.deepcopy(v, memo) for k, v in mapping.items()})


def _copy_weak_set(members: weakref.WeakSet, memo: dict) -> weakref.WeakSet:
    return weakref.WeakSet(copy.deepcopy(m, memo) for m in members)


# The standard library copies weak containers with references to the ORIGINAL objects (moto's
# Lambda backend finds functions by ARN through a WeakValueDictionary): in a snapshot they must
# refer to the copies, which the copied account keeps alive where the original did.
_WEAK_COPIERS = {weakref.WeakValueDictionary: _copy_weak_values, weakref.WeakKeyDictionary: _copy_weak_keys,
                 weakref.WeakSet: _copy_weak_set}


def _deepcopy(value: Any) -> Any:
    """``copy.deepcopy`` with weak containers copied to the copies (only while the gate is shut:
    the copier table is the copy module's own)."""
    dispatch = copy._deepcopy_dispatch  # type: ignore[attr-defined]
    saved = {cls: dispatch.get(cls) for cls in _WEAK_COPIERS}
    dispatch.update(_WEAK_COPIERS)
    try:
        return copy.deepcopy(value)
    finally:
        for cls, copier in saved.items():
            if copier is None:
                dispatch.pop(cls, None)
            else:
                dispatch[cls] = copier


def _register_live_backends() -> None:
    """Point moto's class-level registries of backends at the live ones.

    Some backends enter themselves, in ``__init__``, in a class attribute ``*_refs`` (a
    ``defaultdict(set)`` of weak references by class) to find each other across regions: EC2's
    VPCs and peering connections, transit gateway peerings. Copies skip ``__init__``, so after a
    restore the registries would name the replaced backends and a cross-region peering would not
    be found.
    """
    live: dict[type, list[Any]] = defaultdict(list)
    for backend_dict in BackendDict._instances:
        for account in backend_dict.values():
            for backend in account.values():
                live[type(backend)].append(backend)
    for cls, backends in live.items():
        for klass in cls.__mro__:
            for name, registry in vars(klass).items():
                if name.endswith("_refs") and isinstance(registry, defaultdict):
                    registry[cls] = {weakref.ref(backend) for backend in backends}


def _state_fields(emulator: Emulator) -> dict[str, Any]:
    state = emulator.state
    return {name: getattr(state, name) for name in ("outages", "faults", "counters", "fault_sequence",
                                                    "faults_injected", "seed")}


@contextlib.contextmanager
def _still(emulator: Emulator) -> Iterator[None]:
    """No request, background probe or evaluation round runs while the account is copied."""
    with contextlib.ExitStack() as stack:
        for extension in emulator.extensions:  # before the gate: a probe round may be mid-request
            stack.enter_context(extension.paused())
        stack.enter_context(emulator.gate.exclusive())
        stack.enter_context(backend_lock)
        stack.enter_context(emulator.state.lock)
        yield


def capture(emulator: Emulator) -> Snapshot:
    with _still(emulator):
        backends = list(BackendDict._instances)
        live = ([(dict(backend), _extra_fields(backend)) for backend in backends], _state_fields(emulator),
                {extension.name: extension.snapshot_state() for extension in emulator.extensions})
        contents = _deepcopy(live)
    reset_model_data()  # copying registered every copied model with moto's dashboard tracker
    return Snapshot(backends=backends, contents=contents)


def restore(emulator: Emulator, snapshot: Snapshot) -> None:
    with _still(emulator):
        accounts, state, extension_states = _deepcopy(snapshot.contents)
        reset_model_data()  # the copies are the snapshot's, not objects moto may dispose of below
        for backend in BackendDict._instances:
            if backend not in snapshot.backends:
                # Built after the snapshot: moto's own reset also undoes what it registered
                # outside the backend (S3's bucket names).
                for account in backend.values():
                    account.reset()
            backend.clear()
        BackendDict._instances[:] = snapshot.backends
        for backend, (content, extra) in zip(snapshot.backends, accounts):
            dict.update(backend, content)
            vars(backend).update(extra)
        for name, value in state.items():
            setattr(emulator.state, name, value)
        _register_live_backends()
        for extension in emulator.extensions:
            extension.restore_state(extension_states.get(extension.name, {}))
    reset_model_data()
