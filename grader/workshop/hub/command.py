"""`python -m grader hub`: JupyterHub for a room on this machine with nbgrader's exchange; Ctrl-C stops it."""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import sys
import time
from pathlib import Path

NOT_ISOLATED = (
    "WARNING NOT ISOLATED: every participant's server and kernels run as this one OS user ({user}). "
    "A learner's code can read and change the instructor's course folder (quiz solutions, hidden tests, "
    "gradebook), the other learners' work and this hub's files, passwords included. Fine for a room of "
    "people you trust with a workshop's quizzes; for anything else see docs/workshop-hub.md (The Littlest "
    "JupyterHub, Zero to JupyterHub)."
)
JUPYTERHUB_PIN = "jupyterhub==6.1.1"


def add_command(add) -> None:
    p = add(
        "hub",
        "a JupyterHub for a room, with nbgrader's exchange (Ctrl-C stops it)",
        "Start JupyterHub (with configurable-http-proxy, installed once with npm into the course cache) for "
        "an instructor and named learners. The instructor's server has formgrader over the course folder "
        "ROOM/home/INSTRUCTOR/course, which `python -m grader --course ...` grades too; learners fetch and "
        "submit quizzes through nbgrader's exchange in ROOM/exchange. Learners share one password "
        "(GRADER_HUB_PASSWORD, at least 8 characters); the instructor has their own "
        "(GRADER_HUB_INSTRUCTOR_PASSWORD, at least 32); unset ones are generated and printed once. Every "
        "server runs as this OS user: no isolation between participants (see docs/workshop-hub.md). The "
        "--course option is not used: the room holds its course folder.",
    )
    p.add_argument(
        "--room", type=Path, default=Path("hub-room"), help="the room's folder (default: %(default)s)"
    )
    p.add_argument(
        "--ip",
        default="127.0.0.1",
        help="address the hub listens on (default: %(default)s, this machine only)",
    )
    p.add_argument(
        "--port", type=int, default=8000, help="the hub's port (default: %(default)s; 0: any free)"
    )
    p.add_argument(
        "--instructor", default="instructor", help="the instructor's user name (default: %(default)s)"
    )
    p.add_argument(
        "--learners",
        default="4",
        help="learners' names (alice,bob) or a count (12: learner01...learner12) (default: %(default)s)",
    )
    p.add_argument(
        "--proxy-dir",
        type=Path,
        default=None,
        help="where configurable-http-proxy is installed (default: COURSE_CACHE_DIR/hub-proxy)",
    )
    p.add_argument(
        "--ready-timeout", type=float, default=90.0, help="seconds to wait for the hub (default: %(default)s)"
    )
    p.set_defaults(handler=run)


def _check_jupyterhub() -> None:
    from grader.workshop.hub.settings import HubError

    if importlib.util.find_spec("jupyterhub") is None:
        raise HubError(
            "JupyterHub is not installed in this Python environment.",
            fix=f"Install it: {sys.executable} -m pip install {JUPYTERHUB_PIN}",
        )


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return str(os.geteuid())


def _banner(settings, passwords, ready_s: float) -> str:
    from grader.workshop.hub.settings import ENV_INSTRUCTOR_PASSWORD, ENV_PASSWORD

    def shown(which: str, env: str, value: str) -> str:
        return value if which in passwords.generated else f"(the value of {env})"

    learners = ", ".join(settings.learners)
    return "\n".join(
        [
            f"JupyterHub for the room is ready at {settings.url} (in {ready_s:.1f} s)",
            *(
                [
                    f"  from the room's laptops: http://THIS-MACHINE'S-ADDRESS:{settings.port}/ "
                    "(hostname -I shows it)"
                ]
                if settings.ip not in ("127.0.0.1", "localhost", "::1")
                else []
            ),
            f"  instructor: {settings.instructor}   password: "
            + shown("instructor", ENV_INSTRUCTOR_PASSWORD, passwords.instructor),
            f"  learners:   {learners}",
            "              shared password: " + shown("learner", ENV_PASSWORD, passwords.learner),
            "  (generated passwords are shown here once and written nowhere; the learners' password opens "
            "every learner's account, never the instructor's)",
            f"  course folder (formgrader, and python -m grader --course): {settings.course_dir}",
            f"  exchange: {settings.exchange_dir}    hub log: {settings.log_path}",
            "  Instructor: release in Formgrader (or `python -m grader --course COURSE release QUIZ` then "
            "Formgrader's Release); after Collect: `python -m grader --course COURSE autograde QUIZ` and "
            "`... feedback QUIZ`, then Formgrader's Release feedback.",
            "Ctrl-C stops the hub, the proxy and every user's server.",
        ]
    )


def run(args: argparse.Namespace) -> int:
    from grader.workshop.hub import launcher, proxy, room
    from grader.workshop.hub.settings import (
        HubError,
        HubSettings,
        check_user_name,
        parse_learners,
        passwords_from,
    )

    passwords = passwords_from(dict(os.environ))
    instructor = check_user_name(args.instructor, what="instructor")
    learners = parse_learners(args.learners, instructor=instructor)
    if not 0 <= args.port <= 65535:
        raise HubError(f"--port {args.port} is not a TCP port.", fix="Give 1-65535, or 0 for any free port.")
    _check_jupyterhub()
    if args.port:
        launcher.check_port_free(args.ip, args.port)
    port = args.port or launcher.free_port(args.ip)
    proxy_command = proxy.ensure(args.proxy_dir)
    settings = HubSettings(
        room_dir=args.room.resolve(),
        ip=args.ip,
        port=port,
        hub_port=launcher.free_port(),
        proxy_api_port=launcher.free_port(),
        instructor=instructor,
        learners=learners,
        proxy_command=str(proxy_command),
        quizzes_dir=_quizzes_dir(),
        repo_jupyter_config_dir=room.REPO_JUPYTER_CONFIG,
    )
    room.prepare(settings)
    warning = NOT_ISOLATED.format(user=_user())
    print(warning, file=sys.stderr, flush=True)
    if args.ip not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"WARNING: listening on {args.ip}: anyone on this network can reach the login page; "
            "traffic is plain HTTP (put TLS in front for anything beyond a closed room network).",
            file=sys.stderr,
            flush=True,
        )
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        hub = launcher.start(settings, passwords, ready_timeout_s=args.ready_timeout)
    except KeyboardInterrupt:
        signal.signal(signal.SIGTERM, previous)
        print("Interrupted while starting; everything started has been stopped.", file=sys.stderr)
        return 130
    rc = 0
    try:
        print(_banner(settings, passwords, hub.ready_s), flush=True)
        while hub.process.poll() is None:
            time.sleep(1.0)
            hub.remember_tree()
        print(
            f"JupyterHub stopped by itself ({hub.process.returncode}). Its log ends with:\n"
            f"{launcher.log_tail(settings.log_path)}",
            file=sys.stderr,
        )
        rc = 2
    except KeyboardInterrupt:
        print("Stopping the hub, the proxy and every user's server ...", flush=True)
    finally:
        t0 = time.perf_counter()
        killed = launcher.stop(hub)
        signal.signal(signal.SIGTERM, previous)
        for pid, cmd in killed.items():
            print(f"  killed a process the hub left behind: {pid} {cmd[:120]}", file=sys.stderr)
        print(f"Stopped in {time.perf_counter() - t0:.1f} s; the room's files stay in {settings.room_dir}.")
    return rc


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _quizzes_dir() -> Path:
    from course.quiz.build import QUIZZES_DIR

    return QUIZZES_DIR
