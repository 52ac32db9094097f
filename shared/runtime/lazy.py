"""Modules imported on first use instead of at a function's start-up.

A function's first requests are usually reads, which run sessionless on SQLAlchemy Core; its
writes need the ORM, whose import costs cold-start time (bench/RESULTS.md). A router
names the modules of its write paths with `lazy_import`: the module object exists at once, and
its code runs on the first attribute access (importlib's `LazyLoader`). Before a SnapStart
snapshot, `shared.runtime.warmup` runs them all, so a restored environment imports nothing.

    if TYPE_CHECKING:
        from functions.orders import service
    else:
        service = lazy_import("functions.orders.service")
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from shared.runtime.warmup import defer


def lazy_import(name: str) -> ModuleType:
    """The module `name`, executed when an attribute of it is first read."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        # As a real import does: `package.module` works as an attribute path too.
        setattr(sys.modules[parent], child, module)
    # Reading any attribute of a lazy module runs it; once run, it is a plain module again
    # (LazyLoader swaps its class back).
    defer(
        "module",
        name,
        lambda: getattr(module, "__doc__", None),
        lambda: type(sys.modules[name]) is ModuleType,
    )
    return module
