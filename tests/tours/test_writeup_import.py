"""从文稿导入: a 录入员 pastes or uploads a write-up on a draft trip (or to start one), keeps,
edits or drops each proposal, and saves the rest as draft content pending review."""

import datetime
import io
from pathlib import Path

import pytest
from django.core import signing
from django.urls import reverse
from docx import Document

from tests import factories
from tours.models import ActionItem, Indicator, Question, SiteVisit, Takeaway, Trip, TripMember

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parents[1] / "writeups" / "corpus"
SANJIAO = (CORPUS / "10-real-exchange-nanqu-sanjiao.txt").read_text(encoding="utf-8")

PASSAGE = """关于赴嘉兴市学习考察的情况报告

2024年3月12日至14日，梁平区委组织部常务副部长钟贤波带队，一行12人赴浙江省嘉兴市学习考察。

考察组先后走访了嘉兴市南湖区七星街道、桐乡市乌镇互联网小镇。七星街道党工委书记王建军介绍说：“我们坚持把支部建在产业链上。”

一是坚持党建引领产业发展。嘉兴市依托“红船”精神，推动村企结对共建。
二是存在差距。我区村级集体经济收入偏低，短板明显。

下一步，我区将推动建立村企结对共建机制。
"""


@pytest.fixture
def draft(editor):
    return factories.TripFactory(
        status="draft",
        start_date=datetime.date(2024, 3, 12),
        end_date=datetime.date(2024, 3, 14),
    )


def word_file(name, text=PASSAGE):
    """A .docx upload of `text`, a paragraph per line."""
    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def writeup_url(trip=None):
    if trip is None:
        return reverse("admin:tours_trip_writeup_new")
    return reverse("admin:tours_trip_writeup", args=[trip.pk])


def read(client, url, text):
    response = client.post(url, {"text": text})
    assert response.status_code == 200, response.content.decode()[:500]
    assert "payload" in response.context, response.context["form"].errors
    return response


def confirm_data(response, *, drop=(), change=None):
    """The proposals page submitted as shown, except the rows in `drop` (prefixes such as
    "action-0", or a kind such as "action") and the values in `change`."""
    data = {"payload": response.context["payload"]}
    forms = [form for section in response.context["sections"] for form in section.forms]
    if response.context["trip_form"] is not None:
        forms.append(response.context["trip_form"])
    for form in forms:
        dropped = form.prefix in drop or form.prefix.rpartition("-")[0] in drop
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if name == "keep":
                if not dropped:
                    data[form.add_prefix(name)] = "on"
                continue
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else str(value)
    data.update(change or {})
    return data


class TestReading:
    def test_the_page_offers_paste_or_upload_on_a_draft(self, client, editor, draft):
        client.force_login(editor)
        page = client.get(writeup_url(draft))
        assert page.status_code == 200
        assert "或直接粘贴文字" in page.content.decode()
        change = client.get(reverse("admin:tours_trip_change", args=[draft.pk]))
        assert writeup_url(draft) in change.content.decode()

    def test_each_kind_is_proposed_beside_its_sentence(self, client, editor, draft):
        client.force_login(editor)
        page = read(client, writeup_url(draft), PASSAGE)
        sections = page.context["by_prefix"]
        assert [f.initial["name"] for f in sections["person"].forms][:1] == ["钟贤波"]
        assert any("支部建在产业链上" in f.initial["text"] for f in sections["quote"].forms)
        assert any("村企结对共建机制" in f.initial["title"] for f in sections["action"].forms)
        body = page.content.decode()
        assert "<mark>" in body
        assert 'name="quote-0-keep"' in body and "checked" in body

    def test_a_word_file_is_read_like_pasted_text(self, client, editor, draft):
        buffer = word_file("考察报告.docx")
        client.force_login(editor)
        page = client.post(writeup_url(draft), {"file": buffer})
        assert "payload" in page.context
        assert page.context["file_name"] == "考察报告.docx"
        assert page.context["by_prefix"]["action"].forms

    def test_a_file_that_is_not_word_is_refused_on_its_field(self, client, editor, draft):
        fake = io.BytesIO(b"MZ\x90\x00 not a document")
        fake.name = "报告.docx"
        client.force_login(editor)
        page = client.post(writeup_url(draft), {"file": fake})
        assert page.status_code == 200
        assert "payload" not in page.context
        assert page.context["form"].errors["file"] == ["这不是 Word（.docx）文件。"]

    def test_nothing_to_read_is_said_plainly(self, client, editor, draft):
        client.force_login(editor)
        page = client.post(writeup_url(draft), {"text": "  "})
        assert page.context["form"].non_field_errors() == ["请上传文稿或粘贴文稿内容。"]

    def test_nothing_is_saved_by_reading(self, client, editor, draft):
        client.force_login(editor)
        read(client, writeup_url(draft), SANJIAO)
        assert not draft.takeaways.exists() and not draft.site_visits.exists()


