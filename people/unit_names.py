"""Do two ways of writing a unit's or a person's name mean the same one?

Offices write a unit's name in full in one sheet and in its customary short form in the
next (梁平区发展和改革委员会, 梁平区发展改革委, 梁平区发改委). `unit_key` folds the
common abbreviations into one form, so an import can offer the unit already on record
instead of creating a near-duplicate. Only abbreviations in general use are folded; two
names that merely look alike (双桂街道, 双福街道) stay different.
"""

import re
import unicodedata

# Short forms of commissions and bureaus, as written in documents and on signs.
SHORT_FORMS = {
    "发改委": "发展改革委",
    "经信委": "经济信息化委",
    "文旅委": "文化旅游委",
    "住建委": "住房城乡建设委",
    "农委": "农业农村委",
    "人社局": "人力资源社会保障局",
    "规资局": "规划自然资源局",
    "市监局": "市场监督管理局",
    "市场监管局": "市场监督管理局",
    "管委会": "管理委",
}
# "和" joins the two halves of these names in full and is dropped in the short form:
# 发展和改革委员会 → 发展改革委, 文化和旅游发展委员会 → 文化旅游委.
JOINED = re.compile(
    r"(发展|经济|文化|规划|住房|人力资源|农业)和(改革|信息化|旅游|自然资源|城乡建设|社会保障|农村)"
)
# Full form → the short one: longest first, so 委员会 is folded before 委 is looked at.
FOLDS = [
    ("中国共产党", "中共"),
    ("人民政府", "政府"),
    ("委员会", "委"),
    ("办公室", "办"),
    ("办事处", "办"),
    ("旅游发展委", "旅游委"),
]
SPACES = re.compile(r"[\s\u3000]+")
# 中共梁平区委员会 → 梁平区委, 中共梁平区委组织部 → 梁平区委组织部: "中共" adds nothing
# to a party committee's name that its 委 does not already say.
PARTY = re.compile(r"^中共(?=.+委)")


def _fold_width(text: str) -> str:
    """Full-width letters and digits as ASCII, brackets in one form."""
    text = unicodedata.normalize("NFKC", text)
    return text.replace("(", "（").replace(")", "）")


def unit_key(name: str) -> str:
    """The form two names of one unit share: 梁平区发展和改革委员会 and 梁平区发展改革委
    both give 梁平区发展改革委."""
    key = SPACES.sub("", _fold_width(name or ""))
    key = JOINED.sub(r"\1\2", key)
    for full, short in FOLDS:
        key = key.replace(full, short)
    for short, full in SHORT_FORMS.items():
        key = key.replace(short, full)
    return PARTY.sub("", key)


def person_key(name: str) -> str:
    """A person's name without the spaces some sheets put in (黄 伟明) and with one form
    of the middle dot of minority names (阿依古丽·买买提)."""
    key = SPACES.sub("", _fold_width(name or ""))
    return re.sub(r"[·•・‧∙.]", "·", key)


def same_unit(a: str, b: str) -> bool:
    return unit_key(a) == unit_key(b)


def same_person(a: str, b: str) -> bool:
    return person_key(a) == person_key(b)
