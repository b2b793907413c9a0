"""The write-up import's rules, one passage each: what a staff member gets proposed.

The corpus figures (recall, precision, speed) are the benchmark's (bench/writeups.py); these
tests pin each rule on a small passage in the register of real write-ups.
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from docx import Document as WordDocument

from tests import factories
from tours.writeups import extract, match_organizations, match_people, read_docx, read_file


def labels(places):
    return [(p.province, p.city, p.district) for p in places]


# --- dates -----------------------------------------------------------------------------------


def test_a_range_with_both_months_gives_start_and_end():
    x = extract("2023年6月7日至6月10日，丹棱县党政代表团赴江苏省宿迁市泗阳县学习考察。")
    assert (x.start_date, x.end_date) == (date(2023, 6, 7), date(2023, 6, 10))


def test_a_range_with_a_dash_and_the_end_day_alone():
    x = extract("2月19日—25日，学员们在浙江省委党校参加培训。\n2024年3月1日")
    assert (x.start_date, x.end_date) == (date(2024, 2, 19), date(2024, 2, 25))


def test_a_duration_in_chinese_numerals_sets_the_end_date():
    x = extract("2月19日，梁平区为期七天的专题培训班在浙江省委党校开班。\n2023年2月24日")
    assert (x.start_date, x.end_date) == (date(2023, 2, 19), date(2023, 2, 25))


def test_without_a_year_the_days_are_kept_and_the_date_left_for_staff():
    x = extract("8月14日至17日，于都县党政考察团赴福建省泉州市晋江市学习考察。")
    assert x.year is None and x.start_date is None
    assert (x.start_month_day, x.end_month_day) == ((8, 14), (8, 17))
    assert "8月14日至17日" in x.date_source.text


def test_a_publication_date_earlier_in_the_year_than_the_trip_means_the_year_before():
    x = extract(
        "南区街道党政班子成员到三角镇学习\n2024年1月5日 来源：中山日报\n"
        "12月28日，南区街道党政班子成员前往三角镇学习。"
    )
    assert x.start_date == date(2023, 12, 28)


# --- title, kind, origin ---------------------------------------------------------------------


def test_the_headline_is_the_title_and_navigation_above_it_is_ignored():
    x = extract(
        "首页 | 新闻 | 政务 | 视频\n南区街道党政班子成员到三角镇学习高质量发展经验\n"
        "2月28日下午，南区街道党政班子成员前往三角镇学习。"
    )
    assert x.title == "南区街道党政班子成员到三角镇学习高质量发展经验"
    assert x.title_source.text == x.title


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "顺德区中青年干部专题培训班在井冈山开班\n学员们在中国井冈山干部学院参加培训。",
            "training",
        ),
        ("赴深圳市南山区科技创新局跟班学习心得体会\n我在南山区跟班学习一个月。", "embedded"),
        ("关于赴粤港澳大湾区开展招商考察的报告\n推介会上签约项目6个。", "investment"),
        ("利川市考察团与寿光市座谈交流纪要\n双方座谈交流。", "exchange"),
        ("丹棱县党政代表团赴江苏学习考察侧记\n代表团实地考察了产业园。", "study_tour"),
    ],
)
def test_the_kind_is_guessed_from_the_words_of_its_genre(text, kind):
    assert extract(text).kind == kind


def test_the_delegation_named_in_the_headline_is_the_origin_not_a_place_visited():
    x = extract("利川市考察团赴山东省潍坊市寿光市考察蔬菜产业\n考察团参观了寿光蔬菜高科技示范园。")
    assert x.origin == "利川市"
    assert labels(x.places) == [("山东省", "潍坊市", "寿光市")]


# --- places ----------------------------------------------------------------------------------


def test_a_county_is_placed_in_its_city_and_province_by_the_gazetteer():
    x = extract("梁平区代表团一行先后来到河北省磁县和泗阳县学习考察。")
    assert ("河北省", "邯郸市", "磁县") in labels(x.places)
    assert ("江苏省", "宿迁市", "泗阳县") in labels(x.places)


def test_places_come_in_the_order_visited_and_a_province_gives_way_to_its_cities():
    x = extract(
        "梁平区考察团先后辗转浙江省的杭州、安吉、义乌、诸暨、宁波等地，共进行了15次现场教学。"
    )
    assert labels(x.places) == [
        ("浙江省", "杭州市", None),
        ("浙江省", "湖州市", "安吉县"),
        ("浙江省", "金华市", "义乌市"),
        ("浙江省", "绍兴市", "诸暨市"),
        ("浙江省", "宁波市", None),
    ]


def test_a_short_county_name_alone_inside_a_word_is_not_a_place():
    x = extract("三角镇打造市级新材料产业园、高平化工园区等高能级平台。")
    assert ("山西省", "晋城市", "高平市") not in labels(x.places)


def test_a_place_named_only_in_a_slogan_is_not_a_destination():
    x = extract("磁县代表团考察了嘉善县西塘镇。嘉善县坚持“接轨上海、融入长三角”不动摇。")
    assert labels(x.places) == [("浙江省", "嘉兴市", "嘉善县")]


# --- people ----------------------------------------------------------------------------------


def test_a_person_is_proposed_with_the_whole_post_before_the_name():
    x = extract("“要认真思考。”梁平区委组织部常务副部长钟贤波介绍，梁平将目光瞄向了浙江。")
    assert [(p.name, p.title) for p in x.people] == [("钟贤波", "梁平区委组织部常务副部长")]
    assert x.people[0].organization == "梁平区委组织部"


def test_two_posts_joined_by_a_comma_of_enumeration_are_one_title():
    x = extract("2月21日，安吉县委党校校委委员、余村原党支部书记潘文革现场授课。")
    assert [(p.name, p.title) for p in x.people] == [
        ("潘文革", "安吉县委党校校委委员、余村原党支部书记")
    ]


def test_a_two_character_name_ends_where_a_word_begins():
    x = extract(
        "三角镇党委书记李宗介绍，三角镇坚持守正创新。梁平区发展改革委主任杨颂说道，要学习。"
    )
    assert [p.name for p in x.people] == ["李宗", "杨颂"]


def test_a_byline_names_its_author_and_a_reporter_is_not_a_person_of_the_trip():
    x = extract("考察报告\n中共磁县县委书记 赵建华\n同志们：\n（磁县融媒体中心 记者 杨雪）")
    assert [(p.name, p.title) for p in x.people] == [("赵建华", "中共磁县县委书记")]


# --- quotes ----------------------------------------------------------------------------------


def test_a_quote_takes_the_speaker_named_after_it():
    x = extract(
        "“园区就是主战场，项目就是生命线。”泗阳县委副书记、县长刘永红说，项目从签约到开工只用45天。"
    )
    quote = x.quotes[0]
    assert quote.text == "园区就是主战场，项目就是生命线。"
    assert (quote.speaker_name, quote.speaker_title) == ("刘永红", "泗阳县委副书记、县长")


def test_a_quote_takes_the_speaker_named_after_a_clause_of_circumstance():
    x = extract(
        "“一样的乡村，不一样的感受！”在“两山论”诞生地安吉余村，梁平区文化旅游委主任张涌感叹道。"
    )
    assert x.quotes[0].speaker_name == "张涌"


def test_a_quote_takes_the_speaker_who_introduces_it_with_a_colon():
    x = extract(
        "商会会长罗海军说：「家乡的发展我们一直牵挂着，只要家乡需要，我们一定当好联络员。」"
    )
    assert x.quotes[0].speaker_name == "罗海军"
    assert x.quotes[0].text.startswith("家乡的发展")


def test_he_after_a_quote_is_the_person_last_named():
    x = extract(
        "区委组织部副部长林晓东出席开班式。“中青年干部要把井冈山精神作为一面镜子。”他要求学员珍惜机会。"
    )
    assert x.quotes[0].speaker_name == "林晓东"


def test_quoted_terms_and_slogans_are_not_quotes():
    x = extract(
        "三角镇锚定“321·123”奋斗目标，深化“放管服”改革，“三角人，行！必有我师。”的标语令人印象深刻。"
        "南区街道锚定“小而精、小而优、小而强”工作目标。"
    )
    assert x.quotes == []


def test_an_unattributed_saying_with_its_own_punctuation_is_a_quote_without_speaker():
    x = extract(
        "“最好的营商环境就是政府说到做到！”2月28日下午，南区街道党工委书记吴翘楚率领班子前往三角镇。"
    )
    assert [(q.text, q.speaker_name) for q in x.quotes] == [
        ("最好的营商环境就是政府说到做到！", None)
    ]


# --- takeaways -------------------------------------------------------------------------------


def test_items_under_a_gap_heading_are_gaps():
    x = extract(
        "二、比出了什么：我们的差距和不足\n"
        "对照浙江，一是思想观念上有差距，缺乏敢闯敢试的劲头。二是产业层次上有差距，新兴产业规模小。"
    )
    assert [t.kind for t in x.takeaways] == ["gap", "gap"]
    assert x.takeaways[0].text.startswith("思想观念上有差距")


def test_numbered_paragraphs_under_an_experience_heading_are_lessons():
    x = extract(
        "一、看到了什么：浙江的发展经验\n（一）坚持规划引领，一张蓝图绘到底。嘉善十多年坚持不动摇。\n"
        "（二）坚持产业为本，做强实体经济。桐乡紧紧围绕三大主导产业。"
    )
    assert [t.kind for t in x.takeaways] == ["lesson", "lesson"]
    assert "一张蓝图绘到底" in x.takeaways[0].text
    assert x.takeaways[0].tags


def test_a_colon_list_of_experiences_gives_one_lesson_per_part():
    x = extract(
        "李凯航补充说，这些年成绩的取得有三方面经验：定位要高，凝聚了信心；工作要实，用脚步丈量项目；"
        "谋划要远，政府要和企业站在一起谋划发展愿景。"
    )
    assert [t.text[:5] for t in x.takeaways] == ["定位要高，", "工作要实，", "谋划要远，"]


def test_first_then_next_paragraphs_are_items():
    x = extract(
        "一、主要收获\n首先，深刻感受到了南山的服务理念。南山区建立了企业服务专员制度。\n"
        "其次，深刻感受到了南山以创新驱动发展的战略定力。"
    )
    assert len(x.takeaways) == 2 and "服务理念" in x.takeaways[0].text


def test_a_sentence_that_says_what_is_lacking_is_a_gap():
    x = extract(
        "梁平旅游资源富集，但也存在创新意识不强、市场意识不强等短板和不足，亟需通过学习来充电。"
    )
    assert [t.kind for t in x.takeaways] == ["gap"]
    assert "创新意识不强" in x.takeaways[0].text


def test_a_sentence_that_speaks_of_inspiration_is_an_insight_and_its_colon_is_read_on():
    x = extract(
        "学员梁慧敏表示，神山村的蜕变给了她很大启示：乡村振兴必须把党建引领和产业发展结合起来。"
    )
    assert x.takeaways[0].kind == "insight"
    assert "党建引领和产业发展结合起来" in x.takeaways[0].text


def test_a_host_that_practises_something_gives_a_lesson():
    x = extract(
        "南区街道党政班子成员到三角镇学习。三角镇党委书记李宗介绍，近年来，三角镇坚持高质量党建引领"
        "高质量发展，最根本的方法是坚持守正创新。"
    )
    assert [t.kind for t in x.takeaways] == ["lesson"]
    assert "守正创新" in x.takeaways[0].text


# --- commitments -----------------------------------------------------------------------------


def test_the_items_of_a_next_steps_section_are_actions():
    x = extract(
        "三、下一步工作打算\n1.推动建立企业服务专员制度。借鉴南山做法，推行干部联系企业制度。\n"
        "2.加快培育科技型企业。建立科技型企业培育库。"
    )
    assert [a.title for a in x.actions] == ["推动建立企业服务专员制度。", "加快培育科技型企业。"]
    assert x.takeaways == []


def test_an_enumeration_of_musts_is_a_list_of_actions():
    x = extract(
        "吴翘楚总结说，一要学习三角提振干事创业的精气神，推动南区高质量发展。二要学习三角理顺高质量发展的"
        "思维方法。三是学习三角谋合作，联手打造产业平台。"
    )
    assert len(x.actions) == 3
    assert x.actions[2].title.startswith("学习三角谋合作")


def test_what_the_home_side_will_do_is_an_action_and_each_part_after_a_speaker_too():
    x = extract(
        "于都县委副书记、县长黄志明在总结交流时指出，要学习晋江敢为天下先的创业精神；"
        "要加快建设纺织服装产业数字化服务平台；要加强与晋江、石狮的产业协作。"
    )
    assert [a.title[:6] for a in x.actions] == ["要学习晋江敢", "要加快建设纺", "要加强与晋江"]


def test_will_as_a_marker_of_the_object_is_no_promise():
    x = extract(
        "如何让领导干部在思想上有新提高，梁平区将目光瞄向了浙江。这是梁平区需要思考的问题。"
    )
    assert x.actions == []


def test_what_a_host_should_do_is_not_the_delegations_commitment():
    x = extract(
        "南区街道党政班子成员到三角镇学习。三角镇要和企业站在一起谋划发展愿景，三角镇将继续深化改革。"
    )
    assert x.actions == []


# --- questions and figures -------------------------------------------------------------------


def test_quoted_questions_of_a_question_list_are_questions_not_quotes():
    x = extract(
        "“三角镇规上工业企业数量连续多年保持高速增长，如何做到？”“如何处理全面走和重点走的关系？”……"
        "出发前，南区街道列出学习问题清单。"
    )
    assert [q.text[:5] for q in x.questions] == ["三角镇规上", "如何处理全"]
    assert x.quotes == []


def test_question_and_answer_lines_of_minutes_pair_up():
    x = extract("问：寿光如何解决蔬菜“卖难”问题？\n答：王振东介绍，关键是建市场、育主体、拓渠道。")
    assert x.questions[0].text == "寿光如何解决蔬菜“卖难”问题？"
    assert x.questions[0].answer.startswith("王振东介绍")


def test_a_figure_with_its_rank_in_the_same_sentence_as_its_note():
    x = extract(
        "南区街道党政班子成员到三角镇学习。2023年，三角镇GDP增速在全市名列前茅，其中GDP增长9.2%，"
        "增速排名全市第三。"
    )
    figure = x.indicators[0]
    assert (figure.name, figure.value, figure.unit) == ("GDP增长", Decimal("9.2"), "%")
    assert figure.note == "增速排名全市第三"
    assert figure.benchmark == "三角镇"


def test_targets_and_the_delegations_own_numbers_are_not_benchmarks():
    x = extract("县委书记王立新率代表团一行30人，力争年内新签约亿元以上项目不少于20个。")
    assert x.indicators == []


# --- site visits -----------------------------------------------------------------------------


def test_a_list_of_sites_after_a_visiting_verb_gives_one_visit_each_with_its_place():
    x = extract(
        "3月13日，代表团先后实地考察了乌镇互联网国际会展中心、桐乡市濮院时尚古镇和德清县地理信息小镇等12个点位。"
    )
    assert [v.name for v in x.site_visits] == [
        "乌镇互联网国际会展中心",
        "桐乡市濮院时尚古镇",
        "德清县地理信息小镇",
    ]
    assert (x.site_visits[2].city, x.site_visits[2].district) == ("湖州市", "德清县")


def test_a_site_where_the_delegation_studies_is_a_visit_and_a_county_is_not():
    x = extract("2月21日，学员在“美丽安吉·绿色发展”展示馆学习考察。学员赴浙江省湖州市安吉县考察。")
    assert [(v.name, v.kind) for v in x.site_visits] == [
        ("“美丽安吉·绿色发展”展示馆", "exhibition")
    ]


def test_a_lecture_takes_its_topic_and_lecturer():
    x = extract(
        "开班式后，中国井冈山干部学院教授张红梅作了题为《井冈山斗争与井冈山精神》的专题报告。"
    )
    lecture = next(v for v in x.site_visits if v.kind == "lecture")
    assert (lecture.topic, lecture.presenter) == ("井冈山斗争与井冈山精神", "张红梅")


def test_a_host_who_presents_after_the_visit_is_its_presenter():
    x = extract(
        "6月8日，代表团来到沭阳县新河镇花木产业园。新河镇党委书记周建军介绍了花木电商的发展路径。"
    )
    visit = x.site_visits[0]
    assert (visit.name, visit.presenter, visit.presenter_title) == (
        "沭阳县新河镇花木产业园",
        "周建军",
        "新河镇党委书记",
    )


def test_the_opening_ceremony_is_a_visit_hosted_where_it_was_held():
    x = extract(
        "2月19日，梁平区2023年区管正职领导干部专题培训班开班式在浙江省委党校举行。\n2023年2月24日"
    )
    visit = x.site_visits[0]
    assert (visit.name, visit.kind, visit.host_organization) == (
        "开班式",
        "ceremony",
        "浙江省委党校",
    )
    assert visit.date == date(2023, 2, 19)


# --- traditional characters, offsets, speed of loading ---------------------------------------


def test_a_write_up_in_traditional_characters_is_read_as_simplified():
    x = extract(
        "「晉江的企業家有一股闖勁。」晉江市委常委、統戰部部長許文彬說。考察團參觀了晉江經驗館。"
    )
    assert x.traditional
    assert x.quotes[0].text == "晋江的企业家有一股闯劲。"
    assert x.people[0].name == "许文彬"
    assert x.site_visits[0].name == "晋江经验馆"


def test_every_proposal_points_at_its_sentence_in_the_original_text():
    original = "前言。\n「晉江的企業家有一股闖勁，令人難忘。」晉江市委常委許文彬說。"
    x = extract(original)
    source = x.quotes[0].source
    assert original[source.start : source.end].startswith("「晉江的企業家")
    assert source.text.startswith("「晋江的企业家")


# --- reading files ---------------------------------------------------------------------------


def test_a_docx_is_read_paragraphs_and_table_rows_in_order():
    document = WordDocument()
    document.add_paragraph("宝塔区赴福建宁德学习考察报告")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate(
        [
            ("日期", "考察点", "介绍人"),
            ("7月3日", "宁德时代新能源科技股份有限公司", "公司副总裁 陈明"),
        ]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("一、主要做法和经验")
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_docx(io.BytesIO(buffer.getvalue()))
    assert text.split("\n") == [
        "宝塔区赴福建宁德学习考察报告",
        "日期\t考察点\t介绍人",
        "7月3日\t宁德时代新能源科技股份有限公司\t公司副总裁 陈明",
        "一、主要做法和经验",
    ]


def test_an_itinerary_table_row_gives_a_visit_with_its_presenter():
    x = extract(
        "宝塔区赴福建宁德学习考察报告\n日期\t时间\t考察点\t内容\t介绍人\n"
        "2024年7月3日\t上午\t宁德时代新能源科技股份有限公司\t参观展厅\t公司副总裁 陈明"
    )
    visit = x.site_visits[0]
    assert (visit.name, visit.presenter) == ("宁德时代新能源科技股份有限公司", "陈明")
    assert ("陈明", "公司副总裁") in [(p.name, p.title) for p in x.people]


def test_a_benchmark_table_gives_both_sides_figures():
    x = extract("指标\t蕉城区\t宝塔区\n地区生产总值（亿元）\t1150\t520")
    figure = x.indicators[0]
    assert (figure.name, figure.value, figure.home_value, figure.unit) == (
        "地区生产总值",
        Decimal("1150"),
        Decimal("520"),
        "亿元",
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_text_file_is_read_in_utf8_or_gbk(encoding):
    upload = io.BytesIO("南区街道党政班子成员到三角镇学习".encode(encoding))
    assert read_file(upload, "纪要.txt") == "南区街道党政班子成员到三角镇学习"


def test_a_file_that_is_not_a_write_up_is_refused_with_a_chinese_message():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        read_file(io.BytesIO(b"%PDF-1.7"), "报告.docx")
    assert refused.value.messages == ["这不是 Word（.docx）文件。"]
    with pytest.raises(ValidationError):
        read_file(io.BytesIO(b"x"), "照片.jpg")


# --- matching to existing records ------------------------------------------------------------


@pytest.mark.django_db
def test_proposed_people_and_units_are_matched_to_existing_records_by_name():
    unit = factories.OrganizationFactory(name="中共梁平区委组织部")
    person = factories.ParticipantFactory(name="钟贤波", organization=unit)
    for unit_name in ("梁平区教育委员会", "梁平区卫生健康委员会"):
        factories.ParticipantFactory(
            name="张涌", organization=factories.OrganizationFactory(name=unit_name)
        )
    x = extract(
        "“学习。”梁平区委组织部常务副部长钟贤波介绍。“一样的乡村！”梁平区文化旅游委主任张涌感叹道。"
    )
    from people.models import Organization, Participant

    people = match_people(x.people, Participant.objects.select_related("organization"))
    assert people == {"钟贤波": person, "张涌": None}  # two of that name: staff choose
    units = match_organizations(["梁平区委组织部"], Organization.objects.all())
    assert units == {"梁平区委组织部": unit}
