"""Step 1: bytes to text -- the encoding of a CSV file, decided with evidence, never silently.

The rules (each decision is recorded in the load report):

- A byte-order mark decides: UTF-8 (BOM), UTF-16.
- A file that is valid UTF-8 is UTF-8. One stray undecodable byte does not flip a
  whole file to another encoding: only the line that holds it is affected.
- UTF-16 without a byte-order mark is told by the zero byte of its ASCII characters at
  every other position.
- A line counts as UTF-8 text only when its two-byte characters are plausible letters
  (modern Cyrillic, Latin): cp1251 "Сё" is valid UTF-8 for the archaic "Ѹ", and stays cp1251.
- A file in which no line is UTF-8 text is in a one-byte code page (never a multi-byte
  CJK codec). A Cyrillic page wins when the text reads as Cyrillic words in it (letters
  in one case pattern, no Cyrillic letters inside Latin words) and not as Western words
  in cp1252; between cp1251, KOI8-R and cp866 the one whose letters are the most
  frequent Russian letters wins. A Western text gets cp1252 (or charset-normalizer's
  Latin page when that reads it better). When the readings are too close to call, the
  reader refuses and asks for ``encoding=`` rather than garble the text.
- In a cp1251 file, lines in KOI8-R or cp866 (two exports pasted together) are found
  by their byte pairs, decoded in their page and listed.
- A *mixed* file (lines of UTF-8 text and lines in a code page) is decoded line by
  line; the lines read in the code page are listed, and a refusal names them. A line
  that is neither (UTF-8 letters next to an undecodable byte, or a code-page line that
  does not decode to letters) is excluded with its line number.
- A one-byte ``encoding=`` given by the user applies to the lines that are not UTF-8
  text; the UTF-8 lines stay UTF-8 and are listed.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from ..._errors import KamDataError
from ...labels import t

# frequency (per mille) of Russian letters in running text; decides between Cyrillic code pages
_RUSSIAN = dict(zip("оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё",
                    (110, 85, 80, 74, 67, 63, 55, 47, 45, 44, 35, 32, 30, 28, 26, 20, 19, 17, 17, 16, 16, 15,
                     12, 10, 9, 7, 6, 5, 4, 3, 3, 0.4, 0.4)))
_CYRILLIC_PAGES = ("cp1251", "koi8_r", "cp866")
_UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_SHOW = 5


@dataclass
class Decoded:
    """The outcome of step 1."""

    label: str  # for the report: "UTF-8", "cp1251", "UTF-8 and cp1251 (lines ...)"
    codec: str | None  # a Python codec that reads the whole file (fast path), or None
    text: str | None = None  # the decoded text when it had to be decoded here (mixed, UTF-16)
    bad_lines: dict[int, str] = field(default_factory=dict)  # 1-based line -> raw text (undecodable)
    notes: list[tuple[str, str]] = field(default_factory=list)  # extra report items


def _codec_name(encoding: str) -> str:
    return codecs.lookup(encoding).name


def _russian_score(text: str) -> float:
    letters = [c for c in text.lower() if "а" <= c <= "я" or c == "ё"]
    if not letters:
        return 0.0
    return sum(_RUSSIAN.get(c, 0) for c in letters) / len(letters)


def _letters_ratio(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are letters (a code page decoding
    the wrong file gives box-drawing signs and punctuation)."""
    high = [c for c in text if ord(c) > 127]
    if not high:
        return 1.0
    good = sum(c.isalpha() or c in "«»№–—’“”\u00a0" for c in high)
    return good / len(high)


