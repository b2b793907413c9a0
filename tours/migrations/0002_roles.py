"""Create the three roles with their permissions, so a fresh database has them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = ["tripmember", "sitevisit", "photo", "takeaway", "question", "indicator", "actionitem"]
EVERY_MODEL = {
    "people": ["organization", "participant"],
    "tours": ["trip", *CONTENT, "instruction", "actionupdate"],
}


def _crud(app, models, actions):
    return [f"{app}.{action}_{model}" for model in models for action in actions]


ROLES = {
    # Staff who enter trips: everything a trip is made of, but not publishing or reviewing.
    "录入员": [
        *_crud("people", ["organization", "participant"], ["add", "change", "view"]),
        *_crud("tours", ["trip"], ["add", "change", "view"]),
        *_crud("tours", CONTENT, ["add", "change", "delete", "view"]),
        *_crud("tours", ["instruction", "actionupdate"], ["view"]),
    ],
    # Leaders who review: see everything, decide on takeaways, publish, give instructions.
    "审阅人": [
        *[perm for app, models in EVERY_MODEL.items() for perm in _crud(app, models, ["view"])],
        *_crud("tours", ["instruction", "actionitem"], ["add", "change"]),
        "tours.publish_trip",
        "tours.review_takeaway",
    ],
    # Contacts in responsible units: post progress on their own items (checked per object).
    "责任人": ["tours.add_actionupdate"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_roles(apps)


def grant_roles(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("people", "0001_initial"),
        ("tours", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
