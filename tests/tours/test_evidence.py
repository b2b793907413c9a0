"""Evidence files: recognised by content, stored privately, served only to who may see them."""

import pytest
from django.urls import reverse

from tests import factories, files
from tours.evidence import DOCX, JPEG, PDF, PNG, XLSX, sniff
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
        assert b"".join(response.streaming_content) == files.PDF

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
