"""Exercises that check themselves: question kinds, binding to a notebook, progress.

An exercise is a short declarative definition (``kamlib/course/exercises/exNN_topic.py``):
an id, a title, where its data comes from, and a list of questions. Each question names the
notebook variable that holds the learner's answer and a callable ``expected(data)`` that
computes the right answer *from the learner's own data* with ``kamlib``, so a learner who
works on a personal dataset (``SEED = 7`` in the notebook's first cell, i.e.
``kamlib.load_sample(seed=7)``) is checked against that data.

A notebook binds an exercise to its namespace once and then checks question by question::

    from kamlib.course import exercise
    ex = exercise("03_abc_xyz", globals(), seed=SEED, folder=DATA, columns=COLUMNS)
    ...
    ex.q1.check()        # ✓ q1: correct.  /  ✗ q1: not right yet — …  /  – q1: not attempted yet …
    ex.q1.hint()         # hint 1; ex.q1.hint(2) the next one
    ex.q1.solution()     # a worked answer

``check()`` never raises and prints one deterministic line (no values of the expected answer,
no memory addresses, no timings), so the stored output of a check cell can be compared by
nbval: the solved notebook stores "✓ q1: correct." and a learner's run matches it exactly
when the answer is right. Inside a Jupyter kernel the line is displayed together with a small
machine-readable record (MIME type ``application/vnd.kamlib.check+json``) that the class
report and :func:`progress` read back from saved notebooks.

Question kinds: :class:`ValueQuestion`, :class:`TableQuestion`,
:class:`ClassificationQuestion`, :class:`MultipleChoiceQuestion`, :class:`MatchingQuestion`
and :class:`OpenQuestion` (not auto-checkable: its check shows a rubric).
"""

from __future__ import annotations

import importlib
import keyword
import math
import numbers
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._errors import KamArgumentError
from ..labels import t

__all__ = [
    "Exercise",
    "Question",
    "ValueQuestion",
    "TableQuestion",
    "ClassificationQuestion",
    "MultipleChoiceQuestion",
    "MatchingQuestion",
    "OpenQuestion",
    "BoundExercise",
    "BoundQuestion",
    "Outcome",
    "exercise",
    "progress",
    "check_line",
    "check_bundle",
    "solved_bundles",
    "MIME",
    "STATUSES",
]

MIME = "application/vnd.kamlib.check+json"
CORRECT, WRONG, NOT_ATTEMPTED, OPEN = "correct", "wrong", "not_attempted", "open"
STATUSES = (CORRECT, WRONG, NOT_ATTEMPTED, OPEN)
# best first: used when one learner has several notebooks for the same question
STATUS_RANK = {CORRECT: 0, OPEN: 1, WRONG: 2, NOT_ATTEMPTED: 3}

_QUESTION_ID = re.compile(r"q\d+[a-z]?")
_SHOW = 5  # how many ids / items a message lists at most
# A message names the wrong items of a matching / ids of a classification only from this many on:
# fewer named would let a learner find the answer by swapping them in one or two more tries.
_NAME_AT_LEAST = 4

# results of every check() in this Python session: (exercise id, question id) -> status
_SESSION: dict[tuple[str, str], str] = {}


class _Unset:
    """The learner's variable does not exist (yet)."""

    def __repr__(self) -> str:
        return "<unset>"


UNSET = _Unset()


@dataclass(frozen=True)
class Outcome:
    """The result of checking one answer: a status code and, when wrong, why."""

    status: str
    detail: str = ""


# --------------------------------------------------------------------------- helpers


def _short(value: object, limit: int = 40) -> str:
    """A short, address-free rendering of a learner's value for a message."""
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, (bool, np.bool_, numbers.Number)):
        text = str(value)
    else:
        text = type(value).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(value: object, *, sizes: bool = True) -> str:
    """What the learner gave, in words ("a list of 3 item(s)").

    ``sizes=False`` leaves out how many items a collection has: where a single number is
    expected, the length of the learner's list may be the answer itself (a count).
    """
    if value is None:
        return t("course_describe.none")
    if value is Ellipsis:
        return t("course_describe.ellipsis")
    if isinstance(value, (bool, np.bool_)):
        return t("course_describe.bool", value=bool(value))
    if isinstance(value, str):
        return t("course_describe.text", value=_short(value))
    if isinstance(value, numbers.Number):
        return t("course_describe.number")
    if isinstance(value, pd.DataFrame):
        return t("course_describe.dataframe", rows=len(value), cols=value.shape[1])
    if isinstance(value, pd.Series):
        return t("course_describe.series", n=len(value))
    if isinstance(value, np.ndarray):
        return t("course_describe.array", shape=value.shape)
    for kind in (dict, list, tuple, set, frozenset):
        if isinstance(value, kind):
            name = "set" if kind is frozenset else kind.__name__
            if not sizes:
                return t("course_describe.collection", kind=name)
            return t(f"course_describe.{name}", n=len(value))
    if callable(value):
        return t("course_describe.function")
    return t("course_describe.other", type=type(value).__name__)


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    first = re.sub(r"0x[0-9a-fA-F]+", "0x…", first)
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _list_items(values: Sequence[object]) -> str:
    shown = ", ".join(str(v) for v in values[:_SHOW])
    return shown + (" " + t("course_class.more", n=len(values) - _SHOW) if len(values) > _SHOW else "")


def _quoted(values: Sequence[object]) -> str:
    return _list_items([f"'{v}'" for v in values])


def _norm(value: object, case_sensitive: bool) -> str:
    text = str(value).strip()
    return text if case_sensitive else text.casefold()


def _is_number(value: object) -> bool:
    return isinstance(value, (numbers.Number, np.number)) and not isinstance(
        value, (bool, np.bool_, complex)
    )


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _is_unanswered(answer: object) -> bool:
    return answer is UNSET or answer is Ellipsis


def _natural_key(qid: str) -> tuple[int, str]:
    digits = re.match(r"q(\d+)(.*)", qid)
    return (int(digits.group(1)), digits.group(2)) if digits else (10**9, qid)


