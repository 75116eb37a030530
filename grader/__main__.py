"""`python -m grader` and the `grader` command: see grader.cli.

Before anything imports jsonschema (nbformat does): jsonschema imports rfc3987_syntax when it is installed
(jupyter-events brings it), which builds a Lark grammar at import, about a second of CPU in this process
and again in every grading worker (spawned workers run this file first), only to check the "iri" string
format, which nothing the grader validates uses. Blocking it here touches the grader's own processes only,
never a program that imports the grader as a library.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None means "not installed"

from grader.cli import main  # noqa: E402  (after the line above, on purpose)

if __name__ == "__main__":
    sys.exit(main())
