"""configurable-http-proxy, JupyterHub's front door: an npm package installed on demand into the course cache.

The version and every dependency are pinned by grader/workshop/hub/package.json and package-lock.json (``npm
ci``). On Node 20, npm warns EBADENGINE for commander 15 (it asks for Node 22.12); the proxy runs fine
(measured).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from grader.workshop.hub.settings import HubError

PROXY_VERSION = "5.3.0"
NODE_MIN_MAJOR = 20  # configurable-http-proxy 5.3.0's "engines"
PINS_DIR = Path(__file__).resolve().parent
PIN_FILES = ("package.json", "package-lock.json")
NPM_TIMEOUT_S = 600.0


def default_dir() -> Path:
    from course.config import load_settings

    return load_settings().cache_dir / "hub-proxy"


def executable(target: Path) -> Path:
    return target / "node_modules" / ".bin" / "configurable-http-proxy"


def installed_version(target: Path) -> str | None:
    meta = target / "node_modules" / "configurable-http-proxy" / "package.json"
    try:
        return json.loads(meta.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None


def _is_current(target: Path) -> bool:
    return (
        executable(target).exists()
        and installed_version(target) == PROXY_VERSION
        and all(
            (target / name).is_file() and (target / name).read_bytes() == (PINS_DIR / name).read_bytes()
            for name in PIN_FILES
        )
    )


def check_node() -> tuple[str, str]:
    """Paths of node and npm, after checking node's major version."""
    node, npm = shutil.which("node"), shutil.which("npm")
    fix = (
        f"Install Node.js {NODE_MIN_MAJOR} or newer with npm (e.g. `apt-get install nodejs npm` on "
        "Debian 13, or the installer from nodejs.org), then start the hub again."
    )
    if not node or not npm:
        missing = " and ".join(n for n, p in (("node", node), ("npm", npm)) if not p)
        raise HubError(f"JupyterHub's proxy needs Node.js: {missing} not found on PATH.", fix=fix)
    out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    match = re.match(r"v?(\d+)\.", out)
    if not match or int(match.group(1)) < NODE_MIN_MAJOR:
        raise HubError(
            f"Node.js {out or '(unknown version)'} is too old for configurable-http-proxy.", fix=fix
        )
    return node, npm


def ensure(target: Path | None = None) -> Path:
    """The configurable-http-proxy executable in ``target`` (default: the course cache), installed with
    ``npm ci`` from the pinned lock file when it is missing or another version."""
    target = Path(target) if target else default_dir()
    if _is_current(target):
        return executable(target)
    _node, npm = check_node()
    target.mkdir(parents=True, exist_ok=True)
    for name in PIN_FILES:
        shutil.copyfile(PINS_DIR / name, target / name)
    print(f"Installing configurable-http-proxy {PROXY_VERSION} into {target} (npm ci, once) ...", flush=True)
    try:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=target,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        raise HubError(
            f"npm did not finish installing configurable-http-proxy within {NPM_TIMEOUT_S:.0f} s.",
            fix="Check that the npm registry is reachable (npm ping), then start the hub again.",
        ) from exc
    if done.returncode != 0 or not executable(target).exists():
        raise HubError(
            f"npm could not install configurable-http-proxy {PROXY_VERSION} into {target}:\n"
            + (done.stderr or done.stdout).strip()[-2000:],
            fix="Check that the npm registry is reachable (npm ping), or give --proxy-dir a folder where "
            "`npm ci` of grader/workshop/hub/package-lock.json has been run.",
        )
    return executable(target)
