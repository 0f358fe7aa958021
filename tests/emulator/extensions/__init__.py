"""DR behaviours the emulator adds to moto, one module each."""

from __future__ import annotations


def default_extensions() -> list[type]:
    """Extension classes in the order they see each request."""
    classes: list[type] = []
    return classes