# two-byte UTF-8 characters (U+0080-U+07FF) that real text does not hold: C1 controls, and the archaic
# Cyrillic letters and marks (U+0460-U+0489). A line that is valid UTF-8 but decodes to one of these
# ("Ѹ" from cp1251 "Сё") is a code-page line whose bytes happen to pair like UTF-8: an upper-case
# cp1251 letter (C0-DF) before ё, «, » or a no-break space (80-BF). Every other character counts as
# text (Kazakh "қ", Ukrainian "ʼ", accents, Greek, Hebrew...); three- and four-byte sequences need a
# lower-case letter before two or three such bytes, which Russian text does not hold.
_IMPLAUSIBLE = re.compile("[\u0080-\u009f\u0460-\u0489]")
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC_WORD = re.compile(r"[а-яёА-ЯЁіїєўґІЇЄЎҐ]+")
_LATIN_PAGES = ("cp1252", "cp1250", "cp1257", "cp1254", "latin_1", "iso8859_15", "iso8859_2", "cp1258", "mac_roman")
_CLOSE = 1.15  # the best Cyrillic page must score this much better than the next
_FEW_LETTERS, _CLOSE_FEW = 10, 1.3  # ...and much better when the text has fewer distinct letters


def plausible_utf8(text: str) -> bool:
    """Whether decoded UTF-8 ``text`` holds non-ASCII characters, none implausible (see ``_IMPLAUSIBLE``)."""
    return not text.isascii() and _IMPLAUSIBLE.search(text) is None


def _one_byte(codec: str) -> bool:
    """Whether ``codec`` is a one-byte code page (every byte one character): multi-byte CJK codecs
    (big5, gb2312, shift_jis...) are not plausible readings of the lines of a Russian/Western export."""
    try:
        return len(bytes(range(256)).decode(codec, errors="replace")) == 256
    except LookupError:
        return False


def _case_ok(word: str) -> bool:
    """Lower, upper or title case, or camel case ("МегаФон", "СберБизнес": upper-case letters only
    at the start and after a lower-case one, never two in a row nor last)."""
    if len(word) < 2 or word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower()):
        return True
    return word[0].isupper() and not word[-1].isupper() and \
        not any(a.isupper() and b.isupper() for a, b in zip(word, word[1:]))


def _cyrillic_fit(text: str) -> float:
    """Share of the words holding non-ASCII letters that read as Cyrillic words: Cyrillic letters only,
    in lower, upper or title case. A wrong Cyrillic page gives words with the case swapped mid-word
    ("тПНБЫЛБ", KOI8-R read as cp1251); a Western text read as Cyrillic gives Cyrillic letters inside
    Latin words ("Mьller")."""
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    if not words:
        return 0.0
    good = sum(1 for w in words if _CYRILLIC_WORD.fullmatch(w) and _case_ok(w))
    return good / len(words)


def _western_fit(text: str) -> float:
    """Share of the words holding non-ASCII letters that read as Western words: accented letters among
    more ASCII letters, in a plausible case ("Müller", "Café"), where Russian read as cp1252 gives words
    made of accented letters only ("Ðîìàøêà")."""
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    if not words:
        return 0.0
    good = 0
    for w in words:
        high = sum(ord(c) > 127 for c in w)
        if high <= len(w) - high and _case_ok(w) and _IMPLAUSIBLE.search(w) is None:
            good += 1
    return good / len(words)