# --------------------------------------------------------------------------- questions


class Question:
    """One question of an exercise (the base of every kind).

    Parameters
    ----------
    id : str
        ``"q1"``, ``"q2"``, … (a letter may follow: ``"q3a"``); the learner calls ``ex.q1``.
    var : str or None
        The notebook variable that holds the learner's answer.
    expected : callable or value
        ``expected(data)`` computes the right answer from the data bound to the exercise
        (with ``kamlib``); a plain value is used as it is (for judgement questions).
    hints : sequence of str
        Tiered hints, from a gentle nudge to nearly the method.
    solution : str
        The worked answer shown by ``.solution()`` (code, for computed questions). Executing it
        in the notebook's namespace must produce the right answer (the tests do exactly that).
    wrong : sequence
        Deliberately wrong answers (values, or callables of the data) that the tests prove
        are rejected without revealing the right answer.
    """

    kind = "value"

    def __init__(
        self,
        id: str,
        var: str | None = None,
        *,
        expected: Any = None,
        hints: Sequence[str] = (),
        solution: str = "",
        wrong: Sequence[Any] = (),
    ) -> None:
        if not isinstance(id, str) or not _QUESTION_ID.fullmatch(id):
            raise KamArgumentError(t("course_exercise.bad_question_id", value=id))
        if var is not None and (not isinstance(var, str) or not var.isidentifier() or keyword.iskeyword(var)):
            raise KamArgumentError(t("course_exercise.bad_var", value=var, q=id))
        if not isinstance(solution, str) or not solution.strip():
            self._bad(t("course_exercise.no_solution"), id)
        self.id = id
        self.var = var
        self.expected = expected
        self.hints = tuple(str(h) for h in hints)
        self.solution = solution.strip("\n")
        self.wrong = tuple(wrong)

    @staticmethod
    def _bad(problem: str, qid: str) -> None:
        raise KamArgumentError(t("course_exercise.bad_definition", q=qid, problem=problem))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.id!r}, {self.var!r})"

    def expected_answer(self, data: Any) -> Any:
        """The right answer for ``data``."""
        return self.expected(data) if callable(self.expected) else self.expected

    def compare(self, answer: Any, expected: Any) -> str | None:
        """``None`` when ``answer`` is right, else a message that helps (never the answer)."""
        raise NotImplementedError

    def evaluate(self, answer: Any, data: Any) -> Outcome:
        """Check ``answer`` against the expected answer for ``data``; never raises."""
        if _is_unanswered(answer):
            return Outcome(NOT_ATTEMPTED)
        try:
            expected = self.expected_answer(data)
        except Exception as exc:  # the learner's data may lack what the method needs
            return Outcome(WRONG, t("course_check.expected_failed", error=_error_text(exc)))
        try:
            problem = self.compare(answer, expected)
        except Exception:
            problem = t("course_check.compare_failed", what=_describe(answer))
        return Outcome(CORRECT) if problem is None else Outcome(WRONG, problem)


class ValueQuestion(Question):
    """A single value: a number (compared with a tolerance), a text, or True/False.

    Parameters
    ----------
    rtol, atol : float
        Relative and absolute tolerance for numbers (``math.isclose``). The default relative
        tolerance 1e-4 accepts answers rounded to about four significant digits.
    case_sensitive : bool
        For text answers: whether "c01" differs from "C01" (default: no).
    """

    kind = "value"

    def __init__(self, id: str, var: str | None = None, *, rtol: float = 1e-4, atol: float = 1e-9,
                 case_sensitive: bool = False, **kwargs: Any) -> None:
        super().__init__(id, var, **kwargs)
        self.rtol, self.atol, self.case_sensitive = rtol, atol, case_sensitive

    def compare(self, answer: Any, expected: Any) -> str | None:
        if isinstance(expected, (bool, np.bool_)):
            if not isinstance(answer, (bool, np.bool_)):
                return t("course_value.need_bool", what=_describe(answer))
            return None if bool(answer) == bool(expected) else t("course_value.bool_wrong", value=bool(answer))
        if isinstance(expected, str):
            if isinstance(answer, pd.Period):  # a month or quarter: its text ("2025Q3") is the answer
                answer = str(answer)
            if not isinstance(answer, str):
                return t("course_value.need_text", what=_describe(answer))
            same = _norm(answer, self.case_sensitive) == _norm(expected, self.case_sensitive)
            return None if same else t("course_value.text_wrong", value=_short(answer))
        if _is_number(expected):
            value, problem = _as_number(answer)
            if problem:
                return problem
            return _compare_numbers(value, float(expected), self.rtol, self.atol)
        try:
            return None if bool(answer == expected) else t("course_value.other_wrong")
        except Exception:
            return t("course_value.other_wrong")


def _as_number(answer: Any) -> tuple[float, str | None]:
    if _is_number(answer):
        return float(answer), None
    if isinstance(answer, str):
        try:
            float(answer.strip().replace(",", "."))
        except ValueError:
            return math.nan, t("course_value.need_number", what=_describe(answer, sizes=False))
        return math.nan, t("course_value.need_number_text")
    size = answer.size if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray)) else (
        len(answer) if isinstance(answer, (list, tuple)) else None)
    if size == 1:
        return math.nan, t("course_value.need_number_one_value", what=_describe(answer))
    if answer is pd.NA or answer is pd.NaT:
        return math.nan, t("course_value.nan")
    return math.nan, t("course_value.need_number", what=_describe(answer, sizes=False))


def _compare_numbers(value: float, expected: float, rtol: float, atol: float) -> str | None:
    if math.isnan(value):
        return None if math.isnan(expected) else t("course_value.nan")
    if math.isclose(value, expected, rel_tol=rtol, abs_tol=atol):
        return None
    if expected != 0 and math.isclose(value, -expected, rel_tol=rtol, abs_tol=atol):
        return t("course_value.sign")
    if expected != 0 and math.isclose(value, expected * 100, rel_tol=rtol, abs_tol=atol):
        return t("course_value.percent_not_fraction")
    if expected != 0 and math.isclose(value, expected / 100, rel_tol=rtol, abs_tol=atol):
        return t("course_value.fraction_not_percent")
    if abs(value - expected) <= 0.01 * abs(expected):
        return t("course_value.close")
    return t("course_value.too_high") if value > expected else t("course_value.too_low")


