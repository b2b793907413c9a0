from django.db import migrations, models


def fill_paths(apps, schema_editor):
    """Each unit's path of ids from its top unit down, top units first."""
    Organization = apps.get_model("people", "Organization")
    parents = dict(Organization.objects.values_list("pk", "parent_id"))

    def path(pk, seen=()):
        parent = parents[pk]
        if parent is None or parent in seen:  # a cycle entered before clean() refused them
            return f"/{pk}/"
        return f"{path(parent, (*seen, pk))}{pk}/"

    for pk in parents:
        Organization.objects.filter(pk=pk).update(path=path(pk))


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="path",
            field=models.CharField(db_index=True, default="", editable=False, max_length=255),
        ),
        migrations.RunPython(fill_paths, migrations.RunPython.noop),
    ]
