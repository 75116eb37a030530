"""A room's folder: everyone's home, nbgrader's shared exchange, the instructor's course folder, the per-role
nbgrader layers the hub's servers read, and the hub's own state.

::

    ROOM/home/INSTRUCTOR/course/   an nbgrader course folder (python -m grader init) wired to quizzes/
    ROOM/home/LEARNER/             each learner's home: fetched quizzes, their feedback
    ROOM/exchange/                 nbgrader's exchange (release, submit, collect, feedback)
    ROOM/hub/                      jupyterhub.sqlite, cookie secret, settings.json, jupyterhub.log, config/

Preparing it again is safe: it rewrites the settings and layers and keeps every learner's work and grades.
"""

from __future__ import annotations

import json
from pathlib import Path

from grader import course_dir
from grader.workshop.hub.settings import HubError, HubSettings

REPO_JUPYTER_CONFIG = Path(__file__).resolve().parents[3] / "jupyter-config"
ROLES = ("instructor", "learner")

HUB_BLOCK_MARK = "# --- the room's JupyterHub (python -m grader hub) ---"
HUB_BLOCK = """
{mark}
# one exchange for the instructor's and every learner's server
c.Exchange.root = {exchange!r}
# every learner's files belong to the hub's one OS user: nbgrader's owner check would warn of cheating on each
c.ExchangeCollect.check_owner = False
"""

INSTRUCTOR_LAYER = '''"""nbgrader in the instructor's server of the room's hub (by `python -m grader hub`).

Everything comes from the course folder's own nbgrader_config.py, which `python -m grader --course {course}`
reads too: one set of settings for formgrader and the grader.
"""

c = get_config()  # noqa: F821 (injected by traitlets)
load_subconfig("nbgrader_config.py", path={course!r})  # noqa: F821
'''

LEARNER_LAYER = '''"""nbgrader in a learner's server of the room's hub (written by `python -m grader hub`)."""

import os

c = get_config()  # noqa: F821 (injected by traitlets)
c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}
# the hub's user name, or every submission would carry the one OS user's name
c.CourseDirectory.student_id = os.environ.get("JUPYTERHUB_USER") or "*"
'''

# JupyterHub >= 4.1 forbids framing user servers (frame-ancestors 'none'); Lab shows formgrader in a frame:
# a blank panel. nbgrader's documented remedy for trusted users: allow framing by the same origin, here on the
# instructor's server only (in a one-OS-user room nothing more is exposed by it).
INSTRUCTOR_SERVER_CONFIG = {
    "ServerApp": {"tornado_settings": {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}}
}


def _with_hub_block(config_text: str, exchange: Path) -> str:
    base = config_text.split("\n" + HUB_BLOCK_MARK)[0].rstrip("\n") + "\n"
    return base + HUB_BLOCK.format(mark=HUB_BLOCK_MARK, exchange=str(exchange))


def prepare(settings: HubSettings) -> None:
    """Create (or refresh) the room's folders, the instructor's course folder and the nbgrader layers."""
    for role in ROLES:
        if not (settings.repo_jupyter_config_dir / role).is_dir():
            raise HubError(
                f"no {settings.repo_jupyter_config_dir / role}: the learner/instructor switches are missing.",
                fix="Run the hub from a checkout of the course repository (it ships jupyter-config/).",
            )
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    settings.state_dir.chmod(0o700)
    settings.exchange_dir.mkdir(parents=True, exist_ok=True)
    for user in settings.users:
        settings.home(user).mkdir(parents=True, exist_ok=True)
    folder = course_dir.init(settings.course_dir, quizzes_dir=settings.quizzes_dir)
    text = folder.config_path.read_text(encoding="utf-8")
    folder.config_path.write_text(_with_hub_block(text, settings.exchange_dir), encoding="utf-8")
    layers = {
        "instructor": INSTRUCTOR_LAYER.format(course=str(folder.root)),
        "learner": LEARNER_LAYER.format(course_id=settings.course_id, exchange=str(settings.exchange_dir)),
    }
    for role, text in layers.items():
        settings.layer_dir(role).mkdir(parents=True, exist_ok=True)
        (settings.layer_dir(role) / course_dir.CONFIG_NAME).write_text(text, encoding="utf-8")
    server_config = settings.layer_dir("instructor") / "jupyter_server_config.json"
    server_config.write_text(json.dumps(INSTRUCTOR_SERVER_CONFIG, indent=2), encoding="utf-8")
    settings.write()
