"""A room's hub settings: who logs in, where everything lives, which ports; JSON for the hub's config.

The launcher writes them to ``ROOM/hub/settings.json``; ``jupyterhub_config.py`` reads that file (its path in
``GRADER_HUB_SETTINGS``). Passwords are never in it: they travel in the hub process's environment only.
"""

from __future__ import annotations

import json
import re
import secrets
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from grader.course_dir import COURSE_ID, GraderError

ENV_SETTINGS = "GRADER_HUB_SETTINGS"
ENV_PASSWORD = "GRADER_HUB_PASSWORD"
ENV_INSTRUCTOR_PASSWORD = "GRADER_HUB_INSTRUCTOR_PASSWORD"
#: JupyterHub's own minimum lengths (SharedPasswordAuthenticator: user and admin passwords)
LEARNER_PASSWORD_MIN_CHARS = 8
INSTRUCTOR_PASSWORD_MIN_CHARS = 32
#: JupyterHub lower-cases user names; nbgrader refuses '+' and '*' in a student id; no path tricks
USER_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
MAX_LEARNERS = 200


class HubError(GraderError):
    """The room's hub cannot start or stop as asked (the message says why and how to fix it)."""


@dataclass(frozen=True)
class HubSettings:
    """Everything the hub's config needs, except passwords. Paths are absolute."""

    room_dir: Path
    ip: str
    port: int
    hub_port: int
    proxy_api_port: int
    instructor: str
    learners: tuple[str, ...]
    proxy_command: str
    quizzes_dir: Path
    repo_jupyter_config_dir: Path
    python: str = sys.executable
    course_id: str = COURSE_ID

    @property
    def state_dir(self) -> Path:
        """The hub's own files: database, cookie secret, settings, log, per-role nbgrader layers."""
        return self.room_dir / "hub"

    @property
    def exchange_dir(self) -> Path:
        return self.room_dir / "exchange"

    def home(self, user: str) -> Path:
        return self.room_dir / "home" / user

    @property
    def course_dir(self) -> Path:
        """The instructor's nbgrader course folder, inside their home (formgrader needs it there)."""
        return self.home(self.instructor) / "course"

    def layer_dir(self, role: str) -> Path:
        """The room's nbgrader layer of ``role`` ('instructor' or 'learner')."""
        return self.state_dir / "config" / role

    def jupyter_config_path(self, role: str) -> list[str]:
        """JUPYTER_CONFIG_PATH of a ``role``'s server: the room's nbgrader layer, then the repository's
        switches (formgrader and its Lab plugins on for the instructor, off for learners)."""
        return [str(self.layer_dir(role)), str(self.repo_jupyter_config_dir / role)]

    @property
    def settings_path(self) -> Path:
        return self.state_dir / "settings.json"

    @property
    def log_path(self) -> Path:
        return self.state_dir / "jupyterhub.log"

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.ip in ("", "0.0.0.0") else self.ip
        return f"http://{host}:{self.port}/"

    @property
    def users(self) -> tuple[str, ...]:
        return (self.instructor, *self.learners)

    def to_json(self) -> str:
        data = asdict(self)
        data["learners"] = list(self.learners)
        return json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in data.items()}, indent=2)

    @classmethod
    def from_json(cls, text: str) -> HubSettings:
        data = json.loads(text)
        for name in ("room_dir", "quizzes_dir", "repo_jupyter_config_dir"):
            data[name] = Path(data[name])
        data["learners"] = tuple(data["learners"])
        return cls(**data)

    def write(self) -> Path:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.settings_path.write_text(self.to_json(), encoding="utf-8")
        return self.settings_path


def load(path: Path | str) -> HubSettings:
    """The settings the launcher wrote (for ``jupyterhub_config.py``)."""
    try:
        return HubSettings.from_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise HubError(
            f"cannot read the hub's settings from {path}: {exc}",
            fix=f"Start the hub with `python -m grader hub`, which writes them and sets {ENV_SETTINGS}.",
        ) from exc


def check_user_name(name: str, *, what: str) -> str:
    if not USER_NAME.match(name):
        raise HubError(
            f"{what} {name!r} is not a usable hub user name.",
            fix="Use lower-case letters, digits, '-' and '_' (start with a letter; at most 32 characters).",
        )
    return name


def parse_learners(spec: str, *, instructor: str) -> tuple[str, ...]:
    """``alice,bob`` (names) or ``12`` (learner01 ... learner12) -> checked, distinct learner names."""
    spec = spec.strip()
    if spec.isdigit():
        count = int(spec)
        if not 1 <= count <= MAX_LEARNERS:
            raise HubError(
                f"--learners {count}: a room needs 1 to {MAX_LEARNERS} learners.",
                fix="Give a count such as --learners 12, or names: --learners alice,bob.",
            )
        width = max(2, len(str(count)))
        names = [f"learner{i:0{width}d}" for i in range(1, count + 1)]
    else:
        names = [n.strip() for n in spec.split(",") if n.strip()]
        if not names:
            raise HubError(
                "--learners names nobody.", fix="Give names (--learners alice,bob) or a count (12)."
            )
    for name in names:
        check_user_name(name, what="learner")
    if len(set(names)) != len(names):
        raise HubError(f"--learners repeats a name: {spec}", fix="Give each learner once.")
    if instructor in names:
        raise HubError(
            f"{instructor!r} is both the instructor and a learner.",
            fix="Choose another --instructor name, or leave that name out of --learners.",
        )
    return tuple(names)


@dataclass(frozen=True)
class Passwords:
    """The learners' shared password and the instructor's own; ``generated`` says which were made up here."""

    learner: str = field(repr=False)
    instructor: str = field(repr=False)
    generated: tuple[str, ...] = ()


def passwords_from(environ: dict[str, str]) -> Passwords:
    """Passwords from the environment, or generated ones; checked against JupyterHub's minimum lengths."""
    generated: list[str] = []
    learner = environ.get(ENV_PASSWORD, "")
    if not learner:
        learner = secrets.token_urlsafe(9)  # 12 characters
        generated.append("learner")
    instructor = environ.get(ENV_INSTRUCTOR_PASSWORD, "")
    if not instructor:
        instructor = secrets.token_urlsafe(24)  # 32 characters
        generated.append("instructor")
    if len(learner) < LEARNER_PASSWORD_MIN_CHARS:
        raise HubError(
            f"{ENV_PASSWORD} has {len(learner)} characters; JupyterHub needs at least "
            f"{LEARNER_PASSWORD_MIN_CHARS}.",
            fix=f"Set a longer {ENV_PASSWORD}, or unset it and a password is generated and printed once.",
        )
    if len(instructor) < INSTRUCTOR_PASSWORD_MIN_CHARS:
        raise HubError(
            f"{ENV_INSTRUCTOR_PASSWORD} has {len(instructor)} characters; JupyterHub needs at least "
            f"{INSTRUCTOR_PASSWORD_MIN_CHARS} for an admin's password.",
            fix=f"Set a longer {ENV_INSTRUCTOR_PASSWORD}, or unset it and one is generated and printed once.",
        )
    if learner == instructor:
        raise HubError(
            "the learners' and the instructor's passwords are the same.",
            fix=f"Give {ENV_PASSWORD} and {ENV_INSTRUCTOR_PASSWORD} different values.",
        )
    return Passwords(learner=learner, instructor=instructor, generated=tuple(generated))
