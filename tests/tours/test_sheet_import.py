"""Importing a roster, an itinerary and action items: all or nothing, and idempotent."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from people.models import Organization, Participant
from tests import factories
from tests.tours.sheet_files import (
    ACTIONS_HEADER,
    ITINERARY_HEADER,
    ROSTER_HEADER,
    csv_bytes,
    xlsx,
)
from tours.models import ActionItem, SiteVisit, TripMember
from tours.services import import_sheet, preview_sheet
from tours.sheets import read_sheet

pytestmark = pytest.mark.django_db

ROSTER = [
    ROSTER_HEADER,
    ["周建国", "男", "梁平区委组织部", "部长", "团长", "13912345678", "素食"],
    ["刘芳", "女", "梁平区农业农村委", "副主任", "团员", "13900000002", ""],
    ["马超", "男", "梁平区委组织部", "干部科科长", "联络员", "", ""],
]
ITINERARY = [
    ITINERARY_HEADER,
    ["2024/2/26", "9:00", "10:30", "三角镇企业服务中心", "座谈交流", "三角镇人民政府",
     "李卫东（镇长）", "", "", "", "广东省中山市三角镇福源北路", "听取产业链招商介绍"],
    ["2024年2月27日", "", "", "美的集团全球创新中心", "企业", "美的集团", "", "",
     "", "", "佛山市顺德区北滘镇美的大道6号", ""],
]  # fmt: skip
ACTIONS = [
    ACTIONS_HEADER,
    ["建立“链长+链主”季度对接会制度", "梁平区招商投资促进中心", "陈晓红", "2024年6月30日",
     "正在办理", "30%", "每季度召开一次"],
    ["设立企业服务专员", "梁平区发展改革委", "", "2024-09-30", "未开始", "", ""],
]  # fmt: skip


@pytest.fixture
def trip():
    return factories.TripFactory(status="draft")  # 2024-02-26 to 2024-03-01


def table(rows, sheet, *, encoding=None):
    content = csv_bytes(rows, encoding=encoding) if encoding else xlsx(rows)
    return read_sheet(io.BytesIO(content), sheet)


def run(trip, rows, sheet="roster", *, user=None, **kwargs):
    return import_sheet(trip=trip, user=user, sheet=sheet, table=table(rows, sheet, **kwargs))


def errors_of(trip, rows, sheet):
    preview = preview_sheet(trip=trip, user=None, sheet=sheet, table=table(rows, sheet))
    return [str(error) for error in preview.errors]


def test_roster_creates_members_people_and_organizations(trip, editor):
    preview = run(trip, ROSTER, user=editor)
    assert preview.created == 3
    # The editor's own department is on record as 中共梁平区委组织部: the short form is it.
    assert {o.name for o in preview.new_organizations} == {"梁平区农业农村委"}
    assert [p.name for p in preview.new_people] == ["周建国", "刘芳", "马超"]
    members = list(trip.members.order_by("order").select_related("participant", "organization"))
    assert [(m.participant.name, m.role, m.title, m.organization.name) for m in members] == [
        ("周建国", "leader", "部长", "中共梁平区委组织部"),
        ("刘芳", "member", "副主任", "梁平区农业农村委"),
        ("马超", "liaison", "干部科科长", "中共梁平区委组织部"),
    ]
    assert [m.note for m in members] == ["素食", "", ""]
    zhou = Participant.objects.get(name="周建国")
    assert (zhou.phone, zhou.gender) == ("13912345678", "male")
    assert zhou.history.get().history_user == editor


def test_importing_the_same_roster_again_changes_nothing(trip):
    run(trip, ROSTER)
    counts = (Participant.objects.count(), Organization.objects.count(), TripMember.objects.count())
    history = TripMember.history.count()
    again = run(trip, ROSTER, encoding="gbk")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert again.new_people == [] and again.new_organizations == []
    assert counts == (Participant.objects.count(), Organization.objects.count(), 3)
    assert TripMember.history.count() == history


def test_people_already_known_are_matched_by_name_and_organization(trip):
    unit = factories.OrganizationFactory(name="梁平区委组织部")
    known = factories.ParticipantFactory(name="周建国", organization=unit, phone="13800000000")
    namesake = factories.ParticipantFactory(name="刘芳", organization__name="别的单位")
    preview = run(trip, ROSTER)
    assert known in [m.participant for m in trip.members.all()]
    assert namesake not in [m.participant for m in trip.members.all()]
    known.refresh_from_db()
    assert known.phone == "13800000000"  # a recorded phone is not overwritten
    assert [p.name for p in preview.new_people] == ["刘芳", "马超"]


def test_a_changed_role_updates_the_member(trip):
    run(trip, ROSTER)
    changed = [ROSTER[0], [*ROSTER[1][:4], "副团长", *ROSTER[1][5:]], *ROSTER[2:]]
    preview = run(trip, changed)
    assert (preview.created, preview.updated, preview.unchanged) == (0, 1, 2)
    assert trip.members.get(participant__name="周建国").role == "deputy"


def test_a_rosters_note_belongs_to_that_trips_membership_not_to_the_person(trip):
    person = factories.ParticipantFactory(
        name="周建国", organization__name="梁平区委组织部", note="组织部内部掌握的情况"
    )
    run(trip, ROSTER)  # 周建国's 备注: 素食
    later = factories.TripFactory(status="draft", title="赴浙江安吉学习考察")
    run(
        later, [ROSTER_HEADER, ["周建国", "男", "梁平区委组织部", "部长", "团长", "", "晚一天报到"]]
    )
    assert trip.members.get(participant=person).note == "素食"
    assert later.members.get(participant=person).note == "晚一天报到"
    person.refresh_from_db()
    assert person.note == "组织部内部掌握的情况"  # the person's own note, untouched


def test_a_partial_roster_keeps_the_order_and_puts_new_members_after_the_last(trip):
    members = [factories.TripMemberFactory(trip=trip, order=n) for n in range(1, 6)]
    third = members[2].participant
    rows = [
        ROSTER_HEADER,
        ["王强", "男", "梁平区委组织部", "科员", "团员", "", ""],
        [third.name, "", third.organization.name, third.title, "团员", "", ""],
        ["李娜", "女", "梁平区农业农村委", "科员", "团员", "", ""],
    ]
    run(trip, rows)
    orders = [(m.participant.name, m.order) for m in trip.members.select_related("participant")]
    assert orders == [
        *((m.participant.name, n) for n, m in enumerate(members, start=1)),
        ("王强", 6),
        ("李娜", 7),
    ]


def test_a_whole_roster_orders_the_delegation_by_its_rows(trip):
    run(trip, ROSTER)
    reordered = [
        ROSTER[0],
        ROSTER[3],
        ["新来的", "", "梁平区委组织部", "", "", "", ""],
        *ROSTER[1:3],
    ]
    run(trip, reordered)
    names = [m.participant.name for m in trip.members.order_by("order")]
    assert names == ["马超", "新来的", "周建国", "刘芳"]
    assert [m.order for m in trip.members.all()] == [1, 2, 3, 4]


def test_roster_problems_are_reported_by_row_and_column(trip):
    rows = [
        ROSTER_HEADER,
        ["", "男", "梁平区委组织部", "部长", "团长", "", ""],
        ["王强", "未知", "梁平区委组织部", "", "组员", "abc", ""],
        ["刘芳", "女", "梁平区农业农村委", "副主任", "团员", "", ""],
        ["刘芳", "女", "梁平区农业农村委", "副主任", "团员", "", ""],
    ]
    assert errors_of(trip, rows, "roster") == [
        "第2行“姓名”列：“姓名”不能为空。",
        "第3行“性别”列：“未知”不在可选范围内，可选：男、女。",
        "第3行“团内角色”列：“组员”不在可选范围内，可选：团长、副团长、团员、联络员、工作人员、班主任、学员。",
        "第3行“手机”列：“abc”不是有效的电话号码：请填写11位手机号码（如13912345678）"
        "或带区号的固定电话（如023-53221234）。",
        "第5行“姓名”列：与第4行重复。",
    ]


def test_a_seven_digit_number_on_the_roster_is_refused_on_its_cell(trip):
    rows = [ROSTER_HEADER, ["王强", "男", "梁平区委组织部", "科员", "团员", "5322123", ""]]
    assert errors_of(trip, rows, "roster") == [
        "第2行“手机”列：“5322123”不是有效的电话号码：请填写11位手机号码（如13912345678）"
        "或带区号的固定电话（如023-53221234）。"
    ]


def test_a_mobile_written_in_groups_is_kept_as_its_eleven_digits(trip):
    rows = [ROSTER_HEADER, ["王强", "男", "梁平区委组织部", "科员", "团员", "139 1234 5678", ""]]
    run(trip, rows)
    assert Participant.objects.get(name="王强").phone == "13912345678"


def test_nothing_is_saved_when_any_row_has_a_problem(trip):
    rows = [*ROSTER, ["王强", "男", "新单位", "", "组员", "", ""]]
    with pytest.raises(ValidationError) as refused:
        run(trip, rows)
    assert "第5行“团内角色”列" in refused.value.messages[0]
    assert not TripMember.objects.exists()
    assert not Participant.objects.exists()
    assert not Organization.objects.exclude(pk=trip.organizer_id).exists()


def test_columns_are_found_in_any_order_and_by_common_names(trip):
    rows = [
        ["手机号码", "团内职务", "工作单位", "姓名"],
        ["13900000009", "领队", "梁平区委组织部", "周建国"],
    ]
    run(trip, rows)
    member = trip.members.get()
    assert (member.participant.name, member.role, member.participant.phone) == (
        "周建国",
        "leader",
        "13900000009",
    )


def test_a_missing_required_column_is_reported_on_the_header_row(trip):
    assert errors_of(trip, [["性别", "单位"], ["男", "梁平区"]], "roster") == [
        "第1行“姓名”列：表格缺少“姓名”列。"
    ]


def test_a_unit_written_in_short_is_taken_as_the_one_on_record_with_a_warning(trip):
    on_record = factories.OrganizationFactory(name="梁平区发展和改革委员会")
    rows = [ROSTER_HEADER, ["张明", "男", "梁平区发展改革委", "主任", "团员", "", ""]]
    preview = preview_sheet(trip=trip, user=None, sheet="roster", table=table(rows, "roster"))
    assert preview.new_organizations == []
    assert [str(w) for w in preview.warnings] == [
        "第2行“单位”列：“梁平区发展改革委”按已有单位“梁平区发展和改革委员会”处理。"
        "如果是另一个单位，请先以全称添加该单位。"
    ]
    assert preview.is_valid
    run(trip, rows)
    assert trip.members.get().organization == on_record
    assert not Organization.objects.filter(name="梁平区发展改革委").exists()


def test_two_ways_of_writing_one_new_unit_make_one_unit(trip):
    rows = [
        ROSTER_HEADER,
        ["张明", "男", "梁平区商务委员会", "主任", "团员", "", ""],
        ["李娟", "女", "梁平区商务委", "科长", "团员", "", ""],
    ]
    run(trip, rows)
    assert list(
        Organization.objects.filter(name__contains="商务").values_list("name", flat=True)
    ) == ["梁平区商务委员会"]


def test_a_name_written_with_a_space_is_the_person_on_record(trip):
    unit = factories.OrganizationFactory(name="梁平区农业农村委员会")
    person = factories.ParticipantFactory(name="黄伟明", organization=unit, title="副主任")
    rows = [ROSTER_HEADER, ["黄 伟明", "男", "梁平区农业农村委员会", "副主任", "团员", "", ""]]
    preview = preview_sheet(trip=trip, user=None, sheet="roster", table=table(rows, "roster"))
    assert preview.new_people == []
    assert "“黄 伟明”按已有人员黄伟明（梁平区农业农村委员会 副主任）处理。" in str(
        preview.warnings[0]
    )
    run(trip, rows)
    assert trip.members.get().participant == person


def test_look_alike_units_are_not_merged(trip):
    factories.OrganizationFactory(name="双福街道办事处")
    rows = [ROSTER_HEADER, ["张明", "男", "双桂街道办事处", "主任", "团员", "", ""]]
    preview = preview_sheet(trip=trip, user=None, sheet="roster", table=table(rows, "roster"))
    assert [o.name for o in preview.new_organizations] == ["双桂街道办事处"]
    assert preview.warnings == []


def test_itinerary_creates_visits_with_places_hosts_and_presenters(trip):
    preview = run(trip, ITINERARY, "itinerary")
    assert preview.created == 2
    first, second = trip.site_visits.order_by("date")
    assert (first.date, first.start_time, first.end_time) == (
        datetime.date(2024, 2, 26),
        datetime.time(9),
        datetime.time(10, 30),
    )
    assert (first.kind, first.host_organization.name) == ("meeting", "三角镇人民政府")
    assert (first.presenter.name, first.presenter.title) == ("李卫东", "镇长")
    assert (first.province, first.city, first.district) == ("广东省", "中山市", "")
    assert (second.province, second.city, second.district) == ("广东省", "佛山市", "顺德区")
    assert (second.start_time, second.kind) == (None, "enterprise")


def test_importing_the_same_itinerary_again_changes_nothing(trip):
    run(trip, ITINERARY, "itinerary")
    again = run(trip, ITINERARY, "itinerary", encoding="gbk")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert SiteVisit.objects.count() == 2


def test_itinerary_problems_are_reported_by_row_and_column(trip):
    rows = [
        ITINERARY_HEADER,
        ["2024/2/30", "", "", "三角镇", "座谈交流", "", "", "", "", "", "", ""],
        ["2024-03-05", "", "", "美的集团", "企业", "", "", "", "", "", "", ""],
        ["2024-02-27", "10:00", "09:00", "赤坎村", "参观", "", "", "", "", "", "", ""],
        ["2024-02-28", "", "", "", "企业", "", "", "", "", "", "", ""],
        ["2024-02-28", "", "", "华阳湿地", "其他", "", "", "", "", "", "", ""],
        ["2024/2/28", "", "", "华阳湿地", "其他", "", "", "", "", "", "", ""],
    ]
    assert errors_of(trip, rows, "itinerary") == [
        "第2行“日期”列：日期“2024/2/30”不存在。",
        "第3行“日期”列：2024年3月5日不在考察期间（2024年2月26日至2024年3月1日）内。",
        "第4行“结束时间”列：结束时间不能早于开始时间。",
        "第4行“类型”列：“参观”不在可选范围内，可选：企业、村/社区、园区、基地、展馆、"
        "专题授课、现场教学、座谈交流、招商推介、其他、研讨交流、开班/结业仪式、总结会/汇报会。",
        "第5行“考察点”列：“考察点”不能为空。",
        "第7行“考察点”列：与第6行重复。",
    ]


def test_a_time_column_with_half_days_keeps_the_rows_order(trip):
    rows = [
        ["日期", "时间", "考察点"],
        ["2月27日", "上午", "集合出发"],
        ["2月27日", "下午 14:00-15:30", "三角镇企业服务中心"],
    ]
    run(trip, rows, "itinerary")
    visits = list(trip.site_visits.all())
    assert [(v.name, v.order, v.start_time) for v in visits] == [
        ("集合出发", 1, None),
        ("三角镇企业服务中心", 2, datetime.time(14)),
    ]


def test_actions_are_created_with_owners_deadlines_and_status_synonyms(trip, editor):
    preview = run(trip, ACTIONS, "actions", user=editor)
    assert preview.created == 2
    first, second = trip.action_items.order_by("due_date")
    assert (first.status, first.progress, first.owner.name) == ("in_progress", 30, "陈晓红")
    assert first.owner.organization.name == "梁平区招商投资促进中心"
    assert (first.due_date, first.description) == (datetime.date(2024, 6, 30), "每季度召开一次")
    assert (second.status, second.progress, second.owner) == ("not_started", 0, None)
    assert first.created_by == editor


def test_importing_the_same_actions_again_keeps_progress_posted_since(trip):
    run(trip, ACTIONS, "actions")
    action = ActionItem.objects.get(progress=30)
    action.progress = 60
    action.save()
    without_progress = [ACTIONS[0], [*ACTIONS[1][:4], "", "", ACTIONS[1][6]]]
    again = run(trip, without_progress, "actions")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    action.refresh_from_db()
    assert (action.progress, action.status) == (60, "in_progress")


def test_a_sheet_cannot_finish_close_or_cancel_an_item(trip):
    rows = [
        ACTIONS_HEADER,
        ["建立制度", "梁平区发展改革委", "", "", "已完成", "100", ""],
        ["设立专员", "梁平区发展改革委", "", "", "已销号", "", ""],
        ["召开推介会", "梁平区发展改革委", "", "", "已取消", "", ""],
        ["编制图谱", "梁平区发展改革委", "", "", "推进中", "40", ""],
    ]
    with pytest.raises(ValidationError) as refused:
        run(trip, rows, "actions")
    rule = (
        "不能通过表格导入：表格只能登记状态为未启动、推进中的事项，"
        "办结、销号和取消须在督办流程中办理。"
    )
    assert refused.value.messages == [
        f"第2行“状态”列：“已完成”{rule}",
        "第2行“进度”列：表格不能登记 100% 的进度：事项由责任单位报送进展后办结。",
        f"第3行“状态”列：“已销号”{rule}",
        f"第4行“状态”列：“已取消”{rule}",
    ]
    assert not ActionItem.objects.exists()  # nothing of a bad sheet is imported


def test_importing_the_actions_again_never_changes_an_items_status_or_progress(trip):
    run(trip, ACTIONS, "actions")
    action = ActionItem.objects.get(progress=30)
    ActionItem.objects.filter(pk=action.pk).update(status="done", progress=100)
    changed = [ACTIONS[0], [*ACTIONS[1][:4], "未启动", "10", ACTIONS[1][6]], ACTIONS[2]]
    again = run(trip, changed, "actions")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    action.refresh_from_db()
    assert (action.status, action.progress, action.closed_at) == ("done", 100, None)


def test_action_problems_are_reported_by_row_and_column(trip):
    rows = [
        ACTIONS_HEADER,
        ["建立制度", "", "", "2024-13-01", "搁置", "150", ""],
    ]
    assert errors_of(trip, rows, "actions") == [
        "第2行“责任单位”列：“责任单位”不能为空。",
        "第2行“完成时限”列：日期“2024-13-01”不存在。",
        "第2行“状态”列：“搁置”不在可选范围内，可选：未启动、推进中。",
        "第2行“进度”列：完成进度须在 0 到 100 之间。",
    ]


def test_a_value_too_long_for_its_field_is_reported_on_its_column(trip):
    rows = [ROSTER_HEADER, ["名" * 51, "", "", "", "", "", ""]]
    (error,) = errors_of(trip, rows, "roster")
    assert error.startswith("第2行“姓名”列：")


def test_only_staff_who_may_add_the_rows_may_import(trip, leader, outsider):
    for user in (leader, outsider):
        with pytest.raises(PermissionDenied):
            run(trip, ROSTER, user=user)


def test_an_archived_trip_takes_no_import(trip):
    trip.status = "archived"
    trip.save()
    with pytest.raises(ValidationError, match="已归档"):
        run(trip, ROSTER)


def test_the_command_imports_a_file_and_checks_it_with_dry_run(trip, tmp_path, capsys):
    path = tmp_path / "行程.csv"
    path.write_bytes(csv_bytes(ITINERARY, encoding="gbk"))
    call_command("import_sheet", str(path), trip=trip.pk, sheet="itinerary", dry_run=True)
    assert not SiteVisit.objects.exists()
    assert "2 new" in capsys.readouterr().out
    call_command("import_sheet", str(path), "--trip", str(trip.pk), "--sheet", "itinerary")
    assert SiteVisit.objects.count() == 2


def test_the_command_refuses_a_sheet_with_errors(trip, tmp_path, capsys):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(xlsx([ROSTER_HEADER, ["", "男", "", "", "", "", ""]]))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_sheet", str(path), trip=trip.pk, sheet="roster")
    assert "第2行“姓名”列" in capsys.readouterr().err


def test_an_itinerary_may_hold_a_summary_meeting_after_the_trip(trip):
    rows = [
        ITINERARY_HEADER,
        [
            "2024-03-20",
            "15:00",
            "",
            "考察学习总结汇报会",
            "总结会/汇报会",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        ["2024-03-20", "09:00", "", "回访座谈", "座谈交流", "", "", "", "", "", "", ""],
    ]
    errors = errors_of(trip, rows, "itinerary")
    assert len(errors) == 1 and errors[0].startswith("第3行“日期”列")
    run(trip, rows[:2], "itinerary")
    assert trip.site_visits.get().kind == SiteVisit.Kind.SUMMARY_MEETING
