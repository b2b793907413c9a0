"""The rules that turn a write-up into proposals, on top of jieba, OpenCC and the gazetteer.

Each public function here is one rule (or one family of rules) with its own test in
tests/writeups/test_rules.py. They read a `Document` (text.py) and return proposals
(types.py); `extract()` in __init__.py runs them in order, since some read what an earlier one
found (quotes need the people, actions need the origin).

The rules are written for the structures of the genre, never for one text: the corpus in
tests/writeups/corpus/ measures them (bench/writeups.py).
"""

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from . import nlp
from .gazetteer import DISTRICT, PROVINCE, Division, gazetteer
from .text import CJK, Document, Sentence, mask_quotes
from .types import (
    Action,
    Indicator,
    Person,
    Place,
    Question,
    Quote,
    SiteVisit,
    Source,
    Takeaway,
)

# ---------------------------------------------------------------------------------------------
# Shared vocabulary

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
CN_DIGITS |= {"七": 7, "八": 8, "九": 9}
CN_NUMBER = r"[零〇一二两三四五六七八九十百]+|\d+"

# The last word of a post (职务): a person's name follows it.
_POST_WORDS = """
    党组书记 党委书记 党工委书记 党支部书记 党总支书记 总支书记 第一书记 副书记 书记
    常务副部长 副部长 部长 常务副主任 副主任 主任 副局长 局长 副镇长 镇长 副乡长
    乡长 常务副区长 副区长 区长 常务副县长 副县长 县长 常务副市长 副市长 市长
    副省长 省长 副主席 主席 副院长 院长 常务副校长 副校长 校长 董事长 副总经理
    总经理 经理 副总裁 总裁 总监 创始人 负责人 副厅长 厅长 副处长 处长 副科长
    科长 副馆长 馆长 站长 所长 社长 行长 会长 秘书长 理事长 委员 常委 教授
    副教授 研究员 讲师 主任医师 总工程师 工程师 村主任 支部书记 支书 组长 队长
    主管 专员 调研员 巡视员 督导员 董事 监事
"""
POSTS = sorted(_POST_WORDS.split(), key=len, reverse=True)
_POST_RE = re.compile("|".join(POSTS))
_POST_END_RE = re.compile(f"(?:{'|'.join(POSTS)})$")
# Characters that end a post's run backwards (、 is handled apart: it joins two posts).
TITLE_STOPS = set("，。；：！？“”「」『』‘’（）()《》〈〉【】\n\t ·…—")
SPEECH_VERBS = (
    "深有感触地说道|深有感触地说|深有感触|感慨地说|动情地说|告诉记者|告诉笔者|告诉我们|告诉我|补充说|总结说|介绍说|表示说|说道|介绍|指出|"
    "表示|强调|感叹道|感叹|感慨|坦言|谈到|认为|直言|讲道|讲到|提到|分享|回应|提出|寄语|说|讲|称"
)
_SPEECH_AFTER_NAME = re.compile(
    r"^(?:同样|也|还|更是|则|对此|在会上|在发言中|深有感触地|感慨地|动情地|笑着|自豪地|坦率地|"
    r"在[^，。]{1,10}(?:时|上|中))*"
    rf"(?:{SPEECH_VERBS})"
)
_SINGLE_SPEECH = set("说讲称道")
_LEADING_FILLER = re.compile(
    r"^(?:\d{1,2}月\d{1,2}日|[上下]午|晚上|会上|会后|随后|期间|其间|当天|次日|同时|此外|"
    r"特邀|邀请到?|听取了?|聆听了?|陪同|并|由|在|请|经|据|与|和|同|及|向|对|为|让|是|听)+"
)
SITE_SUFFIXES = (
    "展示馆|展览馆|纪念馆|博物馆|陈列馆|规划馆|体验馆|文化馆|展馆|展厅|展示中心|服务中心|"
    "指挥中心|中心|产业园|科技园|工业园|示范园|园区|科技城|小镇|基地|试验区|示范区|开发区|"
    "高新区|新区|产业带|街区|景区|古镇|古村|村|社区|公司|集团|企业|工厂|车间|厂|党校|学院|大学|"
    "学校|医院|政府|码头|港|市场|农场|合作社|书院|旧址|遗址|广场|大院|工作站|研究院|实验室|"
    "商会|协会|联合会|服装城|商城|影视城|新城|馆|园|谷"
)
_SITE_END = re.compile(rf"(?:{SITE_SUFFIXES})$")
HOME_WORDS = re.compile(
    r"我们|我区|我县|我市|我镇|我街道|我乡|我村|我局|我委|我单位|学员们?|大家|全体"
)


def source(doc: Document, start: int, end: int) -> Source:
    return Source(doc.text[start:end], start, end)


def sentence_source(doc: Document, sentence: Sentence) -> Source:
    return source(doc, sentence.start, sentence.end)


class ByOffset:
    """Mentions found by where they start, in their own order, without a scan per sentence."""

    def __init__(self, mentions):
        self._order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
        self._starts = [mentions[i].start for i in self._order]
        self._mentions = mentions

    def between(self, start: int, end: int) -> list:
        """The mentions starting at start ≤ offset < end, in the list's order."""
        low = bisect.bisect_left(self._starts, start)
        high = bisect.bisect_left(self._starts, end)
        return [self._mentions[i] for i in sorted(self._order[low:high])]


def chinese_number(text: str) -> int | None:
    """七 → 7, 十五 → 15, 两 → 2, 12 → 12."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in CN_DIGITS and c not in "十百" for c in text):
        return None
    total, current = 0, 0
    for c in text:
        if c == "百":
            total += (current or 1) * 100
            current = 0
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = CN_DIGITS[c]
    return total + current


# ---------------------------------------------------------------------------------------------
# Title and kind


_TITLE_WORDS = re.compile(r"学习|考察|培训|交流|座谈|调研|招商|跟班|挂职|研修|参观|取经|对标|赴|课")
_HEADLINE_PREFIX = re.compile(rf"^[{CJK}]{{2,6}}[:：]\s*")


def title(doc: Document) -> tuple[str, Source | None]:
    """The headline: the first short line near the top that speaks of the trip."""
    candidates = []
    for paragraph in doc.paragraphs[:40]:
        line = paragraph.text.strip()
        if paragraph.boilerplate or not (6 <= len(line) <= 48) or re.search(r"[。！？]$", line):
            continue
        if not re.match(rf"[{CJK}“「《]", line) or re.match(r"\d|[（(]", line):
            continue
        candidates.append(paragraph)
    for paragraph in candidates:
        if _TITLE_WORDS.search(paragraph.text):
            break
    else:
        if not candidates:
            return "", None
        paragraph = candidates[0]
    line = paragraph.text.strip()
    offset = paragraph.start + paragraph.text.index(line)
    prefix = _HEADLINE_PREFIX.match(line)
    if prefix and len(line) - prefix.end() >= 6:
        offset += prefix.end()
        line = line[prefix.end() :]
    return line, source(doc, offset, offset + len(line))


KIND_WORDS = {
    "training": r"培训班?|党校|开班|结业|学员|研修班|专题班|授课|干部学院",
    "embedded": r"跟班学习|跟班|挂职|跟岗|实训锻炼|驻点学习",
    "investment": r"招商考察|招商推介|招商引资|签约|推介会|客商|项目洽谈|投资考察|洽谈",
    "exchange": r"座谈|交流会|交流座谈|交流学习|交流团|纪要|交流",
    "study_tour": r"学习考察|考察学习|考察团|参观学习|实地考察",
}


def kind(doc: Document, headline: str) -> str:
    """The trip's kind: the one whose words weigh most, the headline counting five times."""
    body = "\n".join(p.text for p in doc.body_paragraphs())
    scores = {}
    for name, words in KIND_WORDS.items():
        pattern = re.compile(words)
        scores[name] = len(pattern.findall(body)) + 5 * len(pattern.findall(headline))
    scores["embedded"] *= 2  # rarer words, each a strong sign
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] else "study_tour"


_ORGANIZER = re.compile(rf"由([{CJK}（）]{{2,30}}?)(?:主办|组织|举办|牵头|联合举办)")
_ORGANIZATION_DEPT = re.compile(rf"([{CJK}]{{2,12}}?(?:委组织部|组织部|工委|党工委))")


def organizer(doc: Document) -> str | None:
    """The unit that sent or organised the trip: 由…主办/组织, else the first 组织部 named."""
    body = "\n".join(s.masked for s in doc.sentences)
    if found := _ORGANIZER.search(body):
        return found.group(1)
    if found := _ORGANIZATION_DEPT.search(body):
        return _LEADING_FILLER.sub("", found.group(1)) or None
    return None


