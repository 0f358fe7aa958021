"""The interface every DR extension of the emulator implements.

An extension adds one AWS behaviour moto lacks.  It may:
- ``intercept`` a call and answer it itself (moto never sees it), returning
  ``(status, headers, body)``, or ``None`` to let moto answer;
- observe moto's answer in ``after`` (for example to replicate a write that
  moto accepted), optionally returning a replacement body;
- expose control routes under ``/_dr/<name>/...`` for tests and the demo.
Extensions reach moto's in-process backends through ``self.emulator``.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Callable, ContextManager

from ..request_info import AwsCall

if TYPE_CHECKING:
    from ..server import Emulator

Response = tuple[int, dict[str, str], bytes]
ControlHandler = Callable[[dict, dict], Response]  # (json body, query) -> response


class Extension:
    name = "base"
    #: Attributes holding what the extension knows of the emulated account. Snapshots copy them
    #: together with moto's backends, so references into moto's objects stay references.
    state_attributes: tuple[str, ...] = ()

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def intercept(self, call: AwsCall) -> Response | None:
        return None

    def after(self, call: AwsCall, status: int, body: bytes) -> bytes | None:
        return None

    def control_routes(self) -> dict[tuple[str, str], ControlHandler]:
        """Map (HTTP method, path below /_dr/) to a handler."""
        return {}

    def reset(self) -> None:
        """Forget extension state when the emulator is reset."""

    def snapshot_state(self) -> dict[str, Any]:
        """The live state a snapshot deep-copies (see ``state_attributes``)."""
        return {name: getattr(self, name) for name in self.state_attributes}

    def restore_state(self, state: dict[str, Any]) -> None:
        """Take over ``state``, a copy of what ``snapshot_state`` returned."""
        for name, value in state.items():
            setattr(self, name, value)

    def paused(self) -> ContextManager[Any]:
        """Held while the account is copied: background work of the extension waits meanwhile."""
        return contextlib.nullcontext()
