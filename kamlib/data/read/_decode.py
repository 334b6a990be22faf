"""Step 1: bytes to text -- the encoding of a CSV file, decided with evidence."""

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



def _decode(data: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding."""

    def line_of(exc: UnicodeDecodeError) -> int:
        return data.count(b"\n", 0, exc.start) + 1

    if encoding is not None:
        codec = codecs.lookup(encoding).name
        try:
            return data.decode("utf-8-sig" if codec == "utf-8" else codec), encoding
        except UnicodeDecodeError as exc:
            raise KamDataError(
                t("load_errors.encoding_failed", file=name, where=t("load.line"), line=line_of(exc), encoding=encoding),
                file=name,
                rows=[line_of(exc)],
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), "UTF-8 (BOM)" if data.startswith(codecs.BOM_UTF8) else "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251"), "cp1251"
    except UnicodeDecodeError as exc:
        raise KamDataError(
            t("load_errors.encoding_unknown", file=name, where=t("load.line"), line=line_of(exc)),
            file=name,
            rows=[line_of(exc)],
        ) from None
