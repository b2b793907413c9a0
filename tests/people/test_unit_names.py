"""Two ways of writing one unit's name are the same unit; look-alikes are not."""

import pytest

from people.unit_names import same_person, same_unit, unit_key


@pytest.mark.parametrize(
    ("written", "on_record"),
    [
        ("梁平区发展改革委", "梁平区发展和改革委员会"),
        ("梁平区发改委", "梁平区发展和改革委员会"),
        ("梁平区委", "中共梁平区委员会"),
        ("中共梁平区委组织部", "梁平区委组织部"),
        ("中国共产党梁平区委员会", "中共梁平区委员会"),
        ("礼让镇政府", "礼让镇人民政府"),
        ("梁平区经信委", "梁平区经济和信息化委员会"),
        ("梁平区经济信息化委", "梁平区经济和信息化委员会"),
        ("梁平区文化旅游委", "梁平区文化和旅游发展委员会"),
        ("梁平区文旅委", "梁平区文化和旅游发展委员会"),
        ("梁平区农业农村委", "梁平区农业农村委员会"),
        ("梁平区政府办", "梁平区人民政府办公室"),
        ("双桂街道办", "双桂街道办事处"),
        ("梁平区规划自然资源局", "梁平区规划和自然资源局"),
        ("梁平区商务委", "梁平区商务委员会"),
        ("梁平工业园区管委会", "梁平工业园区管理委员会"),
        ("梁平区 商务委员会", "梁平区商务委员会"),
        ("梁平区发展改革委（区粮食局）", "梁平区发展和改革委员会(区粮食局)"),
    ],
)
def test_a_short_form_is_the_unit_written_in_full(written, on_record):
    assert same_unit(written, on_record)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("双桂街道办事处", "双福街道办事处"),
        ("梁平区发展和改革委员会", "万州区发展和改革委员会"),
        ("梁平区委组织部", "梁平区委宣传部"),
        ("梁平区委", "梁平区政府"),
        ("礼让镇人民政府", "礼让镇人民代表大会"),
        ("梁平区农业农村委员会", "梁平区商务委员会"),
        ("梁平区和平街道办事处", "梁平区平街道办事处"),
        ("梁平区人民医院", "梁平区中医院"),
    ],
)
def test_units_that_only_look_alike_stay_apart(one, other):
    assert not same_unit(one, other)


def test_the_shared_form_is_the_short_one():
    assert unit_key("梁平区发展和改革委员会") == "梁平区发展改革委"


@pytest.mark.parametrize(
    ("written", "on_record", "same"),
    [
        ("黄 伟明", "黄伟明", True),
        ("黄　伟明", "黄伟明", True),
        ("阿依古丽•买买提", "阿依古丽·买买提", True),
        ("黄伟明", "黄伟民", False),
        ("王芳", "汪芳", False),
    ],
)
def test_a_persons_name_differs_only_in_spacing(written, on_record, same):
    assert same_person(written, on_record) is same
