"""Chinese text as the search index sees it: character bigrams, words, highlighted snippets.

Chinese has no spaces between words, and the words people look for are mostly two
characters long (招商, 链长, 技改, 民宿). So a run of Chinese characters is indexed as
its overlapping bigrams (招商引资 → 招商 商引 引资) followed by its last character alone;
a run of letters or digits (5G, PPP) is indexed as one lower-cased word. A query term
of two or more Chinese characters becomes the phrase of its bigrams, which matches
exactly where the term occurs; a single character becomes a prefix query (招*), which
finds every bigram it starts and the lone last character of a run.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Han ideographs (with extensions and compatibility forms) and 〇.
_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUN = re.compile(rf"[{_HAN}]+|[^\W_{_HAN}]+")

MAX_QUERY_CHARS = 100  # anything longer is cut: no one types more, and it bounds the work
MAX_TERMS = 8
MAX_WORD_CHARS = 40


def normalize(text: str) -> str:
    """Full-width letters and digits to ASCII, case folded: ５Ｇ and 5g match 5G."""
    return unicodedata.normalize("NFKC", text).casefold()


@lru_cache(maxsize=8192)
def _fold(char: str) -> str:
    return normalize(char)


def _runs(text: str) -> list[str]:
    return _RUN.findall(normalize(text))


def _is_han(run: str) -> bool:
    return bool(re.match(rf"[{_HAN}]", run))


def index_terms(text: str) -> str:
    """The space-separated tokens the index stores for `text`."""
    tokens = []
    for run in _runs(text):
        if _is_han(run):
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            tokens.append(run[-1])
        else:
            tokens.append(run[:MAX_WORD_CHARS])
    return " ".join(tokens)


@dataclass(frozen=True)
class Term:
    """One thing the user asked for; every term must occur in a result."""

    text: str  # normalized: what to look for and highlight

    @property
    def is_prefix(self) -> bool:
        """A lone Chinese character or a word matches as a prefix of an indexed token."""
        return not _is_han(self.text) or len(self.text) == 1

    @property
    def tokens(self) -> list[str]:
        if _is_han(self.text) and len(self.text) > 1:
            return [self.text[i : i + 2] for i in range(len(self.text) - 1)]
        return [self.text]


@dataclass(frozen=True)
class Query:
    raw: str
    terms: tuple[Term, ...]
    truncated: bool = False

    def __bool__(self):
        return bool(self.terms)


def parse_query(raw: str | None) -> Query:
    """Split what the user typed into terms; operators and punctuation are just separators.

    Nothing the user types reaches the database as syntax: each term is made of letters,
    digits or Chinese characters only, and backends quote it.
    """
    raw = (raw or "").strip()
    truncated = len(raw) > MAX_QUERY_CHARS
    terms = []
    for run in _runs(raw[:MAX_QUERY_CHARS]):
        term = Term(run if _is_han(run) else run[:MAX_WORD_CHARS])
        if term not in terms:
            terms.append(term)
    truncated = truncated or len(terms) > MAX_TERMS
    return Query(raw=raw, terms=tuple(terms[:MAX_TERMS]), truncated=truncated)


def _match_spans(text: str, query: Query) -> list[tuple[int, int]]:
    """Where the query's terms occur in `text`, as merged (start, end) character spans."""
    if not text or not query:
        return []
    # Normalize character by character so positions map back to the original text.
    folded, origin = [], []
    for position, char in enumerate(text):
        piece = _fold(char)
        folded.append(piece)
        origin.extend([position] * len(piece))
    haystack = "".join(folded)
    spans = []
    for term in query.terms:
        for found in re.finditer(re.escape(term.text), haystack):
            start, end = origin[found.start()], origin[found.end() - 1] + 1
            spans.append((start, end))
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def has_match(text: str, query: Query) -> bool:
    return bool(_match_spans(text, query))


def highlight(text: str, query: Query) -> SafeString:
    """`text` escaped, with every match of the query wrapped in <mark>."""
    return _marked(text, _match_spans(text, query))


def snippet(text: str, query: Query, *, length: int = 110, lead: int = 30) -> SafeString:
    """A short excerpt around the first match (or the start), escaped and highlighted."""
    text = " ".join((text or "").split())
    spans = _match_spans(text, query)
    start = max(0, spans[0][0] - lead) if spans else 0
    if len(text) - start < length:
        start = max(0, len(text) - length)
    end = min(len(text), start + length)
    window = [
        (max(s, start) - start, min(e, end) - start) for s, e in spans if e > start and s < end
    ]
    body = _marked(text[start:end], window)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")


def _marked(text: str, spans) -> SafeString:
    parts, cursor = [], 0
    for start, end in spans:
        parts.append(escape(text[cursor:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    parts.append(escape(text[cursor:]))
    return mark_safe("".join(parts))
