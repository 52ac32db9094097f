"""Modules imported on first use instead of at a function's start-up.

A function's first requests are usually reads, which run sessionless on SQLAlchemy Core; its
writes need the ORM, whose import costs cold-start time (bench/RESULTS.md). A router
names the modules of its write paths with `lazy_import`: the module object exists at once, and
its code runs on the first attribute access (importlib's `LazyLoader`). Before a SnapStart
snapshot, `import_lazy_modules()` runs them all, so a restored environment imports nothing.

    if TYPE_CHECKING:
        from functions.orders import service
    else:
        service = lazy_import("functions.orders.service")
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

_LAZY_MODULES: set[str] = set()


def lazy_import(name: str) -> ModuleType:
    """The module `name`, executed when an attribute of it is first read."""
    if name in sys.modules:
        _LAZY_MODULES.add(name)
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    _LAZY_MODULES.add(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        # As a real import does: `package.module` works as an attribute path too.
        setattr(sys.modules[parent], child, module)
    return module


def pending_lazy_modules() -> list[str]:
    """The modules named by `lazy_import` whose code has not run yet."""
    # Once run, a lazy module is a plain module again (LazyLoader swaps its class back).
    return sorted(name for name in _LAZY_MODULES if type(sys.modules[name]) is not ModuleType)


def import_lazy_modules() -> None:
    """Run every module named by `lazy_import` so far (before a SnapStart snapshot)."""
    for name in pending_lazy_modules():
        # Reading any attribute of a lazy module executes it.
        getattr(sys.modules[name], "__doc__", None)
