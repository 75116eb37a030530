"""The course as a learner sees it: JupyterLab (started as `make lab` starts it) in headless Chromium.

For every lesson and lab, over a temporary copy: Run All, then no error output, as many rendered figures per
cell as nbclient produces headless, every widget view rendered live, and no text typeset as maths (a cell
tagged "math" may do it on purpose). One calculator slider is moved and its output must change; a released
quiz is validated with nbgrader's Validate button; `make lab` itself must print a URL that answers and opens
lesson 00. Screenshots and a JSON summary go to results/browser/. Needs Debian's chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from browser_lab import (
    CHROMIUM,
    ROOT,
    NotebookReport,
    RunningLab,
    as_json,
    check_notebook,
    descendants,
    free_port,
    lab_env,
    launch_chromium,
    make_lab_command,
    open_notebook,
    run_all,
    started,
    started_since,
    tree_of,
    wait_gone,
)
from notebook_checks import check_memo_after_all_labs

if not CHROMIUM.exists():
    pytest.skip(
        "no /usr/bin/chromium: `apt-get install chromium chromium-driver` to run the browser tests",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RESULTS = ROOT / "results" / "browser"
NOTEBOOKS = sorted(
    str(p.relative_to(ROOT)) for folder in ("lessons", "labs") for p in (ROOT / folder).glob("*.ipynb")
)
CALCULATOR_CALL = "break_even_calculator("
REPORTS: list[NotebookReport] = []


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The notebooks (and quizzes, if any) copied: Lab runs and saves these, never the committed ones."""
    copy = tmp_path_factory.mktemp("browser") / "course"
    for folder in ("lessons", "labs", "quizzes"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    if (ROOT / "nbgrader_config.py").exists():
        shutil.copy2(ROOT / "nbgrader_config.py", copy / "nbgrader_config.py")
    return copy


def quiet_lab_settings(folder: Path) -> dict[str, str]:
    """Lab user settings and workspaces in ``folder`` (not the user's own), news pop-up off."""
    news = folder / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True, exist_ok=True)
    news.write_text('{"fetchNews": "false"}', encoding="utf-8")
    # Save the widget state with the notebook (into the copy): the test counts the figures inside widgets.
    widgets = folder / "settings" / "@jupyter-widgets" / "jupyterlab-manager" / "plugin.jupyterlab-settings"
    widgets.parent.mkdir(parents=True, exist_ok=True)
    widgets.write_text('{"saveState": true}', encoding="utf-8")
    return {
        "JUPYTERLAB_SETTINGS_DIR": str(folder / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(folder / "workspaces"),
    }


@pytest.fixture(scope="module")
def lab(course_copy: Path) -> Iterator[RunningLab]:
    """One JupyterLab for every notebook: `make lab`'s command with its root_dir moved to the copy."""
    command, moved = re.subn(
        r"--ServerApp\.root_dir=(\"[^\"]*\"|\S+)",
        lambda _: f"--ServerApp.root_dir={shlex.quote(str(course_copy))}",
        make_lab_command(port=free_port()),
    )
    assert moved == 1, f"`make lab` no longer passes --ServerApp.root_dir once: {command}"
    # COURSE_QUICK: labs score small samples (what the browser checks does not need the full workload).
    env = lab_env(
        COURSE_QUICK="1",
        COURSE_RESULTS_DIR=str(course_copy / "results"),  # one results folder, as a learner has
        **quiet_lab_settings(course_copy.parent),
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    with started(command, cwd=course_copy, env=env, log_path=RESULTS / "lab.log") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    """One headless Chromium; on teardown, nothing it started may still run."""
    before = descendants()
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        ours = descendants() - before  # Playwright's driver and Chromium (Lab's kernels come later)
        yield chromium
        ours = tree_of(ours)  # with the renderers Chromium started since
        chromium.close()
    left = wait_gone(ours)
    assert not left, f"browser processes left running: {left}"


@pytest.fixture
def page(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def test_notebooks_are_discovered():
    assert any(p.startswith("lessons/") for p in NOTEBOOKS) and any(p.startswith("labs/") for p in NOTEBOOKS)


@pytest.mark.parametrize("relpath", NOTEBOOKS)
def test_notebook_in_lab(
    relpath: str,
    lab: RunningLab,
    page: sync_api.Page,
    course_copy: Path,
    executed_in_lab: dict[str, tuple[Path, Path]],
):
    committed = hashlib.sha256((ROOT / relpath).read_bytes()).hexdigest()
    report = check_notebook(page, lab, copy_root=course_copy, relpath=relpath, shots=RESULTS)
    REPORTS.append(report)
    if not report.errors and not report.lab_problems:  # ran to the end: test_notebooks checks these outputs
        executed_in_lab[relpath] = (course_copy / relpath, course_copy / "results")
    if relpath.startswith("labs/07-"):
        check_memo_after_all_labs(course_copy / "results")
    (RESULTS / "report.json").write_text(as_json(REPORTS), encoding="utf-8")
    assert hashlib.sha256((ROOT / relpath).read_bytes()).hexdigest() == committed, (
        "committed notebook changed"
    )
    assert not report.findings(), f"{relpath} in JupyterLab:\n  " + "\n  ".join(report.findings())


def _calculator_notebook() -> str | None:
    for relpath in NOTEBOOKS:
        nb = nbformat.read(ROOT / relpath, as_version=4)
        if any(c.cell_type == "code" and CALCULATOR_CALL in c.source for c in nb.cells):
            return relpath
    return None


def test_calculator_slider_changes_its_output(lab: RunningLab, page: sync_api.Page):
    """Drag the first slider of the break-even calculator; its table must be redrawn with other numbers."""
    relpath = _calculator_notebook()
    if relpath is None:
        pytest.skip(f"no notebook calls {CALCULATOR_CALL}")
    nb = nbformat.read(ROOT / relpath, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and CALCULATOR_CALL in c.source)
    try:
        open_notebook(page, lab, relpath)
        run_all(page)
        cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index)
        cell.scroll_into_view_if_needed()
        output = cell.locator(".widget-output").first  # the calculator's table, notes and figure
        try:
            output.wait_for(timeout=60_000)
            page.wait_for_function(
                "el => el.textContent.trim() !== ''", arg=output.element_handle(), timeout=60_000
            )
        except sync_api.TimeoutError:
            pytest.fail(f"{relpath} cell {index}: the calculator shows nothing before the slider moves")
        before = output.text_content()  # innerText is empty while Lab skips drawing an off-screen cell
        slider = cell.locator(".widget-slider").first
        label = slider.locator(".widget-label").text_content()
        readout = slider.locator(".widget-readout")
        value_before = readout.text_content()
        handle = slider.locator(".noUi-handle").first
        handle.scroll_into_view_if_needed()
        box = handle.bounding_box()
        assert box, "the slider's handle is not visible"
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 80, y, steps=8)
        page.mouse.up()
        page.wait_for_timeout(500)
        if readout.text_content() == value_before:  # the drag missed: step it with the keyboard instead
            handle.focus()
            for _ in range(3):
                page.keyboard.press("ArrowRight")
        value_after = readout.text_content()
        assert value_after != value_before, f"slider {label!r} did not move ({value_before})"
        try:
            page.wait_for_function(
                "([el, old]) => el.textContent !== old && el.textContent.trim() !== ''",
                arg=[output.element_handle(), before],
                timeout=60_000,
            )
        except sync_api.TimeoutError:
            pytest.fail(
                f"{relpath} cell {index}: slider {label!r} moved {value_before} -> {value_after}, "
                "but the calculator's output did not change within 60 s"
            )
        cell.screenshot(path=str(RESULTS / "calculator-after-slider.png"))
    finally:
        lab.shut_down_kernels()


def _fill_in_solutions(released: Path, source: Path) -> int:
    """Answer the released quiz with the source's solutions (matched by nbgrader grade_id); how many."""
    solutions = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nbformat.read(source, as_version=4).cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    nb = nbformat.read(released, as_version=4)
    filled = 0
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in solutions:
            lines = solutions[grade_id].splitlines()
            cell.source = "\n".join(
                ln for ln in lines if ln.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION")
            )
            filled += 1
    nbformat.write(nb, released)
    return filled


def _press_validate(page: sync_api.Page) -> tuple[str, str]:
    """Press nbgrader's Validate button; the result dialog's title and its message's class."""
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .validate-button").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=180_000)
    title = dialog.locator(".jp-Dialog-header").inner_text().strip()
    message = dialog.locator("#validation-message")
    kind = message.get_attribute("class") if message.count() else "(no validation message)"
    return title, f"{kind}: {' '.join(dialog.inner_text().split())[:400]}"


def test_validate_button_on_a_released_quiz(lab: RunningLab, page: sync_api.Page, course_copy: Path):
    sources = sorted((ROOT / "quizzes").glob("quiz-*/quiz-*.ipynb"))
    if not sources or not (ROOT / "nbgrader_config.py").exists():
        pytest.skip("no quizzes/quiz-*/quiz-*.ipynb and nbgrader_config.py yet: nothing to validate")
    quiz = sources[0].parent.name
    subprocess.run(
        [sys.executable, "-m", "course", "quiz", "fetch", quiz, "--dest", str(course_copy / "my-quizzes")],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    released = f"my-quizzes/{quiz}/{quiz}.ipynb"
    open_notebook(page, lab, released)
    try:
        title, blank = _press_validate(page)
    finally:
        lab.shut_down_kernels()
    page.screenshot(path=str(RESULTS / "validate-blank.png"))
    assert title == "Validation Results", f"Validate on the blank {quiz}: {title}: {blank}"
    assert "validation-failed" in blank, f"a blank {quiz} should fail validation: {blank}"

    assert _fill_in_solutions(course_copy / released, sources[0]) > 0
    open_notebook(page, lab, released)
    try:
        title, answered = _press_validate(page)
        page.screenshot(path=str(RESULTS / "validate-answered.png"))
    finally:
        lab.shut_down_kernels()
    assert title == "Validation Results", f"Validate on the answered {quiz}: {title}: {answered}"
    assert "validation-success" in answered, f"{quiz} answered with its solutions: {answered}"


def test_make_lab_prints_a_url_that_opens_lesson_00(browser: sync_api.Browser, tmp_path: Path):
    if subprocess.run(["make", "-q", ".venv/.installed"], cwd=ROOT).returncode != 0:
        pytest.skip(
            "`make lab` would (re)install .venv first (pyproject.toml is newer than .venv/.installed)"
        )
    lesson = ROOT / "lessons" / "00-start-here.ipynb"
    committed = hashlib.sha256(lesson.read_bytes()).hexdigest()
    checkpoints = ROOT / "lessons" / ".ipynb_checkpoints"
    had_checkpoints = checkpoints.exists()
    port = free_port()
    env = lab_env(LAB_PORT=str(port), **quiet_lab_settings(tmp_path))
    before = descendants()
    try:
        with started(["make", "lab"], cwd=ROOT, env=env, log_path=tmp_path / "make-lab.log") as running:
            assert running.port == port, f"make lab ignored LAB_PORT={port}: {running.url}"
            with urllib.request.urlopen(running.url, timeout=60) as answer:
                assert answer.status == 200, f"{running.url} answered {answer.status}"
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(running.url)
            page.wait_for_selector(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current", timeout=120_000)
            page.wait_for_timeout(3000)  # let Lab restore or open what it opens first
            current = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-current").first.inner_text()
            opened = "00-start-here.ipynb" in current
            if opened:
                page.wait_for_selector(
                    ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell", timeout=60_000
                )
            RESULTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(RESULTS / "make-lab.png"))
            context.close()
            assert opened, (
                f"the URL `make lab` prints ({running.url.split('?')[0]}?token=...) opens {current.strip()!r}"
                ", not lesson 00: with --no-browser Lab ignores the notebook argument; "
                "--LabApp.default_url=/lab/tree/lessons/00-start-here.ipynb makes the printed URL open it"
            )
    finally:
        if not had_checkpoints:
            shutil.rmtree(checkpoints, ignore_errors=True)  # Lab's checkpoint of the opened lesson
    assert not wait_gone(started_since(before)), "make lab left processes running"
    assert hashlib.sha256(lesson.read_bytes()).hexdigest() == committed, "make lab changed lesson 00"