class TableQuestion(Question):
    """A table (DataFrame), compared cell by cell with tolerances.

    Column order never matters unless ``check_column_order``; row order does not matter
    when ``key`` identifies the rows, unless ``check_row_order``. Messages say which column
    or row is off ("column 'cv' differs in 3 row(s), first for client_id C017"), never the
    expected value.

    Parameters
    ----------
    key : str or list of str, optional
        Column(s) that identify a row (e.g. ``"client_id"``); accepted as columns or as the
        index of the learner's table. Without a key, rows are compared by position.
    rtol, atol : float
        Tolerances for numeric columns (``numpy.isclose``).
    check_row_order, check_column_order : bool
        Whether the order of rows / columns is part of the task.
    allow_extra_columns : bool
        Whether further columns of the learner's own are fine (default: yes).
    """

    kind = "table"

    def __init__(self, id: str, var: str | None = None, *, key: str | Sequence[str] | None = None,
                 rtol: float = 1e-4, atol: float = 1e-9, check_row_order: bool = False,
                 check_column_order: bool = False, allow_extra_columns: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(id, var, **kwargs)
        self.key = [key] if isinstance(key, str) else (list(key) if key is not None else [])
        self.rtol, self.atol = rtol, atol
        self.check_row_order = check_row_order
        self.check_column_order = check_column_order
        self.allow_extra_columns = allow_extra_columns

    def _key_label(self) -> str:
        return " / ".join(self.key)

    def _row_label(self, value: object) -> str:
        if isinstance(value, tuple):
            return " / ".join(str(v) for v in value)
        return str(value)

    def _keyed(self, frame: pd.DataFrame) -> pd.DataFrame | str:
        """``frame`` with the key as its index, or a message when the key is missing."""
        levels = [name for name in frame.index.names if name in self.key]
        if levels:
            frame = frame.reset_index(level=levels)
        missing = [k for k in self.key if k not in frame.columns]
        if missing:
            return t("course_table.missing_key", key=missing[0], have=_quoted(list(map(str, frame.columns))))
        return frame.set_index(self.key)

    def compare(self, answer: Any, expected: Any) -> str | None:
        if isinstance(answer, pd.Series):
            return t("course_table.need_table_series", what=_describe(answer))
        if not isinstance(answer, pd.DataFrame):
            return t("course_table.need_table", what=_describe(answer))
        if isinstance(expected, pd.Series):
            expected = expected.to_frame()
        if self.key:
            exp = self._keyed(expected)
            ans = self._keyed(answer)
            if isinstance(exp, str):  # a broken definition: say so rather than blame the learner
                raise KamArgumentError(exp)
            if isinstance(ans, str):
                return ans
        else:
            exp = expected.reset_index(drop=True)
            ans = answer.reset_index(drop=True)
        wanted = [str(c) for c in exp.columns]
        have = [str(c) for c in ans.columns]
        missing = [c for c in wanted if c not in have]
        if missing:
            original = [str(n) for n in answer.index.names if n is not None] + [str(c) for c in answer.columns]
            return t("course_table.missing_columns", columns=_quoted(missing), have=_quoted(original))
        extra = [c for c in have if c not in wanted]
        if extra and not self.allow_extra_columns:
            return t("course_table.extra_columns", columns=_quoted(extra), wanted=_quoted(wanted))
        if self.check_column_order and [c for c in have if c in wanted] != wanted:
            return t("course_table.column_order", wanted=_quoted(wanted))
        ans = ans.rename(columns=str)
        exp = exp.rename(columns=str)
        if self.key:
            problem = self._align_rows(ans, exp)
            if problem:
                return problem
            if self.check_row_order and list(ans.index) != list(exp.index):
                return t("course_table.row_order")
            ans = ans.loc[exp.index]
        elif len(ans) != len(exp):
            return t("course_table.row_count", n=len(ans), m=len(exp))
        labels = [self._row_label(k) for k in exp.index] if self.key else None
        problems = []
        for column in wanted:
            problem = self._compare_column(column, ans[column], exp[column], labels)
            if problem:
                problems.append(problem)
        if not problems:
            return None
        text = t("course_table.separator").join(problems[:2])
        if len(problems) > 2:
            text += t("course_table.separator") + t("course_table.more_columns", n=len(problems) - 2)
        return text + "."

    def _align_rows(self, ans: pd.DataFrame, exp: pd.DataFrame) -> str | None:
        key = self._key_label()
        dup = ans.index[ans.index.duplicated()]
        if len(dup):
            first = dup[0]
            n = int((ans.index == first).sum()) if not isinstance(first, tuple) else int(
                sum(1 for v in ans.index if v == first))
            return t("course_table.duplicate_keys", key=key, value=self._row_label(first), n=n)
        exp_keys = list(exp.index)
        ans_keys = set(ans.index)
        missing = [k for k in exp_keys if k not in ans_keys]
        if missing:
            return t("course_table.missing_rows", n=len(missing), key=key, first=self._row_label(missing[0]))
        exp_set = set(exp_keys)
        extra = [k for k in ans.index if k not in exp_set]
        if extra:
            return t("course_table.extra_rows", n=len(extra), key=key, first=self._row_label(extra[0]))
        return None

    def _compare_column(self, column: str, a: pd.Series, e: pd.Series,
                        labels: list[str] | None) -> str | None:
        a = a.reset_index(drop=True)
        e = e.reset_index(drop=True)
        scale_note = ""
        if pd.api.types.is_bool_dtype(e):
            equal = (a.astype(object) == e.astype(object)).to_numpy(dtype=bool)
        elif pd.api.types.is_numeric_dtype(e):
            if pd.api.types.is_bool_dtype(a) or not pd.api.types.is_numeric_dtype(a):
                converted = pd.to_numeric(a, errors="coerce")
                if (converted.isna() & a.notna()).any() or pd.api.types.is_bool_dtype(a):
                    return t("course_table.not_numeric", column=column)
                a = converted
            av = a.to_numpy(dtype=float, na_value=np.nan)
            ev = e.to_numpy(dtype=float, na_value=np.nan)
            equal = np.isclose(av, ev, rtol=self.rtol, atol=self.atol, equal_nan=True)
            if not equal.all():
                bad = ~equal & (ev != 0)
                if bad.any() and np.isclose(av[bad], ev[bad] * 100, rtol=self.rtol).all():
                    scale_note = t("course_table.looks_percent")
                elif bad.any() and np.isclose(av[bad], ev[bad] / 100, rtol=self.rtol).all():
                    scale_note = t("course_table.looks_fraction")
        elif pd.api.types.is_datetime64_any_dtype(e):
            av = pd.to_datetime(a, errors="coerce")
            equal = ((av == e) | (av.isna() & e.isna())).to_numpy(dtype=bool)
        else:
            a_na, e_na = a.isna().to_numpy(dtype=bool), e.isna().to_numpy(dtype=bool)
            same = np.array([str(x).strip() == str(y).strip() for x, y in zip(a, e)], dtype=bool)
            equal = (same & ~a_na & ~e_na) | (a_na & e_na)
        n_bad = int((~equal).sum())
        if not n_bad:
            return None
        first = int(np.flatnonzero(~equal)[0])
        if labels is not None:
            return t("course_table.column_differs", column=column, n=n_bad, key=self._key_label(),
                     first=labels[first]) + scale_note
        return t("course_table.column_differs_position", column=column, n=n_bad, first=first + 1) + scale_note


class ClassificationQuestion(Question):
    """A class for every id (client → "A"/"B"/"C", client → "key"/"regular", …).

    The learner gives a dict ``{id: class}`` or a Series indexed by id. Messages say which
    ids are misclassified, never the right class.

    Parameters
    ----------
    classes : sequence of str, optional
        The valid classes (the question names them). Without it, the classes found in the
        expected answer are valid — which would call a class that happens to be unused in the
        data "not among the classes", so give it whenever some class may be empty.
    case_sensitive : bool
        Whether "key" differs from "Key" (default: no).
    """

    kind = "classification"

    def __init__(self, id: str, var: str | None = None, *, classes: Sequence[str] | None = None,
                 case_sensitive: bool = False, **kwargs: Any) -> None:
        super().__init__(id, var, **kwargs)
        self.classes = [str(c) for c in classes] if classes is not None else None
        self.case_sensitive = case_sensitive

    def compare(self, answer: Any, expected: Any) -> str | None:
        if isinstance(answer, pd.DataFrame):
            if answer.shape[1] == 1:
                answer = answer.iloc[:, 0]
            else:
                return t("course_class.need_mapping_table", what=_describe(answer))
        if isinstance(answer, pd.Series):
            given = dict(zip(answer.index, answer.to_list()))
        elif isinstance(answer, Mapping):
            given = dict(answer)
        else:
            return t("course_class.need_mapping", what=_describe(answer))
        exp = dict(expected.items()) if isinstance(expected, (pd.Series, Mapping)) else dict(expected)
        exp_ids = {str(k): v for k, v in exp.items()}
        ans_ids = {str(k): v for k, v in given.items()}
        missing = [k for k in exp_ids if k not in ans_ids]
        if missing:
            return t("course_class.missing_ids", n=len(missing), ids=_list_items(missing))
        unknown = [k for k in ans_ids if k not in exp_ids]
        if unknown:
            return t("course_class.unknown_ids", n=len(unknown), ids=_list_items(unknown))
        empty = [k for k in exp_ids if _is_missing(ans_ids[k])]
        if empty:
            return t("course_class.no_class", n=len(empty), ids=_list_items(empty))
        classes = self.classes or sorted({_norm(v, True) for v in exp_ids.values()})
        known = {_norm(c, self.case_sensitive) for c in classes}
        strange = sorted({_norm(v, True) for v in ans_ids.values() if _norm(v, self.case_sensitive) not in known})
        if strange:
            return t("course_class.unknown_classes", values=_quoted(strange), classes=", ".join(classes))
        wrong = [k for k in exp_ids
                 if _norm(ans_ids[k], self.case_sensitive) != _norm(exp_ids[k], self.case_sensitive)]
        if not wrong:
            return None
        if len(classes) < 3 or len(wrong) < _NAME_AT_LEAST:
            # with two classes a named id has only one other class; a few named ids, few alternatives
            return t("course_class.misclassified_count", n=len(wrong), total=len(exp_ids))
        return t("course_class.misclassified", n=len(wrong), total=len(exp_ids), ids=_list_items(wrong))


class MultipleChoiceQuestion(Question):
    """Pick the right letter(s) among lettered choices.

    Parameters
    ----------
    choices : mapping of str to str
        ``{"a": "text of choice a", ...}``; the learner answers with the letter(s).
    expected : str, collection of str, or callable
        The right letter, or several (then the learner gives a list of letters).
    """

    kind = "choice"

    def __init__(self, id: str, var: str | None = None, *, choices: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(id, var, **kwargs)
        self.choices = {str(k).strip().casefold(): str(v) for k, v in choices.items()}
        if not callable(self.expected):
            for letter in self._letters(self.expected):
                if letter not in self.choices:
                    self._bad(t("course_exercise.choice_not_listed", value=letter,
                                choices=", ".join(self.choices)), id)

    @staticmethod
    def _letters(value: Any) -> list[str]:
        if isinstance(value, str):
            return [value.strip().casefold().rstrip(")").strip()]
        return [str(v).strip().casefold().rstrip(")").strip() for v in value]

    def compare(self, answer: Any, expected: Any) -> str | None:
        right = set(self._letters(expected))
        multiple = not isinstance(expected, str)
        example = next(iter(self.choices))
        if isinstance(answer, str):
            parts = [p for p in re.split(r"[,\s;]+", answer.strip()) if p]
            if not multiple and len(parts) > 1 and all(p in self.choices for p in self._letters(parts)):
                return t("course_choice.one_only")
            given = (self._letters(parts) if parts else [""]) if multiple else self._letters(answer)
        elif multiple and isinstance(answer, (list, tuple, set, frozenset)) and all(isinstance(a, str) for a in answer):
            given = self._letters(answer)
        elif multiple:
            return t("course_choice.need_letters", example=example, what=_describe(answer))
        else:
            return t("course_choice.need_letter", example=example, what=_describe(answer))
        strange = [g for g in given if g not in self.choices]
        if strange:
            return t("course_choice.unknown_choice", values=_quoted(strange), choices=", ".join(self.choices))
        if not multiple:
            return None if given[0] in right else t("course_choice.wrong_single", value=given[0])
        chosen = set(given)
        if chosen == right:
            return None
        return t("course_choice.wrong_multi", n_wrong=len(chosen - right), n_missing=len(right - chosen))


class MatchingQuestion(Question):
    """Match every item to one of the lettered options (e.g. retention methods to characteristics).

    The learner gives a dict ``{item: letter}`` (or a Series, or a two-column table: item,
    option); items are matched ignoring case and spaces at the ends, an option by its letter or
    its full text. Messages say how many pairs are right and which items to look at again.

    Parameters
    ----------
    items : sequence of str
        The left-hand column.
    options : mapping of str to str
        ``{"a": "characteristic a", ...}``, the right-hand column.
    expected : mapping or callable
        ``{item: letter}`` for every item.
    """

    kind = "matching"

    def __init__(self, id: str, var: str | None = None, *, items: Sequence[str],
                 options: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(id, var, **kwargs)
        self.items = [str(i) for i in items]
        self.options = {str(k).strip().casefold(): str(v) for k, v in options.items()}
        if not callable(self.expected):
            self._validate_expected(self.expected or {})

    def _validate_expected(self, expected: Mapping[str, str]) -> None:
        by_norm = {_norm(i, False): i for i in self.items}
        for item, option in expected.items():
            if _norm(item, False) not in by_norm:
                self._bad(t("course_exercise.item_not_listed", item=item), self.id)
            if _norm(option, False) not in self.options:
                self._bad(t("course_exercise.option_not_listed", value=option, item=item,
                            options=", ".join(self.options)), self.id)
        covered = {_norm(i, False) for i in expected}
        left = [i for i in self.items if _norm(i, False) not in covered]
        if left:
            self._bad(t("course_exercise.items_unmatched", items=", ".join(left)), self.id)

    def compare(self, answer: Any, expected: Any) -> str | None:
        if isinstance(answer, pd.DataFrame) and answer.shape[1] == 2:  # the source's two-column table
            answer = dict(zip(answer.iloc[:, 0], answer.iloc[:, 1]))
        if isinstance(answer, pd.Series):
            answer = answer.to_dict()
        if not isinstance(answer, Mapping):
            return t("course_match.need_dict", example=self.items[0], what=_describe(answer))
        by_norm = {_norm(i, False): i for i in self.items}
        given: dict[str, object] = {}
        unknown = []
        for item, option in answer.items():
            norm = _norm(item, False)
            if norm in by_norm:
                given[by_norm[norm]] = option
            else:
                unknown.append(str(item))
        if unknown:
            return t("course_match.unknown_items", items=_quoted(unknown))
        text_to_letter = {_norm(v, False): k for k, v in self.options.items()}
        chosen: dict[str, str] = {}
        strange = []
        for item, option in given.items():
            if not isinstance(option, str):
                strange.append(f"'{item}' → {_short(option)}")
                continue
            norm = _norm(option, False).rstrip(")").strip()
            letter = norm if norm in self.options else text_to_letter.get(_norm(option, False))
            if letter is None:
                strange.append(f"'{item}' → {_short(option)}")
            else:
                chosen[item] = letter
        if strange:
            return t("course_match.unknown_options", pairs=_list_items(strange), options=", ".join(self.options))
        missing = [i for i in self.items if i not in chosen]
        if missing:
            return t("course_match.missing_items", n=len(missing), items=_quoted(missing))
        right = {by_norm[_norm(i, False)]: _norm(o, False) for i, o in expected.items()}
        wrong = [i for i in self.items if chosen[i] != right[i]]
        if not wrong:
            return None
        if len(wrong) < _NAME_AT_LEAST:  # naming two or three items would let a swap find the answer
            return t("course_match.wrong_count", right=len(self.items) - len(wrong), total=len(self.items))
        return t("course_match.wrong", right=len(self.items) - len(wrong), total=len(self.items),
                 items=_quoted(wrong))


class OpenQuestion(Question):
    """A question no program can mark ("design five retention methods of your own").

    ``check()`` shows the rubric to assess one's own answer against; ``solution()`` shows a
    model answer. With ``var`` given, an unset / ``...`` / empty answer counts as not attempted.

    Parameters
    ----------
    rubric : sequence of str
        What a good answer contains, point by point.
    solution : str
        A model answer.
    """

    kind = "open"

    def __init__(self, id: str, var: str | None = None, *, rubric: Sequence[str], **kwargs: Any) -> None:
        super().__init__(id, var, **kwargs)
        self.rubric = tuple(str(r) for r in rubric)
        if not self.rubric:
            self._bad(t("course_exercise.empty_rubric"), id)

    def evaluate(self, answer: Any, data: Any) -> Outcome:
        if self.var is not None and (
            _is_unanswered(answer) or answer is None or (isinstance(answer, str) and not answer.strip())
        ):
            return Outcome(NOT_ATTEMPTED)
        if self.var is not None and not isinstance(answer, str):
            return Outcome(WRONG, t("course_check.open_needs_text", var=self.var, what=_describe(answer)))
        return Outcome(OPEN)

    def compare(self, answer: Any, expected: Any) -> str | None:  # pragma: no cover - not used
        return None


# --------------------------------------------------------------------------- exercises


class Exercise:
    """The definition of one exercise notebook: its questions and where its data comes from.

    Parameters
    ----------
    id : str
        ``"NN_topic"``, the same as the notebook's file name (``exercises/NN_topic.ipynb``).
    title : str
        A one-line title.
    questions : sequence of Question
    data : callable, optional
        ``data()`` returns the data used when the notebook passes none to :func:`exercise`
        (and by the tests), e.g. ``kamlib.load_sample``.
    names : callable, optional
        ``names(data)`` returns the notebook variables the solutions use (``{"sales": data}``),
        so the tests can run each solution text; default ``{"data": data}``.
    """

    def __init__(self, id: str, title: str, questions: Sequence[Question], *,
                 data: Callable[[], Any] | None = None,
                 names: Callable[[Any], dict[str, Any]] | None = None) -> None:
        self.id = str(id)
        self.title = str(title)
        self.questions = tuple(questions)
        seen: set[str] = set()
        for q in self.questions:
            if q.id in seen:
                raise KamArgumentError(t("course_exercise.duplicate_question", q=q.id, id=self.id))
            seen.add(q.id)
        self.data = data
        self.names = names or (lambda d: {"data": d})

    def __repr__(self) -> str:
        return f"Exercise({self.id!r}, {len(self.questions)} questions)"

    def question(self, qid: str) -> Question:
        """The question with id ``qid``."""
        for q in self.questions:
            if q.id == qid:
                return q
        raise KamArgumentError(t("errors.bad_argument", argument="qid", value=qid,
                                 valid=", ".join(q.id for q in self.questions)))

    def default_data(self) -> Any:
        """The data of the exercise when the notebook passes none."""
        return self.data() if self.data is not None else None


def check_line(qid: str, outcome: Outcome, var: str | None = None, rubric: Sequence[str] = ()) -> str:
    """The text a check prints: one line (an open question adds its rubric lines).

    Examples
    --------
    >>> check_line("q1", Outcome("correct"))
    '✓ q1: correct.'
    >>> check_line("q2", Outcome("not_attempted"), var="top_share")
    '– q2: not attempted yet — put your answer in `top_share` and run this cell again.'
    """
    status = outcome.status
    if status == CORRECT:
        message = t("course_check.correct")
    elif status == WRONG:
        message = t("course_check.wrong", detail=outcome.detail)
    elif status == NOT_ATTEMPTED:
        message = (t("course_check.not_attempted", var=var) if var
                   else t("course_check.not_attempted_novar"))
    else:
        message = t("course_check.open")
    line = t("course_check.line", symbol=t(f"course_check.symbol_{status}"), q=qid, message=message)
    if status == OPEN:
        line += "".join("\n" + t("course_check.rubric_item", item=item) for item in rubric)
    return line


def check_bundle(exercise_id: str, qid: str, line: str, status: str) -> dict[str, Any]:
    """The display bundle of one check: the line as text plus a machine-readable record.

    Examples
    --------
    >>> check_bundle("00_warmup", "q1", "✓ q1: correct.", "correct")[MIME]
    {'exercise': '00_warmup', 'question': 'q1', 'status': 'correct'}
    """
    return {"text/plain": line, MIME: {"exercise": exercise_id, "question": qid, "status": status}}


def solved_bundles(exercise_id: str, qids: Sequence[str]) -> list[dict[str, Any]]:
    """What the check cell of ``qids`` displays in the solved version of an exercise.

    "✓ qN: correct." for every question, except an open question: its rubric. Used as the
    reference of check cells by the pytest plugin.

    Examples
    --------
    >>> [b["text/plain"] for b in solved_bundles("00_warmup", ["q1"])]
    ['✓ q1: correct.']
    """
    try:
        definition = load_exercise(exercise_id)
    except Exception:
        definition = None
    bundles = []
    for qid in qids:
        question = None
        if definition is not None:
            question = next((q for q in definition.questions if q.id == qid), None)
        if isinstance(question, OpenQuestion):
            line = check_line(qid, Outcome(OPEN), var=question.var, rubric=question.rubric)
            bundles.append(check_bundle(exercise_id, qid, line, OPEN))
        else:
            bundles.append(check_bundle(exercise_id, qid, check_line(qid, Outcome(CORRECT)), CORRECT))
    return bundles


def _in_ipython() -> bool:
    ipython = sys.modules.get("IPython")
    return ipython is not None and ipython.get_ipython() is not None


def _emit(bundle: dict[str, Any]) -> None:
    if _in_ipython():
        from IPython.display import display

        display(bundle, raw=True)
    else:
        print(bundle["text/plain"])


class BoundQuestion:
    """A question bound to a notebook: ``check()``, ``hint(n)``, ``solution()``."""

    def __init__(self, bound: BoundExercise, question: Question) -> None:
        self._bound = bound
        self.question = question
        self.id = question.id

    def __repr__(self) -> str:
        return f"<{self._bound.name} {self.id}: {t('course_kind.' + self.question.kind)}>"

    @property
    def answer(self) -> Any:
        """The learner's current answer (``UNSET`` when the variable does not exist)."""
        if self.question.var is None:
            return UNSET
        return self._bound.namespace.get(self.question.var, UNSET)

    def result(self) -> Outcome:
        """Check the current answer without printing anything; never raises."""
        try:
            data = self._bound.data
        except Exception as exc:
            return Outcome(WRONG, t("course_check.expected_failed", error=_error_text(exc)))
        try:
            outcome = self.question.evaluate(self.answer, data)
        except Exception as exc:
            return Outcome(WRONG, t("course_check.compare_failed", what=_error_text(exc)))
        if outcome.status == WRONG and self._bound.other_data():
            # e.g. `data = kamlib.load_sample(seed=7)` typed below the set-up: the checks still use the bound data
            return Outcome(WRONG, outcome.detail + t("selfcheck.other_data", source=self._bound.source or "?"))
        return outcome

    def check(self) -> None:
        """Say whether the answer is right, wrong (and what to look at) or not attempted."""
        outcome = self.result()
        _SESSION[(self._bound.name, self.id)] = outcome.status
        rubric = getattr(self.question, "rubric", ())
        line = check_line(self.id, outcome, var=self.question.var, rubric=rubric)
        _emit(check_bundle(self._bound.name, self.id, line, outcome.status))

    def hint(self, n: int = 1) -> None:
        """Show hint ``n`` (1 = the gentlest)."""
        hints = self.question.hints
        total = len(hints)
        if not total:
            print(t("course_check.hint_none", q=self.id))
        elif isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            print(t("course_check.hint_bad_number", q=self.id, total=total, n=_short(n)))
        elif n > total:
            print(t("course_check.hint_past_last", q=self.id, total=total, n=n))
        else:
            print(t("course_check.hint", n=n, total=total, q=self.id, text=hints[n - 1]))

    def solution(self) -> None:
        """Show a worked answer (a model answer for an open question)."""
        key = "model_answer_heading" if isinstance(self.question, OpenQuestion) else "solution_heading"
        print(t(f"course_check.{key}", q=self.id))
        print(self.question.solution)


class BoundExercise:
    """An exercise bound to a notebook's namespace and data; its questions are attributes."""

    def __init__(self, definition: Exercise, namespace: dict[str, Any], data: Any = None,
                 name: str | None = None, source: str | None = None) -> None:
        self.definition = definition
        # the id check records carry: the name the notebook's exercise("...") call uses
        self.name = name or definition.id
        self.namespace = namespace
        self._data = data
        # in words, which data the answers are checked against (shown by repr and the self-check)
        if source is None:
            if data is not None:
                source = t("selfcheck.source_given")
            elif definition.data is not None:
                source = t("selfcheck.source_default")
        self.source = source or ""
        self.questions = tuple(BoundQuestion(self, q) for q in definition.questions)
        for bq in self.questions:
            setattr(self, bq.id, bq)

    def other_data(self) -> bool:
        """Whether the notebook's ``data`` is a dataset other than the one the answers are checked against."""
        from ..data._folder import Dataset

        mine = self.namespace.get("data")
        return isinstance(mine, Dataset) and self._data is not None and mine is not self._data

    @property
    def data(self) -> Any:
        """The data answers are checked against (the exercise's default when none was given)."""
        if self._data is None:
            self._data = self.definition.default_data()
        return self._data

    def __repr__(self) -> str:
        d = self.definition
        lines = [t("course_exercise.heading", id=d.id, title=d.title)]
        for q in d.questions:
            kind = t("course_kind." + q.kind)
            lines.append(t("course_exercise.line", q=q.id, kind=kind, var=q.var) if q.var
                         else t("course_exercise.line_novar", q=q.id, kind=kind))
        lines.append(t("course_exercise.usage"))
        if self.source:
            lines.append(t("selfcheck.repr_source", source=self.source))
        return "\n".join(lines)


def _resolve_folder(folder: str | Path) -> Path:
    """The folder ``DATA`` names: as given, else relative to the course folder (beside ``kamlib/``)."""
    from .exercises._data import SAMPLE_FOLDER

    given = Path(folder).expanduser()
    candidates = [given] if given.is_absolute() else [given, SAMPLE_FOLDER.parent / given,
                                                      SAMPLE_FOLDER.parent / "exercises" / given]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise KamArgumentError(t("selfcheck.no_data_folder", folder=str(folder), cwd=Path.cwd().as_posix(),
                             sample=SAMPLE_FOLDER.as_posix()))


def _data_source(seed: Any, folder: Any, columns: Any) -> tuple[Any, str]:
    """The data a notebook's ``SEED`` / ``DATA`` parameters ask for, and its description."""
    import kamlib

    if folder is not None:
        if seed is not None:
            raise KamArgumentError(t("selfcheck.seed_and_folder"))
        from .exercises._data import SAMPLE_FOLDER

        path = _resolve_folder(folder)
        if path.resolve() == SAMPLE_FOLDER and columns is None:
            return None, t("selfcheck.source_default")
        return kamlib.read_folder(path, columns=columns), t("selfcheck.source_folder", folder=str(folder))
    if seed is None:
        return None, t("selfcheck.source_default")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise KamArgumentError(t("selfcheck.bad_seed", value=_short(seed)))
    if int(seed) == kamlib.SAMPLE_SEED:
        return None, t("selfcheck.source_default")
    return kamlib.load_sample(seed=int(seed)), t("selfcheck.source_seed", seed=int(seed))


def _readable_float(value: float) -> str:
    """A number as an exercise table shows it: money with thousands separators and no decimals
    (1,234,567), anything smaller with four significant digits (0.1453, 2.495) — never 1.2e+06."""
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def exercise(name: str | Exercise, namespace: dict[str, Any], data: Any = None, *,
             seed: int | None = None, folder: str | Path | None = None,
             columns: str | Path | None = None) -> BoundExercise:
    """Bind an exercise to a notebook: ``ex = exercise("03_abc_xyz", globals(), seed=SEED, folder=DATA)``.

    In a notebook it also sets pandas' display of numbers, for readable tables (1,234,567 and 0.1453
    rather than 1.234567e+06 and 0.145269); the values themselves keep every digit.

    Parameters
    ----------
    name : str or Exercise
        The exercise id (``"00_warmup"``; see ``kamlib.course.exercises.available()``), the
        name of an importable module that defines ``EXERCISE``, or an :class:`Exercise`.
        Course notebooks bind by name: the class report, ``progress()`` and the nbval plugin
        recognise a notebook's exercise by the name in its ``exercise("...")`` call.
    namespace : dict
        The notebook's ``globals()``: answers are read from it by variable name at each check.
    data : optional
        The data the answers are computed from, given directly (the warm-up's small table);
        by default the exercise's own data (the course's sample company).
    seed : int, optional
        A personal variant of the sample company, ``kamlib.load_sample(seed=seed)`` — what the
        exercise notebooks' ``SEED = 7`` parameter does. ``None``: the shared sample company.
    folder : str or Path, optional
        A folder of your own exports, read with ``kamlib.read_folder`` (the notebooks' ``DATA``);
        a relative path is looked up from the notebook's folder, then from the course folder.
    columns : str or Path, optional
        A ``columns.toml`` mapping your headers to the canonical ones (with ``folder``).

    Returns
    -------
    BoundExercise
        Its questions are attributes: ``ex.q1.check()``, ``ex.q1.hint(2)``, ``ex.q1.solution()``.

    Raises
    ------
    KamArgumentError
        When no exercise has that name or ``namespace`` is not a dict.

    Examples
    --------
    >>> demo = Exercise("99_demo", "Demo", [ValueQuestion("q1", "total", expected=lambda d: sum(d),
    ...                                                   solution="total = sum(data)")])
    >>> ns = {}
    >>> ex = exercise(demo, ns, data=[1, 2, 3])
    >>> ex.q1.check()
    – q1: not attempted yet — put your answer in `total` and run this cell again.
    >>> ns["total"] = 5
    >>> ex.q1.check()
    ✗ q1: not right yet — your value is too low.
    >>> ns["total"] = 6
    >>> ex.q1.check()
    ✓ q1: correct.
    """
    if not isinstance(namespace, dict):
        raise KamArgumentError(t("course_exercise.namespace", what=_describe(namespace)))
    if _in_ipython():  # readable tables in the exercise notebook (display only; answers keep every digit)
        pd.set_option("display.float_format", _readable_float)
    source = None
    if data is None and (seed is not None or folder is not None):
        data, source = _data_source(seed, folder, columns)
    if isinstance(name, Exercise):
        return BoundExercise(name, namespace, data, source=source)
    return BoundExercise(load_exercise(name), namespace, data, name=name, source=source)


def load_exercise(name: str) -> Exercise:
    """The :class:`Exercise` called ``name`` (built in, or a module defining ``EXERCISE``)."""
    from . import exercises

    if name in exercises.available():
        module = importlib.import_module(f"{exercises.__name__}.ex{name}")
        return module.EXERCISE
    if isinstance(name, str) and re.fullmatch(r"[A-Za-z_][\w.]*", name) and not name.startswith("_"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            module = None
        if module is not None and isinstance(getattr(module, "EXERCISE", None), Exercise):
            return module.EXERCISE
    raise KamArgumentError(t("course_exercise.unknown", name=name,
                             available=", ".join(exercises.available()) or "-"))


# --------------------------------------------------------------------------- progress


def progress(folder: str | Path | None = None, *, detail: bool = False) -> pd.DataFrame:
    """Where you stand over all exercises: this session's checks plus your saved notebooks.

    Every built-in exercise is listed. A question's status is the last ``check()`` run in
    this Python session, else the check output stored in your saved exercise notebooks in
    ``folder`` (the freshly generated learner versions count as not attempted), else
    "not attempted".

    Parameters
    ----------
    folder : str or Path, optional
        Where your exercise notebooks are saved. Default: ``exercises`` under the current
        folder when it exists, else the current folder (a notebook inside ``exercises/``).
    detail : bool
        One row per question instead of one per exercise.

    Returns
    -------
    DataFrame
        Per exercise (the exercise id says its topic): ``exercise, questions, correct, wrong,
        open, not_attempted, status``; with ``detail``: ``exercise, question, kind, status``.

    Examples
    --------
    >>> import tempfile
    >>> table = progress(tempfile.mkdtemp())
    >>> list(table.columns)
    ['exercise', 'questions', 'correct', 'wrong', 'open', 'not_attempted', 'status']
    """
    from . import _notebooks, exercises

    if folder is None:
        folder = Path("exercises") if Path("exercises").is_dir() else Path(".")
    folder = Path(folder)
    kinds: dict[tuple[str, str], str] = {}
    status: dict[tuple[str, str], str] = {}
    for ex_id in exercises.available():
        definition = load_exercise(ex_id)
        for q in definition.questions:
            kinds[(ex_id, q.id)] = q.kind
            status[(ex_id, q.id)] = NOT_ATTEMPTED
    if folder.is_dir():
        for path in sorted(folder.glob("*.ipynb")):
            try:
                nb = _notebooks.read(path)
            except Exception:
                continue
            for key in _notebooks.check_questions(nb):
                status.setdefault(key, NOT_ATTEMPTED)
            for key, value in _notebooks.stored_results(nb).items():
                status[key] = _notebooks.best(status.get(key, NOT_ATTEMPTED), value)
    status.update(_SESSION)
    keys = sorted(status, key=lambda k: (k[0], _natural_key(k[1])))
    if detail:
        return pd.DataFrame(
            {
                "exercise": [k[0] for k in keys],
                "question": [k[1] for k in keys],
                "kind": [t("course_kind." + kinds[k]) if k in kinds else "" for k in keys],
                "status": [t("course_status." + status[k]) for k in keys],
            }
        )
    rows = []
    for ex_id in sorted({k[0] for k in keys}):
        values = [status[k] for k in keys if k[0] == ex_id]
        counts = {s: values.count(s) for s in STATUSES}
        if counts[NOT_ATTEMPTED] == len(values):
            overall = "not_started"
        elif counts[CORRECT] + counts[OPEN] == len(values):
            overall = "done"
        else:
            overall = "in_progress"
        rows.append({"exercise": ex_id, "questions": len(values),
                     "correct": counts[CORRECT], "wrong": counts[WRONG], "open": counts[OPEN],
                     "not_attempted": counts[NOT_ATTEMPTED], "status": t("course_status." + overall)})
    columns = ["exercise", "questions", "correct", "wrong", "open", "not_attempted", "status"]
    return pd.DataFrame(rows, columns=columns)
