from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .names import person_name  # noqa: F401  (its home was here; people.names now)
from .phones import validate_phone


class Organization(models.Model):
    """A unit (单位): a government office, a town, a company, a party school."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    region = models.CharField(
        _("region"), max_length=100, blank=True, help_text=_("For example 重庆市梁平区.")
    )
    # The ids from the top unit down to this one, "/3/17/42/": the units under a unit are
    # one indexed prefix filter (a department's scope), however deep the tree.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    history = HistoricalRecords(excluded_fields=["path"])

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = f"{self._parent_path()}{self.pk}/"
        if path != self.path:
            old, self.path = self.path, path
            Organization.objects.filter(pk=self.pk).update(path=path)
            if old:
                # The units below move with it: one UPDATE rewrites the start of their paths.
                Organization.objects.filter(path__startswith=old).exclude(pk=self.pk).update(
                    path=Concat(Value(path), Substr("path", len(old) + 1))
                )

    def clean(self):
        super().clean()
        if self.path and self.parent_id and self._parent_path().startswith(self.path):
            raise ValidationError(
                {"parent": _("A unit cannot be placed under itself or one of its own units.")}
            )

    def _parent_path(self) -> str:
        if not self.parent_id:
            return "/"
        return Organization.objects.values_list("path", flat=True).get(pk=self.parent_id)

    def covers(self, other: "Organization | None") -> bool:
        """Is `other` this unit or one of the units under it?"""
        return other is not None and bool(self.path) and other.path.startswith(self.path)


class ParticipantManager(models.Manager):
    def get_queryset(self):
        # __str__ shows the organization, and every picker and list shows __str__.
        return super().get_queryset().select_related("organization")


class Participant(models.Model):
    """A person: a delegation member, a host who spoke, a leader, an action owner."""

    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    name = models.CharField(_("full name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
    )
    title = models.CharField(_("post"), max_length=100, blank=True, help_text=_("Current post."))
    phone = models.CharField(_("phone"), max_length=30, blank=True, help_text=_("Internal only."))
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("Internal only."))
    note = models.TextField(_("internal note"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
        help_text=_("Links an action owner to the account they sign in with."),
    )

    objects = ParticipantManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "id"]
        indexes = [
            # Roster import matches people by name within an organization.
            models.Index(fields=["name", "organization"], name="participant_name_org_idx"),
        ]

    def __str__(self):
        details = " ".join(part for part in (self.organization_name, self.title) if part)
        return f"{self.name}（{details}）" if details else self.name

    def clean(self):
        super().clean()
        # In clean, not as a field validator or a constraint: numbers recorded before
        # the check (some of them 7-digit) stay readable and migrate; a form that saves
        # the person asks for a real one.
        try:
            validate_phone(self.phone)
        except ValidationError as invalid:
            raise ValidationError({"phone": invalid}) from None

    @property
    def organization_name(self) -> str:
        return self.organization.name if self.organization_id else ""
