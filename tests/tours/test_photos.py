"""Photos: only clean files are stored, each lands on the visit it shows, none leaks."""

import datetime
import io
import struct
import zlib
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from PIL import Image, ImageCms, PngImagePlugin

from tests import factories
from tests.tours.test_public_pages import PUBLIC_START, crawl
from tours.demo_photos import demo_photo, phone_exif
from tours.imaging import validate_image_upload
from tours.models import Photo, Trip
from tours.services import add_photo, assign_photos_by_time
from tours.services.photos import visit_at

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
# What a phone writes that must never be stored.
PRIVATE_EXIF = [b"HUAWEI", b"Mate 60", b"SN-4Q8Z", b"Zhou Jianguo", b"HarmonyOS"]


def photo_bytes(*, size=(640, 480), image_format="JPEG", taken_at=None, **exif) -> bytes:
    return demo_photo(
        size=size,
        image_format=image_format,
        title="考察现场",
        exif=phone_exif(taken_at=taken_at, **exif),
    )


def upload(data: bytes, name: str = "IMG_0001.JPG") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def stored_names(photo: Photo) -> list[str]:
    renditions = photo.renditions.values()
    return [photo.image.name, *(r[kind] for r in renditions for kind in ("jpeg", "webp"))]


def files_in(media_root: Path) -> list[Path]:
    return [path for path in Path(media_root).rglob("*") if path.is_file()]


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header(width: int, height: int, text: bytes = b"") -> bytes:
    """A tiny PNG that declares `width` × `height` pixels (or a huge compressed text):
    what a decompression bomb does."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    comment = png_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(text)) if text else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + comment
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + png_chunk(b"IEND", b"")
    )


@pytest.fixture
def trip():
    return factories.TripFactory(status="draft")


class TestStoredFiles:
    @pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
    def test_the_original_and_every_rendition_carry_no_exif_at_all(
        self, trip, editor, image_format
    ):
        data = photo_bytes(image_format=image_format, taken_at=datetime.datetime(2024, 2, 26, 9))
        assert b"HUAWEI" in data  # the upload does carry a phone's EXIF, GPS included
        assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)

        photo = add_photo(trip=trip, file=upload(data, f"IMG.{image_format}"), user=editor)

        names = stored_names(photo)
        assert len(names) == 7
        for name in names:
            stored = default_storage.open(name).read()
            image = Image.open(io.BytesIO(stored))
            assert len(image.getexif()) == 0, name
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"} & set(
                image.info
            ), name
            assert b"Exif\x00\x00" not in stored, name
            for secret in PRIVATE_EXIF:
                assert secret not in stored, (name, secret)

    def test_text_chunks_and_colour_profiles_are_not_kept_either(self, trip, editor):
        image = Image.open(io.BytesIO(photo_bytes(image_format="PNG")))
        text = PngImagePlugin.PngInfo()
        text.add_text("Author", "周建国")
        text.add_text("Comment", "HUAWEI Mate 60 Pro")
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        out = io.BytesIO()
        image.save(out, "PNG", pnginfo=text, icc_profile=srgb)

        photo = add_photo(trip=trip, file=upload(out.getvalue(), "scan.png"), user=editor)

        stored = Image.open(default_storage.open(photo.image.name))
        assert stored.format == "PNG"
        assert not stored.text
        assert "icc_profile" not in stored.info

    def test_the_orientation_is_applied_to_the_pixels(self, trip, editor):
        # Held upright, the phone stores the picture on its side and says so in EXIF.
        data = photo_bytes(size=(400, 300), orientation=6)
        assert Image.open(io.BytesIO(data)).size == (300, 400)

        photo = add_photo(trip=trip, file=upload(data), user=editor)

        assert (photo.width, photo.height) == (400, 300)
        for name in stored_names(photo):
            image = Image.open(default_storage.open(name)).convert("L")
            assert image.width > image.height, name
            sky = image.crop((0, 0, image.width, image.height // 10))
            ground = image.crop((0, image.height * 9 // 10, image.width, image.height))
            assert mean(sky) > mean(ground) + 50, name  # the sky is on top again

    def test_renditions_have_the_promised_sizes_in_webp_and_jpeg(self, trip, editor):
        photo = add_photo(trip=trip, file=upload(photo_bytes(size=(2400, 1600))), user=editor)

        sizes = {size: (r["width"], r["height"]) for size, r in photo.renditions.items()}
        assert sizes == {"thumb": (320, 213), "medium": (960, 640), "large": (1920, 1280)}
        for rendition in photo.renditions.values():
            assert Image.open(default_storage.open(rendition["jpeg"])).format == "JPEG"
            webp = Image.open(default_storage.open(rendition["webp"]))
            assert webp.format == "WEBP"
            assert webp.size == (rendition["width"], rendition["height"])
        assert photo.thumb.webp_url.endswith("-thumb.webp")

    def test_a_small_photo_is_never_enlarged(self, trip, editor):
        photo = add_photo(trip=trip, file=upload(photo_bytes(size=(200, 150))), user=editor)
        assert {(r["width"], r["height"]) for r in photo.renditions.values()} == {(200, 150)}

    def test_stored_names_are_random_and_never_the_uploaded_name(self, trip, editor):
        data = photo_bytes()
        first = add_photo(trip=trip, file=upload(data, "IMG_0001.JPG"), user=editor)
        second = add_photo(trip=trip, file=upload(data, "IMG_0001.JPG"), user=editor)
        assert not set(stored_names(first)) & set(stored_names(second))
        assert all("IMG_0001" not in name for name in stored_names(first))
        assert len(Path(first.image.name).stem) == 32

    def test_the_format_comes_from_the_content_not_the_name(self, trip, editor):
        photo = add_photo(
            trip=trip, file=upload(photo_bytes(image_format="PNG"), "photo.jpg"), user=editor
        )
        assert photo.image.name.endswith(".png")


class TestTakenAt:
    def test_a_time_without_offset_is_shanghai_time(self, trip, editor):
        data = photo_bytes(taken_at=datetime.datetime(2024, 2, 26, 10, 15))
        photo = add_photo(trip=trip, file=upload(data), user=editor)
        assert photo.taken_at == datetime.datetime(2024, 2, 26, 10, 15, tzinfo=SHANGHAI)
        photo.refresh_from_db()
        assert photo.taken_at == datetime.datetime(2024, 2, 26, 2, 15, tzinfo=datetime.UTC)

    def test_an_offset_written_by_the_camera_is_respected(self, trip, editor):
        data = photo_bytes(taken_at=datetime.datetime(2024, 2, 26, 10, 15), offset="+09:00")
        photo = add_photo(trip=trip, file=upload(data), user=editor)
        assert photo.taken_at == datetime.datetime(2024, 2, 26, 1, 15, tzinfo=datetime.UTC)

    def test_a_photo_without_a_capture_time_has_none(self, trip, editor):
        photo = add_photo(trip=trip, file=upload(photo_bytes()), user=editor)
        assert photo.taken_at is None


def mean(image) -> float:
    histogram = image.histogram()
    return sum(i * n for i, n in enumerate(histogram)) / sum(histogram)


def jpeg_cut_in_half() -> bytes:
    data = photo_bytes()
    return data[: len(data) // 2]


def other_format(image_format: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, image_format)
    return out.getvalue()


def cut_in_half(image_format: str) -> bytes:
    data = photo_bytes(image_format=image_format)
    return data[: len(data) // 2]


REFUSED = [
    ("empty", lambda: b"", "IMG.jpg", "是空文件"),
    ("over 20 MB", lambda: b"\xff\xd8\xff" + b"\x00" * (20 * 2**20), "big.jpg", "不能超过 20 MB"),
    ("renamed PDF", lambda: b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF", "scan.jpg", "是 PDF 文档"),
    ("iPhone HEIC", lambda: b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, "IMG.jpg", "HEIC"),
    ("GIF", lambda: other_format("GIF"), "anim.jpg", "是 GIF 文件"),
    ("truncated JPEG", lambda: cut_in_half("JPEG"), "IMG.jpg", "文件不完整"),
    ("truncated PNG", lambda: cut_in_half("PNG"), "IMG.png", "文件不完整"),
    ("truncated WebP", lambda: cut_in_half("WEBP"), "IMG.webp", "文件不完整"),
    ("decompression bomb", lambda: png_header(30_000, 30_000), "bomb.png", "解压缩炸弹"),
    ("100 MP bomb", lambda: png_header(10_000, 10_000), "bomb.png", "解压缩炸弹"),
    ("text bomb", lambda: png_header(64, 48, text=b"a" * 50_000_000), "text.png", "解压缩炸弹"),
    ("48 megapixels", lambda: png_header(8000, 6000), "big.png", "最多 4000 万像素"),
    ("not an image", lambda: "会议纪要：照片另发".encode() * 20, "note.jpg", "不是可识别的图片"),
]


class TestRefused:
    @pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
    @pytest.mark.parametrize(
        ("data", "name", "message"),
        [case[1:] for case in REFUSED],
        ids=[case[0] for case in REFUSED],
    )
    def test_is_refused_with_a_specific_message_and_leaves_nothing(
        self, trip, editor, media_root, data, name, message
    ):
        with pytest.raises(ValidationError) as refused:
            add_photo(trip=trip, file=upload(data(), name), user=editor)
        text = " ".join(refused.value.messages)
        assert message in text
        assert f"“{name}”" in text
        assert not Photo.objects.exists()
        assert files_in(media_root) == []

    def test_a_failing_store_leaves_no_file_behind(self, trip, editor, media_root, monkeypatch):
        saves = []
        real_save = FileSystemStorage.save

        def save_until_the_fourth(storage, name, content, **kwargs):
            if len(saves) == 3:
                raise OSError("disk full")
            saves.append(name)
            return real_save(storage, name, content, **kwargs)

        monkeypatch.setattr(FileSystemStorage, "save", save_until_the_fourth)
        with pytest.raises(OSError, match="disk full"):
            add_photo(trip=trip, file=upload(photo_bytes()), user=editor)
        assert len(saves) == 3
        assert files_in(media_root) == []
        assert not Photo.objects.exists()

    def test_a_failing_database_leaves_no_file_behind(self, trip, editor, media_root, monkeypatch):
        def fail(*args, **kwargs):
            raise DatabaseError("connection lost")

        monkeypatch.setattr(Photo, "save", fail)
        with pytest.raises(DatabaseError):
            add_photo(trip=trip, file=upload(photo_bytes()), user=editor)
        assert files_in(media_root) == []

    def test_a_visit_of_another_trip_is_refused_before_any_work(self, trip, editor, media_root):
        other = factories.SiteVisitFactory()
        with pytest.raises(ValidationError) as refused:
            add_photo(trip=trip, file=upload(b""), user=editor, site_visit=other)
        assert "site_visit" in refused.value.message_dict
        assert files_in(media_root) == []


class TestWhoMayAdd:
    def test_a_leader_may_not_add_photos(self, trip, leader):
        with pytest.raises(PermissionDenied):
            add_photo(trip=trip, file=upload(photo_bytes()), user=leader)

    def test_nobody_adds_photos_to_an_archived_trip(self, editor):
        archived = factories.TripFactory(status="archived")
        with pytest.raises(PermissionDenied):
            add_photo(trip=archived, file=upload(photo_bytes()), user=editor)

    def test_the_history_names_who_uploaded(self, trip, editor):
        photo = add_photo(trip=trip, file=upload(photo_bytes()), user=editor, caption="座谈会")
        assert photo.history.get().history_user == editor


class TestFormValidator:
    class Form(forms.Form):
        image = forms.FileField(validators=[validate_image_upload])

    def test_accepts_a_complete_photo_and_leaves_it_readable(self):
        file = upload(photo_bytes())
        form = self.Form(files={"image": file})
        assert form.is_valid(), form.errors
        assert file.tell() == 0

    @pytest.mark.parametrize(
        ("data", "message"),
        [(b"%PDF-1.4 report", "是 PDF 文档"), (jpeg_cut_in_half, "文件不完整")],
    )
    def test_refuses_on_the_field_with_the_reason(self, data, message):
        data = data() if callable(data) else data
        form = self.Form(files={"image": upload(data, "evidence.jpg")})
        assert not form.is_valid()
        assert message in form.errors["image"][0]


class TestAssignmentByTime:
    """Day 1 has overlapping and nested visits, day 2 an untimed one, day 3 none."""

    @pytest.fixture
    def visits(self, trip):
        day = trip.start_date

        def visit(name, date, start=None, end=None):
            return factories.SiteVisitFactory(
                trip=trip, name=name, date=date, start_time=start, end_time=end
            )

        t = datetime.time
        return {
            "morning": visit("美的集团", day, t(9), t(10, 30)),
            "overlap": visit("北滘镇", day, t(10), t(11, 30)),
            "afternoon": visit("工业设计城", day, t(14), t(15)),
            "lecture": visit("专题授课", day, t(14, 20), t(14, 40)),
            "untimed": visit("赤坎村", day + datetime.timedelta(days=1)),
            "day 4": visit("三角镇", day + datetime.timedelta(days=3), t(9), t(10)),
        }

    def at(self, trip, days, hour, minute=0):
        day = trip.start_date + datetime.timedelta(days=days)
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)

    @pytest.mark.parametrize(
        ("days", "hour", "minute", "expected"),
        [
            (0, 9, 30, "morning"),  # inside one window
            (0, 10, 0, "overlap"),  # two windows: the one that began later
            (0, 10, 30, "overlap"),
            (0, 14, 30, "lecture"),  # a session inside a longer visit
            (0, 14, 50, "afternoon"),
            (0, 7, 45, "morning"),  # before the first visit: the nearest
            (0, 12, 0, "overlap"),  # between visits: the nearest (30 min vs 2 h)
            (0, 21, 30, "afternoon"),  # the evening: the last visit
            (1, 16, 0, "untimed"),  # a day whose visit has no time
            (3, 10, 30, "day 4"),
            (2, 10, 0, None),  # a day with no visit
            (5, 10, 0, None),  # after the trip
        ],
    )
    def test_a_photo_goes_to_the_visit_it_shows(self, trip, visits, days, hour, minute, expected):
        found = visit_at(self.at(trip, days, hour, minute), list(trip.site_visits.all()))
        assert found == (visits[expected] if expected else None)

    def test_halfway_between_two_visits_the_earlier_wins(self, trip):
        day, t = trip.start_date, datetime.time
        first = factories.SiteVisitFactory(trip=trip, date=day, start_time=t(9), end_time=t(10))
        factories.SiteVisitFactory(trip=trip, date=day, start_time=t(11), end_time=t(12))
        assert visit_at(self.at(trip, 0, 10, 30), list(trip.site_visits.all())) == first

    def test_the_local_clock_decides_not_utc(self, trip, visits):
        # 01:30 UTC is 09:30 in Shanghai: the morning visit, not the previous evening.
        moment = datetime.datetime.combine(trip.start_date, datetime.time(1, 30), datetime.UTC)
        assert visit_at(moment, list(trip.site_visits.all())) == visits["morning"]

    def test_sorts_only_unplaced_photos_with_a_time(self, trip, visits, editor):
        placed = factories.PhotoFactory(
            trip=trip, site_visit=visits["afternoon"], taken_at=self.at(trip, 0, 9, 30)
        )
        timeless = factories.PhotoFactory(trip=trip, taken_at=None)
        morning = factories.PhotoFactory(trip=trip, taken_at=self.at(trip, 0, 9, 30))
        lost = factories.PhotoFactory(trip=trip, taken_at=self.at(trip, 2, 10))

        result = assign_photos_by_time(trip=trip, user=editor)

        assert (result.assigned, result.unassigned) == (1, 1)
        for photo in (placed, timeless, morning, lost):
            photo.refresh_from_db()
        assert placed.site_visit == visits["afternoon"]  # staff's choice stands
        assert timeless.site_visit is None
        assert morning.site_visit == visits["morning"]
        assert lost.site_visit is None
        assert morning.history.first().history_user == editor

    def test_sorting_needs_the_right_to_change_photos(self, trip, leader):
        with pytest.raises(PermissionDenied):
            assign_photos_by_time(trip=trip, user=leader)


def public_file_names(photo: Photo) -> set[str]:
    return {Path(name).name for name in stored_names(photo)}


class TestPublicBoundary:
    @pytest.fixture
    def photos(self, editor):
        trip = factories.TripFactory(title="赴广东中山学习考察", status="published")
        visit = factories.SiteVisitFactory(trip=trip, name="三角镇企业服务中心")
        hidden_visit = factories.SiteVisitFactory(trip=trip, name="内部总结会", is_public=False)
        draft = factories.TripFactory(title="草稿考察", status="draft")
        draft_visit = factories.SiteVisitFactory(trip=draft)

        def photo(trip, visit, caption, public=True):
            added = add_photo(
                trip=trip,
                file=upload(photo_bytes()),
                user=editor,
                site_visit=visit,
                caption=caption,
            )
            Photo.objects.filter(pk=added.pk).update(is_public=public)
            return added

        return {
            "public": photo(trip, visit, "考察团参观企业服务中心"),
            "private": photo(trip, visit, "内部照片：酒店晚宴", public=False),
            "private visit": photo(trip, hidden_visit, "内部照片：总结会"),
            "draft trip": photo(draft, draft_visit, "草稿考察的照片"),
        }

    def test_only_public_photos_of_public_visits_of_published_trips_appear(self, client, photos):
        trip = photos["public"].trip
        pages = crawl(client, [*PUBLIC_START, trip.get_absolute_url()])
        everything = "\n".join(pages.values())
        shown = photos["public"]
        for url in (shown.thumb.url, shown.thumb.webp_url, shown.medium.url, shown.large.url):
            assert Path(url).name in everything
        for what in ("private", "private visit", "draft trip"):
            for name in public_file_names(photos[what]):
                assert name not in everything, what
            assert photos[what].caption not in everything, what

    def test_the_preview_shows_a_draft_trip_as_the_public_would(self, client, editor, photos):
        client.force_login(editor)
        draft = photos["draft trip"].trip
        page = client.get(f"/trips/{draft.pk}/preview/").content.decode()
        assert photos["draft trip"].thumb.url in page

    @pytest.mark.parametrize("what", ["private", "private visit"])
    def test_a_cover_the_public_may_not_see_is_left_off_the_lists(self, client, photos, what):
        trip = photos["public"].trip
        Trip.objects.filter(pk=trip.pk).update(cover_photo=photos[what])
        for url in ("/", "/trips/"):
            page = client.get(url).content.decode()
            for name in public_file_names(photos[what]):
                assert name not in page, url

    def test_a_public_cover_is_shown_in_webp_and_jpeg(self, client, photos):
        cover = photos["public"]
        Trip.objects.filter(pk=cover.trip_id).update(cover_photo=cover)
        page = client.get("/trips/").content.decode()
        medium = cover.medium
        assert f'srcset="{cover.thumb.webp_url} 320w, {medium.webp_url} {medium.width}w"' in page
        assert f'src="{cover.thumb.url}"' in page


class TestReportPhotos:
    def test_thumbnails_are_responsive_lazy_and_described(self, client, editor):
        trip = factories.TripFactory()
        visit = factories.SiteVisitFactory(trip=trip, name="美的集团全球创新中心")
        photo = add_photo(
            trip=trip,
            file=upload(photo_bytes(size=(1600, 1200))),
            user=editor,
            site_visit=visit,
            caption="参观数字化转型展厅",
        )
        Photo.objects.filter(pk=photo.pk).update(is_public=True)

        page = client.get(trip.get_absolute_url()).content.decode()

        thumb, medium, large = photo.thumb, photo.medium, photo.large
        assert f'<source type="image/webp" srcset="{thumb.webp_url} 320w, ' in page
        assert f'src="{thumb.url}" srcset="{thumb.url} 320w, {medium.url} 960w"' in page
        assert 'width="320" height="240" alt="参观数字化转型展厅" loading="lazy"' in page
        # Without JavaScript the link opens the large rendition; the viewer uses the same.
        assert f'href="{large.url}" data-lightbox data-webp="{large.webp_url}"' in page
        assert "js/lightbox.js" in page
        assert 'id="lightbox-template"' in page

    def test_the_report_has_no_inline_script_or_style(self, client):
        trip = factories.TripFactory()
        factories.PhotoFactory(trip=trip, site_visit=factories.SiteVisitFactory(trip=trip))
        page = client.get(trip.get_absolute_url()).content.decode()
        assert " style=" not in page
        assert "<style" not in page
        assert "<script>" not in page
        assert all("src=" in tag for tag in page.split("<script")[1:])


def fake_renditions():
    return {
        size: {
            "jpeg": f"photos/x-{size}.jpg",
            "webp": f"photos/x-{size}.webp",
            "width": w,
            "height": h,
        }
        for size, w, h in (("thumb", 320, 240), ("medium", 960, 720), ("large", 1920, 1440))
    }


class TestQueryBudget:
    @pytest.mark.parametrize("per_visit", [1, 6])
    def test_the_report_stays_within_10_queries_with_photos(
        self, client, per_visit, django_assert_max_num_queries
    ):
        trip = factories.TripFactory()
        for day in range(3):
            visit = factories.SiteVisitFactory(
                trip=trip, date=trip.start_date + datetime.timedelta(days=day)
            )
            for _ in range(per_visit):
                factories.PhotoFactory(trip=trip, site_visit=visit, renditions=fake_renditions())
        with django_assert_max_num_queries(10):
            page = client.get(trip.get_absolute_url())
        assert page.content.decode().count("data-lightbox") == 3 * per_visit

    @pytest.mark.parametrize("trips", [2, 8])
    def test_lists_with_covers_stay_within_their_budget(
        self, client, trips, django_assert_max_num_queries
    ):
        for _ in range(trips):
            trip = factories.TripFactory()
            cover = factories.PhotoFactory(trip=trip, renditions=fake_renditions())
            Trip.objects.filter(pk=trip.pk).update(cover_photo=cover)
        for url, shown, budget in (("/", min(trips, 6), 6), ("/trips/", trips, 7)):
            with django_assert_max_num_queries(budget, info=url):
                page = client.get(url)
            assert page.content.decode().count("x-thumb.webp 320w") == shown, url