class TestSaving:
    def test_kept_proposals_become_drafts_pending_review_with_their_origin_in_history(
        self, client, editor, draft
    ):
        client.force_login(editor)
        page = read(client, writeup_url(draft), PASSAGE)
        unit = factories.OrganizationFactory(name="梁平区农业农村委")
        data = confirm_data(page, change={"action-0-owner_organization": str(unit.pk)})
        response = client.post(writeup_url(draft), data)
        assert response.status_code == 302, response.context and [
            f.errors for s in response.context["sections"] for f in s.forms if f.errors
        ]
        quote = draft.takeaways.get(kind=Takeaway.Kind.QUOTE)
        assert "支部建在产业链上" in quote.text
        assert quote.speaker.name == "王建军"
        assert quote.review_status == Takeaway.ReviewStatus.PENDING
        assert quote.history.first().history_change_reason == "从文稿导入"
        assert draft.members.filter(participant__name="钟贤波").exists()
        from people.models import Organization

        new_units = Organization.history.filter(history_change_reason="从文稿导入")
        assert new_units.exists()
        assert {record.history_user for record in new_units} == {editor}
        assert ActionItem.objects.get(trip=draft).owner_organization == unit

    def test_a_kept_commitment_needs_its_unit_and_nothing_is_saved_until_then(
        self, client, editor, draft
    ):
        client.force_login(editor)
        page = read(client, writeup_url(draft), PASSAGE)
        response = client.post(writeup_url(draft), confirm_data(page))
        assert response.status_code == 200
        action = response.context["by_prefix"]["action"].forms[0]
        assert action.errors["owner_organization"] == ["请选择责任单位，或取消勾选不导入此条。"]
        assert not draft.takeaways.exists()

    def test_dropped_proposals_are_left_out(self, client, editor, draft):
        client.force_login(editor)
        page = read(client, writeup_url(draft), PASSAGE)
        response = client.post(writeup_url(draft), confirm_data(page, drop=("action", "quote")))
        assert response.status_code == 302
        assert not draft.takeaways.filter(kind=Takeaway.Kind.QUOTE).exists()
        assert not ActionItem.objects.filter(trip=draft).exists()
        assert draft.takeaways.exists()

    def test_the_real_exchange_writeup_becomes_a_trip_needing_few_corrections(self, client, editor):
        client.force_login(editor)
        page = read(client, writeup_url(), SANJIAO)
        trip_form = page.context["trip_form"]
        assert "三角镇" in trip_form.initial["title"]
        response = client.post(writeup_url(), confirm_data(page, drop=("action",)))
        assert response.status_code == 302
        trip = Trip.objects.get()
        assert trip.status == Trip.Status.DRAFT
        assert trip.organizer == editor.participant.organization
        assert (trip.title, trip.kind, trip.start_date) == (
            "南区街道党政班子成员到三角镇学习高质量发展经验",
            Trip.Kind.EXCHANGE,
            datetime.date(2024, 2, 28),
        )
        # As the answer key in the corpus has it: one exchange at 三角镇, its three
        # questions, one benchmark figure and six quotes.
        assert list(SiteVisit.objects.filter(trip=trip).values_list("name", flat=True)) == [
            "三角镇"
        ]
        assert Question.objects.filter(trip=trip).count() == 3
        assert Indicator.objects.filter(trip=trip).count() == 1
        assert trip.takeaways.filter(kind=Takeaway.Kind.QUOTE).count() == 6
        assert TripMember.objects.filter(trip=trip).exists()

    def test_a_new_trip_needs_its_dates(self, client, editor):
        client.force_login(editor)
        page = read(client, writeup_url(), "考察组走访了三角镇高新区。\n一是坚持工改工。")
        data = confirm_data(page)
        data.pop("trip-start_date", None)
        response = client.post(writeup_url(), data)
        assert response.status_code == 200
        assert response.context["trip_form"].errors["start_date"] == ["这个字段是必填项。"]
        assert not Trip.objects.exists()

    def test_a_tampered_payload_is_refused(self, client, editor, draft):
        client.force_login(editor)
        page = read(client, writeup_url(draft), PASSAGE)
        data = confirm_data(page, drop=("action",))
        data["payload"] = signing.dumps({"text": "伪造"}, salt="other")
        response = client.post(writeup_url(draft), data)
        assert response.status_code == 302
        assert not draft.takeaways.exists()

    def test_another_users_proposals_cannot_be_saved(self, client, editor, draft):
        client.force_login(editor)
        page = read(client, writeup_url(draft), PASSAGE)
        other = factories.act_for(factories.UserFactory(username="editor2", is_staff=True))
        other.groups.set(editor.groups.all())
        client.force_login(other)
        client.post(writeup_url(draft), confirm_data(page, drop=("action",)))
        assert not draft.takeaways.exists()


