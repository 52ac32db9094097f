"""Cold start of the Health function vs a bare FastAPI + Mangum "hello" app, from `sam build` output.

Both are built here, in this run, with `sam build`: ours with the project's Makefile (layer, .pyc
compiled by 3.13), the baseline with SAM's default Python builder. Each sample is a fresh Python
3.13 process with bytecode writing disabled and no site-packages, whose path is only the artifacts
(as /var/task and /opt/python are in Lambda); it times the handler's import plus its first
invocation. The rounds alternate between the two so that machine noise hits both alike.

    uv run python bench/cold_start.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = getattr(sys, "_base_executable", sys.executable)  # the interpreter, not the venv's
SAM = shutil.which("sam", path=str(Path(sys.executable).parent)) or "sam"

SAMPLE = """
import json, sys, time
started = time.perf_counter()
sys.path[:0] = {paths!r}
import importlib
handler = getattr(importlib.import_module({module!r}), "handler")
imported = time.perf_counter()
class Context:
    function_name = "bench"; memory_limit_in_mb = 512; aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    def get_remaining_time_in_millis(self): return 10000
event = {{"version": "2.0", "routeKey": "$default", "rawPath": {path!r}, "rawQueryString": "",
    "headers": {{"host": "bench"}}, "isBase64Encoded": False,
    "requestContext": {{"http": {{"method": "GET", "path": {path!r}, "protocol": "HTTP/1.1",
    "sourceIp": "127.0.0.1", "userAgent": "bench"}}, "requestId": "bench", "stage": "$default"}}}}
response = handler(event, Context())
answered = time.perf_counter()
assert response["statusCode"] == 200, response
print(json.dumps({{"import": imported - started, "total": answered - started}}))
"""


def sam_build(template_dir: Path, build_dir: Path) -> None:
    # SAM's default Python builder runs `python3.13 -m pip`: put a real 3.13 first on PATH.
    path = f"{Path(PYTHON).parent}{os.pathsep}{os.environ['PATH']}"
    subprocess.run(
        [SAM, "build", "--build-dir", str(build_dir)],
        cwd=template_dir,
        env={**os.environ, "PATH": path, "SAM_CLI_TELEMETRY": "0"},
        check=True,
        capture_output=True,
    )


def build_baseline(workdir: Path) -> Path:
    source = workdir / "hello"
    shutil.copytree(ROOT / "bench" / "hello", source)
    # The same FastAPI and Mangum versions as the project, so only the packaging differs.
    pins = [f"{name}=={importlib.metadata.version(name)}" for name in ("fastapi", "mangum")]
    (source / "app" / "requirements.txt").write_text("\n".join(pins) + "\n")
    sam_build(source, workdir / "hello-build")
    return workdir / "hello-build" / "HelloFunction"


def build_project(workdir: Path) -> tuple[Path, Path]:
    subprocess.run(
        [SAM, "build", "--build-dir", str(workdir / "build")],
        cwd=ROOT,
        env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
        check=True,
        capture_output=True,
    )
    return workdir / "build" / "HealthFunction", workdir / "build" / "SharedLayer" / "python"


def sample(paths: list[str], module: str, path: str, env: dict[str, str]) -> dict[str, float]:
    script = SAMPLE.format(paths=paths, module=module, path=path)
    completed = subprocess.run(
        [PYTHON, "-I", "-S", "-B", "-c", script],
        env={"PYTHONDONTWRITEBYTECODE": "1", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory(prefix="coldstart-") as tmp:
        workdir = Path(tmp)
        print("building both with sam build ...", flush=True)
        health_task, layer = build_project(workdir)
        hello_task = build_baseline(workdir)
        health_env = {"POWERTOOLS_SERVICE_NAME": "health", "POWERTOOLS_TRACE_DISABLED": "true"}
        samples: dict[str, list[dict[str, float]]] = {"health": [], "hello": []}
        for _ in range(rounds):
            samples["hello"].append(sample([str(hello_task)], "app", "/hello", {}))
            samples["health"].append(
                sample(
                    [str(health_task), str(layer)], "functions.health.app", "/health", health_env
                )
            )

    def median_ms(name: str, key: str) -> float:
        return statistics.median(s[key] for s in samples[name]) * 1000

    print(f"\n{rounds} fresh processes each, Python {sys.version.split()[0]}, bytecode writing off")
    print(f"{'':34}{'import':>10}{'import + 1st call':>20}")
    for name, label in (
        ("hello", "bare FastAPI+Mangum (sam default)"),
        ("health", "Health function (our build)"),
    ):
        print(f"{label:34}{median_ms(name, 'import'):>8.0f}ms{median_ms(name, 'total'):>18.0f}ms")
    ratio = median_ms("health", "total") / median_ms("hello", "total")
    print(f"\ncold start ratio Health / hello = {ratio:.2f}  (target <= 1.0)")


if __name__ == "__main__":
    main()