def _guess(sample: bytes) -> str | None:
    """charset-normalizer's one-byte code page for ``sample`` (None when it names none)."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
        guess = None if best is None else _codec_name(best.encoding)
    except Exception:  # pragma: no cover - charset-normalizer is a dependency; be safe anyway
        return None
    return guess if guess is not None and guess not in ("utf_8", "ascii") and _one_byte(guess) else None


def choose_code_page(raw: bytes, name: str, lines: list[int] | None = None) -> str:
    """The one-byte code page of ``raw`` (bytes that are not UTF-8), or :class:`KamDataError`.

    A Cyrillic page wins when the text reads as Russian words in it (:func:`_cyrillic_fit`) and not
    as Western words in cp1252 (:func:`_western_fit`); among the Cyrillic pages, the one whose
    letters are the most frequent Russian letters. A Western text gets charset-normalizer's Latin
    page (cp1252 when it names none). Anything too close to call is refused with ``encoding=``
    advice. ``lines`` (1-based) are the lines of a mostly UTF-8 file that ``raw`` holds: the advice
    then names them and says that the UTF-8 lines stay UTF-8.
    """
    sample = raw[: 64_000]
    scores = {}
    close = _CLOSE
    for page in _CYRILLIC_PAGES:
        text = sample.decode(page, errors="replace")
        fit = _cyrillic_fit(text)
        if _letters_ratio(text) >= 0.9 and fit >= 0.8:
            scores[page] = _russian_score(text) * fit
            if len({c for c in text.lower() if "а" <= c <= "я" or c == "ё"}) < _FEW_LETTERS:
                close = _CLOSE_FEW  # little evidence ("ИП" is "хо" in KOI8-R): ask unless clear
    western = sample.decode("cp1252", errors="replace")
    is_western = _letters_ratio(western) >= 0.9 and _western_fit(western) >= 0.8
    if scores and not is_western:
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if len(ranked) == 1 or ranked[0][1] >= close * ranked[1][1]:
            return ranked[0][0]
        _refuse(name, [p for p, _ in ranked[:2]], lines)
    guess = _guess(sample)
    if is_western and not scores:
        return _western_page(sample, guess)
    if scores:  # both readings fit: ask
        _refuse(name, [max(scores, key=scores.get), "cp1252"], lines)
    if guess is not None and lines is None and guess in _LATIN_PAGES:
        return guess  # (a Greek, Hebrew, Thai... page is not taken on charset-normalizer's word: asked)
    _refuse(name, [], lines)
    raise AssertionError  # pragma: no cover - _refuse raises


def _western_page(sample: bytes, guess: str | None) -> str:
    """cp1252, the Western page of most exports, unless charset-normalizer's Latin page reads the
    text better (more letters, more Western words: Polish "Łódź" is "£ódŸ" in cp1252)."""
    if guess is None or guess == "cp1252" or guess not in _LATIN_PAGES:
        return "cp1252"

    def fit(page: str) -> tuple[float, float]:
        text = sample.decode(page, errors="replace")
        return _letters_ratio(text), _western_fit(text)

    return guess if fit(guess) > fit("cp1252") else "cp1252"


def _refuse(name: str, pages: list[str], lines: list[int] | None) -> None:
    """Raise the ``encoding=`` advice: the pages that fit equally well (none: unknown), for the whole
    file or for the non-UTF-8 ``lines`` of a mostly UTF-8 file."""
    shown = ", ".join(page_label(p) for p in pages)
    example = pages[0] if pages else "cp1251"
    if lines is not None:
        key = "read.encoding_ambiguous_lines" if pages else "read.encoding_unknown_lines"
        message = t(key, file=name, pages=shown, page=example, lines=lines_text(lines))
    elif pages:
        message = t("read.encoding_ambiguous", file=name, pages=shown, page=example)
    else:
        message = t("read.encoding_unknown", file=name)
    raise KamDataError(message, file=name, rows=list(lines or [])[:_SHOW] or None)


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode_given(data: bytes, name: str, encoding: str) -> str:
    """``data`` decoded with the user's ``encoding=``; the first bad line named otherwise."""
    codec = _codec_name(encoding)
    try:
        return data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        raise KamDataError(
            t("load_errors.encoding_failed", file=name, where=t("load.line"), line=line, encoding=encoding),
            file=name,
            rows=[line],
        ) from None


