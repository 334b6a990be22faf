"""Constants and small helpers every step of the reader shares."""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import difflib
import io
import os
import re
import sys
import tomllib
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from numbers import Real
from pathlib import Path

import numpy as np
import pandas as pd

from ..._errors import KamArgumentError, KamDataError, KamDataWarning, KamError
from ..._validate import check_choice
from ...labels import t
from .._schema import TABLES, columns_of, required_columns



REPORT_ATTR = "kamlib_load_report"
"""Key of the load report in ``DataFrame.attrs``."""

ON_ERROR = ("warn", "raise", "exclude")
HEADER_SEARCH = 50  # lines (CSV) or rows (Excel) searched for the header
_SHOW = 5  # line numbers shown per group in a message
_EXAMPLES = 3  # example values shown per group in a message
_SAMPLE_CHARS = 256 * 1024  # text looked at to find the header and the delimiter
_DELIMITERS = (";", "\t", ",", "|")  # tried in this order when nothing else decides
_OPTIONS = ("delimiter", "encoding", "decimal", "thousands", "date_format", "header_row", "sheet", "duplicates",
            "merge_identities")
DUPLICATES = ("keep", "drop")  # what to do with lines identical in every column (possible double exports)

# columns a table may lack: the reader numbers the lines instead (an export of document lines has
# no line id, and a document number repeats on each line of the document)
_GENERATED = {"orders": "order_id"}

# tables whose key may repeat: lines of one order share the document number
_REPEATING_KEY = frozenset({"orders"})

# placeholder client ids: not a client, excluded from client analyses and listed (compared after
# casefolding, trimming and dropping brackets/quotes; see _identity.placeholder_key)
PLACEHOLDER_IDS = (
    "(blank)", "blank", "<не указан>", "не указан", "не указано", "не заполнено", "нет данных",
    "розничный покупатель", "частное лицо", "покупатель", "без контрагента", "#name?", "#n/a", "#н/д",
    "#ref!", "#value!", "#знач!", "#имя?", "n/a", "na", "-", "—", "?", "unknown", "none", "null",
    "retail customer", "cash customer", "walk-in customer",
)
# words of a totals line ("Итого: 1 234 567")
TOTAL_WORDS = ("итого", "всего", "итог", "total", "grand total", "subtotal", "sum", "jami", "барлығы",
               "yhteensä", "промежуточный итог", "общий итог")

# the plausible window of event dates: more than this many times the middle half's span (at
# least a year) before the first quartile or after the third, or later than the day of reading
# plus the margin, is implausible
DATE_SPREAD = 4
DATE_FUTURE_DAYS = 31
_EVENT_DATES = frozenset({("orders", "date"), ("nps_responses", "date")})
_AMOUNT = {"orders": "revenue"}  # the amount whose excluded share the report states

# values that mean "empty" in number, date and yes/no columns (compared in lower case);
# text columns keep them as text (a client may be called "NA")
_MISSING_WORDS = frozenset({"nan", "na", "n/a", "#n/a", "null", "none"})
_SPACES = (" ", "\u00a0", "\u202f", "\u2009")  # thousands separators: space, no-break, narrow no-break, thin
_YES = frozenset({"yes", "y", "true", "1", "да", "истина"})
_NO = frozenset({"no", "n", "false", "0", "нет", "ложь"})
_ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DOTTED_DATE = r"\d{1,2}\.\d{1,2}\.\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?)?"

# Allowed ranges of numeric columns, from the units in kamlib/data/_schema.py
# (an NPS answer is 0-10; a discount is a percentage; a share is 0-1).
_RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("nps_responses", "score"): (0, 10),
    ("clients", "discount_pct"): (0, 100),
    ("contacts", "relationship"): (1, 5),
    ("managers", "level"): (1, 4),
    ("competitor_offers", "defect_rate"): (0, 1),
}

# why a row is excluded; the order is the order of precedence when a row has several problems
_REASONS = (
    "too_many_fields",
    "unbalanced_quote",
    "undecodable",
    "repeated_header",
    "totals_line",
    "missing_id",
    "missing_value",
    "bad_number",
    "bad_whole_number",
    "bad_date",
    "bad_yes_no",
    "out_of_range",
    "implausible_date",
    "placeholder_id",
    "duplicate_id",
    "double_export",
)
# reasons whose amounts are not "revenue lost": a totals line repeats other lines' amounts, and a
# double export is dropped only when asked (duplicates="drop")
_NOT_LOST = frozenset({"totals_line", "double_export", "repeated_header"})
_CODE = {name: i + 1 for i, name in enumerate(_REASONS)}  # 0 = the row is fine

_MAJOR = int(pd.__version__.split(".")[0])
_TEXT_DTYPE = "str" if _MAJOR >= 3 else object
_DATE_DTYPE = pd.to_datetime(pd.Series(["2000-01-01"])).dtype  # what pandas gives for parsed text

# ----------------------------------------------------------------------------------------------

_EMPTY, _TEXT, _NUM, _BOOL, _DATE, _OTHER = range(6)


def _is_empty(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, str):
        return not v.strip()
    if isinstance(v, float):
        return v != v
    if isinstance(v, (np.floating, np.datetime64)):
        return bool(pd.isna(v))
    return False


def _kind(v: object) -> int:
    if _is_empty(v):
        return _EMPTY
    if isinstance(v, str):
        return _TEXT
    if isinstance(v, (bool, np.bool_)):
        return _BOOL
    if isinstance(v, (Real, Decimal)):
        return _NUM
    if isinstance(v, (_dt.date, np.datetime64)):  # datetime and Timestamp are dates too
        return _DATE
    return _OTHER
