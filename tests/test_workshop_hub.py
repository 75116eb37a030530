"""JupyterHub for a room, end to end: `python -m grader hub` on free loopback ports with the shipped config.

The instructor and a learner log in through the hub's REST API (tokens from their passwords); the instructor
releases quiz-01-open (formgrader's Generate and Release, into nbgrader's exchange); the learner fetches
it, answers (a third of it wrong), saves through the Contents API and submits; the instructor collects in
formgrader, autogrades and writes feedback with the grader, releases feedback in formgrader; the learner
fetches it and the page shows the score the quiz's own checks predict. Then Ctrl-C: nothing is left running.
Bad input (a short password, a name, a busy port) stops before anything starts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import hostile_submissions as submissions
import psutil
import pytest
import requests

from course.config import load_settings
from course.quiz import run_cells
from course.quiz.build import QUIZZES_DIR, discover
from course.quiz.render import graded_cells
from grader.cli import main as grader_main
from grader.workshop.hub import launcher, proxy
from grader.workshop.hub import room as hub_room
from grader.workshop.hub.settings import (
    ENV_INSTRUCTOR_PASSWORD,
    ENV_PASSWORD,
    INSTRUCTOR_PASSWORD_MIN_CHARS,
    LEARNER_PASSWORD_MIN_CHARS,
    HubSettings,
    Passwords,
    passwords_from,
)

QUIZ = "quiz-01-open"
COURSE_ID = "open-vs-frontier"
INSTRUCTOR, LEARNER, OTHER = "teacher", "alice", "bob"
PASSWORD = "room-password-2026"
INSTRUCTOR_PASSWORD = "instructor-only-password-0123456789abcdef"
# configurable-http-proxy is installed once (npm ci, ~3 s) into the real course cache, like llama-server:
# read here, at import, before conftest points COURSE_CACHE_DIR at a temporary folder for the session.
PROXY_DIR = load_settings().cache_dir / "hub-proxy"


@dataclass
class Launched:
    """The `python -m grader hub` process and what it printed."""

    process: subprocess.Popen
    room: Path
    lines: list[str] = field(default_factory=list)
    url: str = ""
    started_s: float = 0.0

    @property
    def course(self) -> Path:
        return self.room / "home" / INSTRUCTOR / "course"

    def output(self) -> str:
        return "\n".join(self.lines)


def _read_lines(stream, sink: list[str]) -> None:
    for line in stream:
        sink.append(line.rstrip("\n"))


def _needs_hub() -> None:
    pytest.importorskip("jupyterhub", reason="needs jupyterhub (pip install jupyterhub==6.1.1)")
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("needs Node.js 20+ with npm for configurable-http-proxy")


def _launch(room: Path, *args: str) -> Launched:
    """`python -m grader hub` on a free port for ``room``; returns once it printed its URL."""
    env = dict(os.environ, **{ENV_PASSWORD: PASSWORD, ENV_INSTRUCTOR_PASSWORD: INSTRUCTOR_PASSWORD})
    t0 = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "grader", "hub", "--room", str(room), "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    launched = Launched(process=process, room=room)
    threading.Thread(target=_read_lines, args=(process.stdout, launched.lines), daemon=True).start()
    deadline = time.monotonic() + 180
    while not launched.url:
        found = re.search(r"is ready at (http://\S+/)", launched.output())
        if found:
            launched.url = found.group(1)
        elif process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            pytest.fail(f"the hub did not start:\n{launched.output()}")
        time.sleep(0.1)
    launched.started_s = time.perf_counter() - t0
    return launched


def _stop(process: subprocess.Popen) -> None:
    """Ctrl-C, as a person stops it (a kill if it does not stop)."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    _needs_hub()
    room = tmp_path_factory.mktemp("hub") / "room"
    launched = _launch(
        room,
        *("--instructor", INSTRUCTOR, "--learners", f"{LEARNER},{OTHER}", "--proxy-dir", str(PROXY_DIR)),
    )
    yield launched
    _stop(launched.process)  # after a failed test: still stop everything


def _token(hub: Launched, user: str, password: str) -> requests.Response:
    return requests.post(
        f"{hub.url}hub/api/users/{user}/tokens",
        json={"auth": {"username": user, "password": password}, "note": "test", "expires_in": 900},
        timeout=30,
    )


