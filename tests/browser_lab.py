"""JupyterLab in headless Chromium for the browser tests: the server `make lab` starts, what a learner sees.

The Lab command is read from the Makefile (`make -n lab`), so the test starts exactly what `make lab` starts
(flags, config), pointed at a temporary copy of the notebooks. Chromium is Debian's (/usr/bin/chromium),
driven through Playwright's Python package; nothing is downloaded at run time.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import psutil

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# Headless as root on a machine whose only network is a package registry: Chromium's own sandbox refuses
# root (--no-sandbox), and nothing may reach out (updates, sync, QUIC, background requests).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
LAB_URL = re.compile(r"http://127\.0\.0\.1:(\d+)/lab[^\s?]*\?token=([0-9a-f]+)")
# Variables `make test` sets for nbclient runs: a learner's Lab has neither (widgets must be live).
TEST_ONLY_ENV = ("COURSE_HEADLESS", "MPLBACKEND", "OPENAI_API_KEY", "OPENAI_BASE_URL")
MATH_TAG = (
    "math"  # a cell tagged "math" may typeset inline LaTeX on purpose; display maths ($$) is always fine
)
RUN_TIMEOUT_MS = 600_000  # one notebook's Run All; CI alone needs far less, a loaded box more


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_lab_command(*, port: int) -> str:
    """The shell command `make lab` runs to start JupyterLab, as `make -n` prints it, with the venv's path
    made absolute (so it can run from a copy of the notebooks)."""
    out = subprocess.run(
        ["make", "-n", "-s", "lab", f"LAB_PORT={port}", f"VENV={ROOT / '.venv'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = out.replace("\\\n", " ").splitlines()
    found = [c for c in commands if re.search(r"\bjupyter[ -]lab\b", c)]
    if len(found) != 1:
        raise RuntimeError(f"expected one `jupyter lab` command in `make -n lab`, found {len(found)}:\n{out}")
    return found[0]


def lab_env(**extra: str) -> dict[str, str]:
    """The environment a learner's Lab gets: this one without the test-only variables, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENV}
    env.update(extra)
    return env


@dataclass
class RunningLab:
    """A started JupyterLab: its base URL, token, and the log it writes."""

    process: subprocess.Popen[bytes]
    url: str
    port: int
    token: str
    log_path: Path

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            tail = "".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines(True)[-15:])
            raise RuntimeError(f"JupyterLab exited ({self.process.returncode}); its log ends:\n{tail}")

    def wait_until_it_answers(self, *, timeout_s: float) -> None:
        """Poll the printed URL until it answers 200 (Lab prints it a moment before it listens)."""
        deadline = time.monotonic() + timeout_s
        while True:
            self.check_alive()
            try:
                with urllib.request.urlopen(self.url, timeout=30) as answer:
                    if answer.status == 200:
                        return
            except OSError:  # refused: not listening yet
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.5)

    def api(self, method: str, path: str) -> object:
        """Call the server's REST API with the token; the decoded JSON answer (None when empty)."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=60) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """End every session (and its kernel), so one notebook's kernel does not run beside the next."""
        for session in self.api("GET", "/api/sessions") or []:
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def kernel_restarts(self) -> int:
        """How many times the server has restarted a dead kernel so far (from its log)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace").count("restarting kernel")

    def lab_url(self, path: str = "") -> str:
        self.check_alive()
        return f"http://127.0.0.1:{self.port}/lab{'/tree/' + path if path else ''}?reset&token={self.token}"


def _pump(stream, log_path: Path, found: dict[str, str], ready: threading.Event) -> None:
    with log_path.open("w", encoding="utf-8") as log:
        for raw in iter(stream.readline, b""):
            line = raw.decode(errors="replace")
            log.write(line)
            log.flush()
            match = LAB_URL.search(line)
            if match and not ready.is_set():
                found["url"], found["port"], found["token"] = match.group(0), match.group(1), match.group(2)
                ready.set()
    ready.set()


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM it when the test process dies (a killed pytest leaves no Lab)."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@contextmanager
def started(
    command: list[str] | str, *, cwd: Path, env: dict[str, str], log_path: Path, timeout_s: float = 180
) -> Iterator[RunningLab]:
    """Start ``command`` (Lab itself or `make lab`) in its own process group; wait for the tokenized URL it
    prints; on exit stop it and everything it started (kernels run in sessions of their own)."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        shell=isinstance(command, str),
        executable="/bin/bash" if isinstance(command, str) else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    found: dict[str, str] = {}
    ready = threading.Event()
    pump = threading.Thread(target=_pump, args=(process.stdout, log_path, found, ready), daemon=True)
    pump.start()
    clean_exit = False
    try:
        if not ready.wait(timeout_s) or "url" not in found:
            raise RuntimeError(
                f"JupyterLab printed no http://127.0.0.1:PORT/lab?token=... URL; see {log_path}"
            )
        running = RunningLab(process, found["url"], int(found["port"]), found["token"], log_path)
        running.wait_until_it_answers(timeout_s=timeout_s)
        yield running
        clean_exit = True
    finally:
        left = stop_tree(process)
        pump.join(timeout=10)
    if clean_exit and left:
        raise AssertionError(f"still running after SIGTERM to JupyterLab (killed now): {left}")