def utf16_without_bom(head: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` for UTF-16 text without a byte-order mark: the ASCII
    characters of a CSV (digits, separators, line ends) put a NUL byte at every other position,
    where a binary file has NULs at both; None otherwise."""
    sample = head[:8192]
    if len(sample) < 16 or b"\x00" not in sample or sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd >= 0.3 and zeros_even <= 0.01:
        return "utf-16-le"
    if zeros_even >= 0.3 and zeros_odd <= 0.01:
        return "utf-16-be"
    return None


def sniff(head: bytes, name: str) -> str | None:
    """A codec decided from the first bytes alone (``utf-8``, ``utf-16``), or None when the
    whole file must be looked at (:func:`analyse`)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16_without_bom(head):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return None
    return "utf-8"




def code_page_of_file(path, head: bytes, name: str) -> Decoded | None:
    """The one-byte code page of a file whose first bytes are not UTF-8, decided without holding
    the file: it is streamed in 8 MiB blocks, decoded as UTF-8 with replacement (bytes that fail
    become one U+FFFD each; valid multi-byte letters shrink the text). A code-page file has no
    line that is UTF-8 with non-ASCII letters; where the text shrank at all, the lines holding a
    complete multi-byte sequence are decoded to make sure (:func:`_has_utf8_line`). None when
    such a line exists (a mixed file: :func:`analyse` must decode it line by line)."""
    import mmap

    invalid = multibyte = 0
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")  # (a letter across blocks stays one)
    suspect: list[tuple[int, int]] = []  # byte ranges that may hold lines in another page than cp1251
    with open(path, "rb") as fh:
        position, last, work = 0, b"", {}
        while True:
            block = fh.read(8 << 20)
            loose = decoder.decode(block, final=not block)
            invalid += loose.count("\ufffd")
            multibyte += len(block) - len(loose)
            if not block:
                break
            if _cp1251_suspect(last + block[:1]) or _cp1251_suspect(block, work):
                suspect.append((max(position - 1, 0), position + len(block)))
            position, last = position + len(block), block[-1:]
        if multibyte * 100 >= max(invalid, 1):  # real UTF-8 letters too: a mixed file
            return None
        if multibyte:  # a few: accidental pairs of code-page letters, or a few UTF-8 lines?
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
                if _has_utf8_line(data):
                    return None
    high_lines = [line for line in head.split(b"\n") if not line.isascii()][:2000]
    page = choose_code_page(b"\n".join(high_lines), name)
    if page != "cp1251" or not suspect:
        return Decoded(page_label(page), page, None)
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return _one_page(data, page, suspect)


def _one_page(data, page: str, ranges: list[tuple[int, int]] | None = None) -> Decoded:
    """The outcome for a file in the one-byte ``page``: read in it throughout, or, for cp1251, with
    the lines appended in another Cyrillic page decoded in that (:func:`_two_pages`; ``ranges``: the
    byte ranges that may hold such lines, all of ``data`` when None)."""
    two = _two_pages(data, page, ranges or [(0, len(data))]) if page == "cp1251" else None
    return two if two is not None else Decoded(page_label(page), page, None)


# cp1251 bytes by what they are in Russian text: "a" ASCII and the usual signs, "U" upper-case and "l"
# lower-case letters, "X" the rest (Ђ, ‰, Љ...: cp866 letters read as cp1251). A line holding "X" or
# "lU" (a lower-case letter before an upper-case one: KOI8-R title case "Ромашка" read as cp1251 is
# "тПНБЫЛБ") may be in another page; only such lines are decoded to look.
_CP1251_SIGNS = bytes([0x84, 0x85, 0x88, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x99, 0xA0, 0xA1, 0xA2, 0xA5,
                       0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAE, 0xAF, 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB7, 0xB8, 0xB9,
                       0xBA, 0xBB, 0xBF])
_CP1251_CLASSES = bytes(
    ord("\n") if b == 10 else ord("a") if b < 0x80 or b in _CP1251_SIGNS else ord("X") if b < 0xC0
    else ord("U") if b < 0xE0 else ord("l") for b in range(256))
_SUSPECT_LINES = 10_000  # at most this many suspect lines are decoded to look


_PAIR_CHUNK = 1 << 18  # bytes looked at in one go: the work arrays stay in the CPU cache


def _cp1251_suspect(block: bytes, work: dict | None = None) -> bool:
    """Whether ``block`` may hold a line in another page than cp1251: a lower-case letter before an
    upper-case one (KOI8-R title case), or two bytes in a row of 80-BF (cp866 letters; in cp1251 text
    only signs such as "«Ё" pair so). The bytes are read as 16-bit pairs at both offsets (NumPy, in
    256 KiB pieces, into reused buffers ``work``): about 0.15 s for 330 MB, no per-line work."""
    import numpy as np

    work = {} if work is None else work
    if "masked" not in work:
        size = _PAIR_CHUNK // 2 + 1
        work.update(masked=np.empty(size, dtype="<u2"), hit=np.empty(size, dtype=bool))
    view = memoryview(block)
    for start in range(0, len(block), _PAIR_CHUNK):
        part = view[start: start + _PAIR_CHUNK + 1]  # (one more byte: the pair across pieces)
        for offset in (0, 1):
            pairs = np.frombuffer(part, dtype="<u2", offset=offset, count=(len(part) - offset) // 2)
            masked, hit = work["masked"][: len(pairs)], work["hit"][: len(pairs)]
            for mask, value in ((0xE0E0, 0xC0E0), (0xC0C0, 0x8080)):  # (E0-FF, C0-DF); (80-BF, 80-BF)
                np.bitwise_and(pairs, mask, out=masked)
                np.equal(masked, value, out=hit)
                if hit.any():
                    return True
    return False


def _suspect_lines(data, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of the lines of ``data`` within ``ranges`` that may be in another page than
    cp1251 (see ``_CP1251_CLASSES``): one ``bytes.translate`` and two searches per 16 MiB."""
    spans: list[tuple[int, int]] = []
    size = len(data)
    for first, end in ranges:
        for start in range(first, end, _SCAN_BLOCK):
            stop = min(start + _SCAN_BLOCK, end)
            classes = data[start: stop + 1].translate(_CP1251_CLASSES)  # (one more byte: a pair across)
            for needle in (b"X", b"lU"):
                at = classes.find(needle)
                while 0 <= at < stop - start and len(spans) < _SUSPECT_LINES:
                    line_start = data.rfind(b"\n", 0, start + at) + 1
                    line_end = data.find(b"\n", start + at)
                    line_end = size if line_end < 0 else line_end
                    spans.append((line_start, line_end))
                    at = classes.find(needle, line_end - start)
    return sorted(set(spans))


def _two_pages(data, page: str, ranges: list[tuple[int, int]]) -> Decoded | None:
    """A cp1251 file with lines in another Cyrillic page appended (KOI8-R, cp866), decoded line by
    line and the lines listed; None when every line reads as Russian in ``page`` (the usual case).
    A suspect line is in the other page when it does not read as Cyrillic words in ``page`` and all
    such lines together read as Cyrillic words in one other page (:func:`choose_code_page`)."""
    spans = _suspect_lines(data, ranges)
    fits: dict[str, list[tuple[int, int]]] = {other: [] for other in _CYRILLIC_PAGES if other != page}
    for line_start, line_end in spans:
        raw = data[line_start:line_end]
        text = raw.decode(page, errors="replace")
        here = _cyrillic_fit(text) if _letters_ratio(text) >= 0.9 else 0.0
        if here >= 0.8:
            continue
        for other in fits:
            text = raw.decode(other, errors="replace")
            if _letters_ratio(text) >= 0.9 and _cyrillic_fit(text) >= 0.8:
                fits[other].append((line_start, line_end))
    other = max(fits, key=lambda p: len(fits[p]))
    odd = fits[other]
    if not odd:
        return None  # every suspect line reads as well in ``page`` ("МегаФон") or in no page
    numbers, counted, line = [], 0, 1
    for line_start, _ in odd:
        line += data[counted:line_start].count(b"\n")
        counted = line_start
        numbers.append(line)
    lines = bytes(data).decode(page).split("\n")
    for (line_start, line_end), number in zip(odd, numbers):
        lines[number - 1] = data[line_start:line_end].decode(other)
    label = t("read.encoding_two_pages", page=page_label(page), other=page_label(other),
              lines=lines_text(numbers))
    return Decoded(label, None, "\n".join(lines))


def utf8_lines_in_page(path, name: str, codec: str) -> Decoded | None:
    """The file decoded line by line when the user gave a one-byte code page (``encoding=``) but
    some lines are UTF-8 text: those stay UTF-8 (read in the page they would be garbled) and are
    listed in the load report. None when the page reads the whole file (the usual case)."""
    import mmap

    if codec in ("utf-8", "utf-8-sig") or not _one_byte(codec):
        return None
    with open(path, "rb") as fh:
        if fh.seek(0, 2) == 0:
            return None
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if not _has_utf8_line(data):
                return None
    return analyse(path.read_bytes(), name, page=codec)


_SCAN_BLOCK = 1 << 24


def _has_utf8_line(data) -> bool:
    """Whether a line of ``data`` (bytes or a memory map) decodes as UTF-8 and holds non-ASCII
    characters, all plausible (:func:`plausible_utf8`). Only the lines holding a complete
    multi-byte sequence (a lead byte and its continuation bytes) are decoded; those are found
    with NumPy, 16 MiB at a time. In code-page text they are rare (an upper-case cp1251 letter
    before "ё", as in "Сёмин")."""
    import numpy as np

    raw = np.frombuffer(data, dtype=np.uint8)
    step = _SCAN_BLOCK
    checked = -1  # the end of the last line decoded
    for start in range(0, len(raw), step):
        part = raw[start: start + step + 3]  # (3 more bytes: a sequence starting in this block)
        cont = (part & 0xC0) == 0x80
        if not cont[1:].any():
            continue
        lead = np.zeros(len(part), dtype=bool)
        for first, last, k in ((0xC2, 0xDF, 1), (0xE0, 0xEF, 2), (0xF0, 0xF4, 3)):
            found = (part[: len(part) - k] >= first) & (part[: len(part) - k] <= last)
            for i in range(1, k + 1):
                found &= cont[i: len(part) - k + i]
            lead[: len(part) - k] |= found
        for at in np.flatnonzero(lead[:step]) + start:
            if at <= checked:
                continue
            line_start = data.rfind(b"\n", 0, at) + 1
            checked = data.find(b"\n", at)
            checked = len(data) if checked < 0 else checked
            try:
                if plausible_utf8(data[line_start:checked].decode("utf-8")):
                    return True
            except UnicodeDecodeError:
                continue
    return False


def analyse(data: bytes, name: str, page: str | None = None) -> Decoded:
    """Decide the encoding of a whole file's bytes (see the module docstring). ``page``: the one-byte
    code page the user gave with ``encoding=``; lines that are UTF-8 text stay UTF-8 (and are listed)."""
    bom16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    bare = None if page is not None or bom16 else utf16_without_bom(data[:8192])
    if page is None and (bare or bom16):
        codec = bare or "utf-16"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            line = _line_of(data, exc.start)
            raise KamDataError(
                t("load_errors.encoding_failed", file=name, where=t("load.line"), line=line, encoding=codec),
                file=name, rows=[line],
            ) from None
        return Decoded(t("read.encoding_utf16_no_bom", codec=codec.upper()) if bare else "UTF-16", None, text)
    bom = data.startswith(codecs.BOM_UTF8)
    if page is None:
        try:
            return Decoded("UTF-8 (BOM)" if bom else "UTF-8", "utf-8", data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            pass
        # one pass in C before any per-line work: bytes that fail UTF-8 become one U+FFFD each, valid
        # multi-byte letters shrink; no valid multi-byte letter at all (or a handful of accidental pairs
        # such as cp1251 "Сё" = D1 B8, with no line that is UTF-8) means a one-byte code page throughout
        loose = data.decode("utf-8", errors="replace")
        invalid = loose.count("\ufffd")
        multibyte = len(data) - len(loose)
        del loose
        if multibyte * 100 < invalid and not (multibyte and _has_utf8_line(data)):
            sample = data[:2_000_000]
            return _one_page(data, choose_code_page(sample, name))
    lines = data.split(b"\n")
    utf8_lines = []  # lines of UTF-8 text (plausible letters)
    bad = []  # lines that are not
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(i)
            continue
        (utf8_lines if plausible_utf8(text.lstrip("\ufeff")) else bad).append(i)
    if not utf8_lines:  # a one-byte code page throughout
        if page is not None:
            return Decoded(page_label(page), page, None)
        return _one_page(data, choose_code_page(b"\n".join(lines[i] for i in bad[:2000]), name))
    return _mixed(lines, utf8_lines, bad, name, page)


def _stray(line: bytes) -> bool:
    """Whether a line that is not UTF-8 is UTF-8 text with a stray byte: more plausible UTF-8 letters
    than undecodable bytes ("Ромашка" + FF), where a code-page line has at most an accidental pair
    ("Сёмин" in cp1251: D1 B8 pairs, three bytes fail)."""
    loose = line.decode("utf-8", errors="replace")
    letters = sum(1 for c in loose if ord(c) > 127 and c != "\ufffd" and _IMPLAUSIBLE.search(c) is None)
    return letters > 0 and letters >= loose.count("\ufffd")


def _mixed(lines: list[bytes], utf8_lines: list[int], bad: list[int], name: str, page: str | None) -> Decoded:
    """A file of UTF-8 lines and lines in a one-byte code page (``page``, or decided from those lines),
    decoded line by line; a line that reads as neither is excluded as undecodable."""
    given = page is not None
    stray_set = {i for i in bad if not given and _stray(lines[i])}  # UTF-8 text with a stray byte
    paged = [i for i in bad if i not in stray_set]
    if page is None and paged:
        page = choose_code_page(b"\n".join(lines[i] for i in paged[:2000]), name, [i + 1 for i in paged])
    out = []
    bad_lines: dict[int, str] = {}
    page_lines = []
    paged_set = set(paged)
    for i, line in enumerate(lines):
        if i in stray_set:
            bad_lines[i + 1] = line.decode("utf-8", errors="replace").rstrip("\r")
            out.append("")
        elif i in paged_set:
            text = line.decode(page, errors="replace")
            if _letters_ratio(text) >= 0.9 and "\ufffd" not in text:
                out.append(text)
                page_lines.append(i + 1)
            else:
                bad_lines[i + 1] = line.decode("utf-8", errors="replace").rstrip("\r")
                out.append("")
        else:
            out.append(line.decode("utf-8"))
    text = "\n".join(out)
    if text.startswith("\ufeff"):
        text = text[1:]
    label = "UTF-8"
    notes = [("utf8_lines", show_lines([i + 1 for i in utf8_lines]))] if given else []
    if page_lines:
        label = t("read.encoding_mixed", page=page_label(page), lines=lines_text(page_lines))
    if bad_lines:
        notes.append(("undecodable", show_lines(sorted(bad_lines))))
    return Decoded(label, None, text, bad_lines, notes)


def page_label(codec: str) -> str:
    return {"cp1251": "cp1251", "koi8_r": "KOI8-R", "cp866": "cp866"}.get(codec, codec)


def show_lines(lines: list[int]) -> str:
    """The first line numbers, and how many there are: "4 (1)", "4, 9, 12, 15, 20, … (31)"."""
    text = ", ".join(str(n) for n in lines[:_SHOW])
    return text + (", …" if len(lines) > _SHOW else "") + f" ({len(lines)})"


def lines_text(lines: list[int]) -> str:
    """Lines for a sentence: "line 4", "31 lines (4, 9, 12, 15, 20, …)"."""
    shown = ", ".join(str(n) for n in lines[:_SHOW]) + (", …" if len(lines) > _SHOW else "")
    return t("read.line_one", lines=shown) if len(lines) == 1 else t("read.line_many", n=len(lines), lines=shown)
