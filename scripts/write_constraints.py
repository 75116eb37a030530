"""Write constraints.txt: the exact versions installed in this venv of everything the course depends on.

Usage: .venv/bin/python scripts/write_constraints.py [--extras dev,refresh] [--output constraints.txt]

It walks the requirements of pyproject.toml (with the extras named) through the installed packages'
metadata, so packages installed by hand for something else are left out, and so is the course itself.
`make setup` and environment.yml install with `-c constraints.txt`, which reproduces the measured set.
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def top_level(extras: list[str]) -> list[Requirement]:
    """The project's requirements plus those of ``extras``."""
    import tomllib  # Python 3.11+

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    raw = list(project["dependencies"])
    for extra in extras:
        raw += project["optional-dependencies"][extra]
    return [Requirement(r) for r in raw]


def closure(roots: list[Requirement]) -> dict[str, str]:
    """canonical name -> installed version of every package reachable from ``roots``."""
    env = default_environment()
    found: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [r for r in roots if r.marker is None or r.marker.evaluate({**env, "extra": ""})]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        key = (name, frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            sys.exit(f"error: {req.name} is required but not installed; install the course first.")
        found[name] = dist.version
        for raw in dist.requires or []:
            sub = Requirement(raw)
            extras = ("", *req.extras)
            if sub.marker is None or any(sub.marker.evaluate({**env, "extra": e}) for e in extras):
                todo.append(sub)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extras", default="dev,refresh", help="comma-separated extras to include")
    parser.add_argument("--output", type=Path, default=ROOT / "constraints.txt")
    args = parser.parse_args(argv)
    extras = [e for e in args.extras.split(",") if e]
    pins = closure(top_level(extras))
    pins.pop("open-vs-frontier", None)
    header = (
        "# Exact versions the course was tested with (Python "
        f"{sys.version_info.major}.{sys.version_info.minor}, extras: {', '.join(extras)}).\n"
        "# Generated from the venv by scripts/write_constraints.py; `make setup` and environment.yml\n"
        "# install with -c constraints.txt. Regenerate after changing a dependency in pyproject.toml.\n"
    )
    lines = [f"{name}=={version}" for name, version in sorted(pins.items())]
    args.output.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} pins to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
