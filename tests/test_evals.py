"""The evaluation set, its loader, scoring, and runs over the real embedded model (course/evals)."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from course.backends.base import Backend, BackendInfo
from course.backends.inprocess import InProcessBackend
from course.errors import ConfigError, DataError
from course.evals import (
    CATEGORIES,
    SCHEMAS,
    ApiSide,
    EvalItem,
    EvalSetError,
    ItemResult,
    accuracy_table,
    api_side,
    compare_constrained_timing,
    few_shot_examples,
    load_eval_set,
    load_items,
    paired_table,
    parse_json_answer,
    results_frame,
    run_eval,
    save_results,
    score_answer,
    stratified_sample,
    summary_frame,
    task_leaders,
    unanswered_tasks,
)
from course.evals.generate import generate, write

DATA = Path(__file__).resolve().parents[1] / "course" / "data" / "evals"


# --- the course's set -------------------------------------------------------------------------------


def test_eval_split_has_200_plus_items_of_both_tasks_and_difficulties() -> None:
    items = load_eval_set("eval")
    assert len(items) >= 200
    cells = Counter((i.task, i.difficulty) for i in items)
    assert set(cells) == {(t, d) for t in ("classify", "extract") for d in ("easy", "hard")}
    assert min(cells.values()) >= 50
    assert len({i.id for i in items}) == len(items)
    assert {i.expected["category"] for i in items if i.task == "classify"} == set(CATEGORIES)


def test_train_and_eval_splits_share_no_text() -> None:
    train, evals = load_eval_set("train"), load_eval_set("eval")
    assert {i.split for i in train} == {"train"} and {i.split for i in evals} == {"eval"}
    assert not {i.input for i in train} & {i.input for i in evals}


def test_every_right_answer_follows_its_schema() -> None:
    for item in load_eval_set("eval") + load_eval_set("train"):
        score = score_answer(item, item.answer_text())
        assert score.json_valid and score.schema_ok and score.correct, item.id


def test_hard_items_carry_their_trap() -> None:
    hard = [i for i in load_eval_set("eval") if i.difficulty == "hard"]
    tickets = [i.input for i in hard if i.task == "classify"]
    assert all(any(w in t for w in (" but ", " however ", "the real problem:")) for t in tickets)
    messages = [i for i in hard if i.task == "extract"]
    assert any(i.expected["amount_usd"] is None for i in messages)
    assert any(i.input.count("@") == 2 for i in messages)
    assert any(i.input.count("-") >= 2 and "Not order" in i.input for i in messages)


def test_the_committed_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    written = write(tmp_path)
    for split, path in written.items():
        assert path.read_bytes() == (DATA / f"{split}.jsonl").read_bytes(), split
    assert generate() == generate()  # fixed seed: deterministic


def test_unknown_split_is_refused() -> None:
    with pytest.raises(EvalSetError, match="Unknown split"):
        load_eval_set("test")  # type: ignore[arg-type]


# --- a learner's file -------------------------------------------------------------------------------


def test_jsonl_and_csv_of_the_same_items_load_alike(tmp_path: Path) -> None:
    rows = [
        {"input": "I was charged twice.", "expected": {"category": "billing"}},
        {"id": "x", "task": "extract", "difficulty": "hard", "input": "Order AB-1234 ...",
         "expected": {"order_id": "AB-1234", "email": "a@b.com", "amount_usd": None}},
    ]  # fmt: skip
    jsonl = tmp_path / "mine.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    csv_path = tmp_path / "mine.csv"
    import csv

    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "task", "difficulty", "input", "expected"])
        w.writeheader()
        for r in rows:
            w.writerow({**r, "expected": json.dumps(r["expected"])})
    a, b = load_items(jsonl), load_items(csv_path)
    assert [(i.task, i.difficulty, i.input, i.expected) for i in a] == [
        (i.task, i.difficulty, i.input, i.expected) for i in b
    ]
    assert a[0].task == "classify" and a[0].difficulty == "easy" and a[0].id == "line-1"
    assert b[0].id == "row-2" and a[1].id == b[1].id == "x"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.jsonl", '{"input": "a", "expected": {"category": "billing"}}\n{"input": oops}\n', "line 2 is not valid JSON"),  # noqa: E501
        ("list.jsonl", "[1, 2]\n", "line 1 is a JSON list"),
        ("empty.jsonl", "\n\n", "has no items"),
        ("noexp.jsonl", '{"input": "a"}\n', "expected must be a JSON object"),
        ("task.jsonl", '{"input": "a", "task": "summarise", "expected": {"x": 1}}\n', "unknown task 'summarise'"),  # noqa: E501
        ("diff.jsonl", '{"input": "a", "difficulty": "medium", "expected": {"x": 1}}\n', "unknown difficulty"),  # noqa: E501
        ("blank.jsonl", '{"input": "  ", "expected": {"x": 1}}\n', "input is missing or empty"),
        ("dup.jsonl", '{"id": "a", "input": "x", "expected": {"x": 1}}\n{"id": "a", "input": "y", "expected": {"x": 1}}\n', "appear more than once"),  # noqa: E501
        ("cols.csv", "text,answer\nhello,billing\n", "has no column expected, input"),
        ("cell.csv", 'input,expected\nhello,billing\n', "row 2: the expected cell 'billing' is not JSON"),
        ("wide.csv", 'input,expected\nhello,{"category": "billing", "x": 1}\n', "more cells than the header"),
        ("items.txt", "hello", "unknown file type '.txt'"),
    ],
)  # fmt: skip
def test_a_malformed_file_says_where_and_how_to_fix(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EvalSetError, match=message) as info:
        load_items(path)
    assert isinstance(info.value, DataError) and info.value.fix


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EvalSetError, match="No evaluation file"):
        load_items(tmp_path / "nope.jsonl")


# --- scoring ----------------------------------------------------------------------------------------

TICKET = EvalItem("t", "classify", "easy", "My card was billed twice.", {"category": "billing"})
MESSAGE = EvalItem(
    "m", "extract", "hard", "Order AB-1234 came to USD 12.50. Reply to ana@shop.io.",
    {"order_id": "AB-1234", "email": "ana@shop.io", "amount_usd": 12.5},
)  # fmt: skip


@pytest.mark.parametrize(
    ("item", "answer", "valid", "schema", "correct"),
    [
        (TICKET, '{"category": "billing"}', True, True, True),
        (
            TICKET,
            'Sure! {"category": "Billing"} hope that helps',
            True,
            False,
            True,
        ),  # case: right, off-schema
        (TICKET, '{"category": "shipping"}', True, True, False),
        (TICKET, '{"category": "money"}', True, False, False),
        (TICKET, '{"category": "billing"', False, False, False),
        (TICKET, "billing", False, False, False),
        (TICKET, '["billing"]', True, False, False),
        (MESSAGE, '{"order_id": "AB-1234", "email": "ana@shop.io", "amount_usd": 12.50}', True, True, True),
        (MESSAGE, '{"order_id": "AB-1234", "email": "ana@shop.io", "amount_usd": 12.5001}', True, True, True),
        (MESSAGE, '{"order_id": "AB-1234", "email": "ana@shop.io", "amount_usd": null}', True, True, False),
        (MESSAGE, '{"order_id": "ab1234", "email": "ana@shop.io", "amount_usd": 12.5}', True, False, False),
        (MESSAGE, '{"order_id": "AB-1234", "email": "ana@shop.io"}', True, False, False),
    ],
)
def test_score_answer(item: EvalItem, answer: str, valid: bool, schema: bool, correct: bool) -> None:
    s = score_answer(item, answer)
    assert (s.json_valid, s.schema_ok, s.correct) == (valid, schema, correct)


def test_partial_credit_counts_fields() -> None:
    s = score_answer(MESSAGE, '{"order_id": "AB-1234", "email": "bob@shop.io", "amount_usd": 12.5}')
    assert (s.fields_correct, s.fields_expected, s.correct) == (2, 3, False)


def test_parse_json_answer_refuses_text_without_json() -> None:
    with pytest.raises(ValueError, match="no JSON object"):
        parse_json_answer("billing")


def test_stratified_sample_is_balanced_and_repeatable() -> None:
    items = load_eval_set("eval")
    sample = stratified_sample(items, per_group=5, seed=3)
    assert Counter((i.task, i.difficulty) for i in sample) == Counter(
        {(t, d): 5 for t in ("classify", "extract") for d in ("easy", "hard")}
    )
    assert sample == stratified_sample(items, per_group=5, seed=3)


# --- runs on the real embedded model ----------------------------------------------------------------


@pytest.fixture(scope="module")
def small(embedded_paths: dict[str, Path]):
    backend = InProcessBackend(embedded_paths["F16"])  # COURSE_THREADS: one per worker under make test
    yield backend
    backend.close()


@pytest.fixture(scope="module")
def sample() -> list[EvalItem]:
    return stratified_sample(load_eval_set("eval"), per_group=3, seed=1)


def test_run_eval_scores_every_item_and_times_it(small: InProcessBackend, sample: list[EvalItem]) -> None:
    results = run_eval(small, sample, label="small", progress=False)
    assert [r.item_id for r in results] == [i.id for i in sample]
    for r, item in zip(results, sample, strict=True):
        assert r.e2e_s > 0 and r.prompt_tokens > 0 and r.output_tokens > 0
        assert r.ttft_s is not None and 0 < r.ttft_s <= r.e2e_s
        assert r.correct == score_answer(item, r.answer).correct
    table = summary_frame(results, usd_per_mtok={"small": (1.0, 2.0)})
    row = table.iloc[0]
    frame = results_frame(results)
    usd = (frame["prompt_tokens"].sum() * 1.0 + frame["output_tokens"].sum() * 2.0) / 1e6
    assert row["items"] == len(sample)
    assert row["USD per 1k requests"] == pytest.approx(1000 * usd / len(sample))
    assert row["accuracy %"] == pytest.approx(100 * frame["correct"].mean())


def test_constrained_decoding_always_follows_the_schema(
    small: InProcessBackend, sample: list[EvalItem]
) -> None:
    results = run_eval(small, sample, label="small", constrained=True, progress=False)
    assert all(r.json_valid and r.schema_ok for r in results), [r.answer for r in results if not r.schema_ok]
    assert all(r.constrained for r in results)


def test_constrained_decoding_needs_a_backend_that_decodes_under_a_schema(sample: list[EvalItem]) -> None:
    class NotLocal:
        pass

    with pytest.raises(ConfigError, match="InProcessBackend"):
        run_eval(NotLocal(), sample, label="x", constrained=True)  # type: ignore[arg-type]

    class NoSchemas(Backend):
        """A fake: every course backend decodes under a schema, so one that cannot is written here."""

        def _produce(self, stream, messages, options):
            raise AssertionError("nothing may be sent: the refusal comes first")

        def count_tokens(self, text: str) -> int:
            return 0

        def info(self) -> BackendInfo:
            return BackendInfo(backend="none", model="none", device="none")

    with pytest.raises(ConfigError, match="NoSchemas cannot") as info:  # refused, not 12 wrong answers
        run_eval(NoSchemas(), sample, label="x", constrained=True, progress=False)
    assert "constrained=False" in info.value.fix


def test_summary_of_nothing_is_an_error() -> None:
    with pytest.raises(ConfigError, match="No results"):
        summary_frame([])


def test_save_results_writes_one_line_per_item_with_the_machine(
    small: InProcessBackend, sample: list[EvalItem], tmp_path: Path
) -> None:
    results = run_eval(small, sample[:2], label="small", progress=False)
    path = save_results(results, tmp_path / "out" / "r.jsonl", machine={"cpu": "test"})
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2 and lines[0]["machine"] == {"cpu": "test"} and lines[0]["item_id"] == sample[0].id


# --- constrained decoding over the frontier stand-in (a real llama_cpp.server on loopback) ----------


@pytest.fixture(scope="module")
def standin() -> Iterator[ApiSide]:
    with pytest.MonkeyPatch.context() as patch:
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
            patch.delenv(name, raising=False)  # the offline stand-in, never a learner's API
        side = api_side()
    yield side
    side.close()


def test_constrained_decoding_over_the_standin_server_follows_the_schema(standin: ApiSide) -> None:
    assert standin.standin and standin.backend.supports_json_schema
    items = stratified_sample(load_eval_set("eval"), per_group=1, seed=2)  # both tasks, both difficulties
    results = run_eval(standin.backend, items, label=standin.label, constrained=True, progress=False)
    assert [r.item_id for r in results] == [i.id for i in items]
    for r in results:
        assert r.error is None and r.constrained, r.error
        assert r.json_valid and r.schema_ok, r.answer
        assert r.e2e_s > 0 and r.prompt_tokens > 0 and r.output_tokens > 0


@dataclasses.dataclass(frozen=True)
class ShippingOnly(EvalItem):
    """A ticket whose schema allows one category only: what the model would not choose by itself."""

    @property
    def schema(self) -> dict:
        only = {"category": {"type": "string", "enum": ["shipping"]}}
        return {**SCHEMAS["classify"], "properties": only}


def test_the_schema_reaches_the_standin_server_and_binds_its_answer(standin: ApiSide) -> None:
    eval_set = load_eval_set("eval")
    tickets = [i for i in eval_set if i.task == "classify" and i.expected["category"] != "shipping"]
    items = [ShippingOnly(**{f.name: getattr(i, f.name) for f in dataclasses.fields(i)}) for i in tickets[:3]]
    plain = run_eval(standin.backend, items, label="plain", progress=False)
    assert not all(r.schema_ok for r in plain)  # on its own the model names the ticket's real category
    bound = run_eval(standin.backend, items, label="bound", constrained=True, progress=False)
    assert [json.loads(r.answer) for r in bound] == [{"category": "shipping"}] * len(items)
    assert all(r.schema_ok and not r.correct for r in bound)


# --- several sides on the same items ----------------------------------------------------------------


def test_few_shot_examples_come_from_the_train_split_and_lead_the_chat() -> None:
    shots = few_shot_examples("extract", 2)
    assert len(shots) == 2 and all(s.split == "train" and s.task == "extract" for s in shots)
    assert not {s.input for s in shots} & {i.input for i in load_eval_set("eval")}
    item = next(i for i in load_eval_set("eval") if i.task == "extract")
    chat = item.messages(shots=shots)
    assert [m["role"] for m in chat] == ["user", "assistant", "user", "assistant", "user"]
    assert chat[1]["content"] == shots[0].answer_text() and chat[-1] == item.messages()[0]
    with pytest.raises(EvalSetError):
        few_shot_examples("translate")


def test_run_eval_with_shots_sends_the_examples_and_records_them(small: InProcessBackend) -> None:
    items = stratified_sample(load_eval_set("eval"), per_group=1, seed=4)[:2]
    zero = run_eval(small, items, label="zero", progress=False)
    two = run_eval(small, items, label="two", shots=2, progress=False)
    assert {r.shots for r in zero} == {0} and {r.shots for r in two} == {2}
    for z, t in zip(zero, two, strict=True):
        assert t.prompt_tokens > z.prompt_tokens + 20  # the two worked examples went with the item


def _result(side: str, item_id: str, task: str, correct: bool, *, constrained: bool = False) -> ItemResult:
    return ItemResult(
        item_id, task, "easy", side, constrained, "{}", True, True, correct, int(correct), 1, 0.1, 0.05, 10, 5
    )


def test_accuracy_and_paired_tables_and_tasks_nobody_answers() -> None:
    ids = [f"i{n}" for n in range(10)]
    results = [_result("api", i, "classify", True) for i in ids]
    results += [_result("small", i, "classify", n < 3) for n, i in enumerate(ids)]
    results += [_result(side, "x1", "extract", False) for side in ("api", "small")]
    table = accuracy_table(results)
    api_row = table[table["side"] == "api"].iloc[0]
    assert api_row["items"] == 11 and api_row["classify (95% CI)"].startswith("100% (72%–100%)")
    assert api_row["extract (95% CI)"].startswith("0%")
    paired = paired_table(results, reference="api")
    row = paired.iloc[0]
    assert row["side"] == "small" and row["only this side right"] == 0 and row["only api right"] == 7
    assert row["verdict"] == "a real difference" and row["McNemar exact p"] == pytest.approx(2 / 2**7)
    assert unanswered_tasks(results) == ["extract"]
    assert unanswered_tasks([*results, _result("small", "x1", "extract", True, constrained=True)]) == []


def test_constrained_timing_repeats_both_modes_and_says_what_they_show(small: InProcessBackend) -> None:
    items = stratified_sample(load_eval_set("eval"), per_group=1, seed=5)[:2]
    timing = compare_constrained_timing(small, items, label="small", repeats=3, max_tokens=24)
    frame = timing.frame()
    assert list(frame.index) == ["plain", "constrained"] and (frame["repeats"] == 3).all()
    assert timing.e2e_ms["plain"].n == 3 and timing.ms_per_token["constrained"].median > 0
    sentences = timing.sentences()
    assert sentences[0].startswith("small: Per output token") and "output tokens" in sentences[-1]


def test_task_leaders_name_the_best_side_per_task_and_whether_the_lead_is_clear() -> None:
    ids = [f"i{n}" for n in range(20)]
    results = [_result("trained", i, "classify", n < 18) for n, i in enumerate(ids)]
    results += [_result("generic", i, "classify", n < 4) for n, i in enumerate(ids)]
    results += [_result("generic", i, "extract", n < 2) for n, i in enumerate(ids[:3])]
    results += [_result("trained", i, "extract", n < 1) for n, i in enumerate(ids[:3])]
    classify, extract = task_leaders(results)
    assert classify.startswith("classify: trained leads with 18/20") and "a clear lead" in classify
    assert extract.startswith("extract: generic leads with 2/3") and "not a clear lead" in extract
    assert task_leaders(results, constrained=True) == []


def test_open_sides_refuses_to_set_the_trained_model_against_itself() -> None:
    from course.evals.sides import open_sides

    with pytest.raises(ConfigError) as caught:
        open_sides(generic="embedded", trained="embedded")
    assert caught.value.fix and "against itself" in str(caught.value)


def test_task_leaders_call_equal_scores_a_tie() -> None:
    rows = [_result(side, f"i{n}", "classify", n < 3) for side in ("a", "b") for n in range(5)]
    (line,) = task_leaders(rows)
    assert line.startswith("classify: a and b are tied at 3/5") and "leads" not in line
