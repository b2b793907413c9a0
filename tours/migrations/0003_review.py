import django.db.models.deletion
import django.utils.timezone
import tours.evidence
import tours.models.action
import tours.storage
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


# Added to the roles of 0002_roles.
NEW_PERMISSIONS = {"审阅人": ["tours.close_actionitem"]}


def let_leaders_close_actions(apps, schema_editor):
    """审阅人 close (销号) finished action items; the permission is new in this migration."""
    tours = apps.get_app_config("tours")
    tours.models_module = True
    create_permissions(tours, apps=apps, verbosity=0)
    tours.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in NEW_PERMISSIONS.items():
        for group in Group.objects.filter(name=name):
            for perm in perms:
                app_label, codename = perm.split(".")
                group.permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )


class Migration(migrations.Migration):
    dependencies = [
        ("tours", "0002_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="actionitem",
            options={
                "ordering": [models.OrderBy(models.F("due_date"), nulls_last=True), "id"],
                "permissions": [("close_actionitem", "Can close (销号) finished action items")],
                "verbose_name": "action item",
                "verbose_name_plural": "action items",
            },
        ),
        migrations.AddField(
            model_name="actionitem",
            name="watchers",
            field=models.ManyToManyField(
                blank=True,
                help_text="They receive the item's progress updates in a daily e-mail digest.",
                related_name="watched_actions",
                to=settings.AUTH_USER_MODEL,
                verbose_name="watchers",
            ),
        ),
        migrations.AddField(
            model_name="actionupdate",
            name="evidence_is_public",
            field=models.BooleanField(
                default=False,
                help_text="Readers of a public action item may then download the evidence.",
                verbose_name="evidence may be published",
            ),
        ),
        migrations.AddField(
            model_name="historicalactionupdate",
            name="evidence_is_public",
            field=models.BooleanField(
                default=False,
                help_text="Readers of a public action item may then download the evidence.",
                verbose_name="evidence may be published",
            ),
        ),
        migrations.AddField(
            model_name="historicaltrip",
            name="return_comment",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="Why a leader sent the trip back to draft.",
                verbose_name="comment on the return",
            ),
        ),
        migrations.AddField(
            model_name="historicaltrip",
            name="submitted_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="submitted at"
            ),
        ),
        migrations.AddField(
            model_name="historicaltrip",
            name="submitted_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="submitted by",
            ),
        ),
        migrations.AddField(
            model_name="trip",
            name="return_comment",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="Why a leader sent the trip back to draft.",
                verbose_name="comment on the return",
            ),
        ),
        migrations.AddField(
            model_name="trip",
            name="submitted_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="submitted at"
            ),
        ),
        migrations.AddField(
            model_name="trip",
            name="submitted_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="submitted by",
            ),
        ),
        migrations.AlterField(
            model_name="actionupdate",
            name="evidence",
            field=models.FileField(
                blank=True,
                help_text="PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx), at most 20 MB.",
                storage=tours.storage.private_storage,
                upload_to=tours.models.action.evidence_upload_to,
                validators=[tours.evidence.validate_evidence],
                verbose_name="evidence",
            ),
        ),
        migrations.AlterField(
            model_name="historicalactionupdate",
            name="evidence",
            field=models.TextField(
                blank=True,
                help_text="PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx), at most 20 MB.",
                max_length=100,
                validators=[tours.evidence.validate_evidence],
                verbose_name="evidence",
            ),
        ),
        migrations.CreateModel(
            name="EmailDigest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("deadlines", "overdue and upcoming action items"),
                            ("progress", "progress updates on watched action items"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("recipient", models.EmailField(max_length=254, verbose_name="recipient")),
                ("sent_on", models.DateField(verbose_name="sent on")),
                (
                    "sent_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="sent at"),
                ),
                ("item_count", models.PositiveIntegerField(default=0, verbose_name="items")),
            ],
            options={
                "verbose_name": "e-mail digest",
                "verbose_name_plural": "e-mail digests",
                "ordering": ["-sent_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "recipient", "sent_on"), name="emaildigest_once_a_day"
                    )
                ],
            },
        ),
        migrations.RunPython(let_leaders_close_actions, migrations.RunPython.noop),
    ]
