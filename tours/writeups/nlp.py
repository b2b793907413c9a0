"""The Chinese-text libraries, loaded once per process on first use.

jieba's dictionary takes a second or two to load, OpenCC's tables a few milliseconds; both are
constant data, memoised here (never at import time, so Django starts as fast as before).
The administrative divisions are added to jieba's dictionary as place words (ns), so that
segmentation keeps 泗阳县 or 梁平 whole and tags them as places.
"""

import contextlib
import contextvars
import functools
import logging
import threading

_lock = threading.RLock()
# Results of cut() and keywords() kept while one text is read (see memo()).
_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("writeups_memo", default=None)


@contextlib.contextmanager
def memo():
    """Within this block, segmenting a text already segmented reuses the first result.

    The rules segment the same clause more than once (a sentence, then its clauses for each
    rule that reads them), and a long write-up repeats phrases. The results are pure functions
    of the text, so this changes nothing but the time; they are dropped at the block's end, so
    memory stays bounded by one text and a request never sees another's work."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _memoised(key, compute):
    cache = _memo.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@functools.cache
def _converter():
    import opencc

    # Taiwan's variants and then t2s: 接著 → 接着, which plain t2s keeps.
    return opencc.OpenCC("tw2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


@functools.cache
def _tokenizer_unlocked():
    import jieba

    from . import posseg
    from .gazetteer import gazetteer

    jieba.setLogLevel(logging.WARNING)
    base = jieba.Tokenizer()
    base.initialize()
    tokenizer = posseg.POSTokenizer(base)
    places = set()
    for name in gazetteer().names():
        # A short name that is an everyday word (和平, 复兴, 红旗) is a place only in full.
        known_tag = tokenizer.word_tag_tab.get(name)
        common = (base.FREQ.get(name) or 0) > 500 and known_tag != "ns"
        if gazetteer().is_full_name(name) or not common:
            places.add(name)
            # A place name must win over the character runs it contains, not over every
            # longer word: a middling frequency does that.
            base.add_word(name, freq=max(base.FREQ.get(name) or 0, 2000), tag="ns")
    tokenizer.word_tag_tab.update(base.user_word_tag_tab)
    return tokenizer, frozenset(places)


def tokenizer():
    """jieba's part-of-speech tokenizer (posseg) with the gazetteer's names added."""
    with _lock:
        return _tokenizer_unlocked()[0]


def place_names() -> frozenset[str]:
    """The gazetteer's names that are read as places (full names, and safe short ones)."""
    with _lock:
        return _tokenizer_unlocked()[1]


def cut(text: str) -> list[tuple[str, str]]:
    """(word, flag) pairs: nr person, ns place, nt organisation, v verb, n noun…"""
    pairs = _memoised(
        ("cut", text), lambda: tuple((pair.word, pair.flag) for pair in tokenizer().cut(text))
    )
    return list(pairs)


def is_word(text: str) -> bool:
    """Whether jieba's dictionary knows `text` as a word (not only as a prefix of one)."""
    return bool(tokenizer().tokenizer.FREQ.get(text))


def word_frequency(text: str) -> int:
    return tokenizer().tokenizer.FREQ.get(text) or 0


@functools.cache
def _surname_scores() -> dict[str, float]:
    from jieba.posseg import prob_emit

    return prob_emit.P[("B", "nr")]


def surname_score(char: str) -> float:
    """How likely `char` begins a person's name, by jieba's HMM (log probability; 李 -3.3,
    钟 -7.2, characters never seen there -99)."""
    return _surname_scores().get(char, -99.0)


@functools.cache
def _keywords_unlocked():
    import jieba.analyse

    extractor = jieba.analyse.TFIDF()
    extractor.postokenizer = tokenizer()
    extractor.tokenizer = extractor.postokenizer.tokenizer
    return extractor


def keywords(text: str, count: int = 3) -> list[str]:
    """The words of `text` that say most about it (jieba's TF-IDF), as suggested tags."""
    with _lock:
        extractor = _keywords_unlocked()
    tags = _memoised(
        ("keywords", text, count),
        lambda: tuple(extractor.extract_tags(text, topK=count, allowPOS=("n", "vn", "nz", "l"))),
    )
    return list(tags)


def warm_up():
    """Load everything now (a server can call it at start; tests share one load)."""
    tokenizer()
    to_simplified("")
    keywords("学习")