class TestRefusals:
    def test_a_submitted_trip_takes_no_writeup(self, client, editor, draft):
        draft.status = Trip.Status.SUBMITTED
        draft.save()
        client.force_login(editor)
        response = client.get(writeup_url(draft))
        assert response.status_code == 302
        assert response.url == reverse("admin:tours_trip_change", args=[draft.pk])

    def test_another_departments_trip_is_404(self, client, editor):
        other = factories.TripFactory(status="draft", organizer=factories.OrganizationFactory())
        client.force_login(editor)
        assert client.get(writeup_url(other)).status_code == 404

    def test_the_service_refuses_a_published_trip(self, editor, draft):
        from django.core.exceptions import ValidationError

        from tours.services.writeups import WriteupPlan, import_writeup

        draft.status = Trip.Status.PUBLISHED
        draft.save()
        with pytest.raises(ValidationError, match="只有草稿"):
            import_writeup(user=editor, plan=WriteupPlan(), trip=draft)

    def test_the_service_refuses_a_user_without_the_right(self, owner, draft):
        from django.core.exceptions import PermissionDenied

        from tours.services.writeups import WriteupPlan, import_writeup

        with pytest.raises(PermissionDenied):
            import_writeup(user=owner, plan=WriteupPlan(), trip=draft)


def test_a_writeup_in_traditional_characters_is_proposed_in_simplified(client, editor, draft):
    text = (CORPUS / "07-traditional-yudu-jinjiang.txt").read_text(encoding="utf-8")
    client.force_login(editor)
    page = read(client, writeup_url(draft), text)
    assert "原文为繁体字" in page.content.decode()
    quotes = [form.initial["text"] for form in page.context["by_prefix"]["quote"].forms]
    assert quotes and not any("們" in quote or "發" in quote for quote in quotes)


@pytest.mark.parametrize("copies", [1, 3])
def test_the_proposals_page_costs_the_same_queries_however_long_the_text(
    client, editor, draft, copies, django_assert_max_num_queries
):
    client.force_login(editor)
    factories.OrganizationFactory.create_batch(5)
    with django_assert_max_num_queries(9):
        page = read(client, writeup_url(draft), "\n".join([PASSAGE] * copies))
    assert len(page.context["by_prefix"]["action"].forms) >= copies


def test_a_person_who_exists_is_shown_and_saved_as_that_person(client, editor, draft):
    known = factories.ParticipantFactory(name="王建军", title="七星街道党工委书记")
    client.force_login(editor)
    page = read(client, writeup_url(draft), PASSAGE)
    assert "将关联已有记录：王建军" in page.content.decode()
    response = client.post(writeup_url(draft), confirm_data(page, drop=("action",)))
    assert response.status_code == 302
    assert draft.takeaways.get(kind=Takeaway.Kind.QUOTE).speaker == known


def test_questions_follow_those_the_trip_already_has(client, editor, draft):
    factories.QuestionFactory(trip=draft, order=1)
    text = "问题清单\n1.如何推进“工改工”？\n2.如何服务企业？\n"
    client.force_login(editor)
    page = read(client, writeup_url(draft), text)
    assert len(page.context["by_prefix"]["question"].forms) == 2
    response = client.post(writeup_url(draft), confirm_data(page))
    assert response.status_code == 302
    assert list(draft.questions.values_list("order", flat=True)) == [1, 2, 3]


def test_a_refused_question_is_named_by_its_place_among_the_kept_ones(editor, draft):
    from django.core.exceptions import ValidationError

    from tours.services.writeups import QuestionDraft, WriteupPlan, import_writeup

    factories.QuestionFactory(trip=draft, order=1)
    plan = WriteupPlan(questions=[QuestionDraft(text="")])
    with pytest.raises(ValidationError) as refused:
        import_writeup(user=editor, plan=plan, trip=draft)
    assert list(refused.value.message_dict) == ["question-0"]


class TestTheOriginal:
    def test_a_pasted_writeup_is_kept_as_an_internal_word_attachment(self, client, editor, draft):
        from tours.models import Attachment

        client.force_login(editor)
        page = read(client, writeup_url(draft), PASSAGE)
        assert (
            client.post(writeup_url(draft), confirm_data(page, drop=("action",))).status_code == 302
        )
        original = draft.attachments.get()
        assert original.kind == Attachment.Kind.WRITEUP and not original.is_public
        assert original.title.startswith("原文")
        text = "\n".join(p.text for p in Document(original.file.open()).paragraphs)
        assert "支部建在产业链上" in text

    def test_an_uploaded_word_file_is_kept_as_it_came(self, client, editor, draft):
        buffer = word_file("嘉兴考察报告.docx")
        client.force_login(editor)
        page = client.post(writeup_url(draft), {"file": buffer})
        assert (
            client.post(writeup_url(draft), confirm_data(page, drop=("action",))).status_code == 302
        )
        original = draft.attachments.get()
        assert original.title == "原文：嘉兴考察报告"
        assert original.file.name.endswith(".docx")