def stop_tree(process: subprocess.Popen[bytes], *, grace_s: float = 20) -> list[str]:
    """SIGTERM the process group (Lab shuts its kernels down), then SIGKILL whatever survives.
    Returns a description of each process that needed SIGKILL or is still alive (empty: a clean stop)."""
    try:
        tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        tree = []
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)  # Lab shuts its kernels down on SIGTERM
    _, alive = psutil.wait_procs(tree, timeout=grace_s)
    stuck = [f"{p.pid} {_name(p)}" for p in alive]
    for proc in alive:
        with suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(alive, timeout=5)
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        stuck.append(f"{process.pid} (would not exit)")
    return stuck


def _name(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline()[:3])
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return "?"


def descendants() -> set[int]:
    """Process ids of everything this Python process started, still running."""
    return {p.pid for p in psutil.Process().children(recursive=True) if p.is_running()}


def started_since(before: set[int]) -> set[int]:
    """Processes this Python process started after ``before`` was taken, leaving out the children that
    processes already in ``before`` spawned since (the browser starts helper processes when it likes)."""
    me = os.getpid()
    new = set()
    for pid in descendants() - before:
        with suppress(psutil.NoSuchProcess):
            ancestors = {parent.pid for parent in psutil.Process(pid).parents()}
            if not ancestors & before - {me}:
                new.add(pid)
    return new


def tree_of(pids: set[int]) -> set[int]:
    """``pids`` and every process they started, still running."""
    found = set()
    for pid in pids:
        with suppress(psutil.NoSuchProcess):
            found |= {pid, *(p.pid for p in psutil.Process(pid).children(recursive=True))}
    return found


def wait_gone(pids: set[int], *, timeout_s: float = 15) -> list[str]:
    """Wait for ``pids`` to exit; describe those still running after ``timeout_s``."""
    procs = []
    for pid in pids:
        try:
            procs.append(psutil.Process(pid))
        except psutil.NoSuchProcess:
            continue
    _, alive = psutil.wait_procs(procs, timeout=timeout_s)
    return [f"{p.pid} {_name(p)}" for p in alive if p.status() != psutil.STATUS_ZOMBIE]


# --- what the notebook shows ------------------------------------------------------------------------------


@dataclass
class NotebookReport:
    """What one notebook showed in Lab after Run All, cell by cell (indices count every cell from 0)."""

    path: str
    run_s: float
    errors: list[str] = field(default_factory=list)
    figure_mismatches: list[str] = field(default_factory=list)
    widget_problems: list[str] = field(default_factory=list)
    unintended_math: list[str] = field(default_factory=list)
    lab_problems: list[str] = field(default_factory=list)
    figures: int = 0
    widget_views: int = 0
    screenshot: Path | None = None

    def findings(self) -> list[str]:
        return [
            *self.lab_problems,
            *self.errors,
            *self.figure_mismatches,
            *self.widget_problems,
            *self.unintended_math,
        ]


PLOT_CALL = re.compile(r"\b(plot_\w+|\w+_figure)\(")  # as tests/test_notebooks.py counts figure calls
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _is_image(output: dict) -> int:
    """1 for an image output; for an HTML one without an image alternative, the <img> tags it carries."""
    data = output.get("data", {})
    if any(key.startswith("image/") for key in data):
        return 1
    html = data.get("text/html", "")
    return len(re.findall(r"<img\b", html if isinstance(html, str) else "".join(html)))


def produced_images(cell: dict, widget_state: dict) -> int:
    """Images the kernel sent for ``cell``: its own outputs (an HTML page's embedded images too) plus those
    inside the Output widgets of the widget views it shows (from the widget state Lab saves with it). An
    output that carries a widget view is rendered as the widget: its HTML alternative (the static rendering a
    live view sends for GitHub and nbconvert) is not shown in Lab, so its images are not counted."""
    count = 0
    for output in cell.get("outputs", []):
        view = output.get("data", {}).get(WIDGET_VIEW)
        if view:
            count += _images_in_widget(view["model_id"], widget_state, seen=set())
        else:
            count += _is_image(output)
    return count


def _images_in_widget(model_id: str, widget_state: dict, *, seen: set[str]) -> int:
    if model_id in seen or model_id not in widget_state:
        return 0
    seen.add(model_id)
    state = widget_state[model_id].get("state", {})
    count = sum(_is_image(o) for o in state.get("outputs", []))
    for child in state.get("children", []):
        if isinstance(child, str) and child.startswith("IPY_MODEL_"):
            count += _images_in_widget(child.removeprefix("IPY_MODEL_"), widget_state, seen=seen)
    return count


_PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

_DONE_JS = f"""() => {{
  const panel = document.querySelector('{_PANEL}');
  if (!panel) return false;
  if (document.querySelector('.jp-Dialog')) return true;  // e.g. "Kernel Restarting": stop and report it
  const status = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')].map(e => e.textContent);
  // Run All marks every code cell [*] at once; a dead kernel's restart clears them to [ ] (reported later)
  return status && status.dataset.status === 'idle' && !prompts.some(t => t.includes('*'));
}}"""

_SHOWN_JS = f"""() => {{
  const cells = [...document.querySelectorAll('{_PANEL} .jp-Notebook .jp-Cell')];
  return cells.map(cell => {{
    const outputs = cell.querySelector('.jp-Cell-outputWrapper');
    // Inline maths only: a display equation ($$...$$) is meant; an inline pair of $ is usually two prices.
    const inline = [...cell.querySelectorAll('mjx-container:not([display="true"]), .katex')].filter(
      m => !m.closest('.katex-display'));
    const math = inline.map(m => {{
      const tex = (m.querySelector('mjx-assistive-mml, .katex-mathml') || m).textContent;
      const where = m.closest('p, li, td, th, h1, h2, h3, h4, pre, .jp-OutputArea-output') || m.parentElement;
      const text = (where.textContent || '').replace(/\\s+/g, ' ').slice(0, 120);
      return `${{tex.replace(/\\s+/g, ' ').slice(0, 80)}} in: ${{text}}`;
    }});
    const top = outputs ? [...outputs.querySelectorAll(
      ':scope > .jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output')] : [];
    const prompt = cell.querySelector('.jp-InputArea-prompt');
    return {{
      kind: cell.classList.contains('jp-CodeCell') ? 'code' : 'markdown',
      prompt: prompt ? prompt.textContent.trim() : '',
      images: outputs ? outputs.querySelectorAll('.jp-OutputArea-output img').length : 0,
      math: math,
      live_views: top.filter(o => o.querySelector(':scope > .jupyter-widgets')).length,
      text: outputs ? outputs.textContent.slice(0, 20000) : '',  // innerText is empty off-screen
    }};
  }});
}}"""


def open_notebook(page: Page, lab: RunningLab, relpath: str) -> None:
    """Open ``relpath`` in a fresh Lab page and wait until its kernel is connected and idle (the status bar
    says "| Idle"; the toolbar's indicator says idle before the kernel is connected)."""
    page.goto(lab.lab_url(relpath))
    page.wait_for_selector(f"{_PANEL} .jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-StatusBar-Item')]
                 .some(e => /\\|\\s*Idle\\s*$/.test(e.innerText))""",
        timeout=120_000,
    )
    page.wait_for_selector(f"{_PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)


def run_all(page: Page) -> None:
    """Run > Run All Cells, as a learner does, then wait for every code cell to finish and the kernel idle."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(  # Run All marks every code cell [*] at once, or they have run already
        f"""() => [...document.querySelectorAll('{_PANEL} .jp-CodeCell .jp-InputArea-prompt')]
                 .some(e => /\\[(\\*|\\d+)\\]/.test(e.textContent))""",
        timeout=30_000,
    )
    page.wait_for_function(_DONE_JS, timeout=RUN_TIMEOUT_MS, polling=500)


def dismiss_dialogs(page: Page) -> list[str]:
    """The text of each dialog Lab shows (e.g. a dead kernel), each closed (Cancel where it has one)."""
    texts: list[str] = []
    dialog = page.locator(".jp-Dialog")
    while dialog.count() and len(texts) < 5:
        texts.append(" ".join(dialog.first.inner_text().split())[:300])
        buttons = dialog.first.locator(".jp-Dialog-footer button")
        reject = dialog.first.locator(".jp-Dialog-footer button.jp-mod-reject")
        if reject.count():
            reject.first.click()
        elif buttons.count():
            buttons.last.click()
        else:
            page.keyboard.press("Escape")
        page.wait_for_timeout(500)
    return texts


def save(page: Page) -> None:
    """Ctrl+S, then wait until the tab is no longer marked dirty."""
    page.locator(f"{_PANEL} .jp-Notebook").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')", timeout=30_000
    )


SHOT_HEIGHT_PX = 8000  # Chromium draws a page this tall reliably; a longer notebook is shot in parts


