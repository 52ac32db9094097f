"""What each function's handler module imports at cold start, and the allow-list it is held to.

Each handler module (`functions.<name>.app`) is imported in a fresh interpreter with SDK tracing
off, as deployed by default. Packages that Lambda would not have (the dev dependencies: anything
outside the locked runtime dependencies and the runtime's own boto3) are made unimportable, so an
optional import (PyJWT trying `cryptography`) goes the way it goes in Lambda. What is recorded is
every top-level package loaded beyond the interpreter's start (the standard library aside), each
with the chain of modules whose import brought it in.

    uv run python -m tests.import_allowlist            # what each handler imports now, and why
    uv run python -m tests.import_allowlist --update   # rewrite tests/import_allowlist.json
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bookstore.template import functions, load_template

ROOT = Path(__file__).resolve().parents[1]
ALLOWLIST = ROOT / "tests" / "import_allowlist.json"
UPDATE_COMMAND = "uv run python -m tests.import_allowlist --update"
# The python3.13 runtime ships boto3 and what it needs; the build leaves them out for that reason.
LAMBDA_RUNTIME = {
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "python-dateutil",
    "six",
    "urllib3",
}

# Runs in the fresh interpreter: argv[1] is the module, argv[2] the JSON list of blocked top-level
# names. Prints {package: [handler module, ..., first module of the package]}.
PROBE = """
import importlib, json, sys

BLOCKED = frozenset(json.loads(sys.argv[2]))
importer = {}


class Recorder:
    # First on sys.meta_path: sees every import that reaches the finders, notes which module's
    # top-level code was running (the importer), and refuses what Lambda would not have.
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (not shipped to Lambda)", name=name)
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_name != "<module>":
            frame = frame.f_back
        importer.setdefault(name, frame.f_globals.get("__name__") if frame else None)
        return None


def chain(name):
    links = [name]
    while importer.get(links[-1]) in importer:
        links.append(importer[links[-1]])
    return links[::-1]


sys.meta_path.insert(0, Recorder)
baseline = set(sys.modules)
importlib.import_module(sys.argv[1])
packages = {
    name.partition(".")[0]
    for name in set(sys.modules) - baseline
    if getattr(sys.modules[name], "__spec__", None) is not None
}
print(json.dumps({
    package: chain(package)
    for package in sorted(packages)
    if package not in sys.stdlib_module_names
    and not package.startswith("_sysconfigdata_")
    and package in importer
}))
"""


def _normalized(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def lambda_distributions() -> set[str]:
    """The locked runtime dependencies (extras followed, dev group left out), and the runtime's own."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
    packages = {
        package["name"]: package
        for package in tomllib.loads((ROOT / "uv.lock").read_text())["package"]
    }
    found: set[str] = set()
    pending = list(packages[project].get("dependencies", []))
    while pending:
        dependency = pending.pop()
        package = packages[dependency["name"]]
        extras = package.get("optional-dependencies", {})
        for extra in dependency.get("extra", []):
            pending.extend(extras.get(extra, []))
        if dependency["name"] not in found:
            found.add(dependency["name"])
            pending.extend(package.get("dependencies", []))
    return {_normalized(name) for name in found | LAMBDA_RUNTIME}


def blocked_modules() -> list[str]:
    """Top-level modules installed here that come only from distributions Lambda would not have."""
    shipped = lambda_distributions()
    return sorted(
        module
        for module, distributions in importlib.metadata.packages_distributions().items()
        if not any(_normalized(distribution) in shipped for distribution in distributions)
    )


def handler_modules() -> list[str]:
    return sorted(
        function.handler.rpartition(".")[0] for function in functions(load_template()).values()
    )


def probe(module: str, blocked: Iterable[str]) -> dict[str, list[str]]:
    """Each top-level package `module` imports, with the chain of imports that brought it."""
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, module, json.dumps(sorted(blocked))],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "POWERTOOLS_TRACE_DISABLED": "true",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"importing {module} failed:\n{completed.stderr[-3000:]}")
    imported: dict[str, list[str]] = json.loads(completed.stdout.strip().splitlines()[-1])
    return imported


def probe_all(modules: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """One fresh interpreter per module, as many at once as there are cores."""
    blocked = blocked_modules()
    modules = list(modules)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = pool.map(lambda module: probe(module, blocked), modules)
        return dict(zip(modules, results, strict=True))


def load_allowlist() -> dict[str, list[str]]:
    allowlist: dict[str, list[str]] = json.loads(ALLOWLIST.read_text())
    return allowlist


def write_allowlist(imported: dict[str, dict[str, list[str]]]) -> None:
    allowlist = {module: sorted(packages) for module, packages in sorted(imported.items())}
    ALLOWLIST.write_text(json.dumps(allowlist, indent=2) + "\n")


def unexpected(module: str, imported: dict[str, list[str]], allowed: Iterable[str]) -> list[str]:
    """One line per package imported but not allowed, naming the chain of imports behind it."""
    return [
        f"{module} imports {package}, which is not on its allow-list: "
        + " -> ".join(imported[package])
        for package in sorted(set(imported) - set(allowed))
    ]


def no_longer_imported(
    module: str, imported: dict[str, list[str]], allowed: Iterable[str]
) -> list[str]:
    return [
        f"{module} no longer imports {package}: take it off the allow-list ({UPDATE_COMMAND})"
        for package in sorted(set(allowed) - set(imported))
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help=f"rewrite {ALLOWLIST.name}")
    imported = probe_all(handler_modules())
    if parser.parse_args().update:
        write_allowlist(imported)
        print(f"wrote {ALLOWLIST.relative_to(ROOT)}")
        return
    for module, packages in imported.items():
        print(module)
        for package, chain in packages.items():
            print(f"  {package:24} {' -> '.join(chain)}")


if __name__ == "__main__":
    main()