# ---------------------------------------------------------------------------------------------
# Dates

_FULL_DATE = re.compile(r"(20\d\d)\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})[日号]")
_MONTH_DAY_ANY = re.compile(r"(?:(20\d\d)年)?(\d{1,2})月(\d{1,2})[日号]")
_RANGE = re.compile(
    r"(?:(20\d\d)年)?(\d{1,2})月(\d{1,2})[日号]?(?:[上下]午|晚上)?\s*"
    r"(?:至|到|—+|－|-|~|～|–)\s*(?:(20\d\d)年)?(?:(\d{1,2})月)?(\d{1,2})[日号]"
)
_DURATION = re.compile(
    rf"为期({CN_NUMBER})(天|日|周|个星期)|({CN_NUMBER})天(?:的|时间)?(?:学习|培训|考察)"
)
_BARE_YEAR = re.compile(r"(20\d\d)年")
_FUTURE = re.compile(r"[日号](?:之|以)?前|月底|年底|计划于|预计|力争|争取|截至|截止|将于|拟于|定于")


@dataclass
class TripDates:
    year: int | None
    start: tuple[int, int] | None
    end: tuple[int, int] | None
    source: Source | None

    def as_dates(self) -> tuple[date | None, date | None]:
        if not (self.year and self.start):
            return None, None
        try:
            start = date(self.year, *self.start)
            end_year = self.year + (1 if self.end and self.end < self.start else 0)
            end = date(end_year, *self.end) if self.end else start
        except ValueError:
            return None, None
        return start, end


def _duration_days(text: str) -> int | None:
    found = _DURATION.search(text)
    if not found:
        return None
    number = chinese_number(found.group(1) or found.group(3))
    if not number:
        return None
    return number * 7 if found.group(2) in ("周", "个星期") else number


def trip_dates(doc: Document) -> TripDates:
    """Start and end (month, day), and the year if the text says it.

    An explicit range (6月7日至6月10日, 2月19日—25日) wins; else the first date of the body
    and, with 为期七天, the day six days later, or the last date that follows within a month.
    The year is the range's own, the first full date of the page (its publication date: a
    year earlier if the trip's month falls after it), else the first year the body names.
    """
    sentences = [s for s in doc.sentences if not _FUTURE.search(s.text)]
    year, start, end, found_source = None, None, None, None
    for sentence in sentences:
        if found := _RANGE.search(sentence.text):
            y1, m1, d1, y2, m2, d2 = found.groups()
            start = (int(m1), int(d1))
            end = (int(m2) if m2 else int(m1), int(d2))
            year = int(y1) if y1 else (int(y2) if y2 else None)
            found_source = sentence_source(doc, sentence)
            break
    if start is None:
        days = []
        for sentence in sentences:
            dateline = len(sentence.text) <= 40 and not re.search(r"[，。]", sentence.text)
            for found in _MONTH_DAY_ANY.finditer(sentence.text):
                y, m, d = found.groups()
                if y and dateline:  # 发布时间：2023年09月25日: when it was published
                    continue
                if 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
                    days.append(((int(m), int(d)), int(y) if y else None, sentence))
        if days:
            start, year, first_sentence = days[0]
            found_source = sentence_source(doc, first_sentence)
            duration = _duration_days(doc.text)
            if duration:
                begin = date(2001 if start != (2, 29) else 2004, *start)
                last = begin + timedelta(days=duration - 1)
                end = (last.month, last.day)
            else:
                end = start
                begin = date(2004, *start)
                for (m, d), _, _ in days[1:]:
                    try:
                        gap = (date(2004, m, d) - begin).days
                    except ValueError:
                        continue
                    if 0 <= gap <= 31 and (m, d) > end:
                        end = (m, d)
    if start and year is None:
        year = _year(doc, start)
    return TripDates(year, start, end, found_source)


def _year(doc: Document, start: tuple[int, int]) -> int | None:
    for found in _FULL_DATE.finditer(doc.text):
        y, m, d = (int(g) for g in found.groups())
        if (m, d) == start:
            return y
    if found := _FULL_DATE.search(doc.text):
        y, m, d = (int(g) for g in found.groups())
        return y - 1 if start > (m, d) else y
    # A year alone is the trip's only in the headline (顺德区2023年…培训班): in the body it
    # is as often the year of a figure (2022年全市地区生产总值…).
    if doc.sentences and (found := _BARE_YEAR.search(doc.sentences[0].text)):
        return int(found.group(1))
    return None


# ---------------------------------------------------------------------------------------------
# Places


@dataclass
class Mention:
    name: str
    start: int
    end: int
    candidates: list[Division]
    division: Division | None = None


def tokens(doc: Document) -> list[tuple[str, str, int]]:
    """(word, flag, offset) for the whole body, from one pass of jieba's posseg."""
    result = []
    for sentence in doc.sentences:
        position = sentence.start
        for word, flag in nlp.cut(sentence.text):
            result.append((word, flag, position))
            position += len(word)
    return result


def place_mentions(doc: Document, words) -> list[Mention]:
    """Every word the gazetteer knows, resolved to one division by the others around it.

    A name several divisions share (鼓楼, 中山) goes to the one whose province or city the
    text names elsewhere, else to the highest level, else to the one outside Taiwan listed
    first; a name still ambiguous after that is dropped.
    """
    names = nlp.place_names()
    table = gazetteer()
    mentions = [
        Mention(word, offset, offset + len(word), table.lookup(word))
        for word, flag, offset in words
        if flag == "ns" and word in names
    ]
    # Each division once: a long text names the same ones again and again.
    unambiguous = list(dict.fromkeys(m.candidates[0] for m in mentions if len(m.candidates) == 1))
    for mention in mentions:
        if len(mention.candidates) == 1:
            mention.division = mention.candidates[0]
            continue
        in_context = [
            c
            for c in mention.candidates
            if any(
                c != u and c.within(Division(u.province, u.city, None) if u.city else u)
                for u in unambiguous
            )
        ]
        pool = in_context or mention.candidates
        top = min(c.level for c in pool)
        pool = [c for c in pool if c.level == top]
        mainland = [c for c in pool if c.province != "台湾省"]
        pool = mainland or pool
        if len(pool) == 1 or (not in_context and top == PROVINCE) or in_context:
            mention.division = pool[0]
    return [m for m in mentions if m.division]


def corroborated(mentions: list[Mention]) -> list[Mention]:
    """A county named only by its short form (高平 in 高平化工园区) is a place when the text
    names it in full too, or its province or city."""
    table = gazetteer()
    # Each (division, named in full) once: a long text names the same ones again and again.
    named_as = dict.fromkeys((m.division, table.is_full_name(m.name)) for m in mentions)
    kept = []
    for mention in mentions:
        division = mention.division
        if division.level == DISTRICT and not table.is_full_name(mention.name):
            named = any(
                (other == division and full)
                or (other != division and division.within(other) and other.level < DISTRICT)
                for other, full in named_as
            )
            if not named:
                continue
        kept.append(mention)
    return kept


_MOVEMENT = re.compile(r"赴|到|前往|来到|走进|奔赴|远赴|去往")
_DELEGATION = re.compile(r"考察团|代表团|交流团|学习团|调研组|考察组|培训班|研修班|专题班")
_HELD_IN = re.compile(r"在(.{2,20}?)(?:举办|举行|开班|开幕|拉开序幕|召开)")


def origin(doc: Document, mentions: list[Mention], people: list[Person], headline: str):
    """Where the delegation comes from (a Division). In the headline and the first lines:
    the place that names the delegation (利川市考察团, 顺德区…培训班), the X of 'X 赴/到 Y'
    or of 'X…在 Y 举办'; then a byline or sign-off (中共磁县县委书记 赵建华, 宝塔区委组织部);
    else the place most named, counting thrice each post held there."""
    by_name = {}
    for mention in mentions:
        by_name.setdefault(mention.name, mention.division)

    def last_named(text):
        names = [n for n in by_name if n in text and by_name[n].level != PROVINCE]
        if not names:
            return None
        return by_name[max(names, key=lambda n: (text.rfind(n), len(n)))]

    intro = [headline] + [s.text for s in doc.sentences[:5]]
    for text in intro:
        for found in _DELEGATION.finditer(text):
            if home := last_named(text[: found.start()]):
                return home
    for text in intro:
        for pattern in (_MOVEMENT, _HELD_IN):
            found = pattern.search(text)
            if not found:
                continue
            before, after = text[: found.start()], text[found.start() :]
            if (home := last_named(before)) and last_named(after):
                return home
    body = doc.body_paragraphs()
    edges = body[1:4] + body[-3:]
    for paragraph in edges:
        line = paragraph.text.strip()
        if len(line) <= 30 and not re.search(r"[。！？，]", line) and (home := last_named(line)):
            return home
    scores: dict[Division, int] = {}
    for mention in mentions:
        division = mention.division
        if division.level == PROVINCE:
            continue
        scores[division] = scores.get(division, 0) + 1
    for person in people:
        for mention in mentions:
            if mention.name in person.title and mention.division.level != PROVINCE:
                scores[mention.division] = scores.get(mention.division, 0) + 3
                break
    titled = {
        m.division for p in people for m in mentions if m.name in p.title and m.division in scores
    }
    if not titled:
        return None  # nothing says which of the places named is home
    return max(titled, key=lambda d: scores[d])


