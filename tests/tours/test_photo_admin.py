"""The trip's photo tools in the admin: bulk upload, sorting by time, the grid by visit."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests import factories
from tours.demo_photos import demo_photo, phone_exif
from tours.models import Photo, Trip

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def photo_file(name="IMG_0001.JPG", taken_at=None, size=(320, 240)):
    data = demo_photo(size=size, title="考察", exif=phone_exif(taken_at=taken_at))
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def broken_file(name="IMG_0002.JPG"):
    data = demo_photo(size=(320, 240))
    return SimpleUploadedFile(name, data[: len(data) // 2], content_type="image/jpeg")


def url(name, trip):
    return reverse(f"admin:tours_trip_{name}", args=[trip.pk])


@pytest.fixture
def trip():
    """A two-day trip with two timed visits a day."""
    trip = factories.TripFactory(
        status="draft", end_date=factories.TRIP_START + datetime.timedelta(1)
    )
    t = datetime.time
    for day in range(2):
        date = trip.start_date + datetime.timedelta(days=day)
        factories.SiteVisitFactory(trip=trip, date=date, start_time=t(9), end_time=t(11))
        factories.SiteVisitFactory(trip=trip, date=date, start_time=t(14), end_time=t(16))
    return trip


def at(trip, day, hour, minute=0):
    date = trip.start_date + datetime.timedelta(days=day)
    return datetime.datetime.combine(date, datetime.time(hour, minute))


@pytest.mark.parametrize(
    ("role", "grid", "upload", "sort"),
    [
        ("anonymous", 302, 302, 302),  # to the sign-in page
        ("outsider", 302, 302, 302),  # not staff: the admin's sign-in page too
        ("owner", 302, 302, 302),
        ("leader", 200, 403, 403),  # may look, not change
        ("editor", 200, 200, 302),
        ("superuser", 200, 200, 302),
    ],
)
def test_every_photo_page_answers_each_role(request, client, trip, role, grid, upload, sort):
    user = request.getfixturevalue(role)
    if role != "anonymous":
        client.force_login(user)
    assert client.get(url("photos", trip)).status_code == grid
    assert client.get(url("photos_upload", trip)).status_code == upload
    assert client.post(url("photos_assign", trip)).status_code == sort


class TestTripPageLinks:
    def test_an_editor_finds_the_bulk_upload_on_the_trip_page(self, client, editor, trip):
        client.force_login(editor)
        page = client.get(reverse("admin:tours_trip_change", args=[trip.pk])).content.decode()
        assert "批量上传照片" in page and url("photos_upload", trip) in page
        assert "按考察点整理照片" in page and url("photos", trip) in page

    def test_a_leader_may_look_at_the_photos_but_not_upload(self, client, leader, trip):
        client.force_login(leader)
        page = client.get(reverse("admin:tours_trip_change", args=[trip.pk])).content.decode()
        assert url("photos", trip) in page
        assert url("photos_upload", trip) not in page

    def test_an_archived_trip_offers_no_upload(self, client, editor):
        archived = factories.TripFactory(status="archived")
        client.force_login(editor)
        page = client.get(reverse("admin:tours_trip_change", args=[archived.pk])).content.decode()
        assert url("photos_upload", archived) not in page


class TestBulkUpload:
    def test_the_page_explains_the_limits(self, client, editor, trip):
        client.force_login(editor)
        page = client.get(url("photos_upload", trip))
        assert page.status_code == 200
        text = page.content.decode()
        assert "20 MB" in text and "4000 万像素" in text and "EXIF" in text
        assert 'accept="image/jpeg,image/png,image/webp" multiple' in text
        assert "js/photo-upload.js" in text

    def test_good_files_are_kept_and_a_bad_one_is_explained(self, client, editor, trip):
        client.force_login(editor)
        files = [
            photo_file("IMG_0001.JPG", at(trip, 0, 9, 30)),
            broken_file("IMG_0002.JPG"),
            photo_file("IMG_0003.JPG", at(trip, 1, 15)),
        ]
        page = client.post(url("photos_upload", trip), {"files": files})

        assert page.status_code == 200
        text = page.content.decode()
        assert "已添加 2 张照片（共 3 张）" in text
        assert "“IMG_0002.JPG”文件不完整" in text
        assert "已按拍摄时间将 2 张照片归入考察点" in text
        visits = list(trip.site_visits.all())
        placed = sorted(trip.photos.values_list("site_visit", flat=True))
        assert placed == [visits[0].pk, visits[3].pk]

    def test_thirty_photos_of_two_days_land_on_the_right_visits(self, client, editor, trip):
        visits = list(trip.site_visits.all())
        expected, files = {}, []
        for n in range(30):
            day, slot = divmod(n, 15)
            hour = (8, 9, 10, 12, 13, 14, 15, 17, 18, 19, 20, 21, 10, 15, 9)[slot]
            taken_at = at(trip, day, hour, n)
            # Before noon and until 12:59 the morning visit is nearer, later the afternoon's.
            expected[taken_at] = visits[day * 2 + (hour >= 13)].pk
            files.append(photo_file(f"IMG_{n:04d}.JPG", taken_at, size=(160, 120)))
        client.force_login(editor)

        client.post(url("photos_upload", trip), {"files": files})

        assert trip.photos.count() == 30
        for photo in trip.photos.all():
            local = photo.taken_at.astimezone(SHANGHAI).replace(tzinfo=None)
            assert photo.site_visit_id == expected[local], local

    def test_each_file_can_go_up_on_its_own_and_answers_json(self, client, editor, trip):
        client.force_login(editor)
        answer = client.post(
            url("photos_upload", trip),
            {"files": [photo_file(taken_at=at(trip, 0, 10))]},
            headers={"accept": "application/json"},
        )
        result = answer.json()["results"][0]
        assert result["ok"] and result["name"] == "IMG_0001.JPG"
        assert result["thumb"].endswith("-thumb.jpg")
        # Sorting waits for the browser to ask, once all files are up.
        assert trip.photos.get().site_visit is None

        refused = client.post(
            url("photos_upload", trip),
            {"files": [SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4 ...")]},
            headers={"accept": "application/json"},
        ).json()["results"][0]
        assert not refused["ok"]
        assert "是 PDF 文档" in refused["errors"][0]

        sorted_ = client.post(url("photos_assign", trip), headers={"accept": "application/json"})
        assert sorted_.json()["assigned"] == 1
        assert trip.photos.get().site_visit == trip.site_visits.first()

    def test_posting_no_file_asks_for_one(self, client, editor, trip):
        client.force_login(editor)
        page = client.post(url("photos_upload", trip), {})
        assert "请选择要上传的照片" in page.content.decode()

    def test_a_leader_may_not_upload(self, client, leader, trip):
        client.force_login(leader)
        assert client.get(url("photos_upload", trip)).status_code == 403
        answer = client.post(url("photos_upload", trip), {"files": [photo_file()]})
        assert answer.status_code == 403
        assert not Photo.objects.exists()

    def test_an_archived_trip_takes_no_photos(self, client, editor):
        archived = factories.TripFactory(status="archived")
        client.force_login(editor)
        answer = client.post(url("photos_upload", archived), {"files": [photo_file()]})
        assert answer.status_code == 403
        assert not Photo.objects.exists()

    def test_an_unknown_trip_is_404(self, client, editor):
        client.force_login(editor)
        assert client.get("/admin/tours/trip/999999/photos/upload/").status_code == 404

    def test_sorting_is_a_post(self, client, editor, trip):
        client.force_login(editor)
        assert client.get(url("photos_assign", trip)).status_code == 405
        answer = client.post(url("photos_assign", trip), follow=True)
        assert "已按拍摄时间将 0 张照片归入考察点" in answer.content.decode()


def add_photos(trip, count, **kwargs):
    return [
        factories.PhotoFactory(trip=trip, is_public=False, caption=f"照片{n}", **kwargs)
        for n in range(count)
    ]


def grid_data(response, **changes):
    """The grid form as rendered, with `changes` ({"form-0-caption": "…"}) applied."""
    formset = response.context["formset"]
    data = {f"form-{key}": value for key, value in formset.management_form.initial.items()}
    for form in formset.forms:
        for name in form.fields:
            value = form.initial.get(name)
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = "" if value is None else value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


class TestGrid:
    def test_photos_are_grouped_by_visit_with_the_unplaced_first(self, client, editor, trip):
        visits = list(trip.site_visits.all())
        add_photos(trip, 2, site_visit=visits[2])
        add_photos(trip, 1)
        client.force_login(editor)
        page = client.get(url("photos", trip)).content.decode()
        assert page.index("未归入考察点") < page.index("2 张照片")
        assert page.count('<li class="photo-card') == 3

    def test_staff_move_caption_publish_and_choose_the_cover(self, client, editor, trip):
        visits = list(trip.site_visits.all())
        photo, other = add_photos(trip, 2)
        client.force_login(editor)
        page = client.get(url("photos", trip))
        index = [form.initial["photo"] for form in page.context["formset"].forms].index(photo.pk)

        answer = client.post(
            url("photos", trip),
            grid_data(
                page,
                **{
                    f"form-{index}-visit": visits[1].pk,
                    f"form-{index}-caption": "考察团在企业展厅听取介绍",
                    f"form-{index}-is_public": "on",
                    "cover": photo.pk,
                },
            ),
            follow=True,
        )

        assert "已修改 1 张照片" in answer.content.decode()
        photo.refresh_from_db()
        assert photo.site_visit == visits[1]
        assert photo.caption == "考察团在企业展厅听取介绍"
        assert photo.is_public
        assert Trip.objects.get(pk=trip.pk).cover_photo == photo
        assert photo.history.first().history_user == editor
        assert Trip.history.filter(id=trip.pk).first().history_user == editor
        other.refresh_from_db()
        assert other.history.count() == 1  # unchanged photos are not saved again

    def test_a_private_cover_gets_a_warning(self, client, editor, trip):
        photo = add_photos(trip, 1)[0]
        client.force_login(editor)
        page = client.get(url("photos", trip))
        answer = client.post(url("photos", trip), grid_data(page, cover=photo.pk), follow=True)
        assert "封面照片尚未公开" in answer.content.decode()

    def test_a_photo_of_another_trip_cannot_be_slipped_in(self, client, editor, trip):
        add_photos(trip, 1)
        stranger = factories.PhotoFactory(caption="别的考察")
        client.force_login(editor)
        page = client.get(url("photos", trip))
        answer = client.post(
            url("photos", trip),
            grid_data(page, **{"form-0-photo": stranger.pk, "form-0-caption": "改掉"}),
            follow=True,
        )
        assert "其中有照片不属于本次考察" in answer.content.decode()
        stranger.refresh_from_db()
        assert stranger.caption == "别的考察"

    def test_photos_uploaded_while_the_grid_was_open_are_left_alone(self, client, editor, trip):
        first = add_photos(trip, 1)[0]
        client.force_login(editor)
        page = client.get(url("photos", trip))
        newcomer = factories.PhotoFactory(trip=trip, caption="刚上传", taken_at=None)

        answer = client.post(
            url("photos", trip), grid_data(page, **{"form-0-caption": "改好的说明"}), follow=True
        )

        assert "已修改 1 张照片" in answer.content.decode()
        first.refresh_from_db()
        newcomer.refresh_from_db()
        assert (first.caption, newcomer.caption) == ("改好的说明", "刚上传")

    def test_a_leader_sees_the_grid_read_only(self, client, leader, trip):
        add_photos(trip, 1)
        client.force_login(leader)
        page = client.get(url("photos", trip))
        assert page.status_code == 200
        assert 'value="保存"' not in page.content.decode()
        assert client.post(url("photos", trip), grid_data(page)).status_code == 403

    def test_an_archived_trip_is_read_only(self, client, editor):
        archived = factories.TripFactory(status="archived")
        add_photos(archived, 1)
        client.force_login(editor)
        page = client.get(url("photos", archived))
        assert "已归档" in page.content.decode()
        assert client.post(url("photos", archived), grid_data(page)).status_code == 403

    @pytest.mark.parametrize("photos", [3, 30])
    def test_the_grid_stays_within_12_queries(
        self, client, editor, trip, photos, django_assert_max_num_queries
    ):
        visits = list(trip.site_visits.all())
        for n in range(photos):
            factories.PhotoFactory(trip=trip, site_visit=visits[n % len(visits)])
        client.force_login(editor)
        with django_assert_max_num_queries(12):
            page = client.get(url("photos", trip))
        assert page.content.decode().count('<li class="photo-card') == photos


class TestPhotoPage:
    def test_a_photo_added_on_its_own_page_goes_through_the_pipeline(self, client, editor, trip):
        client.force_login(editor)
        data = {
            "trip": trip.pk,
            "site_visit": "",
            "caption": "单张上传",
            "photographer": "马超",
            "taken_at_0": "",
            "taken_at_1": "",
            "order": 0,
            "image": photo_file(taken_at=at(trip, 0, 9, 30)),
        }
        answer = client.post(reverse("admin:tours_photo_add") + f"?trip={trip.pk}", data)
        assert answer.status_code == 302, answer.content.decode()[:2000]
        photo = Photo.objects.get()
        assert photo.taken_at == datetime.datetime.combine(
            trip.start_date, datetime.time(9, 30), SHANGHAI
        )
        assert set(photo.renditions) == {"thumb", "medium", "large"}
        stored = Image.open(io.BytesIO(default_storage.open(photo.image.name).read()))
        assert len(stored.getexif()) == 0

    def test_a_pdf_is_refused_on_the_field(self, client, editor, trip):
        client.force_login(editor)
        data = {"trip": trip.pk, "order": 0, "image": SimpleUploadedFile("a.jpg", b"%PDF-1.4")}
        page = client.post(reverse("admin:tours_photo_add") + f"?trip={trip.pk}", data)
        assert page.status_code == 200
        assert "是 PDF 文档" in page.content.decode()
        assert not Photo.objects.exists()