class Client:
    """One user's session: their API token, their server under /user/NAME/."""

    def __init__(self, hub: Launched, user: str, password: str) -> None:
        response = _token(hub, user, password)
        assert response.status_code == 201, response.text
        self.hub, self.user = hub, user
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {response.json()['token']}"

    def hub_api(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(method, f"{self.hub.url}hub/api/{path}", timeout=60, **kwargs)

    def server(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(method, f"{self.hub.url}user/{self.user}/{path}", timeout=120, **kwargs)

    def spawn(self) -> None:
        response = self.hub_api("POST", f"users/{self.user}/server")
        assert response.status_code in (201, 202), response.text

    def wait_ready(self, timeout_s: float = 120.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            server = self.hub_api("GET", f"users/{self.user}").json().get("servers", {}).get("", {})
            if server.get("ready"):
                return
            time.sleep(0.3)
        pytest.fail(f"{self.user}'s server did not start within {timeout_s:.0f} s")

    def run_code(self, code: str, timeout_s: float = 60.0) -> str:
        """Run ``code`` in a new kernel of this user's server (the kernel WebSocket); return its stdout."""
        import websocket

        kernel = self.server("POST", "api/kernels", json={"name": "python3"})
        assert kernel.status_code == 201, kernel.text
        kernel_id, session, msg_id = kernel.json()["id"], uuid.uuid4().hex, uuid.uuid4().hex
        ws_url = f"{self.hub.url.replace('http', 'ws', 1)}user/{self.user}/api/kernels/{kernel_id}/channels"
        ws = websocket.create_connection(
            f"{ws_url}?session_id={session}",
            header=[f"Authorization: {self.session.headers['Authorization']}"],
            timeout=timeout_s,
        )
        header = {"msg_id": msg_id, "session": session, "username": self.user, "version": "5.3"}
        content = {"code": code, "silent": False, "store_history": False, "allow_stdin": False}
        message = {"header": {**header, "msg_type": "execute_request"}, "parent_header": {}, "metadata": {}}
        ws.send(json.dumps({**message, "content": content, "channel": "shell", "buffers": []}))
        out: list[str] = []
        deadline = time.monotonic() + timeout_s
        try:
            while time.monotonic() < deadline:
                reply = json.loads(ws.recv())
                if reply.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = reply["msg_type"]
                if kind == "stream":
                    out.append(reply["content"]["text"])
                elif kind == "error":
                    out.append("\n".join(reply["content"]["traceback"]))
                elif kind == "status" and reply["content"]["execution_state"] == "idle":
                    break
        finally:
            ws.close()
            self.server("DELETE", f"api/kernels/{kernel_id}")
        return "".join(out)

    def ok(self, method: str, path: str, **kwargs) -> dict:
        """An nbgrader call through the user's server; its JSON answer must say success."""
        response = self.server(method, path, **kwargs)
        assert response.status_code == 200, response.text[-2000:]
        body = response.json()
        if isinstance(body, dict) and "success" in body:
            assert body["success"], str(body)[-3000:]
        return body


def _grader(hub: Launched, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """`python -m grader --course COURSE ...` as the instructor runs it in their hub terminal (in this
    process: the same code, without a second interpreter's start-up)."""
    capsys.readouterr()
    rc = grader_main(["--course", str(hub.course), *args])
    captured = capsys.readouterr()
    return rc, captured.out + captured.err


@pytest.mark.slow
def test_a_quiz_goes_round_the_room(
    hub: Launched, record_property, capsys: pytest.CaptureFixture[str]
) -> None:
    quiz = discover()[QUIZ]
    t0 = last = time.perf_counter()
    phases: dict[str, float] = {"hub_start_s": hub.started_s}

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        phases[name] = round(now - last, 1)
        last = now

    # a learner's password never opens the instructor's account; the instructor's own does
    assert _token(hub, INSTRUCTOR, PASSWORD).status_code == 403
    teacher = Client(hub, INSTRUCTOR, INSTRUCTOR_PASSWORD)
    alice = Client(hub, LEARNER, PASSWORD)
    teacher.spawn()
    alice.spawn()
    teacher.wait_ready()
    alice.wait_ready()
    lap("login_and_servers_s")

    # roles: formgrader for the instructor only; over HTTP nobody reaches another user's server
    status = teacher.server("GET", "formgrader/api/status")
    assert status.status_code == 200
    assert alice.server("GET", "formgrader/api/status").status_code == 404
    # Lab frames formgrader: the instructor's server lets its own origin frame it (JupyterHub's default: none)
    assert status.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert "frame-ancestors 'none'" in alice.server("GET", "api/status").headers["Content-Security-Policy"]
    other = alice.session.get(f"{hub.url}user/{INSTRUCTOR}/api/contents", timeout=30, allow_redirects=False)
    assert other.status_code in (302, 403, 404), other.status_code

    # the instructor releases the quiz in formgrader: Generate (source: the repository's quizzes/), Release
    teacher.ok("POST", f"formgrader/api/assignment/{QUIZ}/assign")
    teacher.ok("POST", f"formgrader/api/assignment/{QUIZ}/release")
    lap("release_s")

    # the learner fetches it, answers (a third wrong) and submits
    listed = alice.ok("GET", "assignments", params={"course_id": COURSE_ID})["value"]
    assert any(a["assignment_id"] == QUIZ and a["status"] == "released" for a in listed), listed
    alice.ok("POST", "assignments/fetch", data={"course_id": COURSE_ID, "assignment_id": QUIZ})
    path = f"api/contents/{QUIZ}/{QUIZ}.ipynb"
    released = alice.server("GET", path, params={"type": "file", "format": "text"})
    assert released.status_code == 200, released.text
    bodies = submissions.wrong_answers(quiz, seed=7)
    answered = submissions.answered(released.json()["content"], quiz, bodies)
    saved = alice.server("PUT", path, json={"type": "notebook", "format": "json", "content": answered})
    assert saved.status_code in (200, 201), saved.text
    alice.ok("POST", "assignments/submit", data={"course_id": COURSE_ID, "assignment_id": QUIZ})
    lap("fetch_answer_submit_s")

    # the instructor collects (formgrader), grades and writes feedback (the grader), releases it (formgrader)
    teacher.ok("POST", f"formgrader/api/assignment/{QUIZ}/collect")
    assert (hub.course / "submitted" / LEARNER / QUIZ / f"{QUIZ}.ipynb").is_file(), (
        "stamped with the hub user"
    )
    lap("collect_s")
    rc, out = _grader(hub, capsys, "autograde", QUIZ, "--jobs", "1", "--no-progress")
    assert rc == 0, out
    lap("autograde_s")
    points = {c.grade_id: c.points for q in quiz.questions for c in graded_cells(q)}
    expected = float(sum(points[gid] for gid, ok in run_cells.run(quiz, bodies=bodies).items() if ok))
    assert 0 < expected < quiz.total_points
    assert re.search(rf"{LEARNER}\s+{expected:g}/{quiz.total_points:g}", out), out
    rc, out = _grader(hub, capsys, "feedback", QUIZ)
    assert rc == 0 and "Feedback pages written: 1" in out, out
    teacher.ok("POST", f"formgrader/api/assignment/{QUIZ}/release_feedback")
    lap("feedback_s")

    # the learner fetches the feedback: the grader's page, with the real score
    alice.ok("POST", "assignments/fetch_feedback", data={"course_id": COURSE_ID, "assignment_id": QUIZ})
    listed = alice.ok("GET", "assignments", params={"course_id": COURSE_ID})["value"]
    submitted = next(a for a in listed if a["assignment_id"] == QUIZ and a["status"] == "submitted")
    local = submitted["submissions"][-1]["local_feedback_path"]
    assert local, submitted
    page = alice.server("GET", f"api/contents/{local}/{QUIZ}.html", params={"type": "file", "format": "text"})
    assert page.status_code == 200, page.text
    html = page.json()["content"]
    assert f"Score: {expected:g} / {quiz.total_points:g} points" in html
    assert f"Feedback for <b>{LEARNER}</b>" in html
    assert "BEGIN HIDDEN TESTS" not in html
    lap("fetch_feedback_s")

    # what the hub does NOT isolate (one OS user): the learner's kernel reads the instructor's gradebook
    gradebook = hub.course / "gradebook.db"
    seen = alice.run_code(f"print(open({str(gradebook)!r}, 'rb').read(15))")
    assert "SQLite format 3" in seen, seen
    lap("not_isolated_check_s")
    # each learner's labs save into their own home, so the room's results can be pooled per person
    where = alice.run_code("from course.labs.results import results_dir; print(results_dir())")
    assert str(hub.room / "home" / LEARNER / "results") in where, where

    # passwords from the environment are never printed, and written nowhere in the room
    assert PASSWORD not in hub.output() and INSTRUCTOR_PASSWORD not in hub.output()
    assert "(the value of GRADER_HUB_PASSWORD)" in hub.output()
    assert "WARNING NOT ISOLATED" in hub.output(), "said loudly when the command starts"
    for file in (hub.room / "hub").rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert PASSWORD.encode() not in data and INSTRUCTOR_PASSWORD.encode() not in data, file
    phases["round_trip_s"] = round(time.perf_counter() - t0, 1)
    for name, seconds in phases.items():
        record_property(name, seconds)
    with capsys.disabled():
        print(f"\nhub round trip: {phases}")


def _ours(room: Path) -> list[psutil.Process]:
    """Processes of this test's room: a command line or working folder in it."""
    found = []
    for proc in psutil.process_iter(["cmdline", "cwd"]):
        try:
            text = " ".join(proc.info["cmdline"] or []) + " " + (proc.info["cwd"] or "")
        except (psutil.Error, TypeError):
            continue
        if str(room) in text:
            found.append(proc)
    return found


@pytest.mark.slow
def test_ctrl_c_stops_everything(hub: Launched) -> None:
    launcher = psutil.Process(hub.process.pid)
    tree = launcher.children(recursive=True)
    names = " ".join(" ".join(p.cmdline()) for p in tree)
    assert "jupyterhub" in names and "configurable-http-proxy" in names, names
    assert "jupyterhub.singleuser" in names, "the first test started user servers"
    t0 = time.perf_counter()
    hub.process.send_signal(signal.SIGINT)
    assert hub.process.wait(timeout=60) == 0, hub.output()
    stop_s = time.perf_counter() - t0
    _gone, alive = psutil.wait_procs(tree, timeout=5)
    assert not alive, f"left running: {[p.cmdline() for p in alive]}"
    assert not _ours(hub.room), [p.info for p in _ours(hub.room)]
    assert "killed a process the hub left behind" not in hub.output(), hub.output()
    assert stop_s < 30


@pytest.mark.slow
def test_a_crashed_hub_leaves_nothing_running(tmp_path: Path) -> None:
    """kill -9 of JupyterHub itself: the launcher's stop still ends the proxy it left (in its own session)."""
    _needs_hub()
    settings = HubSettings(
        room_dir=tmp_path / "room",
        ip="127.0.0.1",
        port=launcher.free_port(),
        hub_port=launcher.free_port(),
        proxy_api_port=launcher.free_port(),
        instructor=INSTRUCTOR,
        learners=(LEARNER,),
        proxy_command=str(proxy.ensure(PROXY_DIR)),
        quizzes_dir=QUIZZES_DIR,
        repo_jupyter_config_dir=hub_room.REPO_JUPYTER_CONFIG,
    )
    hub_room.prepare(settings)
    hub = launcher.start(settings, Passwords(learner=PASSWORD, instructor=INSTRUCTOR_PASSWORD))
    try:
        assert any("configurable-http-proxy" in cmd for cmd in hub.tree.values()), hub.tree
        hub.process.kill()
        hub.process.wait(timeout=30)
    finally:
        killed = launcher.stop(hub)
    assert any("configurable-http-proxy" in cmd for cmd in killed.values()), killed
    assert not _ours(settings.room_dir), [p.info for p in _ours(settings.room_dir)]


@pytest.mark.parametrize(
    ("env", "argv", "message"),
    [
        ({ENV_PASSWORD: "short"}, [], "at least 8"),
        ({ENV_INSTRUCTOR_PASSWORD: "not-32-characters"}, [], "at least 32"),
        ({}, ["--learners", "Alice,bob"], "'Alice' is not a usable hub user name"),
        ({}, ["--instructor", "bob", "--learners", "alice,bob"], "both the instructor and a learner"),
        ({}, ["--learners", "0"], "1 to 200 learners"),
    ],
)
def test_bad_input_says_how_to_fix_and_starts_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    argv: list[str],
    message: str,
) -> None:
    for name in (ENV_PASSWORD, ENV_INSTRUCTOR_PASSWORD):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    room = tmp_path / "room"
    assert grader_main(["hub", "--room", str(room), "--port", "0", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "How to fix:" in err, err
    assert not room.exists(), "nothing is prepared or started"


def test_a_busy_port_is_refused_before_anything_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    pytest.importorskip("jupyterhub")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert grader_main(["hub", "--room", str(tmp_path / "room"), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "--port" in err, err
    assert not (tmp_path / "room").exists()


def test_generated_passwords_meet_jupyterhubs_rules_and_are_never_shown_in_a_repr() -> None:
    made = passwords_from({})
    assert made.generated == ("learner", "instructor")
    assert len(made.learner) >= LEARNER_PASSWORD_MIN_CHARS
    assert len(made.instructor) >= INSTRUCTOR_PASSWORD_MIN_CHARS
    assert made.learner != made.instructor != passwords_from({}).instructor
    assert made.learner not in repr(made) and made.instructor not in repr(made)
    given = passwords_from({ENV_PASSWORD: PASSWORD, ENV_INSTRUCTOR_PASSWORD: INSTRUCTOR_PASSWORD})
    assert given.generated == () and given.learner == PASSWORD


def test_hub_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        grader_main(["hub", "--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0 and "--learners" in out and "GRADER_HUB_PASSWORD" in out
