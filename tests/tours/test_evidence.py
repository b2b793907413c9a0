"""Evidence files: recognised by content, stored privately, served only to who may see them."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from PIL import Image, ImageCms, PngImagePlugin
from pypdf import PdfReader, PdfWriter

from tests import factories, files
from tours.demo_photos import demo_photo, phone_exif
from tours.evidence import DOCX, JPEG, PDF, PNG, XLSX, sniff, validate_evidence
from tours.models import ActionUpdate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "upload, kind",
    [
        (files.pdf, PDF),
        (lambda: files.image(format="JPEG"), JPEG),
        (files.image, PNG),
        (files.docx, DOCX),
        (files.xlsx, XLSX),
        (files.exe_named_pdf, None),
        (files.html, None),
        (files.zip_archive, None),
        (lambda: files.docx("伪装.xlsx"), DOCX),
    ],
)
def test_the_kind_comes_from_the_content_not_the_name(upload, kind):
    assert sniff(upload()) == kind


def evidence_update(owner, *, public_item=True, public_evidence=False, upload=files.pdf):
    trip = factories.TripFactory(status="published")
    action = factories.ActionItemFactory(
        trip=trip,
        is_public=public_item,
        owner=owner.participant,
        owner_organization=owner.participant.organization,
    )
    return ActionUpdate.objects.create(
        action=action,
        note="见附件",
        progress=40,
        evidence=upload(),
        evidence_is_public=public_evidence,
    )


def download(client, update):
    return client.get(update.evidence.url)


class TestDownloads:
    def test_the_owner_downloads_it_as_an_attachment_with_safe_headers(self, client, owner):
        update = evidence_update(owner)
        client.force_login(owner)
        response = download(client, update)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert "no-store" in response["Cache-Control"]
        assert len(PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages) == 1

    @pytest.mark.parametrize(
        "upload, content_type",
        [
            (files.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (files.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (files.image, "image/png"),
        ],
    )
    def test_each_kind_is_served_with_its_own_content_type(
        self, client, owner, upload, content_type
    ):
        update = evidence_update(owner, upload=upload)
        client.force_login(owner)
        assert download(client, update)["Content-Type"] == content_type

    @pytest.mark.parametrize("who", ["editor", "leader", "superuser"])
    def test_staff_download_it(self, client, owner, request, who):
        update = evidence_update(owner)
        client.force_login(request.getfixturevalue(who))
        assert download(client, update).status_code == 200

    def test_anonymous_readers_are_asked_to_sign_in(self, client, owner):
        response = download(client, evidence_update(owner))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    def test_another_unit_gets_404(self, client, owner, outsider):
        update = evidence_update(owner)
        other = factories.UserFactory(username="other-owner")
        other.groups.add(*owner.groups.all())
        factories.ParticipantFactory(
            user=other, organization=factories.OrganizationFactory(name="屏锦镇人民政府")
        )
        for user in (outsider, other):
            client.force_login(user)
            assert download(client, update).status_code == 404

    def test_published_evidence_of_a_public_item_is_open_to_all(self, client, owner):
        update = evidence_update(owner, public_evidence=True)
        assert download(client, update).status_code == 200

    def test_published_evidence_of_a_private_item_stays_private(self, client, owner):
        update = evidence_update(owner, public_item=False, public_evidence=True)
        assert download(client, update).status_code == 302

    def test_a_file_missing_from_disk_is_404_not_500(self, client, owner):
        update = evidence_update(owner)
        update.evidence.storage.delete(update.evidence.name)
        client.force_login(owner)
        assert download(client, update).status_code == 404

    def test_a_name_no_update_holds_is_404(self, client, superuser):
        client.force_login(superuser)
        url = reverse("tours:private-file", args=["../config/settings.py"])
        assert client.get(url).status_code == 404


class TestNeverUnderMedia:
    def test_evidence_is_not_stored_under_media_root(self, owner, settings):
        update = evidence_update(owner)
        assert not (settings.MEDIA_ROOT / update.evidence.name).exists()
        assert (settings.PRIVATE_MEDIA_ROOT / update.evidence.name).exists()

    def test_its_url_is_not_under_media_url(self, owner, settings):
        assert not evidence_update(owner).evidence.url.startswith(settings.MEDIA_URL)

    def test_private_evidence_is_not_linked_from_public_pages(self, client, owner):
        update = evidence_update(owner)
        for url in (reverse("tours:action-board"), update.action.trip.get_absolute_url()):
            assert update.evidence.name not in client.get(url).content.decode()


class TestAdminUpload:
    def test_the_admin_refuses_a_disguised_file_too(self, client, superuser, owner):
        update = factories.ActionUpdateFactory(
            action__owner_organization=owner.participant.organization
        )
        client.force_login(superuser)
        response = client.post(
            reverse("admin:tours_actionupdate_change", args=[update.pk]),
            {"date": "2024-04-01", "note": "见附件", "evidence": files.exe_named_pdf()},
        )
        assert response.status_code == 200
        assert "佐证材料只能上传这几种格式" in response.content.decode()
        update.refresh_from_db()
        assert not update.evidence


def phone_jpeg(name="现场照片.jpg"):
    """A JPEG as a phone writes it, held upright: stored on its side, GPS and camera in EXIF."""
    data = demo_photo(size=(400, 300), exif=phone_exif(orientation=6))
    assert b"HUAWEI" in data and Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def signed_docx(name="工作方案.docx"):
    """A Word document saved by 张三 of 梁平区委组织部, with some text in it."""
    document = Document()
    document.add_paragraph("关于推行企业服务专员制度的工作方案")
    document.core_properties.author = "张三"
    document.core_properties.last_modified_by = "李四"
    document.core_properties.comments = "内部初稿"
    saved = io.BytesIO()
    document.save(saved)
    buffer = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            if info.filename != "docProps/app.xml":
                archive.writestr(info, source.read(info))
        archive.writestr(
            "docProps/app.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties"><Application>Microsoft Office Word</Application>'
            "<Company>梁平区委组织部</Company><Manager>王五</Manager></Properties>",
        )
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=DOCX.content_type)


def authored_pdf(name="会议纪要.pdf"):
    content = files._one_page_pdf(**{"/Author": "张三", "/Creator": "WPS Office"})
    assert PdfReader(io.BytesIO(content)).metadata.author == "张三"
    return files.pdf(name, content)


def stored(update: ActionUpdate) -> bytes:
    update.refresh_from_db()
    with update.evidence.open("rb") as file:
        return file.read()


def report_progress(client, owner, evidence):
    """The owner reports progress on their item through their page, with `evidence`."""
    action = factories.ActionItemFactory(
        owner=owner.participant, owner_organization=owner.participant.organization
    )
    client.force_login(owner)
    return client.post(
        reverse("tours:my-action", args=[action.pk]),
        {"date": "2024-04-01", "progress": "50", "note": "见附件", "evidence": evidence},
    )


class TestStoredWithoutMetadata:
    """Evidence may be published: what the file says about its author stays behind."""

    def post(self, client, owner, evidence) -> ActionUpdate:
        response = report_progress(client, owner, evidence)
        assert response.status_code == 302, response.context["form"].errors
        return ActionUpdate.objects.get()

    def test_a_phone_photo_loses_its_exif_and_is_stored_upright(self, client, owner):
        content = stored(self.post(client, owner, phone_jpeg()))
        image = Image.open(io.BytesIO(content))
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert b"Exif\x00\x00" not in content and b"HUAWEI" not in content
        assert image.size == (400, 300)  # turned as the EXIF said, not on its side

    def test_a_png_loses_its_text_and_colour_profile(self, client, owner):
        text = PngImagePlugin.PngInfo()
        text.add_text("Author", "张三")
        buffer = io.BytesIO()
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        Image.new("RGB", (40, 30), "#a4161a").save(buffer, "PNG", pnginfo=text, icc_profile=srgb)
        upload = SimpleUploadedFile("截图.png", buffer.getvalue(), content_type="image/png")
        image = Image.open(io.BytesIO(stored(self.post(client, owner, upload))))
        assert image.format == "PNG" and image.size == (40, 30)
        assert not image.text and "icc_profile" not in image.info

    def test_a_word_document_loses_its_author_editor_and_company(self, client, owner):
        content = stored(self.post(client, owner, signed_docx()))
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            core = archive.read("docProps/core.xml").decode()
            app = archive.read("docProps/app.xml").decode()
        for secret in ("张三", "李四", "内部初稿", "creator", "lastModifiedBy"):
            assert secret not in core
        assert "梁平区委组织部" not in app and "王五" not in app
        assert "<Application>Microsoft Office Word</Application>" in app
        assert '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/' in app
        document = Document(io.BytesIO(content))
        assert document.paragraphs[0].text == "关于推行企业服务专员制度的工作方案"
        assert document.core_properties.author == ""

    def test_a_workbook_loses_its_author(self, client, owner):
        workbook = openpyxl.Workbook()
        workbook.active["A1"] = "台账"
        workbook.properties.creator = "张三"
        workbook.properties.lastModifiedBy = "李四"
        buffer = io.BytesIO()
        workbook.save(buffer)
        upload = SimpleUploadedFile("台账.xlsx", buffer.getvalue(), content_type=XLSX.content_type)
        content = stored(self.post(client, owner, upload))
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            core = archive.read("docProps/core.xml").decode()
        assert "张三" not in core and "李四" not in core
        assert openpyxl.load_workbook(io.BytesIO(content)).active["A1"].value == "台账"

    def test_a_pdf_loses_its_author(self, client, owner):
        content = stored(self.post(client, owner, authored_pdf()))
        reader = PdfReader(io.BytesIO(content))
        assert len(reader.pages) == 1
        assert not reader.metadata
        assert b"/Author" not in content and b"WPS" not in content

    def test_the_admin_stores_a_cleared_copy_too(self, client, superuser, owner):
        update = factories.ActionUpdateFactory(
            action__owner_organization=owner.participant.organization
        )
        client.force_login(superuser)
        response = client.post(
            reverse("admin:tours_actionupdate_change", args=[update.pk]),
            {"date": "2024-04-01", "note": "见附件", "evidence": phone_jpeg()},
        )
        assert response.status_code == 302
        content = stored(update)
        assert b"HUAWEI" not in content and len(Image.open(io.BytesIO(content)).getexif()) == 0

    def test_a_password_protected_pdf_is_refused_on_its_field(self, client, owner):
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(files.PDF)))
        writer.encrypt("mima")
        buffer = io.BytesIO()
        writer.write(buffer)
        response = report_progress(client, owner, files.pdf("加密.pdf", buffer.getvalue()))
        assert response.status_code == 200
        assert "“加密.pdf”已加密" in response.context["form"].errors["evidence"][0]
        assert not ActionUpdate.objects.exists()

    def test_an_office_file_that_unpacks_into_a_bomb_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<document/>")
            with archive.open("word/media/zeros.bin", "w", force_zip64=True) as part:
                for _ in range(201):
                    part.write(bytes(1024 * 1024))
        bomb = SimpleUploadedFile("炸弹.docx", buffer.getvalue(), content_type=DOCX.content_type)
        with pytest.raises(ValidationError) as refused:
            validate_evidence(bomb)
        assert refused.value.code == "too_big_unpacked"

    def test_evidence_saved_without_a_form_is_cleared_as_well(self, owner):
        update = evidence_update(owner, upload=phone_jpeg)
        content = stored(update)
        assert b"HUAWEI" not in content and len(Image.open(io.BytesIO(content)).getexif()) == 0

    def test_a_photo_cut_short_is_refused_on_its_field_not_with_an_error(self, client, owner):
        data = phone_jpeg().read()
        cut = SimpleUploadedFile("断图.jpg", data[: len(data) // 2], content_type="image/jpeg")
        response = report_progress(client, owner, cut)
        assert response.status_code == 200
        assert "“断图.jpg”文件不完整" in response.context["form"].errors["evidence"][0]
        assert not ActionUpdate.objects.exists()
