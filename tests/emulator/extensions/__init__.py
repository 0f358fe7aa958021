"""DR behaviours the emulator adds to moto, one module each.

Every module in this package that defines ``EXTENSIONS`` (a list of
``Extension`` subclasses) is loaded; modules are taken in name order and each
class has an ``order`` (lower sees a request first) so the chain is stable.
"""

from __future__ import annotations

import importlib
import pkgutil


def default_extensions() -> list[type]:
    """Extension classes in the order they see each request."""
    classes: list[type] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        classes.extend(getattr(module, "EXTENSIONS", []))
    return sorted(classes, key=lambda cls: getattr(cls, "order", 100))