def places(doc: Document, mentions: list[Mention], home: Division | None) -> list[Place]:
    """The places visited, most specific first mention order: provinces, cities, counties.

    The delegation's home and the places it lies in are left out; a province or city is
    kept only if no place inside it is named.
    """
    visited: list[tuple[Division, Mention]] = []
    quoted = _quoted_ranges(doc)
    outside = set()
    for m in mentions:
        if m.division not in outside and not _inside(m.start, quoted):
            outside.add(m.division)
    seen = set()
    for mention in mentions:
        division = mention.division
        if home and (home.within(division) or division.within(home)):
            continue
        if division not in outside:  # only in a slogan: “接轨上海、融入长三角”
            continue
        if division not in seen:
            seen.add(division)
            visited.append((division, mention))
    result = []
    for division, mention in visited:
        if any(other != division and other.within(division) for other, _ in visited):
            continue
        sentence = _sentence_at(doc, mention.start)
        result.append(
            Place(
                division.province,
                division.city,
                division.district,
                mention.name,
                sentence_source(doc, sentence)
                if sentence
                else source(doc, mention.start, mention.end),
            )
        )
    return result


def _quoted_ranges(doc: Document) -> list[tuple[int, int]]:
    ranges = []
    for sentence in doc.sentences:
        for start, end in quote_spans(sentence.text):
            ranges.append((sentence.start + start, sentence.start + end))
    return ranges


def _inside(offset: int, ranges) -> bool:
    return any(start <= offset < end for start, end in ranges)


def _sentence_at(doc: Document, offset: int) -> Sentence | None:
    for sentence in doc.sentences:
        if sentence.start <= offset < sentence.end:
            return sentence
    return None


# ---------------------------------------------------------------------------------------------
# People


# Characters after which a two-character name has ended (杨颂说道, 王伟等, 陈明和…).
_AFTER_NAME = set("说讲称等和与及的也还都就则率在对向为一同")


def _name_after(text: str, position: int) -> str | None:
    """The person's name that starts at `position`, right after a post, or None.

    Its first character must be a likely surname by jieba's own model (the emission
    probability of a person name's first character); the name is three characters unless a
    word or a particle starts at its third (李宗介绍, 杨颂说道, 李宗说。, 王伟等).
    """
    window = ""
    for c in text[position : position + 6]:
        if c in TITLE_STOPS or c == "、" or not re.match(rf"[{CJK}]", c):
            break
        window += c
    if len(window) < 2 or nlp.surname_score(window[0]) < -8.0 or window[0] in "和与及或并":
        return None
    first_two = window[:2]
    tag = nlp.tokenizer().word_tag_tab.get(first_two, "")
    if nlp.word_frequency(first_two) >= 200 and not tag.startswith("nr"):
        return None  # 公司, 党委, 同志: a word, not a name
    if len(window) == 2:
        candidate = window
    elif _third_starts_word(window, 2) or (
        window[2] in _AFTER_NAME and not nlp.cut(window[:3])[0][1].startswith("nr")
    ):
        candidate = first_two
    else:
        candidate = window[:3]
    if _SPEECH_AFTER_NAME.match(candidate[1:]) or candidate[1:] in POSTS or "副" in candidate:
        return None
    if re.search(r"[镇乡村区县市省州]$", candidate):  # 东莞市长安镇: a town, not 市长安镇
        return None
    return candidate


def _third_starts_word(window: str, at: int) -> bool:
    rest = window[at:]
    if not rest:
        return False
    if rest[0] in _SINGLE_SPEECH and (len(rest) == 1 or rest[1] in "道，。：:！？"):
        return True
    return any(nlp.is_word(rest[:k]) for k in range(2, min(4, len(rest)) + 1))


def _title_before(text: str, post_start: int, post_end: int) -> tuple[int, str]:
    """The whole post run ending at post_end, back to the clause start; two posts may be
    joined by 、 (党组书记、局长)."""
    start = post_start
    while start > 0 and text[start - 1] not in TITLE_STOPS and text[start - 1] != "、":
        start -= 1
    while start > 1 and text[start - 1] == "、":
        before_start = start - 1
        while (
            before_start > 0
            and text[before_start - 1] not in TITLE_STOPS
            and text[before_start - 1] != "、"
        ):
            before_start -= 1
        if not _POST_END_RE.search(text[before_start : start - 1]):
            break
        start = before_start
    title = text[start:post_end]
    stripped = _LEADING_FILLER.sub("", title)
    if len(stripped) >= 2:
        start += len(title) - len(stripped)
        title = stripped
    return start, title


def _organization(title: str) -> str | None:
    first = title.split("、")[0]
    first = re.sub(r"原$", "", _POST_END_RE.sub("", first))
    while (shorter := _POST_END_RE.sub("", first)) != first:
        first = shorter
    first = re.sub(r"(?:党组|党委|党工委|党支部|党总支|校委|原)$", "", first)
    return first if len(first) >= 2 else None


@dataclass
class PersonMention:
    name: str
    start: int  # of the name
    end: int
    title: str = ""


def people(doc: Document) -> tuple[list[Person], list[PersonMention]]:
    """People with their posts (梁平区委组织部常务副部长钟贤波), in order of first mention,
    and every place their names occur (for quotes and presenters).

    A post is its run of organisation and post words ending in a post (部长, 书记, 主任…)
    followed by a name; reporters and photographers (credits) are not people of the trip.
    """
    found: dict[str, Person] = {}
    mentions: list[PersonMention] = []
    for sentence in doc.sentences:
        text = sentence.text
        for post in _POST_RE.finditer(text):
            at = post.end()
            name = _name_after(text, at)
            if not name and text[at : at + 1] == " ":
                # A byline or a table cell: 中共磁县县委书记 赵建华, 公司副总裁 陈明.
                name = _name_after(text, at + 1)
                at += 1
                if name and text[at + len(name) : at + len(name) + 1] not in ("", " ", "\t", "\n"):
                    name = None
            if not name:
                continue
            _, title = _title_before(text, post.start(), post.end())
            if len(title) > 40 or re.search(r"记者|通讯员|摄影", title):
                continue
            start = sentence.start + at
            mentions.append(PersonMention(name, start, start + len(name), title))
            if name not in found:
                found[name] = Person(
                    name, title, _organization(title), source(doc, sentence.start, sentence.end)
                )
    titled = {m.start for m in mentions}
    for name in found:
        for sentence in doc.sentences:
            # Every occurrence, left to right, none overlapping the one before.
            at = sentence.text.find(name)
            while at >= 0:
                start = sentence.start + at
                if start not in titled:
                    mentions.append(PersonMention(name, start, start + len(name)))
                at = sentence.text.find(name, at + len(name))
    mentions.sort(key=lambda m: m.start)
    return list(found.values()), mentions


_RELATIVE_HOME = re.compile(
    r"^(?:学员|团员|考察团|代表团|(?:区|县|市|州|镇|乡|街道)(?:委|政府|人大|政协|纪委|[^、，]{0,8}?[局委办]))"
)


def mark_hosts(people_found: list[Person], home: Division | None, mentions: list[Mention]):
    """A person is of the delegation when the post names its home (梁平区委组织部…) or
    speaks of it as one does at home (区委组织部副部长, 市委副书记, 学员); anyone else
    (公司董事长, 陈埭镇党委书记, 局党组成员) is a host."""
    home_names = {
        m.name for m in mentions if home and (m.division == home or m.division.within(home))
    }
    for person in people_found:
        title = person.title
        at_home = any(name in title for name in home_names) or bool(_RELATIVE_HOME.match(title))
        person.is_host = not at_home


# ---------------------------------------------------------------------------------------------
# Quotes


