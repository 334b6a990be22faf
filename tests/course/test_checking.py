"""The checking API: every question kind, hints, solutions, binding, progress, the built-in exercises."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from kamlib import KamArgumentError
from kamlib.course import _checking, exercises
from kamlib.course._checking import (
    MIME,
    ClassificationQuestion,
    Exercise,
    MatchingQuestion,
    MultipleChoiceQuestion,
    OpenQuestion,
    TableQuestion,
    ValueQuestion,
    exercise,
    load_exercise,
    progress,
)


@pytest.fixture(autouse=True)
def _fresh_session(monkeypatch):
    monkeypatch.setattr(_checking, "_SESSION", {})


def bind(question, data=None, **answers):
    """A one-question exercise bound to a fresh namespace holding ``answers``."""
    ns = dict(answers)
    return exercise(Exercise("99_test", "Test", [question]), ns, data=data), ns


def outcome(question, answer, data=None):
    ex, _ = bind(question, data, **({question.var: answer} if question.var else {}))
    return getattr(ex, question.id).result()


def assert_wrong(question, answer, data=None, contains=None):
    result = outcome(question, answer, data)
    assert result.status == "wrong", result
    assert result.detail
    assert "Traceback" not in result.detail and "0x" not in result.detail
    if contains is not None:
        assert contains in result.detail, result.detail
    return result.detail


def no_number(text, *values):
    """None of ``values`` appears in ``text`` as a number (12.5, 12.50, 1250 %, …)."""
    for value in values:
        forms = {f"{value}", f"{value:.2f}", f"{value:.3g}", f"{value:g}", f"{value * 100:g}"}
        for form in forms:
            assert not re.search(rf"(?<![\d.]){re.escape(form)}(?![\d])", text), (form, text)


# --------------------------------------------------------------------------- value


LINES = [2.5, 4.25, 7.0]  # their sum 2.5 + 4.25 + 7 = 13.75


def total_question(**kwargs):
    return ValueQuestion("q1", "total", expected=lambda d: sum(d), solution="total = sum(data)",
                         hints=["add them up", "use sum()"], **kwargs)


@pytest.mark.parametrize("answer", [13.75, 13.7505, np.float64(13.75), 55 / 4])
def test_value_right(answer):
    assert outcome(total_question(), answer, LINES).status == "correct"


def test_value_expected_comes_from_the_learners_data():
    # another dataset, another right answer: 1 + 2 = 3
    assert outcome(total_question(), 3, [1, 2]).status == "correct"
    assert outcome(total_question(), 13.75, [1, 2]).status == "wrong"


def test_value_unset_and_placeholder_are_not_attempted():
    ex, ns = bind(total_question(), LINES)
    assert ex.q1.result().status == "not_attempted"  # the variable does not exist
    ns["total"] = ...
    assert ex.q1.result().status == "not_attempted"


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (1375.0, "looks like a percentage"),  # 13.75 * 100
        (0.1375, "looks like a fraction"),  # 13.75 / 100
        (-13.75, "sign"),
        (13.8, "very close"),  # 0.36 % off: within 1 %, outside 1e-4
        (20.0, "too high"),
        (5.0, "too low"),
        ("13.75", "remove the quotes"),
        ("thirteen", "a single number is expected; you gave a text ('thirteen')"),
        (None, "you gave None"),
        ([13.75], "a list of 1 item(s) — take the number out with .item()"),
        (pd.Series([13.75]), "a pandas Series of 1 value(s)"),
        (pd.Series([1.0, 2.0]), "a single number is expected; you gave a pandas Series of 2 value(s)."),
        (pd.DataFrame({"a": [1, 2]}), "a table (DataFrame) of 2 row(s) and 1 column(s)"),
        (True, "a yes/no value"),
        (float("nan"), "NaN"),
        (sum, "a function"),
        ([[1], [2, 3]], "a single number is expected; you gave a list of several values."),
    ],
)
def test_value_wrong_answers_say_why_without_the_answer(answer, phrase):
    detail = assert_wrong(total_question(), answer, LINES, contains=phrase)
    no_number(detail, 13.75)


def test_value_text_and_bool():
    q = ValueQuestion("q2", "who", expected=lambda d: "C02", solution="who = 'C02'")
    assert outcome(q, " c02 ").status == "correct"  # case and spaces do not matter
    detail = assert_wrong(q, "C03", contains="'C03' is not the right answer")
    assert "C02" not in detail
    assert_wrong(q, 2, contains="a text is expected; you gave a number")
    strict = ValueQuestion("q2", "who", expected="C02", case_sensitive=True, solution="who = 'C02'")
    assert outcome(strict, "c02").status == "wrong"
    yes = ValueQuestion("q3", "flag", expected=True, solution="flag = True")
    assert outcome(yes, True).status == "correct"
    assert_wrong(yes, False, contains="False is not right")
    assert_wrong(yes, "yes", contains="True or False is expected")


def test_value_tolerances_are_arguments():
    loose = total_question(rtol=0.01)
    assert outcome(loose, 13.8, LINES).status == "correct"  # |13.8 - 13.75| / 13.75 = 0.36 % < 1 %


# --------------------------------------------------------------------------- table

ORDERS = pd.DataFrame({"client_id": ["C1", "C2", "C1", "C3"], "revenue": [30.0, 50.0, 10.0, 10.0]})
# by hand: C1 30 + 10 = 40, C2 50, C3 10; total 100; shares 0.4, 0.5, 0.1


def by_client(orders):
    out = orders.groupby("client_id", as_index=False)["revenue"].sum()
    out["share"] = out["revenue"] / out["revenue"].sum()
    return out


RIGHT = pd.DataFrame({"client_id": ["C1", "C2", "C3"], "revenue": [40.0, 50.0, 10.0], "share": [0.4, 0.5, 0.1]})


def table_question(**kwargs):
    return TableQuestion("q2", "table", key="client_id", expected=by_client, solution="table = ...", **kwargs)


@pytest.mark.parametrize(
    "answer",
    [
        RIGHT,
        RIGHT.iloc[[2, 0, 1]],  # row order is free
        RIGHT[["share", "client_id", "revenue"]],  # column order is free
        RIGHT.set_index("client_id"),  # the key as the index
        RIGHT.assign(note="x"),  # a column of one's own
        RIGHT.assign(revenue=[40, 50, 10]),  # integers where floats are computed
        RIGHT.assign(share=[0.40001, 0.5, 0.1]),  # within the tolerance
    ],
)
def test_table_right(answer):
    assert outcome(table_question(), answer, ORDERS).status == "correct"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (RIGHT.assign(share=[40.0, 50.0, 10.0]),
         "column 'share' differs in 3 row(s), first for client_id C1 "
         "(it looks like percentages where fractions are expected)."),
        (RIGHT.assign(revenue=[40.0, 55.0, 10.0]), "column 'revenue' differs in 1 row(s), first for client_id C2."),
        (RIGHT.assign(revenue=[41.0, 55.0, 10.0], share=[0.4, 0.5, 0.2]),
         "column 'revenue' differs in 2 row(s), first for client_id C1; "
         "column 'share' differs in 1 row(s), first for client_id C3."),
        (RIGHT.iloc[:2], "1 row(s) missing, first for client_id C3."),
        (pd.concat([RIGHT, pd.DataFrame({"client_id": ["C9"], "revenue": [1.0], "share": [0.0]})]),
         "1 unexpected row(s), first for client_id C9."),
        (pd.concat([RIGHT, RIGHT.iloc[[0]]]), "client_id C1 appears in 2 rows; one row per client_id is expected."),
        (RIGHT.drop(columns="share"), "column(s) 'share' missing; your columns: 'client_id', 'revenue'."),
        (RIGHT.drop(columns="client_id"), "the column 'client_id' that identifies the rows is missing"),
        (RIGHT.assign(revenue=["40", "fifty", "10"]), "column 'revenue' holds text; numbers are expected."),
    ],
)
def test_table_wrong_says_which_column_or_row(answer, message):
    detail = assert_wrong(table_question(), answer, ORDERS)
    assert detail == message or detail.startswith(message), detail
    no_number(detail, 0.4, 0.5, 40.0, 50.0)


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ([["C1", 40.0, 0.4]], "a table (pandas DataFrame) is expected; you gave a list of 1 item(s)."),
        (None, "you gave None (nothing)."),
        ("table", "you gave a text ('table')."),
        (RIGHT.set_index("client_id")["share"], "you gave a pandas Series of 3 value(s) — .reset_index()"),
        (pd.DataFrame({"x": [1], "y": [2]}), "the column 'client_id' that identifies the rows is missing"),
        (RIGHT.to_dict(), "you gave a dict of 3 entry(ies)."),
    ],
)
def test_table_wrong_types_get_a_friendly_message(answer, phrase):
    assert_wrong(table_question(), answer, ORDERS, contains=phrase)


def test_table_order_options_and_positional_rows():
    strict = table_question(check_row_order=True, check_column_order=True, allow_extra_columns=False)
    assert outcome(strict, RIGHT, ORDERS).status == "correct"
    assert_wrong(strict, RIGHT.iloc[[1, 0, 2]], ORDERS, contains="the rows are not in the asked order")
    assert_wrong(strict, RIGHT[["share", "client_id", "revenue"]], ORDERS, contains="the columns are not in the asked order")
    assert_wrong(strict, RIGHT.assign(note=1), ORDERS, contains="unexpected column(s) 'note'")
    positional = TableQuestion("q2", "table", expected=lambda d: RIGHT, solution="table = ...")
    assert outcome(positional, RIGHT, ORDERS).status == "correct"
    assert_wrong(positional, RIGHT.iloc[:2], ORDERS, contains="your table has 2 row(s); 3 are expected.")
    assert_wrong(positional, RIGHT.iloc[[1, 0, 2]], ORDERS, contains="first in row 1")


def test_table_other_column_types():
    dated = pd.DataFrame({"k": ["a", "b"], "day": pd.to_datetime(["2024-01-31", "2024-02-29"]),
                          "ok": [True, False], "name": ["x", None]})
    q = TableQuestion("q1", "tab", key="k", expected=dated, solution="tab = ...")
    assert outcome(q, dated.assign(day=["2024-01-31", "2024-02-29"])).status == "correct"  # text dates
    assert_wrong(q, dated.assign(day=["2024-01-31", "2024-03-01"]), contains="column 'day' differs in 1 row(s), first for k b")
    assert_wrong(q, dated.assign(ok=[True, True]), contains="column 'ok' differs in 1 row(s), first for k b")
    assert_wrong(q, dated.assign(name=["x", "y"]), contains="column 'name' differs in 1 row(s), first for k b")


# --------------------------------------------------------------------------- classification

CLASSES = {"C1": "A", "C2": "B", "C3": "C"}


def class_question():
    return ClassificationQuestion("q3", "classes", expected=lambda d: pd.Series(CLASSES),
                                  solution="classes = ...")


@pytest.mark.parametrize(
    "answer",
    [CLASSES, pd.Series(CLASSES), {"C3": "c", "C1": " a", "C2": "B"}, pd.DataFrame({"cls": pd.Series(CLASSES)})],
)
def test_classification_right(answer):
    assert outcome(class_question(), answer).status == "correct"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"C1": "A", "C2": "C", "C3": "B"}, "2 of 3 are misclassified — go through the rule again"),
        ({"C1": "A", "C2": "B"}, "no class given for 1 id(s): C3."),
        ({**CLASSES, "C7": "A"}, "1 id(s) are not in the data: C7."),
        ({"C1": "A", "C2": None, "C3": "C"}, "1 id(s) have an empty class (None or NaN): C2."),
        ({"C1": "A", "C2": "VIP", "C3": "C"}, "'VIP': not among the classes (A, B, C)."),
        (["A", "B", "C"], "a mapping from id to class is expected — a dict such as {'C01': 'A', ...} "
                          "or a pandas Series indexed by id; you gave a list of 3 item(s)."),
        (None, "you gave None (nothing)."),
        ("A", "you gave a text ('A')."),
        (pd.DataFrame({"id": ["C1"], "cls": ["A"]}), "pass the class column as a Series indexed by id"),
    ],
)
def test_classification_wrong_names_ids_not_classes(answer, message):
    detail = assert_wrong(class_question(), answer)
    assert message in detail


def test_classification_names_ids_only_when_that_gives_nothing_away():
    """Two classes, or fewer than four ids wrong: a named id has one or two other classes to try,
    so the message gives the count only; from four wrong ids among three classes on, it names them."""
    binary = {f"C{i}": "key" if i < 3 else "regular" for i in range(1, 9)}
    q = ClassificationQuestion("q1", "c", expected=binary, classes=["key", "regular"], solution="c = ...")
    flipped = {k: ("regular" if v == "key" else "key") for k, v in binary.items()}
    detail = assert_wrong(q, flipped)
    assert detail.startswith("8 of 8 are misclassified —") and "C1" not in detail
    three = {f"C{i}": "A" for i in range(1, 9)}
    q3 = ClassificationQuestion("q1", "c", expected=three, classes=["A", "B", "C"], solution="c = ...")
    detail = assert_wrong(q3, {**three, "C1": "B", "C2": "C", "C3": "B"})
    assert detail.startswith("3 of 8 are misclassified —") and "C1" not in detail


def test_classification_message_never_tells_the_right_class():
    many = {f"C{i}": "A" for i in range(1, 9)}
    q = ClassificationQuestion("q1", "c", expected=many, classes=["A", "B", "C"], solution="c = ...")
    detail = assert_wrong(q, {k: "B" for k in many})
    assert detail == "8 of 8 are misclassified: C1, C2, C3, C4, C5 and 3 more."
    assert_wrong(q, {k: "D" for k in many}, contains="'D': not among the classes (A, B, C).")
    # without the list of classes, only those in the data are known
    guess = ClassificationQuestion("q1", "c", expected=many, solution="c = ...")
    assert_wrong(guess, {k: "B" for k in many}, contains="'B': not among the classes (A).")


# --------------------------------------------------------------------------- multiple choice

CHOICES = {"a": "one", "b": "two", "c": "three", "d": "four"}


def test_multiple_choice_single():
    q = MultipleChoiceQuestion("q4", "pick", choices=CHOICES, expected="c", solution='pick = "c"')
    for right in ("c", "C", " c ", "c)"):
        assert outcome(q, right).status == "correct"
    assert assert_wrong(q, "b") == "'b' is not the best answer — read the choices again, or ask for a hint."
    assert_wrong(q, "e", contains="'e': not among the choices (a, b, c, d).")
    assert_wrong(q, "c, d", contains="only one choice is right here; give a single letter.")
    assert_wrong(q, 3, contains="give the letter of your choice as text, e.g. 'a'; you gave a number.")
    assert_wrong(q, ["c"], contains="you gave a list of 1 item(s)")
    assert_wrong(q, None, contains="you gave None")


def test_multiple_choice_several():
    q = MultipleChoiceQuestion("q4", "picks", choices=CHOICES, expected=["a", "c"], solution="picks = ['a', 'c']")
    for right in (["c", "a"], ("A", "C"), {"a", "c"}, "a, c", "c a"):
        assert outcome(q, right).status == "correct", right
    assert assert_wrong(q, ["a", "b"]) == (
        "not all your choices are right: 1 of them should not be there and 1 right choice(s) are missing.")
    assert assert_wrong(q, ["a"]) == (
        "not all your choices are right: 0 of them should not be there and 1 right choice(s) are missing.")
    assert_wrong(q, 1, contains="give the letters of your choices as a list")


def test_multiple_choice_definition_is_validated():
    with pytest.raises(KamArgumentError, match="'e' is not among the choices a, b, c, d"):
        MultipleChoiceQuestion("q4", "pick", choices=CHOICES, expected="e", solution="pick = 'e'")


# --------------------------------------------------------------------------- matching

ITEMS = ["Use discounts", "Personal service", "Branded gifts"]
OPTIONS = {"a": "A dedicated manager.", "b": "Items with your logo.", "c": "Reward repeat orders."}
PAIRS = {"Use discounts": "c", "Personal service": "a", "Branded gifts": "b"}


def match_question():
    return MatchingQuestion("q5", "pairs", items=ITEMS, options=OPTIONS, expected=PAIRS, solution="pairs = {...}")


@pytest.mark.parametrize(
    "answer",
    [
        PAIRS,
        {"use discounts ": "C", "Personal service": "a)", "Branded gifts": "b"},
        {"Use discounts": "Reward repeat orders.", "Personal service": "a", "Branded gifts": "b"},
        pd.Series(PAIRS),
        pd.DataFrame({"method": list(PAIRS), "characteristic": list(PAIRS.values())}),  # the table to fill
    ],
)
def test_matching_right(answer):
    assert outcome(match_question(), answer).status == "correct"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"Use discounts": "a", "Personal service": "c", "Branded gifts": "b"},
         "1 of 3 pairs are right — read the options again"),
        ({"Use discounts": "c", "Personal service": "a"}, "1 item(s) not matched yet: 'Branded gifts'."),
        ({**PAIRS, "Gifts": "b"}, "not in the list of items: 'Gifts'."),
        ({**PAIRS, "Branded gifts": "z"}, "'Branded gifts' → 'z': not among the options (a, b, c)."),
        ({**PAIRS, "Branded gifts": 2}, "'Branded gifts' → 2: not among the options (a, b, c)."),
        (["c", "a", "b"], "a dict from each item to the letter of its option is expected, "
                          "e.g. {'Use discounts': 'a', ...}; you gave a list of 3 item(s)."),
        (None, "you gave None"),
        (pd.DataFrame({"method": ITEMS}), "you gave a table (DataFrame) of 3 row(s) and 1 column(s)."),
    ],
)
def test_matching_wrong_says_how_many_and_which(answer, message):
    assert message in assert_wrong(match_question(), answer)


def test_matching_never_names_so_few_wrong_pairs_that_a_swap_finds_the_answer():
    items = [f"item {i}" for i in range(1, 9)]
    options = {letter: f"option {letter}" for letter in "abcdefgh"}
    right = dict(zip(items, "cadbhfeg"))
    q = MatchingQuestion("q5", "m", items=items, options=options, expected=right, solution="m = {...}")
    two_swapped = {**right, "item 1": right["item 2"], "item 2": right["item 1"]}
    detail = assert_wrong(q, two_swapped)  # four pairs of a four-pair matching work the same way
    assert detail.startswith("6 of 8 pairs are right —") and "item 1" not in detail and "item 2" not in detail
    rotated = {**right, **{items[i]: right[items[(i + 1) % 4]] for i in range(4)}}
    assert "look again at: 'item 1', 'item 2', 'item 3', 'item 4'" in assert_wrong(q, rotated)


def test_matching_definition_is_validated():
    with pytest.raises(KamArgumentError, match="leaves items without an option: Branded gifts"):
        MatchingQuestion("q5", "p", items=ITEMS, options=OPTIONS,
                         expected={"Use discounts": "c", "Personal service": "a"}, solution="p = {}")
    with pytest.raises(KamArgumentError, match="'x' for 'Use discounts' is not among the options"):
        MatchingQuestion("q5", "p", items=ITEMS, options=OPTIONS, expected={**PAIRS, "Use discounts": "x"},
                         solution="p = {}")


# --------------------------------------------------------------------------- open questions


def open_question(var="essay"):
    return OpenQuestion("q6", var, rubric=["names an action", "says how to measure it"],
                        solution="Quarterly reviews, measured by order gaps.")


def test_open_question_shows_the_rubric(capsys):
    ex, ns = bind(open_question())
    ex.q6.check()
    assert capsys.readouterr().out == "– q6: not attempted yet — put your answer in `essay` and run this cell again.\n"
    ns["essay"] = "   "
    assert ex.q6.result().status == "not_attempted"
    ns["essay"] = "Call them every month."
    ex.q6.check()
    assert capsys.readouterr().out == (
        "? q6: not checked automatically — compare your answer with this rubric:\n"
        "  • names an action\n"
        "  • says how to measure it\n"
    )
    ex.q6.solution()
    assert capsys.readouterr().out == (
        "A model answer for q6 (yours may differ and still be good):\nQuarterly reviews, measured by order gaps.\n")
    no_var, _ = bind(open_question(var=None))
    assert no_var.q6.result().status == "open"


@pytest.mark.parametrize("answer", [42, ["call them"], pd.DataFrame({"a": [1]}), True])
def test_open_question_given_a_non_text_answer_asks_for_text(answer):
    detail = assert_wrong(open_question(), answer)
    assert detail.startswith("write your answer as text: `essay = ")


def test_open_question_needs_a_rubric():
    with pytest.raises(KamArgumentError, match="q6: an open question needs a rubric"):
        OpenQuestion("q6", "essay", rubric=[], solution="x")


# --------------------------------------------------------------------------- check, hints, solutions


def test_check_prints_one_line_per_status(capsys):
    ex, ns = bind(total_question(), LINES)
    ex.q1.check()
    ns["total"] = 5.0
    ex.q1.check()
    ns["total"] = 13.75
    ex.q1.check()
    assert capsys.readouterr().out.splitlines() == [
        "– q1: not attempted yet — put your answer in `total` and run this cell again.",
        "✗ q1: not right yet — your value is too low.",
        "✓ q1: correct.",
    ]


def test_check_never_raises(capsys):
    def broken(data):
        raise KeyError("revenue")

    class Weird:
        def __eq__(self, other):
            raise RuntimeError("no")

    ex, _ = bind(total_question(), LINES, total=Weird())
    ex.q1.check()
    assert capsys.readouterr().out == (
        "✗ q1: not right yet — a single number is expected; you gave a Weird object.\n")
    q = ValueQuestion("q1", "total", expected=broken, solution="total = 1")
    ex, _ = bind(q, LINES, total=1)
    ex.q1.check()
    assert capsys.readouterr().out == (
        "✗ q1: not right yet — the expected answer could not be worked out from the data given to "
        "exercise(): KeyError: 'revenue'\n")
    odd = ValueQuestion("q1", "x", expected=pd.Timestamp("2024-01-01"), solution="x = 1")
    ex, _ = bind(odd, None, x=Weird())
    ex.q1.check()
    assert capsys.readouterr().out == "✗ q1: not right yet — your value is not the expected one.\n"


def test_hints_are_tiered(capsys):
    ex, _ = bind(total_question(), LINES)
    ex.q1.hint()
    ex.q1.hint(2)
    ex.q1.hint(3)
    ex.q1.hint(0)
    ex.q1.hint("x")
    assert capsys.readouterr().out.splitlines() == [
        "Hint 1 of 2 for q1: add them up",
        "Hint 2 of 2 for q1: use sum()",
        "q1 has 2 hint(s), so there is no hint 3. Still stuck? .solution() shows a worked answer.",
        "hints of q1 are numbered 1 to 2; 0 is not one of them.",
        "hints of q1 are numbered 1 to 2; 'x' is not one of them.",
    ]
    ex, _ = bind(ValueQuestion("q1", "x", expected=1, solution="x = 1"))
    ex.q1.hint()
    assert capsys.readouterr().out == "q1 has no hints. Still stuck? .solution() shows a worked answer.\n"


def test_solution_shows_the_worked_answer(capsys):
    ex, _ = bind(total_question(), LINES)
    ex.q1.solution()
    assert capsys.readouterr().out == "A worked answer for q1:\ntotal = sum(data)\n"


def test_check_in_a_kernel_displays_a_record(monkeypatch):
    shown = []
    monkeypatch.setattr(_checking, "_in_ipython", lambda: True)
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append((obj, raw)))
    ex, _ = bind(total_question(), LINES, total=13.75)
    ex.q1.check()
    assert shown == [({"text/plain": "✓ q1: correct.",
                       MIME: {"exercise": "99_test", "question": "q1", "status": "correct"}}, True)]


# --------------------------------------------------------------------------- binding and definitions


def test_exercise_by_name_and_errors(tmp_path, monkeypatch):
    assert load_exercise("00_warmup").id == "00_warmup"
    with pytest.raises(KamArgumentError, match='no exercise "nope"; available: 00_using_python_and_pandas, 00_warmup'):
        exercise("nope", {})
    with pytest.raises(KamArgumentError, match=r"namespace must be the notebook's globals\(\)"):
        exercise("00_warmup", [])
    (tmp_path / "my_trainer_ex.py").write_text(
        "from kamlib.course import Exercise, ValueQuestion\n"
        "EXERCISE = Exercise('50_mine', 'Mine', [ValueQuestion('q1', 'x', expected=2, solution='x = 2')])\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    ex = exercise("my_trainer_ex", {"x": 2})
    assert ex.q1.result().status == "correct"


def test_bound_exercise_repr_lists_questions():
    ex, _ = bind(total_question())
    assert repr(ex) == (
        "Exercise 99_test — Test\n"
        "  q1  value: answer in `total`\n"
        "Each question: .check() says how you did, .hint() and .hint(2) give hints, "
        ".solution() shows a worked answer."
    )
    assert repr(ex.q1) == "<99_test q1: value>"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ValueQuestion("1", "x", expected=1, solution="x"), "question id '1' is not valid"),
        (lambda: ValueQuestion("q1", "my var", expected=1, solution="x"), "answer variable 'my var' of q1"),
        (lambda: ValueQuestion("q1", "class", expected=1, solution="x"), "answer variable 'class' of q1"),
        (lambda: ValueQuestion("q1", "x", expected=1), "q1: a solution text is required"),
        (lambda: Exercise("99", "T", [total_question(), total_question()]), 'question id "q1" is used twice'),
    ],
)
def test_definitions_are_validated(make, message):
    with pytest.raises(KamArgumentError, match=re.escape(message)):
        make()


# --------------------------------------------------------------------------- progress


def _saved_notebook(path, records, reference=False):
    outputs = [
        {"output_type": "display_data", "metadata": {"kamlib": {"reference": True}} if reference else {},
         "data": {"text/plain": "…", MIME: {"exercise": "00_warmup", "question": q, "status": s}}}
        for q, s in records
    ]
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "a", "metadata": {}, "execution_count": 1,
         "source": 'ex = exercise("00_warmup", globals())', "outputs": []},
        {"cell_type": "code", "id": "b", "metadata": {}, "execution_count": 2, "source": "ex.q1.check()",
         "outputs": outputs},
    ]}
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_progress_combines_saved_notebooks_and_this_session(tmp_path):
    _saved_notebook(tmp_path / "00_warmup.ipynb", [("q1", "correct"), ("q2", "wrong"), ("q6", "open")])
    _saved_notebook(tmp_path / "copy.ipynb", [("q3", "correct")], reference=True)  # copied outputs: ignored
    detail = progress(tmp_path, detail=True)
    warmup = detail[detail["exercise"] == "00_warmup"]
    assert warmup["status"].tolist() == ["correct", "wrong", "not attempted", "not attempted",
                                         "not attempted", "answered (self-assess)"]
    assert warmup["kind"].tolist() == ["value", "table", "classification", "multiple choice",
                                       "matching", "open question"]
    # this session's check wins over the saved one
    ex = exercise("00_warmup", {"top_share": 0.5})
    ex.q1.check()
    summary = progress(tmp_path)
    row = summary[summary["exercise"] == "00_warmup"].iloc[0]
    assert row[["questions", "correct", "wrong", "open", "not_attempted", "status"]].tolist() == [
        6, 0, 2, 1, 3, "in progress"]


def test_progress_statuses_of_a_whole_exercise(tmp_path):
    assert progress(tmp_path).set_index("exercise").loc["00_warmup", "status"] == "not started"
    _saved_notebook(tmp_path / "00_warmup.ipynb", [(f"q{i}", "correct") for i in range(1, 6)] + [("q6", "open")])
    assert progress(tmp_path).set_index("exercise").loc["00_warmup", "status"] == "done"


# --------------------------------------------------------------------------- the built-in exercises


BUILT_IN = exercises.available()


def _scalar_forms(value):
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool) and abs(float(value)) >= 10 ** -6:
        return [float(value)]
    return []


@pytest.mark.parametrize("ex_id", BUILT_IN)
def test_built_in_exercise_solutions_pass_and_wrong_answers_fail(ex_id):
    definition = load_exercise(ex_id)
    assert definition.id == ex_id
    data = definition.default_data()
    ns = definition.names(data)
    ex = exercise(ex_id, ns, data=data)
    for q in definition.questions:
        bound = getattr(ex, q.id)
        assert bound.result().status == "not_attempted", q.id
        if isinstance(q, OpenQuestion):
            ns[q.var] = "my own answer"
            assert bound.result().status == "open"
            continue
        assert q.hints, f"{ex_id} {q.id} has no hints"
        exec(q.solution, ns)  # the worked answer, run as the notebook would
        assert bound.result().status == "correct", (q.id, bound.result())
        right = ns[q.var]
        assert q.wrong, f"{ex_id} {q.id} has no deliberately wrong answers"
        for wrong in q.wrong:
            ns[q.var] = wrong(data) if callable(wrong) else wrong
            result = bound.result()
            assert result.status == "wrong", (q.id, wrong, result)
            assert "0x" not in result.detail
            no_number(result.detail, *_scalar_forms(q.expected_answer(data)))
        ns[q.var] = right
