"""kamlib.course — exercises that check themselves; see the package docstring of kamlib for the layout.

In an exercise notebook::

    from kamlib.course import exercise
    ex = exercise("00_warmup", globals(), data=sales)
    ex.q1.check(); ex.q1.hint(); ex.q1.hint(2); ex.q1.solution()

Trainers: ``python -m kamlib.course.assign`` writes the learner versions from
``exercises/solved/``; ``python3 workbook.py grade FOLDER`` prints the class table.
Names are loaded on first use, so importing this package stays cheap.
"""

from __future__ import annotations

import importlib

# public name -> module that defines it (relative to kamlib.course)
_EXPORTS: dict[str, str] = {
    "exercise": "_checking",
    "progress": "_checking",
    "Exercise": "_checking",
    "ValueQuestion": "_checking",
    "TableQuestion": "_checking",
    "ClassificationQuestion": "_checking",
    "MultipleChoiceQuestion": "_checking",
    "MatchingQuestion": "_checking",
    "OpenQuestion": "_checking",
    "make_learner_version": "assign",
    "build_all": "assign",
    "class_report": "grade",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'kamlib.course' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(__all__) | {name for name in globals() if not name.startswith("_")})
