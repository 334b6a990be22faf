"""The source register: every fact the course attributes to one of its five source articles.

    python -m kamlib.course.sources            # rewrite the generated part of SOURCES.md
    python -m kamlib.course.sources --check    # exit 1 if SOURCES.md is stale or the register is malformed
    python -m kamlib.course.sources --cites    # also list every "source 00X" mention that is not a reference

The register lives in ``sources/register/*.toml`` (in the repository, not in the installed
package). Each file holds entries ::

    [[fact]]
    id = "004-breadwinner"   # unique slug: source number + short name ("course-..." for a course rule)
    source = "004"           # "000".."004"; absent when kind = "course"
    lines = [23, 23]         # first and last 1-based line in ../shared/seeds/004_*.txt
    fact = "..."             # the fact, in English
    kind = "source"          # source: the article states it; reading: the course's interpretation of
                             # the article; course: a rule the course sets that no source gives
    numbers = ["10"]         # every number here must stand in those lines of the original
    used_in = ["notebooks/01_key_clients.ipynb"]   # optional

Citations. In Markdown (notebook cells, exercise notebooks, GLOSSARY.md, TRAINER.md) every mention
"source 00X" / "file 00X" is the text of a link to its entry, ``[source 004](../SOURCES.md#004-breadwinner)``
(the path relative to the file). In plain text (``kamlib/labels/**/*.toml``, strings of
``kamlib/course/exercises/*.py``, code cells) it is ``source 004 [004-breadwinner]``.
:func:`citation_problems` finds the mentions that are neither; ``tests/course/test_sources.py`` runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Fact", "load_register", "register_problems", "render_register", "update_sources_md",
           "citation_problems", "seed_problems", "find_seeds", "normalise", "main"]

ROOT = Path(__file__).resolve().parents[2]
SOURCE_IDS = ("000", "001", "002", "003", "004")
KINDS = ("source", "reading", "course")
START, END = "<!-- register:start -->", "<!-- register:end -->"
ID_RE = re.compile(r"^(00[0-4]|course)-[a-z0-9]+(?:-[a-z0-9]+)*$")
KIND_TEXT = {"source": "the article states it", "reading": "the course's reading of the article",
             "course": "the course's own rule; no source gives it"}

# where citations are checked (relative to the repository root)
CITING_FILES = ("notebooks/*.ipynb", "exercises/*.ipynb", "exercises/solved/*.ipynb",
                "kamlib/course/exercises/*.py", "GLOSSARY.md", "TRAINER.md", "README.md", "data/README.md",
                "kamlib/labels/**/*.toml")

MENTION = re.compile(r"\b(?:source|file)s?\s+(00[0-4])\b", re.IGNORECASE)
LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
LINK_TEXT = re.compile(r"^\s*(?:source|file)s?\s+(00[0-4])\s*$", re.IGNORECASE)
BRACKET = re.compile(r"\b(?:source|file)s?\s+(00[0-4])\s*\[([A-Za-z0-9][A-Za-z0-9-]*)\](?!\()", re.IGNORECASE)
HOLE = "\x00"
# "sources 002 and 003": a number listed after a reference or a mention is a mention too
LISTED = re.compile(r"(?:\x00|\b(?:source|file)s?\s+00[0-4]\b)\s*(?:,|and|or|&|/|–|-)\s*(00[0-4])\b", re.IGNORECASE)


@dataclass(frozen=True)
class Fact:
    """One register entry."""

    id: str
    fact: str
    kind: str
    source: str | None = None
    lines: tuple[int, int] | None = None
    numbers: tuple[str, ...] = ()
    used_in: tuple[str, ...] = ()
    file: str = ""
    raw: dict = field(default_factory=dict, compare=False, repr=False)


def _register_dir(root: Path) -> Path:
    return Path(root) / "sources" / "register"


def load_register(root: Path | str = ROOT) -> list[Fact]:
    """Read every ``sources/register/*.toml`` file, in file-name order, entries in file order."""
    facts = []
    for path in sorted(_register_dir(Path(root)).glob("*.toml")):
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        for raw in data.get("fact", []):
            lines = raw.get("lines")
            facts.append(Fact(
                id=str(raw.get("id", "")), fact=str(raw.get("fact", "")), kind=str(raw.get("kind", "")),
                source=raw.get("source"), lines=tuple(lines) if isinstance(lines, list) else lines,
                numbers=tuple(raw.get("numbers", ())), used_in=tuple(raw.get("used_in", ())),
                file=path.relative_to(root).as_posix(), raw=raw))
    return facts


def register_problems(facts: Sequence[Fact], root: Path | str = ROOT) -> list[str]:
    """Every way an entry is malformed, as ``"file: id: what is wrong"``; empty when all is well."""
    known = {"id", "source", "lines", "fact", "kind", "numbers", "used_in"}
    problems, seen = [], {}
    for f in facts:
        where = f"{f.file}: {f.id or '(no id)'}"
        def bad(msg: str) -> None:
            problems.append(f"{where}: {msg}")
        if extra := sorted(set(f.raw) - known):
            bad(f"unknown keys {extra}; valid: {sorted(known)}")
        if not ID_RE.match(f.id):
            bad("id must be a slug like '004-breadwinner' (source number or 'course', then words joined by '-')")
        if f.id in seen:
            bad(f"id also used in {seen[f.id]}")
        seen.setdefault(f.id, f.file)
        if not f.fact.strip():
            bad("'fact' is empty")
        if f.kind not in KINDS:
            bad(f"kind {f.kind!r} is not one of {KINDS}")
        if not all(isinstance(n, str) and n.strip() for n in f.numbers):
            bad("'numbers' must be a list of non-empty strings")
        if not all(isinstance(u, str) for u in f.used_in):
            bad("'used_in' must be a list of paths")
        else:
            for u in f.used_in:
                if not (Path(root) / u).exists():
                    bad(f"used_in names {u!r}, which does not exist")
        if f.kind == "course":
            if f.source is not None or f.lines is not None:
                bad("a kind = 'course' entry has no source and no lines")
            if f.numbers:
                bad("a kind = 'course' entry has no 'numbers' (there are no lines to check them against)")
            if not f.id.startswith("course-"):
                bad("the id of a course rule starts with 'course-'")
        elif f.kind in KINDS:
            if f.source not in SOURCE_IDS:
                bad(f"source {f.source!r} is not one of {SOURCE_IDS}")
            elif not f.id.startswith(f.source + "-"):
                bad(f"the id must start with its source number '{f.source}-'")
            ok = (isinstance(f.lines, tuple) and len(f.lines) == 2
                  and all(isinstance(n, int) and not isinstance(n, bool) for n in f.lines))
            if not ok or not 1 <= f.lines[0] <= f.lines[1]:
                bad(f"lines must be [first, last] with 1 <= first <= last, not {f.raw.get('lines')!r}")
    return problems


# --- the originals ------------------------------------------------------------------------------

def find_seeds(root: Path | str = ROOT) -> Path | None:
    """The folder of the five originals: ``$KAM_SEEDS``, else ``shared/seeds`` beside the repository
    (``../shared/seeds`` from its root; for a git worktree the nearest ancestor that has one)."""
    if env := os.environ.get("KAM_SEEDS"):
        return Path(env) if Path(env).is_dir() else None
    for parent in Path(root).resolve().parents:
        if (parent / "shared" / "seeds").is_dir():
            return parent / "shared" / "seeds"
    return None


_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")


def normalise(text: str) -> str:
    """Spaces of every kind become one space; ``10 %`` becomes ``10%``; ``5 000`` becomes ``5000``;
    a decimal comma becomes a point; dashes become '-'.

    >>> normalise("5\u00a0000 дана, 10 % и 2,5 %; 30–55")
    '5000 дана, 10% и 2.5%; 30-55'
    """
    text = _SPACES.sub(" ", text)
    text = re.sub(r"(?<=\d) (?=%)", "", text)
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", "", text)
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    return re.sub(r"[–—−]", "-", text)


def _contains_number(text: str, number: str) -> bool:
    n = normalise(number).strip()
    return re.search(r"(?<![\d.])" + re.escape(n) + r"(?![\d]|\.\d)", normalise(text)) is not None


def seed_problems(facts: Sequence[Fact], seeds: Path) -> list[str]:
    """Entries whose lines are not in the original, or whose numbers do not stand in those lines."""
    problems, texts = [], {}
    for sid in SOURCE_IDS:
        found = sorted(Path(seeds).glob(f"{sid}_*.txt"))
        if found:
            texts[sid] = found[0].read_text(encoding="utf-8").splitlines()
    for f in facts:
        if f.kind == "course" or f.source not in SOURCE_IDS or not isinstance(f.lines, tuple):
            continue
        lines = texts.get(f.source)
        if lines is None:
            problems.append(f"{f.file}: {f.id}: no file {f.source}_*.txt in {seeds}")
            continue
        first, last = f.lines
        if last > len(lines):
            problems.append(f"{f.file}: {f.id}: lines {first}-{last}, but source {f.source} has {len(lines)} lines")
            continue
        text = "\n".join(lines[first - 1:last])
        for n in f.numbers:
            if not _contains_number(text, n):
                problems.append(f"{f.file}: {f.id}: {n!r} does not stand in source {f.source}, "
                                f"lines {first}-{last}")
    return problems


# --- citations ----------------------------------------------------------------------------------

def _pieces(path: Path) -> list[tuple[str, str]]:
    """(label, text) pieces of a file, label 'markdown' where the text is rendered as Markdown."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        out = []
        for i, cell in enumerate(nb.get("cells", [])):
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else src
            out.append((f"cell {i} ({cell.get('cell_type')})", src, cell.get("cell_type") == "markdown"))
        return out
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".toml":  # comments are for maintainers, not shown to anyone: blank them, keep line numbers
        text = "\n".join("" if line.lstrip().startswith("#") else line for line in text.split("\n"))
    return [("", text, path.suffix == ".md")]


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def citation_problems(root: Path | str = ROOT, facts: Sequence[Fact] | None = None,
                      paths: Sequence[Path] | None = None) -> dict[str, list[str]]:
    """Each citing file (relative path) with the mentions of a source that are not a proper reference.

    A proper reference in Markdown is a link ``[source 00X](<relative path>/SOURCES.md#<id>)``; in plain
    text (code cells, ``.py``, ``.toml``) also ``source 00X [<id>]``. The id must exist and belong to
    source 00X. Every link to ``SOURCES.md#...`` must name an existing id.
    """
    root = Path(root)
    facts = load_register(root) if facts is None else facts
    by_id = {f.id: f for f in facts}
    if paths is None:
        paths = sorted({p for pattern in CITING_FILES for p in root.glob(pattern)})
    result: dict[str, list[str]] = {}
    for path in paths:
        rel = path.relative_to(root).as_posix()
        expected = Path(os.path.relpath(root / "SOURCES.md", path.parent)).as_posix()
        problems = []
        for label, text, markdown in _pieces(path):
            where = f"{label}, line" if label else "line"

            def check_id(sid: str | None, fid: str, pos: int) -> None:
                fact = by_id.get(fid)
                if fact is None:
                    problems.append(f"{where} {_line_of(text, pos)}: no register entry {fid!r}")
                elif sid is not None and fact.source != sid:
                    problems.append(f"{where} {_line_of(text, pos)}: {fid!r} is not a fact of source {sid} "
                                    f"(its source is {fact.source or 'none: a course rule'})")

            def link(m: re.Match) -> str:
                label_text, target = m.group(1), m.group(2)
                if "SOURCES.md" not in target:
                    return m.group(0) if not MENTION.search(label_text) else _bad_link(m, "does not point to SOURCES.md")
                base, _, fid = target.partition("#")
                cited = LINK_TEXT.match(label_text)
                if markdown and base != expected:
                    problems.append(f"{where} {_line_of(text, m.start())}: link {target!r} should start "
                                    f"{expected!r} from {rel}")
                elif fid:
                    check_id(cited.group(1) if cited else None, fid, m.start())
                elif cited:
                    problems.append(f"{where} {_line_of(text, m.start())}: {label_text!r} links to SOURCES.md "
                                    "without an entry id")
                if MENTION.search(label_text) and not cited:
                    problems.append(f"{where} {_line_of(text, m.start())}: link text {label_text!r} should be "
                                    "just 'source 00X' (one link per source)")
                return HOLE * (m.end() - m.start())

            def _bad_link(m: re.Match, why: str) -> str:
                problems.append(f"{where} {_line_of(text, m.start())}: link {m.group(0)!r} {why}")
                return HOLE * (m.end() - m.start())

            def bracket(m: re.Match) -> str:
                if markdown:
                    problems.append(f"{where} {_line_of(text, m.start())}: {m.group(0)!r} in Markdown should be "
                                    f"a link [source {m.group(1)}]({expected}#{m.group(2)})")
                else:
                    check_id(m.group(1), m.group(2), m.start())
                return HOLE * (m.end() - m.start())

            rest = LINK.sub(link, text)
            rest = BRACKET.sub(bracket, rest)
            for m in MENTION.finditer(rest):
                form = (f"[source {m.group(1)}]({expected}#<id>)" if markdown
                        else f"source {m.group(1)} [<id>]")
                problems.append(f"{where} {_line_of(text, m.start())}: {m.group(0)!r} cites no register "
                                f"entry; write {form}")
            for m in LISTED.finditer(rest):
                problems.append(f"{where} {_line_of(text, m.start())}: source {m.group(1)} is listed without "
                                "its own reference (one reference per source)")
        if problems:
            result[rel] = problems
    return result


# --- SOURCES.md ---------------------------------------------------------------------------------

def _md_escape(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")


def render_register(facts: Sequence[Fact]) -> str:
    """The generated part of SOURCES.md (between the markers, markers included)."""
    out = [START, "", "<!-- generated by `python -m kamlib.course.sources` from sources/register/*.toml;"
           " edit those files, not this section -->", ""]
    groups = [(sid, f"Source {sid}") for sid in SOURCE_IDS] + [(None, "The course's own rules")]
    for sid, title in groups:
        chosen = sorted((f for f in facts if f.source == sid and (sid is not None or f.kind == "course")),
                        key=lambda f: (f.lines or (0, 0), f.id))
        if not chosen:
            continue
        out += [f"### {title}", ""]
        for f in chosen:
            where = (f"`{f.source}`, line {f.lines[0]}" if f.lines[0] == f.lines[1]
                     else f"`{f.source}`, lines {f.lines[0]}–{f.lines[1]}") if f.lines else "no source"
            out.append(f'- <a id="{f.id}"></a>**`{f.id}`** · {where} · *{f.kind}* ({KIND_TEXT[f.kind]})  ')
            out.append(f"  {_md_escape(f.fact.strip())}")
            if f.used_in:
                out.append("  <br>Used in: " + ", ".join(f"[{u}]({u})" for u in f.used_in))
            out.append("")
    out.append(END)
    return "\n".join(out)


def update_sources_md(text: str, facts: Sequence[Fact]) -> str:
    """SOURCES.md with its generated section replaced (appended when the markers are missing)."""
    block = render_register(facts)
    if START in text and END in text:
        head, _, rest = text.partition(START)
        _, _, tail = rest.partition(END)
        return head + block + tail
    return text.rstrip("\n") + "\n\n" + block + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kamlib.course.sources", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if SOURCES.md is stale or the register malformed")
    parser.add_argument("--cites", action="store_true", help="also report mentions of a source that cite no entry")
    parser.add_argument("--root", default=str(ROOT), help="repository root (default: this clone)")
    args = parser.parse_args(argv)
    root = Path(args.root)
    if not _register_dir(root).is_dir():
        print(f"no source register at {_register_dir(root)}: run this from a clone of the course (or pass --root)")
        return 2
    facts = load_register(root)
    status = 0
    problems = register_problems(facts, root)
    seeds = find_seeds(root)
    if seeds is not None:
        problems += seed_problems(facts, seeds)
    else:
        print("note: the originals (../shared/seeds) are not beside this clone; line ranges not checked")
    for p in problems:
        print(p)
        status = 1
    if args.cites:
        for rel, found in citation_problems(root, facts).items():
            for p in found:
                print(f"{rel}: {p}")
                status = 1
    md = root / "SOURCES.md"
    old = md.read_text(encoding="utf-8") if md.exists() else "# Sources\n"
    new = update_sources_md(old, facts)
    if args.check:
        if new != old:
            print("SOURCES.md is not current: run python -m kamlib.course.sources")
            status = 1
    elif new != old:
        md.write_text(new, encoding="utf-8")
        print(f"SOURCES.md: {len(facts)} register entries written")
    return status


if __name__ == "__main__":
    sys.exit(main())
