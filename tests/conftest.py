"""Shared test settings: a non-interactive matplotlib backend and the repository root."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))  # lets test modules import conftest's constants