def screenshot(page: Page, path: Path, *, max_parts: int = 4) -> Path:
    """The notebook from the top, as tall pages: ``path``, then NAME-2.png, NAME-3.png ... for the rest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or {"width": 1400, "height": 1000}
    outer = f"document.querySelector('{_PANEL} .jp-WindowedPanel-outer')"
    height = page.evaluate(f"() => {outer} ? {outer}.scrollHeight : document.body.scrollHeight")
    page.set_viewport_size(
        {"width": size["width"], "height": min(max(size["height"], height + 200), SHOT_HEIGHT_PX)}
    )
    page.wait_for_timeout(500)
    shown_px = page.evaluate(f"() => {outer} ? {outer}.clientHeight : window.innerHeight")
    for part in range(max_parts):
        if part * shown_px >= height:
            break
        page.evaluate(f"() => {{ if ({outer}) {outer}.scrollTop = {part * shown_px}; }}")
        page.wait_for_timeout(800)
        name = path if part == 0 else path.with_name(f"{path.stem}-{part + 1}{path.suffix}")
        page.screenshot(path=str(name), timeout=120_000)
    page.set_viewport_size(size)
    return path


def check_notebook(
    page: Page, lab: RunningLab, *, copy_root: Path, relpath: str, shots: Path
) -> NotebookReport:
    """Open, Run All, save (into the copy, with the widget state) and compare what Lab shows with what the
    kernel sent; then shut the kernel down."""
    start = time.perf_counter()
    restarts_before = lab.kernel_restarts()
    try:
        open_notebook(page, lab, relpath)
        opened_s = time.perf_counter() - start
        run_all(page)
        dialogs = dismiss_dialogs(page)
        save(page)
        report = NotebookReport(relpath, run_s=time.perf_counter() - start)
        report.lab_problems += [f"{relpath}: Lab showed a dialog: {d}" for d in dialogs]
        if lab.kernel_restarts() > restarts_before:
            report.lab_problems.append(
                f"{relpath}: the kernel died and Lab restarted it (see {lab.log_path})"
            )
        print(
            f"[browser] {relpath}: opened in {opened_s:.1f} s, ran and saved in {report.run_s:.1f} s",
            flush=True,
        )
        shown = page.evaluate(_SHOWN_JS)
        report.screenshot = screenshot(
            page, shots / (relpath.replace("/", "__").removesuffix(".ipynb") + ".png")
        )
    except Exception:
        with suppress(Exception):  # what the page showed when it failed, for the person reading the error
            page.screenshot(
                path=str(shots / (relpath.replace("/", "__").removesuffix(".ipynb") + "-failed.png"))
            )
        raise
    finally:
        lab.shut_down_kernels()
    nb = nbformat.read(copy_root / relpath, as_version=4)  # as Lab saved it: the kernel's outputs
    widget_state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    if len(shown) != len(nb.cells):
        report.lab_problems.append(f"Lab shows {len(shown)} cells, the notebook has {len(nb.cells)}")
    for i, (cell, dom) in enumerate(zip(nb.cells, shown)):
        where = f"{relpath} cell {i}"
        if cell.cell_type == "code" and not re.fullmatch(r"\[\d+\]:", dom["prompt"]):
            report.errors.append(f"{where}: did not finish (prompt {dom['prompt'] or 'empty'})")
        outputs = cell.get("outputs", [])
        for out in outputs:
            if out.output_type == "error":
                report.errors.append(f"{where}: {out.ename}: {out.evalue}"[:300])
        views = sum("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
        report.widget_views += views
        if views != dom["live_views"]:
            report.widget_problems.append(
                f"{where}: the kernel sent {views} widget view(s), Lab shows {dom['live_views']} live"
            )
        for bad in ("Loading widget", "Error displaying widget", "Error rendering output"):
            if bad in dom["text"]:
                report.widget_problems.append(f"{where}: shows '{bad}…'")
        report.figures += dom["images"]
        sent = produced_images(cell, widget_state)
        if dom["images"] != sent:
            report.figure_mismatches.append(
                f"{where}: {dom['images']} figure(s) rendered, the kernel sent {sent}"
            )
        skipped = "Skipped" in dom["text"]  # the course's convention for a cell that needs a GPU or a key
        if cell.cell_type == "code" and PLOT_CALL.search(cell.source) and not dom["images"] and not skipped:
            report.figure_mismatches.append(
                f"{where}: draws a figure ({PLOT_CALL.search(cell.source)[0]}...) but none is rendered"
            )
        if dom["math"] and MATH_TAG not in cell.get("metadata", {}).get("tags", []):
            report.unintended_math += [
                f"{where} ({dom['kind']}): typeset as maths: {m!r}" for m in dom["math"]
            ]
    return report


def launch_chromium(playwright) -> Browser:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))


def as_json(reports: list[NotebookReport]) -> str:
    return json.dumps(
        [
            {
                "path": r.path,
                "run_s": round(r.run_s, 1),
                "figures": r.figures,
                "widget_views": r.widget_views,
                "findings": r.findings(),
            }
            for r in reports
        ],
        indent=2,
    )