_NOT_A_QUOTE_AFTER = re.compile(
    r"^的?[^，。；！？]{0,4}(?:标语|口号|字样|横幅|牌匾|标牌|理念|精神|品牌|称号|模式|工程|行动|思路|"
    r"战略|目标|准则|理论|现象)"
)
_QUESTION_CONTEXT = re.compile(r"问题清单|提问|发问|请教|问道|咨询|求教|问题单|问：")
_INTERROGATIVE = re.compile(r"？|\?|如何|怎样|怎么|为什么|为何|哪些|什么|是否|能否|吗$|呢$")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost quotation, end after the closing mark."""
    spans, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "“「":
            if depth == 0:
                start = i
            depth += 1
        elif c in "”」" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def _speaker(text: str, quote_start: int, quote_end: int, sentence: Sentence, names) -> str | None:
    """The person the sentence says spoke the quote: …”梁平区委组织部常务副部长钟贤波介绍,
    …”在安吉余村，张涌感叹道, or 李宗说：“…”."""
    after = text[quote_end:]
    # Skip the next quotations of a chain “…”“…” and one clause of circumstance (在…，).
    clauses = re.split(r"[，。；！？]", mask_quotes(after))[:3]
    position = 0
    for clause in clauses:
        for name, offset in names:
            local = offset - sentence.start - quote_end
            if position <= local < position + len(clause):
                rest = after[local + len(name) :]
                if _SPEECH_AFTER_NAME.match(rest):
                    return name
        position += len(clause) + 1
    if re.match(rf"^(?:[他她]|该同志)(?:{SPEECH_VERBS}|要求|希望)", after):
        return "他"  # the person last named before: the caller resolves it
    before = text[:quote_start]
    for name, offset in names:
        local = offset - sentence.start
        if 0 <= local < quote_start and quote_start - local <= 40:
            rest = before[local + len(name) :]
            if _SPEECH_AFTER_NAME.match(rest) and re.search(r"[：:，]\s*$", rest):
                return name
    return None


_SAID_BEFORE = re.compile(rf"(?:{SPEECH_VERBS}|直言|喊出|感慨|笑言|道出了?)[：:，]?\s*$")


def _said(inner: str, chinese: int, before: str, after: str, sentence: Sentence) -> bool:
    """Whether an unattributed quotation was said (a 金句), not a term, slogan or name."""
    if _NOT_A_QUOTE_AFTER.match(after) or re.search(r"标语|口号|横幅|牌匾|字样", sentence.masked):
        return False
    if _SAID_BEFORE.search(before[-8:]):
        return chinese >= 6
    if re.search(r"[。！？!?]", inner):
        return chinese >= 8
    return chinese >= 12 and "，" in inner


def quotes(doc: Document, mentions: list[PersonMention], people_found: list[Person]):
    """Quotations in “” or 「」 worth recording (a sentence or a saying, not a term like
    “放管服”), each with its speaker and post when the sentence names them; quoted
    questions of a question list go to the questions instead."""
    titles = {p.name: p.title for p in people_found}
    result, asked = [], []
    by_offset = ByOffset(mentions)
    for sentence in doc.sentences:
        text = sentence.text
        names = [(m.name, m.start) for m in by_offset.between(sentence.start, sentence.end)]
        for start, end in quote_spans(text):
            inner = text[start + 1 : end - 1]
            chinese = len(re.findall(rf"[{CJK}]", inner))
            if chinese < 6:
                continue
            span = (sentence.start + start + 1, sentence.start + end - 1)
            if _QUESTION_CONTEXT.search(sentence.masked) and _INTERROGATIVE.search(inner):
                asked.append(Question(inner, source(doc, *span)))
                continue
            speaker = _speaker(text, start, end, sentence, names)
            if speaker == "他":
                earlier = [m for m in mentions if m.start < sentence.start + start]
                speaker = earlier[-1].name if earlier else None
            if not speaker and not _said(inner, chinese, text[:start], text[end:], sentence):
                continue
            if re.match(r"^[《〈]", inner):
                continue
            result.append(
                Quote(
                    inner.strip(),
                    sentence_source(doc, sentence),
                    speaker_name=speaker,
                    speaker_title=titles.get(speaker) or None,
                )
            )
    return result, asked


# ---------------------------------------------------------------------------------------------
# Questions


_QUESTION_HEADING = re.compile(
    r"问题清单|提问清单|请教的问题|带着问题|学习问题|考察问题|关注的问题"
)
_ASKED = re.compile(r"^(?:问|提问|问题)\s*[：:]\s*(.+)")
_ANSWERED = re.compile(r"^(?:答|回答|解答)\s*[：:]\s*(.+)")
_ITEM_MARK = re.compile(
    r"^\s*(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|[①-⑳])\s*"
)


def questions(doc: Document) -> list[Question]:
    """The question list: items after a heading that names one, 问：…/答：… pairs, and
    sentences that end in ？ where the text speaks of asking."""
    result: list[Question] = []
    in_list = False
    for paragraph in doc.body_paragraphs():
        line = paragraph.text.strip()
        body = _ITEM_MARK.sub("", line)
        if asked := _ASKED.match(body):
            offset = paragraph.start + paragraph.text.index(asked.group(1))
            result.append(Question(asked.group(1).strip(), source(doc, offset, paragraph.end)))
            continue
        if (answered := _ANSWERED.match(body)) and result:
            result[-1].answer = answered.group(1).strip()
            continue
        if _QUESTION_HEADING.search(line) and len(line) <= 40 and not _INTERROGATIVE.search(line):
            in_list = True
            continue
        if in_list and _ITEM_MARK.match(line) and _INTERROGATIVE.search(body):
            offset = paragraph.start + paragraph.text.index(body)
            result.append(Question(body, source(doc, offset, paragraph.end)))
            continue
        if in_list and not _ITEM_MARK.match(line):
            in_list = False
        for sentence in paragraph.sentences:
            masked = sentence.masked
            if re.search(r"？$", masked) and _QUESTION_CONTEXT.search(paragraph.text):
                marked = _ITEM_MARK.sub("", sentence.text)
                result.append(Question(marked, sentence_source(doc, sentence)))
    return result


# ---------------------------------------------------------------------------------------------
# Indicators

_METRIC = re.compile(
    r"GDP|生产总值|增加值|产值|营收|营业收入|收入|投资|税收|财政|利润|增速|总量|人均|亩均|产量|出口|"
    r"进出口|消费|社零|人口|市场主体|上市|专利|研发|集体经济|游客|接待|客流|签约|到位资金|引进|"
    r"项目|企业|产业|规模|面积|覆盖|达标率|满意度|城镇化率|贷款|存款|用地|园区|销售|交易|营业额|"
    r"成交|合作社|增收|标准|效率|产出|经营户|民宿|用时|开工|户数|就业|电商"
)
_FIGURE = re.compile(
    rf"(?P<name>[{CJK}A-Za-z]{{2,16}}?)"
    r"(?P<verb>同比增长|同比下降|年均增长|增长了?|增速为?|提高了?|提升了?|下降了?|达到了?|达|为|"
    r"突破|超过|实现|完成|累计|占比|占|共有|拥有|有|只用|仅用|用时)?"
    r"(?P<value>\d+(?:\.\d+)?)\s*(?:余|多)?"
    r"(?P<unit>%|％|个百分点|亿美元|万美元|亿元|万元|元|亿|万人次|万人|万户|万家|万亩|万吨|万平方米|"
    r"平方米|万|家|个|户|"
    r"人|平方公里|公里|亩|吨|倍|项|件|座|所|天)"
)
_RANK = re.compile(
    rf"(?:排名|位居|位列|居|名列|排在)(?:全国|全省|全市|全区|全县|全镇|同类|[{CJK}]{{2,4}}市)?"
    r"(?:第[一二三四五六七八九十\d]+(?:位|名)?|首位|前列|前茅|榜首|前[一二三四五六七八九十\d]+)"
)
_NAME_NOISE = re.compile(
    r"^(?:其中|全年|今年|去年|当年|同比|累计|共|实现|完成|目前|现有|已|全镇|全区|全县|全市|"
    r"该镇|该区|该县|该市|该村|全村|近年来|近三年|近五年|\d+年|拥有|有|每年|平均|只用|企业)+"
)
# A figure of the trip itself (一行12人, 走访企业9家) or a target (力争…, 年内…): not a benchmark.
_NOT_A_BENCHMARK = re.compile(r"一行|走访|参观|考察|学员|参训|参加|出席")
_TARGET = re.compile(
    r"力争|年内|不少于|目标|计划|争取|确保|到20\d\d年|明年|年底前|月底前|以上项目|新建|拟"
)
_TABLE_UNIT = re.compile(r"[（(]([^（）()]{1,6})[）)]\s*$")
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%|％)?\s*$")


def indicators(doc: Document, mentions: list[Mention], home: Division | None) -> list[Indicator]:
    """Benchmark figures: a measure (GDP, 规上工业增加值…) with its value and unit, and a rank
    in the same sentence (排名全市第三) as its note; the place the sentence names as the one
    measured. A table row 'measure (unit) | theirs | ours' gives both values."""
    result = []
    for sentence in doc.sentences:
        if "\t" in sentence.text:
            continue
        masked = sentence.masked
        for figure in _FIGURE.finditer(masked):
            name = _NAME_NOISE.sub("", figure.group("name"))
            if (
                not _METRIC.search(name)
                or len(name) < 2
                or _NOT_A_BENCHMARK.search(name)
                or name.endswith("等")
            ):
                continue
            after = masked[figure.end() : figure.end() + 2]
            if re.match(r"[年月日号]", after) or (
                figure.group("unit") == "天" and "用" not in masked
            ):
                continue
            clause_start = max(masked.rfind(c, 0, figure.start()) for c in "，；。：") + 1
            if _TARGET.search(masked[clause_start : figure.end()]):
                continue
            clause_end = re.search(r"[。；]", masked[figure.end() :])
            rest = masked[figure.end() : figure.end() + (clause_end.start() if clause_end else 60)]
            rank = _RANK.search(rest)
            note = ""
            if rank:
                start = max(rest.rfind("，", 0, rank.start()) + 1, 0)
                note = rest[start : rank.end()].strip("，")
            verb = figure.group("verb") or ""
            if verb.startswith(
                ("增长", "同比增长", "年均增长", "增速", "提高", "提升", "下降", "同比下降")
            ):
                name += re.sub(r"[了为]$", "", verb)
            unit = "%" if figure.group("unit") == "％" else figure.group("unit")
            result.append(
                Indicator(
                    name,
                    Decimal(figure.group("value")),
                    unit,
                    sentence_source(doc, sentence),
                    note=note,
                    benchmark=_benchmark(sentence, mentions, home),
                )
            )
    result.extend(_table_indicators(doc))
    return result


def _benchmark(sentence, mentions, home):
    for mention in mentions:
        if sentence.start <= mention.start < sentence.end and (
            not home or not (mention.division.within(home) or home.within(mention.division))
        ):
            return mention.division.name
    return None


def _table_indicators(doc: Document) -> list[Indicator]:
    result, header = [], None
    for paragraph in doc.body_paragraphs():
        cells = paragraph.text.split("\t")
        if len(cells) < 2:
            header = None
            continue
        values = [_NUMBER.match(c) for c in cells[1:]]
        if not any(values):
            header = cells
            continue
        label = cells[0].strip()
        if not _METRIC.search(label) or not values[0]:
            continue
        unit_found = _TABLE_UNIT.search(label)
        unit = unit_found.group(1) if unit_found else (values[0].group(2) or "")
        name = _TABLE_UNIT.sub("", label).strip()
        home_value = values[1].group(1) if len(values) > 1 and values[1] else None
        indicator = Indicator(
            name,
            Decimal(values[0].group(1)),
            "%" if unit == "％" else unit,
            source(doc, paragraph.start, paragraph.end),
            benchmark=header[1].strip() if header and len(header) > 1 else None,
        )
        indicator.home_value = Decimal(home_value) if home_value else None
        result.append(indicator)
    return result


# ---------------------------------------------------------------------------------------------
# Site visits

_VISIT_VERB = re.compile(
    r"(?:先后|分别|随后|接着|还|又|一同|相继|深入)?"
    r"(?:参观考察了?|实地考察了?|考察调研了?|参观学习了?|实地察看了?|参观了?|考察了?|走进|来到|前往|"
    r"走访了?|察看了?|观摩了?|调研了?|到访|探访|赴|深入|徒步)"
    r"(?!组|团|队|中|点|期间|报告|学习|活动|工作|成果|时|的)"
)
_VISIT_OBJECT_END = re.compile(
    r"[，。；：！？\n\t（(]|(?:学习|考察|调研|交流|参观|座谈|听取|了解|实地|进行|开展|观看|就|围绕|期间|"
    r"等地|等处|等单位|等企业|等村|等点位|等\d|等[一二三四五六七八九十]+个)"
)
_IN_SITE = re.compile(
    r"在([^，。；：！？\n在]{2,30}?)(?:参观考察|考察学习|学习考察|参观学习|现场教学|"
    r"开展了?(?:现场|访谈|体验|情景|互动)?教学|调研|参观|考察|观摩|学习|听取)"
)
_AT_SITE = re.compile(r"(?:^|[，。；”」])在([^，。；：！？\n在]{2,24})，")
_LECTURE = re.compile(
    r"(?:作了?|做了?|讲授了?|主讲了?|开展了?|带来了?|上了)?(?:题为)?《([^》]{2,40})》的?"
    r"(?:专题)?(?:报告|辅导|讲座|授课|课程|党课|培训|讲解)"
    r"|现场授课|专题授课|专题辅导|专题介绍|专题讲座|作专题报告|作辅导报告|授课"
)
_CEREMONY = re.compile(
    r"(开班式|开班仪式|开学典礼|结业式|结业仪式|结业典礼|开营仪式|总结会|汇报会|交流分享会|签约仪式|"
    r"推介会|座谈会|交流会|恳谈会|分组研讨|专题研讨|研讨交流)"
)
_NEEDS_HOLDING = ("座谈会", "交流会", "恳谈会", "总结会", "汇报会")
_CEREMONY_PLACE = re.compile(r"在([^，。；！？\n]{2,20}?)(?:举行|召开|举办|开幕|拉开序幕)")
_MEETING_WITH = re.compile(
    r"(?:与|同)([^，。；！？\n与同]{2,20}?)(?:进行了?)?(?:座谈交流|交流座谈|座谈)"
)
_DESCRIPTIVE_PREFIX = re.compile(r"^.*?(?:诞生地|发源地|首创地|起源地|所在地|起航地)")
_PART_OF_PREVIOUS = re.compile(r"^(?:公司|企业|集团|园区|村里|村|基地|学校|该|其|他们)的")
_PRESENTING = re.compile(
    r"介绍|讲解|讲述|讲授|授课|回应|解答|致辞|作了?.{0,12}报告|分享|答疑|推介|陪同|主持"
)
_MINUTES_FIELD = re.compile(r"^\s*(时间|地点|主持|主持人|参加|参会人员|出席)\s*[：:]\s*(.*)$")
_VISIT_COLUMNS = re.compile(r"考察点|考察地点|参观点|点位|地点|单位|考察内容|行程")
_PRESENTER_COLUMNS = re.compile(r"介绍人|讲解|主讲|陪同|授课|接待")
VISIT_KINDS = [
    (re.compile(r"开班|结业|开学|开营|仪式|典礼"), "ceremony"),
    (re.compile(r"总结会|汇报会|分享会"), "summary_meeting"),
    (re.compile(r"推介|签约|洽谈"), "investment_event"),
    (re.compile(r"座谈|交流会|恳谈|商会|协会"), "meeting"),
    (re.compile(r"授课|报告|讲座|辅导|课程|党课|专题介绍"), "lecture"),
    (re.compile(r"现场教学|访谈教学|体验教学"), "onsite_teaching"),
    (re.compile(r"研讨"), "discussion"),
    (re.compile(r"馆|厅|展示中心|陈列|旧址|遗址"), "exhibition"),
    (re.compile(r"公司|集团|企业|工厂|车间|厂$|合作社"), "enterprise"),
    (re.compile(r"村$|社区|古村|村委"), "village"),
    (
        re.compile(
            r"产业园|科技园|工业园|示范园|园区|科技城|开发区|高新区|新区|小镇|港$|产业带|园$|谷$"
        ),
        "park",
    ),
    (re.compile(r"基地|农场|试验区|示范区"), "base"),
]


def visit_kind(name: str) -> str:
    for pattern, value in VISIT_KINDS:
        if pattern.search(name):
            return value
    return "other"


def _visit_objects(raw: str) -> list[str]:
    """考察了A、B和C → [A, B, C], each a site (its name ends like one) or a town or village;
    X的Y is Y (深圳市宝安区的深圳市鸿星智能科技有限公司); a part of the site just named
    (公司的研发中心) is not another visit."""
    raw = raw.strip()
    raw = re.sub(r"^(?:了|到|过|位于)", "", raw)
    pieces = re.split(r"、|以及|和(?=[^、]{3,})|及(?=[^、]{3,})", raw)
    result = []
    for piece in pieces:
        piece = _DESCRIPTIVE_PREFIX.sub("", piece.strip()).strip()
        piece = re.sub(r"^(?:了|的)", "", piece)
        piece = re.sub(r"的[\d一二三四五六七八九十百余多]+[家个处].*$", "", piece)
        if _PART_OF_PREVIOUS.match(piece):
            continue
        if "的" in piece:
            tail = piece.rsplit("的", 1)[1]
            if len(tail) >= 3 and _SITE_END.search(tail.rstrip("”」")):
                piece = tail
        if len(piece) < 2:
            continue
        plain = piece.rstrip("”」")
        if _generic(plain):
            continue
        if _SITE_END.search(plain) or re.search(r"(?:镇|乡|村|街道)$", plain):
            result.append(piece)
    return result


def _generic(name: str) -> bool:
    """产业园区, 重点企业, 生产车间, 政府大院: common words only, no name of a site."""
    if re.search(r"[“「《A-Za-z0-9]", name):
        return False
    words = nlp.cut(name)
    return all(
        not flag.startswith(("nr", "ns", "nt", "nz")) and nlp.word_frequency(word) >= 100
        for word, flag in words
    )


def _is_division(name: str) -> bool:
    """A county, city or province (possibly with its parents): a destination, not a site."""
    table = gazetteer()
    rest = name
    while rest:
        for length in range(min(len(rest), 12), 1, -1):
            candidates = table.lookup(rest[:length])
            if (
                candidates
                and candidates[0].level <= DISTRICT
                and not re.search(r"(?:镇|乡|街道)$", rest[:length])
            ):
                rest = rest[length:]
                break
        else:
            return False
    return True


def site_visits(doc, mentions, home, people_mentions, people_found, trip_year) -> list[SiteVisit]:
    """The sites the delegation went to: 参观/考察/走进/来到/前往 X, 在 X 学习考察,
    在 X（a site），…, lectures (…现场授课, 作《…》专题报告), ceremonies and meetings
    (开班式在 X 举行, 与 X 座谈交流, a minutes' header), and an itinerary table's rows; with
    the date in force, the place, the host unit and the presenter."""
    by_person = {p.name: p for p in people_found}
    visits: list[SiteVisit] = []
    current: tuple[int, int] | None = None

    def place_of(text: str, sentence: Sentence):
        for mention in mentions:
            if mention.name in text and not (home and mention.division.within(home)):
                return mention.division
        for mention in mentions:
            if sentence.start <= mention.start < sentence.end and not (
                home and (mention.division.within(home) or home.within(mention.division))
            ):
                return mention.division
        return None

    def add(name: str, sentence: Sentence, kind_value: str | None = None, **extra):
        name = name.strip(" 、，")
        if not name or len(name) < 2 or _is_division(name):
            return None
        for existing in visits:
            if existing.name == name or (
                len(existing.name) >= 3 and (existing.name in name or name in existing.name)
            ):
                return None
        division = place_of(name, sentence)
        when = None
        if current and trip_year:
            try:
                when = date(trip_year, *current)
            except ValueError:
                when = None
        visit = SiteVisit(
            name=name,
            kind=kind_value or visit_kind(name),
            source=sentence_source(doc, sentence),
            date=when,
            province=division.province if division else None,
            city=division.city if division else None,
            district=division.district if division else None,
            **extra,
        )
        if not visit.host_organization and re.search(
            r"(?:公司|集团|党校|政府|大学|学院|研究院|合作社|管委会|商会|协会)$", name
        ):
            visit.host_organization = name
        visits.append(visit)
        return visit

    _minutes_meeting(doc, add)
    people_by_offset = ByOffset(people_mentions)
    for sentence in doc.sentences:
        text = sentence.text
        masked = sentence.masked
        dates = [(int(m), int(d)) for m, d in _MONTH_DAY.findall(text)]
        if dates and not _FUTURE.search(text):
            current = dates[0]
        if "\t" in text:
            _table_visit(doc, sentence, add, by_person)
            continue
        names_here = people_by_offset.between(sentence.start, sentence.end)
        for ceremony in _CEREMONY.finditer(masked):
            where = _CEREMONY_PLACE.search(masked)
            held = re.search(r"召开|举行|举办|参加|组织|开展", masked)
            if not where and ceremony.group(1) in _NEEDS_HOLDING and not held:
                continue
            host = text[where.start(1) : where.end(1)] if where else None
            add(ceremony.group(1), sentence, host_organization=host)
        for meeting in _MEETING_WITH.finditer(masked):
            if not any(v.source.start == sentence.start for v in visits):
                add(f"与{meeting.group(1)}座谈交流", sentence, "meeting")
        for lecture in _LECTURE.finditer(masked):
            topic = lecture.group(1)
            speaker = None
            for mention in names_here:
                if mention.start - sentence.start < lecture.start():
                    speaker = mention
            if not (topic or speaker):
                continue
            person = by_person.get(speaker.name) if speaker else None
            name = f"《{topic}》" if topic else f"{speaker.name}{lecture.group(0).lstrip('作做')}"
            add(
                name,
                sentence,
                "lecture",
                topic=topic,
                presenter=speaker.name if speaker else None,
                presenter_title=person.title if person else None,
            )
        for verb in _VISIT_VERB.finditer(masked):
            rest = text[verb.end() :]
            stop = _VISIT_OBJECT_END.search(mask_quotes(rest))
            raw = rest[: stop.start()] if stop else rest
            for name in _visit_objects(raw):
                add(name, sentence)
        for pattern in (_IN_SITE, _AT_SITE):
            for found in pattern.finditer(masked):
                raw = text[found.start(1) : found.end(1)]
                for name in _visit_objects(raw):
                    add(name, sentence)
    visits.sort(key=lambda v: v.source.start)
    _presenters(doc, visits, people_mentions, by_person)
    return visits


def _minutes_meeting(doc, add):
    """Minutes (时间：… 地点：… 主持：…) record one meeting: the headline's, at that place."""
    fields, first = {}, None
    for paragraph in doc.body_paragraphs()[:12]:
        if found := _MINUTES_FIELD.match(paragraph.text):
            fields[found.group(1)] = found.group(2).strip()
            first = first or paragraph
    if "时间" not in fields or not ({"地点", "主持", "主持人"} & set(fields)) or not first:
        return
    headline = doc.body_paragraphs()[0].text.strip()
    name = re.sub(r"(?:会议)?纪要$", "", headline) or "座谈交流"
    sentence = first.sentences[0] if first.sentences else None
    if sentence is None:
        return
    host = re.split(r"[一二三四五六七八九十\d]楼|会议室|报告厅", fields.get("地点", ""))[0] or None
    visit = add(name, sentence, "meeting", host_organization=host)
    chair = fields.get("主持") or fields.get("主持人")
    if visit and chair:
        for post in _POST_RE.finditer(chair):
            if name_found := _name_after(chair, post.end()):
                visit.presenter = name_found
                visit.presenter_title = _title_before(chair, post.start(), post.end())[1]


def _table_visit(doc, sentence, add, by_person):
    """A row of an itinerary table (日期 | 时间 | 考察点 | 内容 | 介绍人): the site and its
    presenter, by the header's column names or, without one, by what the cells look like."""
    cells = sentence.text.split("\t")
    header = _table_header(doc, sentence)
    site, presenter = None, None
    for index, cell in enumerate(cells):
        column = header[index] if header and index < len(header) else ""
        cell = cell.strip()
        if not cell:
            continue
        if _PRESENTER_COLUMNS.search(column) or (not header and _POST_RE.search(cell)):
            names = [
                _name_after(cell, post.end() + (cell[post.end() : post.end() + 1] == " "))
                for post in _POST_RE.finditer(cell)
            ]
            presenter = next((n for n in names if n), presenter)
        elif (
            site is None
            and (_VISIT_COLUMNS.search(column) if header else _SITE_END.search(cell))
            and (_SITE_END.search(cell) or re.search(r"(?:镇|乡|村|街道)$", cell))
        ):
            site = cell
    if site:
        person = by_person.get(presenter) if presenter else None
        add(
            site,
            sentence,
            presenter=presenter,
            presenter_title=person.title if person else None,
        )


def _table_header(doc, sentence) -> list[str] | None:
    """The header row above this row of the same table (cells naming columns, no digits)."""
    index = sentence.paragraph.index
    while index > 0:
        index -= 1
        previous = doc.paragraphs[index]
        if "\t" not in previous.text:
            return None
        cells = previous.text.split("\t")
        if not any(re.search(r"\d", c) for c in cells) and any(
            _VISIT_COLUMNS.search(c) or _PRESENTER_COLUMNS.search(c) for c in cells
        ):
            return cells
    return None


def _presenters(doc, visits, people_mentions, by_person):
    """A host who presents (介绍, 讲解, 回应…) in the sentences after a visit, up to the next
    visit, is its presenter."""
    starts = [v.source.start for v in visits] + [len(doc.text)]
    for visit, next_start in zip(visits, starts[1:], strict=False):
        if visit.presenter:
            continue
        end = max(next_start, visit.source.end)
        for mention in people_mentions:
            if not (visit.source.start <= mention.start < end):
                continue
            person = by_person.get(mention.name)
            if not person or not person.is_host:
                continue
            after = doc.text[mention.end : mention.end + 20]
            if _PRESENTING.search(after):
                visit.presenter = person.name
                visit.presenter_title = mention.title or person.title
                break


# ---------------------------------------------------------------------------------------------
# Takeaways and actions

_ENUM_MARK = re.compile(
    r"(?:^|(?<=[。；！？\s：:，]))(?:[一二三四五六七八九十]是|[一二三四五六七八九十]要|首先|其次|再次|最后|"
    r"第[一二三四五六七八九十][，、,]|[①-⑳]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.．、](?!\d))"
)
_COLON_LIST = re.compile(
    r"(?:[一二三四五六七八九十两几\d]+|以下|如下)(?:个)?(?:方面|点|条)(?:的)?(经验|做法|启示|体会|收获|差距|不足|问题|打算|举措)"
    r"[：:]"
)
KIND_OF_SECTION = [
    (
        re.compile(
            r"下一步|打算|建议|意见|举措|措施|工作安排|落实|努力方向|推进计划|整改|怎么做|怎么办"
        ),
        "action",
    ),
    (re.compile(r"差距|不足|短板|弱项|问题与|差在|反思"), "gap"),
    (re.compile(r"启示|启发|体会|感悟|思考|收获|认识|感受"), "insight"),
    (re.compile(r"经验|做法|亮点|特色|模式|路径|看到|见闻"), "lesson"),
    (re.compile(r"基本情况|总体情况|考察情况|活动情况|行程|日程"), "none"),
]
_GAP_SENTENCE = re.compile(r"差距|短板|不足|弱项|差在")
_GAP_EVIDENCE = re.compile(
    r"存在|在于|就在|主要在|体现在|相比|相较|不强|不够|滞后|薄弱|欠缺|缺乏|不高|不优|不足以"
)
_INSIGHT_SENTENCE = re.compile(
    r"启示|启发|值得借鉴|值得我们(?:认真|好好)?(?:学习|借鉴)|值得学习借鉴|深受教育|受益匪浅"
)
_LESSON_SENTENCE = re.compile(
    r"通过|坚持|探索|推行|实行|建立|构建|首创|创新推出|做到|形成了|依托|聚焦|路径|模式|做法|机制"
)
_ACTION_START = re.compile(r"^(?:下一步|下步|接下来|今后|回去后|返回后|回来后|回到[^，]{1,8}后)")
_FUTURE_JIANG_ALLOWED = re.compile(
    r"时刻|始终|一如既往|继续|持续|全力|坚决|进一步|以|把|在|从|按照|结合|对标"
)


def _section_kind(text: str) -> str | None:
    for pattern, value in KIND_OF_SECTION:
        if pattern.search(text):
            return value
    return None


def _enumeration_items(text: str) -> list[tuple[int, int, str]]:
    """Items of 一是…二是…, 首先…其次…, （一）…, 1.… within one paragraph: (start, end, marker)."""
    marks = list(_ENUM_MARK.finditer(text))
    if len(marks) < 2:
        return []
    items = []
    for mark, following in zip(marks, [*marks[1:], None], strict=False):
        end = following.start() if following else len(text)
        if following is None:
            # The last item runs to its own sentence's end.
            stop = re.search(r"[。！？]", mask_quotes(text[mark.end() :]))
            if stop:
                end = mark.end() + stop.end()
        items.append((mark.start(), end, mark.group()))
    return items


def _tags(text: str) -> list[str]:
    return nlp.keywords(text, 3)


@dataclass
class Proposal:
    kind: str  # lesson, gap, insight or action
    start: int
    end: int


def _is_home_subject(text: str, home_names: list[str]) -> bool:
    return bool(HOME_WORDS.search(text)) or any(name in text for name in home_names)


@dataclass
class _Context:
    doc: Document
    home_names: list[str]
    host_names: list[str]
    people_mentions: list[PersonMention]
    hosts: set[str]
    section: str | None = None


def takeaways_and_actions(doc, home_names, host_names, people_mentions, people_found):
    """Lessons, gaps and insights, and the commitments (actions).

    Structures: headed sections (一、差距与不足 → every item below is a gap), enumerations
    (一是…二是…, 首先…其次…, （一）…, 1.…), colon lists (三方面经验：…；…；…), and single
    sentences: 存在…短板/差距 (gap), 启示/启发 (insight), a host that 坚持/通过/探索 (lesson),
    下一步/今后… or the home side 将/要/推动… (commitment).
    """
    proposals: list[Proposal] = []
    taken: list[tuple[int, int]] = []
    context = _Context(
        doc, home_names, host_names, people_mentions, {p.name for p in people_found if p.is_host}
    )

    def propose(kind_value, start, end):
        if kind_value == "none":
            return False
        while start < end and doc.text[start] in " ，,":
            start += 1
        text = doc.text[start:end].strip()
        if len(re.findall(rf"[{CJK}]", text)) < 6:
            return False
        if not all(end <= s or start >= e for s, e in taken):
            return False
        taken.append((start, end))
        proposals.append(Proposal(kind_value, start, end))
        return True

    whole = {(s.start, s.end) for s in doc.sentences}
    for paragraph in doc.body_paragraphs():
        if _structured_paragraph(doc, paragraph, context, propose):
            continue
        for sentence in paragraph.sentences:
            if (sentence.start, sentence.end) in whole:
                _sentence_rules(sentence, context, propose)
    for sentence in doc.sentences:
        if sentence.end > sentence.paragraph.end:  # a run of poster lines, read as one
            _sentence_rules(sentence, context, propose)

    takeaways, actions = [], []
    for proposal in sorted(proposals, key=lambda p: p.start):
        text = doc.text[proposal.start : proposal.end].strip()
        span = source(doc, proposal.start, proposal.end)
        if proposal.kind == "action":
            actions.append(Action(_action_title(text), span))
        else:
            takeaways.append(Takeaway(proposal.kind, _clean_item(text), span, _tags(text)))
    return takeaways, actions


def _structured_paragraph(doc, paragraph, context, propose) -> bool:
    """Headings, enumerations and colon lists; True when the paragraph was read as one."""
    line = paragraph.text
    stripped = line.strip()
    top_heading = re.match(r"^\s*[一二三四五六七八九十]+、", line)
    if top_heading and (len(stripped) <= 30 or not re.search(r"[。！？]", stripped[:30])):
        context.section = _section_kind(stripped[:30])
        if len(stripped) <= 30:
            return True
    items = _enumeration_items(line)
    if not items and (lead := _ENUM_MARK.match(stripped)):
        # One item per paragraph: （一）坚持规划引领…。 / 首先，… / 1.推动… / 一要…
        start = paragraph.start + (len(line) - len(line.lstrip()))
        if "要" in lead.group():
            item_kind = "action"
        else:
            item_kind = context.section or _default_kind(stripped[len(lead.group()) :])
        end = _first_sentences_end(paragraph, 1 if item_kind == "action" else 2)
        propose(item_kind, start, end)
        for sentence in paragraph.sentences:
            if sentence.start >= end:
                _sentence_rules(sentence, context, propose)
        return True
    if items:
        intro = line[: items[0][0]]
        intro_kind = _section_kind(intro[-40:]) if intro else None
        enumerated_action = any("要" in mark for _, _, mark in items) or bool(
            intro and re.search(r"下一步|今后|将从|打算|我们将|要从", intro)
        )
        if intro.strip():
            for sentence in paragraph.sentences:
                if sentence.end <= paragraph.start + items[0][0]:
                    _sentence_rules(sentence, context, propose)
        for start, end, mark in items:
            if enumerated_action:
                item_kind = "action"
            else:
                item_kind = (
                    context.section or intro_kind or _default_kind(line[start:end][len(mark) :])
                )
            propose(item_kind, paragraph.start + start, paragraph.start + end)
        last_end = paragraph.start + items[-1][1]
        for sentence in paragraph.sentences:
            if sentence.start >= last_end:
                _sentence_rules(sentence, context, propose)
        return True
    colon = _COLON_LIST.search(line)
    if colon and "；" in line[colon.end() :]:
        list_kind = _section_kind(colon.group(1)) or "lesson"
        for sentence in paragraph.sentences:
            if sentence.end <= paragraph.start + colon.start():
                _sentence_rules(sentence, context, propose)
        parts = line[colon.end() :].split("；")
        position = colon.end()
        for number, part in enumerate(parts):
            part_start = paragraph.start + position
            position += len(part) + 1
            part_end = part_start + len(part)
            stop = re.search(r"[。！？]", part)
            if stop and number == len(parts) - 1:
                part_end = part_start + stop.end()
            propose(list_kind, part_start, part_end)
        return True
    return False


def _first_sentences_end(paragraph, count):
    ends = [s.end for s in paragraph.sentences]
    if not ends:
        return paragraph.end
    return ends[min(count, len(ends)) - 1]


def _default_kind(text: str) -> str:
    if re.match(r"^\s*(?:要|将|必须|务必|着力|加快|推动|坚定不移)", text) or re.search(
        r"下一步|我们将", text
    ):
        return "action"
    return _section_kind(text[:16]) or "lesson"


def _clean_item(text: str) -> str:
    text = re.sub(r"\s*\n\s*", "", text).strip()
    if _ENUM_MARK.match(text):
        text = _ENUM_MARK.sub("", text, count=1)
    return text.strip().lstrip("，,、：: ")


def _action_title(text: str) -> str:
    text = _clean_item(text)
    text = re.sub(r"^(?:下一步|下步|接下来|今后)[，,]?", "", text).strip()
    return text[:200]


_VERB_WORDS = {"将", "要", "坚定不移", "推动", "加快", "着力", "力争", "确保", "全力", "努力"}
_VERB_WORDS |= {"争取", "切实", "进一步", "持续"}
_HOME_VERBS = {"将", "要", "坚定不移", "力争", "争取", "努力"}


def _action_verb(clause: str) -> tuple[int, str, str] | None:
    """The first commitment verb of the clause as jieba segments it (要 but not 需要 or
    要素): its offset, the word and the word after it."""
    position = 0
    words = nlp.cut(clause)
    for index, (word, _flag) in enumerate(words):
        if word in _VERB_WORDS:
            following = words[index + 1] if index + 1 < len(words) else ("", "x")
            return position, word, following[1]
        position += len(word)
    return None


_WEAKNESS = re.compile(r"少|不足|不强|不高|不优|薄弱|滞后|欠缺|不够|偏低|偏小|偏弱|缺乏")


def _sentence_rules(sentence, context, propose):
    masked = sentence.masked
    clauses = _clauses(masked)
    first_free = _gap_or_insight(sentence, clauses, context, propose)
    parts, position = [], 0
    for part in masked.split("；"):
        parts.append((position, position + len(part)))
        position += len(part) + 1
    carried = False  # after 下一步 or a speaker's 要…, the next parts are commitments too
    for p_start, p_end in parts:
        part_clauses = [
            (c_start, c_end)
            for index, (c_start, c_end) in enumerate(clauses)
            if p_start <= c_start < p_end and index >= first_free
        ]
        if carried and part_clauses:
            carried = propose("action", sentence.start + part_clauses[0][0], sentence.start + p_end)
            continue
        carried = _commitment(sentence, part_clauses, p_end, context, propose)
        if carried is None:
            return
    if first_free:
        return
    _host_lesson(sentence, clauses, context, propose)


def _gap_or_insight(sentence, clauses, context, propose) -> int:
    """Propose a gap or an insight; the index of the first clause after it (0: none)."""
    masked = sentence.masked
    for pattern, kind_value, evidence in (
        (_GAP_SENTENCE, "gap", _GAP_EVIDENCE),
        (_INSIGHT_SENTENCE, "insight", None),
    ):
        for index, (start, end) in enumerate(clauses):
            if not (
                pattern.search(masked[start:end]) and (evidence is None or evidence.search(masked))
            ):
                continue
            first = clauses[max(0, index - 1)][0]
            last = index
            # 给了她很大启示：乡村振兴必须…，下一步将… — what follows the colon is the insight.
            while masked[clauses[last][1] : clauses[last][1] + 1] == "：" and last + 1 < len(
                clauses
            ):
                last += 1
                following = masked[clauses[last][0] : clauses[last][1]].strip()
                if _ACTION_START.match(following):
                    last -= 1
                    break
                while last + 1 < len(clauses) and not _ACTION_START.match(
                    masked[clauses[last + 1][0] : clauses[last + 1][1]].strip()
                ):
                    last += 1
            if propose(kind_value, sentence.start + first, sentence.start + clauses[last][1] + 1):
                return last + 1
            return 0
    # The home side's weakness: 于都纺织服装企业数量不少，但龙头企业少、自主品牌少…
    if _is_home_subject(masked[: clauses[0][1]] if clauses else "", context.home_names):
        for start, end in clauses:
            clause = masked[start:end].lstrip()
            weak = clause.startswith(("但", "但是", "然而")) and _WEAKNESS.search(clause)
            if weak and propose("gap", sentence.start + start, sentence.end):
                return len(clauses)
    return 0


def _commitment(sentence, part_clauses, part_end, context, propose):
    """Propose the commitment a part of a sentence makes: True if it did (and what follows
    in the sentence continues it), False if not, None when a host is the subject."""
    masked = sentence.masked
    for c_start, c_end in part_clauses:
        clause = masked[c_start:c_end]
        bare = clause.strip()
        if _ACTION_START.match(bare) or re.match(r"^在接下来", bare):
            return propose("action", sentence.start + c_start, sentence.start + part_end)
        found = _action_verb(clause)
        if not found:
            continue
        offset, verb, next_flag = found
        following = clause[offset + len(verb) :]
        if verb == "将" and (
            "了" in following
            or (
                next_flag.startswith(("n", "r", "m")) and not _FUTURE_JIANG_ALLOWED.match(following)
            )
        ):
            continue
        subject = clause[:offset]
        if any(name in subject for name in context.host_names) and not _is_home_subject(
            subject, context.home_names
        ):
            return None
        home_subject = _is_home_subject(subject, context.home_names)
        reported = _home_speaker_before(masked[:c_start], sentence, context)
        if (home_subject and verb in _HOME_VERBS) or (
            reported and (not subject.strip() or (verb in _HOME_VERBS and len(subject) <= 12))
        ):
            propose("action", sentence.start + c_start, sentence.start + part_end)
            return bool(reported)
    return False


def _host_lesson(sentence, clauses, context, propose):
    """A host's practice: the host (a place or a site visited) is the subject, or presents
    it (…介绍，), or the sentence opens with its topic (平台建设上，), and 坚持/通过/探索…"""
    masked = sentence.masked
    paragraph_text = sentence.paragraph.text
    if context.section not in ("lesson", None) or not any(
        n in paragraph_text for n in context.host_names
    ):
        return
    presented = any(
        sentence.start <= m.start < sentence.end
        and m.name in context.hosts
        and _SPEECH_AFTER_NAME.match(sentence.text[m.end - sentence.start :])
        for m in context.people_mentions
    )
    for index, (c_start, c_end) in enumerate(clauses[:4]):
        clause = masked[c_start:c_end].lstrip()
        topic = re.match(r"^\s*(?:在)?[^，]{1,10}上$", masked[:c_start].rstrip("，"))
        if _LESSON_SENTENCE.search(clause) and (
            any(clause.startswith(name) for name in context.host_names)
            or (topic and index == 1)
            or (presented and index >= 1)
        ):
            propose("lesson", sentence.start + (0 if topic else c_start), sentence.end)
            return


def _clauses(masked: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for i, c in enumerate(masked):
        if c in "，；：,\n":
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(masked)))
    return [(s, e) for s, e in spans if masked[s:e].strip()]


def _home_speaker_before(before: str, sentence, context) -> bool:
    """Whether a person of the delegation speaks earlier in the sentence (…唐小平说，), so
    what follows is what they said."""
    for mention in context.people_mentions:
        local = mention.start - sentence.start
        if 0 <= local < len(before) and mention.name not in context.hosts:
            rest = before[local + len(mention.name) :]
            if _SPEECH_AFTER_NAME.match(rest):
                return True
    return bool(
        re.search(
            r"(?:他|她|大家|学员们?|代表们?|与会人员|团员们?)(?:纷纷|一致|也|都|还)*"
            r"(?:表示|说|认为|坦言|强调|指出|要求|提出)",
            before,
        )
    )
