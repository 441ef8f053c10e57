"""The words of scoring clauses (vocabulary.yaml) and the lexer that reads a normalized clause as
tokens for the clause grammar: at each place the longest vocabulary word wins; numbers are NUM,
ordinals (第一, 第二至三, 第七、八) ORD, a document's title in 《》 DOCNAME, a grade in quotes QUOTED;
every other run of characters is one TEXT token. Stops (。；;) are STOP tokens: the grammar reads a
sentence at a time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from lark import Token
from lark.lexer import Lexer, LexerState

VOCABULARY = Path(__file__).with_name("vocabulary.yaml")
SPECIAL = (
    ("NUM", re.compile(r"\d+(?:\.\d+)?")),
    ("ORD", re.compile(r"第[一二三四五六七八九十]+(?:[至、][一二三四五六七八九十]+)*")),
    ("DOCNAME", re.compile(r"《[^》]{1,60}》")),
    ("QUOTED", re.compile(r"[“\"']([^”\"']{1,6})[”\"']")),
    ("STOP", re.compile(r"[。;；]")),
)
DATA_KEYS = ("events", "measures", "ranked", "hedges", "indicator_names")


@cache
def vocabulary() -> dict[str, Any]:
    return yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))


@cache
def _words() -> tuple[dict[str, str], int]:
    """{word: token type} over every token of the vocabulary, and the longest word's length."""
    out: dict[str, str] = {}
    for token, words in vocabulary().items():
        if token in DATA_KEYS:
            continue
        for word in words:
            out.setdefault(str(word), token)
    return out, max(len(w) for w in out)


@cache
def amount_phrase() -> re.Pattern[str]:
    """A verb of the vocabulary's scoring words before an amount of points (扣5分, 得10分, 记2分, 加0.5分):
    what makes a line of an outline a scoring line, whatever verb the document uses."""
    words = [str(w) for token in ("DEDUCT", "EXTRA_DEDUCT", "ADD", "EARN") for w in vocabulary()[token]]
    verbs = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return re.compile(rf"(?:{verbs})\s*\d+(?:\.\d+)?\s*分(?!钟)")


def events() -> dict[str, str]:
    return dict(vocabulary()["events"])


def measures() -> dict[str, str]:
    return dict(vocabulary()["measures"])


def hedges() -> list[str]:
    return list(vocabulary()["hedges"])


def indicator_names() -> list[str]:
    return list(vocabulary()["indicator_names"])


def directions() -> dict[str, str]:
    return dict(vocabulary()["directions"])


@cache
def _word_pattern() -> re.Pattern[str]:
    """Every vocabulary word, the longest first: a match at a place is the longest word there."""
    words, _ = _words()
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def ranked() -> dict[str, tuple[str, str]]:
    return {word: (code, direction) for word, (code, direction) in vocabulary()["ranked"].items()}


@dataclass(frozen=True)
class Tok:
    type: str
    value: str
    start: int
    end: int


def tokens(text: str) -> list[Tok]:
    """The clause's tokens, positions into `text` kept (phrases quote the text they cover)."""
    words, _ = _words()
    out: list[Tok] = []
    n = 0
    text_start = None

    def flush(end: int) -> None:
        nonlocal text_start
        if text_start is not None and text[text_start:end].strip():
            out.append(Tok("TEXT", text[text_start:end], text_start, end))
        text_start = None

    while n < len(text):
        if text[n].isspace():
            flush(n)
            n += 1
            continue
        found = None
        word = _word_pattern().match(text, n)
        if word:
            found = (words[word.group(0)], word.end())
        for kind, pattern in SPECIAL:
            m = pattern.match(text, n)
            if m and kind == "QUOTED" and words.get(m.group(1)) == "VETO":
                continue        # 「予以“一票否决”」: a scoring word quoted for emphasis, not a grade
            # a number or an ordinal wins over a shorter word it starts (第一 over 第; 10 over 1)
            if m and (found is None or m.end() > found[1] or kind in ("NUM", "DOCNAME", "QUOTED", "STOP")):
                found = (kind, m.end())
                break
        if found is None:
            if text_start is None:
                text_start = n
            n += 1
            continue
        flush(n)
        kind, end = found
        out.append(Tok(kind, text[n:end], n, end))
        n = end
    flush(len(text))
    return out


class ClauseLexer(Lexer):
    """lark's side of the lexer: the tokens `tokens()` made (the parser is handed them as a list)."""

    def __init__(self, lexer_conf: Any) -> None:      # noqa: D107 — lark's interface
        pass

    def lex(self, data: Any, parser_state: Any = None) -> Iterator[Token]:  # type: ignore[override]
        source = data.text if isinstance(data, LexerState) else data
        for tok in source:
            token = Token(tok.type, tok.value, start_pos=tok.start, end_pos=tok.end)
            yield token
