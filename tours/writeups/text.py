"""The text as the rules read it: simplified, full-width punctuation, split into sentences.

Every change here maps one character to one character, so an offset in the normalised text
is the same offset in the input, and the page highlights the input itself.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property

from . import nlp

CJK = "\u4e00-\u9fff"
OPENING_QUOTES = "“「『‘"
CLOSING_QUOTES = "”」』’"
SENTENCE_END = "。！？"
# Half-width punctuation in Chinese text (web copies are full of it) and its full-width form.
_FULL_WIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "?": "？", "!": "！"})
_HALF_NEAR_CJK = re.compile(rf"(?<=[{CJK}”」）])[,:;?!]|[,:;?!](?=[{CJK}“「（])")
_PARENS = re.compile(rf"\(([^()\n]{{0,40}}[{CJK}][^()\n]{{0,40}})\)")

# Lines of a web page that are not the write-up: navigation, credits, timestamps, weather.
_BOILERPLATE = re.compile(
    r"(?:[|｜].*[|｜])|^\s*[~～—]{2,}|^\s*\d{4}-\d{2}-\d{2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$"
    r"|统一刊号|有奖新闻热线|版面概览|天气预报|℃|^\s*(?:关键词|相关新闻|返回|上一篇|下一篇)"
)
# A line that closes the article: what follows is the page around it.
_TRAILER = re.compile(
    r"^\s*(?:(?:文|图|文字|摄影|撰稿|图片|文/图)\s*[/／|｜:：]?\s+\S|(?:来源|责编|责任编辑|编辑|审核|"
    r"校对|监制|出品)\s*[:：]|责编\s)"
)


def _changed_share(text: str) -> tuple[int, int]:
    """(characters OpenCC changes, Chinese characters) in a line."""
    chinese = "".join(re.findall(rf"[{CJK}]", text))
    if not chinese:
        return 0, 0
    converted = nlp.to_simplified(chinese)
    return sum(a != b for a, b in zip(chinese, converted, strict=False)), len(chinese)


def _simplified_same_length(text: str) -> str:
    converted = nlp.to_simplified(text)
    if len(converted) == len(text):
        return converted
    # A phrase converted to another length (rare): convert character by character here.
    return "".join(c if len(s := nlp.to_simplified(c)) != 1 else s for c in text)


def normalise(text: str) -> tuple[str, bool]:
    """The text as the rules read it, and whether it was (mostly) in traditional characters.

    Each line is converted on its own, so a simplified report quoting a traditional one is
    read as well as either."""
    text = text.replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    lines, changed, total = [], 0, 0
    for line in text.split("\n"):
        line_changed, line_total = _changed_share(line)
        changed, total = changed + line_changed, total + line_total
        traditional_line = line_total and (line_changed / line_total > 0.05 or line_total < 8)
        lines.append(_simplified_same_length(line) if traditional_line and line_changed else line)
    text = "\n".join(lines)
    traditional = bool(total) and changed / total > 0.05
    text = _HALF_NEAR_CJK.sub(lambda m: m.group().translate(_FULL_WIDTH), text)
    text = _PARENS.sub(lambda m: f"（{m.group(1)}）", text)
    return _pair_straight_quotes(text), traditional


def _pair_straight_quotes(text: str) -> str:
    if '"' not in text:
        return text
    lines = []
    for line in text.split("\n"):
        chars, opening = list(line), True
        for i, c in enumerate(chars):
            if c == '"':
                chars[i] = "“" if opening else "”"
                opening = not opening
        lines.append("".join(chars))
    return "\n".join(lines)


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    line: int  # index of the paragraph (line) it starts in
    paragraph: "Paragraph" = field(repr=False, default=None)

    @cached_property
    def masked(self) -> str:
        """The sentence with quoted text blanked out (same length): what the writer says."""
        return mask_quotes(self.text)


@dataclass
class Paragraph:
    index: int
    start: int
    end: int
    text: str
    boilerplate: bool
    sentences: list[Sentence] = field(default_factory=list)


def mask_quotes(text: str) -> str:
    chars, depth = list(text), 0
    for i, c in enumerate(text):
        if c in OPENING_QUOTES:
            depth += 1
        elif c in CLOSING_QUOTES and depth:
            depth -= 1
            continue
        if depth and c not in OPENING_QUOTES:
            chars[i] = "□"
    return "".join(chars)


def _split_sentences(text: str, offset: int) -> list[tuple[int, int]]:
    spans, start, depth = [], 0, 0
    i = 0
    while i < len(text):
        c = text[i]
        if c in OPENING_QUOTES:
            depth += 1
        elif c in CLOSING_QUOTES:
            depth = max(0, depth - 1)
        elif c in SENTENCE_END and depth == 0:
            end = i + 1
            while end < len(text) and text[end] in SENTENCE_END + "”」』）":
                end += 1
            spans.append((start, end))
            start = i = end
            continue
        i += 1
    if text[start:].strip():
        spans.append((start, len(text)))
    result = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            result.append((offset + s, offset + e))
    return result


class Document:
    """The normalised text, its paragraphs (lines) and sentences, each with its offsets."""

    def __init__(self, original: str):
        self.original = original
        self.text, self.traditional = normalise(original)
        self.paragraphs: list[Paragraph] = []
        self.sentences: list[Sentence] = []
        position, trailer = 0, False
        lines = self.text.split("\n")
        for index, line in enumerate(lines):
            start, end = position, position + len(line)
            position = end + 1
            if _TRAILER.search(line) and index > 2:
                trailer = True
            boilerplate = trailer or bool(_BOILERPLATE.search(line))
            paragraph = Paragraph(index, start, end, line, boilerplate)
            self.paragraphs.append(paragraph)
            if boilerplate or not line.strip():
                continue
            for s, e in _split_sentences(line, start):
                sentence = Sentence(s, e, self.text[s:e], index, paragraph)
                paragraph.sentences.append(sentence)
                self.sentences.append(sentence)
        self._merge_poster_lines()

    def start_at(self, paragraph_index: int):
        """Read from the headline on: what comes before it is the page around the article."""
        for paragraph in self.paragraphs[:paragraph_index]:
            paragraph.boilerplate = True
        self.sentences = [s for s in self.sentences if s.line >= paragraph_index]

    def paragraph_at(self, offset: int) -> "Paragraph | None":
        for paragraph in self.paragraphs:
            if paragraph.start <= offset <= paragraph.end:
                return paragraph
        return None

    def _merge_poster_lines(self):
        """Runs of short lines without punctuation (a phone-page layout) are one sentence."""
        merged, run = [], []

        def flush():
            if len(run) >= 3:
                first, last = run[0], run[-1]
                text = self.text[first.start : last.end]
                sentence = Sentence(first.start, last.end, text, first.line, first.paragraph)
                merged.append(sentence)
            else:
                merged.extend(run)
            run.clear()

        for sentence in self.sentences:
            short = len(sentence.text) <= 24 and not re.search(r"[。！？；…：]$", sentence.text)
            alone = len(sentence.paragraph.sentences) == 1
            previous = run[-1] if run else None
            if short and alone and (previous is None or sentence.line == previous.line + 1):
                run.append(sentence)
                continue
            flush()
            if short and alone:
                run.append(sentence)
            else:
                merged.append(sentence)
        flush()
        self.sentences = merged

    def body_paragraphs(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if not p.boilerplate and p.text.strip()]
