"""The shapes a trip takes besides a study tour: campaigns of several delegations, training
classes, placements (跟班学习), signed projects (招商), summary meetings and documents."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from docx import Document

from tests import factories, files
from tests.tours.test_report_docx import all_text
from tours import services
from tours.insights import build_insights
from tours.models import (
    Attachment,
    Campaign,
    Placement,
    SignedProject,
    SiteVisit,
    Trip,
    TripMember,
)
from tours.wording import gap_text

pytestmark = pytest.mark.django_db

START = factories.TRIP_START  # a five-day trip, 26 Feb to 1 Mar 2024
END = START + datetime.timedelta(days=4)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def placement(trip=None, **kwargs):
    trip = trip or factories.TripFactory(kind=Trip.Kind.EMBEDDED)
    member = kwargs.pop("member", None) or factories.TripMemberFactory(trip=trip)
    values = {
        "host_organization": factories.OrganizationFactory(name="深圳市龙岗区坂田街道办事处"),
        "role": "在党群服务中心跟班，参与网格事件处置",
        "start_date": trip.start_date,
        "end_date": trip.end_date,
        **kwargs,
    }
    return Placement.objects.create(trip=trip, member=member, **values)


def signed_docx() -> SimpleUploadedFile:
    document = Document()
    document.add_paragraph("同志们：今天召开跟班学习总结汇报会。")
    document.core_properties.author = "张三"
    document.core_properties.last_modified_by = "李四"
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile("讲话稿.docx", buffer.getvalue())


def attachment(trip, **kwargs):
    values = {"title": "在总结汇报会上的讲话", "kind": Attachment.Kind.SPEECH, **kwargs}
    values.setdefault("file", files.pdf("讲话.pdf"))
    return Attachment.objects.create(trip=trip, **values)


class TestValidation:
    def test_a_placement_cannot_end_before_it_starts(self):
        trip = factories.TripFactory(kind=Trip.Kind.EMBEDDED)
        row = Placement(
            trip=trip,
            member=factories.TripMemberFactory(trip=trip),
            host_organization=factories.OrganizationFactory(),
            start_date=END,
            end_date=START,
        )
        with pytest.raises(ValidationError) as raised:
            row.full_clean()
        assert "end_date" in raised.value.message_dict
        with (
            pytest.raises(IntegrityError, match="placement_end_date_not_before_start"),
            transaction.atomic(),
        ):
            row.save()

    def test_a_placement_lies_within_the_trip(self):
        trip = factories.TripFactory(kind=Trip.Kind.EMBEDDED)
        row = placement(trip)
        row.end_date = END + datetime.timedelta(days=1)
        with pytest.raises(ValidationError) as raised:
            row.full_clean()
        assert list(raised.value.message_dict) == ["end_date"]

    def test_a_placement_is_of_a_member_of_the_same_trip(self):
        trip = factories.TripFactory(kind=Trip.Kind.EMBEDDED)
        row = placement(trip)
        row.member = factories.TripMemberFactory()  # of another trip
        with pytest.raises(ValidationError) as raised:
            row.full_clean()
        assert "member" in raised.value.message_dict

    def test_a_signed_amount_cannot_be_negative(self):
        row = SignedProject(trip=factories.TripFactory(), name="锂电池配套项目", amount=-1)
        with pytest.raises(ValidationError) as raised:
            row.full_clean()
        assert "amount" in raised.value.message_dict
        with (
            pytest.raises(IntegrityError, match="signedproject_amount_not_negative"),
            transaction.atomic(),
        ):
            row.save()

    def test_a_campaign_year_is_a_plausible_one(self):
        with pytest.raises(IntegrityError, match="campaign_year_plausible"), transaction.atomic():
            Campaign.objects.create(title="学习活动", year=1024)

    def test_a_summary_meeting_may_be_held_weeks_after_the_trip(self):
        trip = factories.TripFactory()
        meeting = SiteVisit(
            trip=trip,
            name="考察学习总结汇报会",
            kind=SiteVisit.Kind.SUMMARY_MEETING,
            date=END + datetime.timedelta(days=60),
        )
        meeting.full_clean()
        meeting.date = END + datetime.timedelta(days=61)
        with pytest.raises(ValidationError) as raised:
            meeting.full_clean()
        assert "60" in raised.value.message_dict["date"][0]

    def test_the_window_for_a_summary_meeting_is_a_setting(self, settings):
        settings.SUMMARY_MEETING_WINDOW_DAYS = 10
        trip = factories.TripFactory()
        meeting = SiteVisit(
            trip=trip,
            name="总结会",
            kind=SiteVisit.Kind.SUMMARY_MEETING,
            date=END + datetime.timedelta(days=11),
        )
        with pytest.raises(ValidationError):
            meeting.full_clean()

    def test_any_other_visit_still_lies_within_the_trip(self):
        visit = SiteVisit(
            trip=factories.TripFactory(),
            name="座谈会",
            kind=SiteVisit.Kind.DISCUSSION,
            date=END + datetime.timedelta(days=1),
        )
        with pytest.raises(ValidationError):
            visit.full_clean()

    def test_shortening_a_trip_keeps_its_later_summary_meeting(self):
        trip = factories.TripFactory()
        factories.SiteVisitFactory(
            trip=trip, kind=SiteVisit.Kind.SUMMARY_MEETING, date=END + datetime.timedelta(days=20)
        )
        trip.end_date = END - datetime.timedelta(days=1)
        trip.full_clean()

    def test_the_presenter_keeps_the_post_held_at_the_time(self):
        lecturer = factories.ParticipantFactory(name="郑立群", title="哲学教研部副教授")
        visit = factories.SiteVisitFactory(kind=SiteVisit.Kind.LECTURE, presenter=lecturer)
        lecturer.title = "哲学教研部主任"
        lecturer.save()
        visit.refresh_from_db()
        assert visit.presenter_title == "哲学教研部副教授"

    def test_the_new_parts_keep_their_history(self):
        row = placement()
        row.role = "在审批服务科跟班"
        row.save()
        assert row.history.count() == 2
        campaign = Campaign.objects.create(title="乡镇党委书记赴浙江学习活动", year=2024)
        assert campaign.history.count() == 1


class TestAttachments:
    def test_a_file_is_judged_by_its_content(self):
        row = Attachment(trip=factories.TripFactory(), title="讲话", file=files.exe_named_pdf())
        with pytest.raises(ValidationError) as raised:
            row.full_clean()
        assert "file" in raised.value.message_dict

    def test_a_file_too_large_is_refused(self):
        row = Attachment(trip=factories.TripFactory(), title="讲话", file=files.oversized_pdf())
        with pytest.raises(ValidationError):
            row.full_clean()

    def test_it_is_stored_under_a_random_name_without_its_author(self, settings):
        row = attachment(factories.TripFactory(), file=signed_docx())
        assert row.file.name.startswith("attachments/") and row.file.name.endswith(".docx")
        assert "讲话稿" not in row.file.name
        assert (settings.PRIVATE_MEDIA_ROOT / row.file.name).exists()
        with zipfile.ZipFile(row.file.open("rb")) as archive:
            core = archive.read("docProps/core.xml").decode()
        assert "张三" not in core and "李四" not in core

    def test_a_new_one_is_internal_until_someone_decides_otherwise(self):
        assert attachment(factories.TripFactory()).is_public is False


class TestPublishing:
    def submitted(self, **kwargs):
        return factories.TripFactory(status=Trip.Status.SUBMITTED, **kwargs)

    def test_a_training_class_led_by_its_head_teacher_is_published(self, leader):
        trip = self.submitted(kind=Trip.Kind.TRAINING)
        factories.SiteVisitFactory(trip=trip, kind=SiteVisit.Kind.LECTURE)
        factories.TripMemberFactory(trip=trip, role=TripMember.Role.HEAD_TEACHER)
        assert services.publish_trip(trip=trip, user=leader).status == Trip.Status.PUBLISHED

    def test_a_training_class_with_neither_head_teacher_nor_leader_is_not(self, leader):
        trip = self.submitted(kind=Trip.Kind.TRAINING)
        factories.SiteVisitFactory(trip=trip)
        factories.TripMemberFactory(trip=trip, role=TripMember.Role.TRAINEE)
        with pytest.raises(ValidationError) as raised:
            services.publish_trip(trip=trip, user=leader)
        assert any("班主任" in message for message in raised.value.messages)

    def test_a_study_tour_still_needs_its_leader(self, leader):
        trip = self.submitted()
        factories.SiteVisitFactory(trip=trip)
        factories.TripMemberFactory(trip=trip, role=TripMember.Role.HEAD_TEACHER)
        with pytest.raises(ValidationError):
            services.publish_trip(trip=trip, user=leader)

    def test_an_embedded_trip_needs_a_placement(self, leader):
        trip = self.submitted(kind=Trip.Kind.EMBEDDED)
        factories.SiteVisitFactory(trip=trip)
        member = factories.TripMemberFactory(trip=trip, role=TripMember.Role.LEADER)
        with pytest.raises(ValidationError) as raised:
            services.publish_trip(trip=trip, user=leader)
        assert any("跟班" in message for message in raised.value.messages)
        placement(trip, member=member)
        assert services.publish_trip(trip=trip, user=leader).status == Trip.Status.PUBLISHED


@pytest.fixture
def campaign():
    return build_campaign()


def build_campaign():
    """A campaign of two public township delegations and one still in draft."""
    campaign = Campaign.objects.create(
        title="乡镇党委书记赴浙江学习“千万工程”经验活动", year=2024, summary="分三批赴湖州、嘉兴。"
    )
    trips = []
    for title, place, lesson, status in [
        ("礼让镇考察组赴安吉", "安吉县", "余村把闲置农房统一收储、统一招商。", "published"),
        ("屏锦镇考察组赴德清", "德清县", "五四村把县里已有的数据拉到村一级看。", "archived"),
        ("明达镇考察组赴桐乡", "桐乡市", "薄弱村以资金入股市级强村公司。", "draft"),
    ]:
        trip = factories.TripFactory(title=title, campaign=campaign, status=status)
        factories.TripMemberFactory(
            trip=trip,
            role=TripMember.Role.LEADER,
            participant=factories.ParticipantFactory(name=f"{title[:3]}带队人"),
        )
        visit = factories.SiteVisitFactory(
            trip=trip, name=f"{place}考察点", province="浙江省", city="湖州市", district=place
        )
        factories.TakeawayFactory(trip=trip, site_visit=visit, text=lesson)
        trips.append(trip)
    return campaign


class TestCampaignPage:
    def test_it_shows_the_public_delegations_side_by_side(self, client, campaign):
        html = page(client, campaign.get_absolute_url())
        assert "礼让镇考察组赴安吉" in html and "屏锦镇考察组赴德清" in html
        assert "礼让镇带队人" in html
        assert html.count('class="delegation"') == 2

    def test_it_lists_every_place_and_the_lessons_together(self, client, campaign):
        html = page(client, campaign.get_absolute_url())
        assert "安吉县考察点" in html and "德清县考察点" in html
        assert "余村把闲置农房统一收储" in html and "五四村把县里已有的数据" in html

    def test_one_map_shades_the_provinces_of_the_public_visits(self, client, campaign):
        response = client.get(campaign.get_absolute_url())
        assert 'data-chart="provinces"' in response.content.decode()
        assert response.context["map_data"] == {
            "provinces": [{"name": "浙江", "value": 2, "province": "浙江省"}]
        }

    def test_a_draft_delegation_stays_out(self, client, campaign):
        html = page(client, campaign.get_absolute_url())
        assert "明达镇考察组赴桐乡" not in html
        assert "桐乡市考察点" not in html and "薄弱村以资金入股" not in html

    def test_a_campaign_without_a_public_delegation_is_404(self, client):
        empty = Campaign.objects.create(title="尚未发布的活动", year=2024)
        factories.TripFactory(campaign=empty, status="draft")
        assert client.get(empty.get_absolute_url()).status_code == 404
        assert list(Campaign.objects.public()) == []

    def test_a_delegation_report_links_to_its_campaign(self, client, campaign):
        trip = campaign.trips.get(status="published")
        html = page(client, trip.get_absolute_url())
        assert f'href="{campaign.get_absolute_url()}"' in html

    def test_the_sitemap_lists_public_campaigns_only(self, client, campaign):
        empty = Campaign.objects.create(title="尚未发布的活动", year=2024)
        xml = page(client, reverse("tours:sitemap"))
        assert campaign.get_absolute_url() in xml
        assert empty.get_absolute_url() not in xml

    @pytest.mark.parametrize("delegations", [2, 8])
    def test_it_stays_within_its_query_budget(
        self, client, delegations, django_assert_max_num_queries
    ):
        campaign = Campaign.objects.create(title="招商考察活动", year=2024)
        for n in range(delegations):
            trip = factories.TripFactory(campaign=campaign)
            factories.TripMemberFactory(trip=trip, role=TripMember.Role.LEADER)
            for _ in range(3):
                visit = factories.SiteVisitFactory(trip=trip)
                factories.TakeawayFactory(trip=trip, site_visit=visit).tags.add(f"标签{n % 3}")
        with django_assert_max_num_queries(8):
            client.get(campaign.get_absolute_url())


class TestSearch:
    def test_a_public_campaign_is_found(self, client, campaign):
        html = page(client, reverse("tours:search") + "?q=千万工程&type=campaign")
        assert campaign.get_absolute_url() in html

    def test_a_campaign_is_found_once_a_delegation_is_published(
        self, client, leader, django_capture_on_commit_callbacks
    ):
        campaign = Campaign.objects.create(title="赴浙江学习强村富民经验活动", year=2024)
        trip = factories.TripFactory(campaign=campaign, status=Trip.Status.SUBMITTED)
        url = reverse("tours:search") + "?q=强村富民&type=campaign"
        assert campaign.get_absolute_url() not in page(client, url)
        factories.SiteVisitFactory(trip=trip)
        factories.TripMemberFactory(trip=trip, role=TripMember.Role.LEADER)
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_trip(trip=trip, user=leader)
        assert campaign.get_absolute_url() in page(client, url)


@pytest.fixture
def training(campaign):
    trip = factories.TripFactory(
        kind=Trip.Kind.TRAINING,
        title="全区年轻干部履职能力提升培训班",
        host_institution=factories.OrganizationFactory(name="中共浙江省委党校"),
        trainee_count=48,
    )
    factories.TripMemberFactory(
        trip=trip,
        role=TripMember.Role.HEAD_TEACHER,
        title="培训部副主任",
        participant=factories.ParticipantFactory(name="陈思远"),
    )
    lecturer = factories.ParticipantFactory(name="汪海涛", title="经济学教研部副主任")
    factories.SiteVisitFactory(
        trip=trip,
        name="专题讲座",
        kind=SiteVisit.Kind.LECTURE,
        topic="县域经济高质量发展的路径选择",
        presenter=lecturer,
    )
    lecturer.title = "经济学教研部主任"  # promoted after the class
    lecturer.save()
    return trip


class TestTrainingReport:
    def test_it_names_the_institution_trainees_and_head_teacher(self, client, training):
        html = page(client, training.get_absolute_url())
        assert "培训班情况" in html
        assert "中共浙江省委党校" in html and "48人" in html and "陈思远" in html

    def test_it_lists_the_lectures_with_the_lecturers_post_at_the_time(self, client, training):
        html = page(client, training.get_absolute_url())
        assert "县域经济高质量发展的路径选择" in html
        assert "汪海涛（经济学教研部副主任）" in html
        assert "经济学教研部主任" not in html

    def test_the_word_report_has_the_sessions(self, client, training):
        response = client.get(reverse("tours:trip-report-docx", args=[training.pk]))
        text = all_text(Document(io.BytesIO(response.content)))
        assert "课程安排" in text and "县域经济高质量发展的路径选择" in text
        assert "汪海涛（经济学教研部副主任）" in text and "中共浙江省委党校" in text


class TestPlacements:
    def test_the_report_says_who_was_placed_where_with_whom(self, client):
        trip = factories.TripFactory(kind=Trip.Kind.EMBEDDED)
        member = factories.TripMemberFactory(
            trip=trip, participant=factories.ParticipantFactory(name="廖敏"), title="审批科副科长"
        )
        mentor = factories.ParticipantFactory(name="黎文静", title="审批服务科科长")
        placement(trip, member=member, mentor=mentor, summary="参与梳理企业开办材料清单。")
        html = page(client, trip.get_absolute_url())
        assert "跟班学习安排" in html
        for text in ("廖敏", "深圳市龙岗区坂田街道办事处", "参与网格事件处置", "黎文静"):
            assert text in html
        assert "参与梳理企业开办材料清单" in html

    def test_a_placement_not_public_stays_off_the_report(self, client):
        trip = factories.TripFactory(kind=Trip.Kind.EMBEDDED)
        placement(trip, is_public=False, role="不公开的岗位")
        assert "不公开的岗位" not in page(client, trip.get_absolute_url())

    def test_a_draft_trips_placements_are_not_public(self):
        placement(factories.TripFactory(kind=Trip.Kind.EMBEDDED, status="draft"))
        assert not Placement.objects.public().exists()

    def test_the_word_report_has_them(self, client):
        trip = factories.TripFactory(kind=Trip.Kind.EMBEDDED)
        placement(trip)
        response = client.get(reverse("tours:trip-report-docx", args=[trip.pk]))
        text = all_text(Document(io.BytesIO(response.content)))
        assert "跟班学习安排" in text and "深圳市龙岗区坂田街道办事处" in text


class TestSignedProjects:
    @pytest.fixture
    def trip(self):
        trip = factories.TripFactory(kind=Trip.Kind.INVESTMENT)
        event = factories.SiteVisitFactory(
            trip=trip, name="梁平（东莞）投资推介会", kind=SiteVisit.Kind.INVESTMENT_EVENT
        )
        partner = factories.OrganizationFactory(name="东莞市华信精密电子有限公司")
        for name, amount, status in [
            ("精密电子元器件生产基地项目", "56000", "started"),
            ("锂电池结构件配套项目", "32000.5", "stalled"),
        ]:
            SignedProject.objects.create(
                trip=trip,
                site_visit=event,
                name=name,
                partner=partner,
                amount=Decimal(amount),
                industry="电子信息",
                status=status,
            )
        return trip

    def test_the_report_lists_them_with_amount_and_status(self, client, trip):
        html = page(client, trip.get_absolute_url())
        assert "签约项目" in html and "精密电子元器件生产基地项目" in html
        assert "东莞市华信精密电子有限公司" in html and "电子信息" in html
        assert "56000" in html and "已开工" in html and "推进受阻" in html
        assert "88000.5" in html  # the total

    def test_one_signed_at_a_private_event_is_not_public(self, trip):
        SiteVisit.objects.filter(trip=trip).update(is_public=False)
        assert not SignedProject.objects.public().exists()

    def test_the_word_report_has_them(self, client, trip):
        response = client.get(reverse("tours:trip-report-docx", args=[trip.pk]))
        text = all_text(Document(io.BytesIO(response.content)))
        assert "签约项目" in text and "锂电池结构件配套项目" in text
        assert "共2个项目，合计88000.5万元" in text

    def test_insights_add_up_the_signed_amount_by_year(self, trip):
        factories.TripFactory(kind=Trip.Kind.INVESTMENT, status="draft").signed_projects.create(
            name="草稿里的项目", amount=Decimal("1000")
        )
        insights = build_insights(public_only=True)
        assert insights.signed_by_year == [(2024, 2, Decimal("88000.5"))]
        assert build_insights(public_only=False).signed_amount == Decimal("89000.5")


class TestSummaryMeetingAndDocuments:
    @pytest.fixture
    def trip(self):
        trip = factories.TripFactory(kind=Trip.Kind.EMBEDDED)
        meeting = factories.SiteVisitFactory(
            trip=trip,
            name="跟班学习总结汇报会",
            kind=SiteVisit.Kind.SUMMARY_MEETING,
            date=END + datetime.timedelta(days=12),
            summary="三名跟班干部汇报学习收获。",
        )
        attachment(trip, site_visit=meeting, is_public=True)
        attachment(trip, title="内部会议纪要", kind=Attachment.Kind.MINUTES)
        return trip

    def test_the_meeting_is_its_own_section_not_a_day_of_the_trip(self, client, trip):
        html = page(client, trip.get_absolute_url())
        assert "总结交流" in html and "跟班学习总结汇报会" in html
        assert "第2天" not in html  # the meeting, 12 days later, is not a "day"

    def test_public_documents_can_be_downloaded_and_others_not(self, client, trip):
        html = page(client, trip.get_absolute_url())
        public = Attachment.objects.get(is_public=True)
        private = Attachment.objects.get(is_public=False)
        assert public.file.url in html and "内部会议纪要" not in html
        download = client.get(public.file.url)
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment")
        assert client.get(private.file.url).status_code == 302  # to the login page

    def test_staff_of_the_trip_download_an_internal_document(self, client, trip, editor):
        client.force_login(editor)
        private = Attachment.objects.get(is_public=False)
        assert client.get(private.file.url).status_code == 200

    def test_the_word_report_has_the_meeting_and_the_list_of_documents(self, client, trip):
        response = client.get(reverse("tours:trip-report-docx", args=[trip.pk]))
        text = all_text(Document(io.BytesIO(response.content)))
        assert "总结交流" in text and "三名跟班干部汇报学习收获" in text
        assert "相关材料" in text and "在总结汇报会上的讲话" in text
        assert "内部会议纪要" not in text


class TestQuestionsAndIndicators:
    def test_an_answer_names_everyone_who_gave_it(self, client):
        trip = factories.TripFactory()
        question = factories.QuestionFactory(trip=trip)
        question.answerers.set(
            [
                factories.ParticipantFactory(name="苏伟文", title="镇党委书记"),
                factories.ParticipantFactory(name="何志明", title="园区管委会主任"),
            ]
        )
        html = page(client, trip.get_absolute_url())
        assert "苏伟文" in html and "何志明" in html

    def test_a_lower_rank_is_better(self, client):
        trip = factories.TripFactory()
        factories.IndicatorFactory(
            trip=trip,
            name="营商环境评价排名",
            unit="位",
            benchmark_value=Decimal("3"),
            home_value=Decimal("12"),
            higher_is_better=False,
            note="全省县域营商环境评价，名次越靠前越好。",
        )
        html = page(client, trip.get_absolute_url())
        assert 'gap gap--behind">+9' in html
        assert "越低越好" in html and "名次越靠前越好" in html

    def test_the_wording_says_who_leads_when_lower_is_better(self):
        assert gap_text(Decimal("9"), "位", higher_is_better=False) == "9位（落后于对标）"
        assert gap_text(Decimal("-2"), "天", higher_is_better=False) == "-2天（优于对标）"
        assert gap_text(Decimal("9"), "位") == "9位"


def test_insights_count_the_trainees_of_each_year(training):
    other = factories.TripFactory(kind=Trip.Kind.TRAINING, start_date=datetime.date(2023, 5, 8))
    other.end_date = other.start_date
    other.save()
    for _ in range(3):
        factories.TripMemberFactory(trip=other, role=TripMember.Role.TRAINEE)
    assert build_insights(public_only=True).trainees_by_year == [(2023, 1, 3), (2024, 1, 48)]


class TestAdmin:
    def test_the_trip_page_edits_placements_projects_and_documents(self, client, editor):
        trip = factories.TripFactory(kind=Trip.Kind.EMBEDDED, status="draft")
        placement(trip)
        client.force_login(editor)
        html = page(client, reverse("admin:tours_trip_change", args=[trip.pk]))
        for prefix in ("placements", "signed_projects", "attachments"):
            assert f'name="{prefix}-TOTAL_FORMS"' in html
        assert 'name="campaign"' in html and 'name="host_institution"' in html

    def test_a_campaign_of_another_department_is_404(self, client, editor):
        elsewhere = factories.OrganizationFactory(name="中共梁平区礼让镇委员会")
        campaign = Campaign.objects.create(title="礼让镇的学习活动", year=2024, organizer=elsewhere)
        mine = Campaign.objects.create(
            title="区委组织部的学习活动", year=2024, organizer=factories.home_department()
        )
        client.force_login(editor)
        url = reverse("admin:tours_campaign_change", args=[campaign.pk])
        assert client.get(url).status_code == 404
        assert client.get(reverse("admin:tours_campaign_change", args=[mine.pk])).status_code == 200
