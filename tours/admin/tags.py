"""django-taggit's tag admin in Chinese: its merge action and page are written in English,
and its inline offers every table of the project (history tables included) as the kind of
a tagged record."""

from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.admin import TaggedItemInline as TaggitTaggedItemInline
from taggit.forms import MergeTagsForm
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

# taggit's messages after a merge, translated where they are shown (message_user).
MERGE_MESSAGES = [
    _("Please select at least one tag."),
    _("Tags have been merged"),
    _("Form is invalid."),
]


def tagged_models():
    """The models whose records carry tags."""
    return [
        model
        for model in apps.get_models()
        if any(
            isinstance(field, TaggableManager) and field.through is TaggedItem
            for field in model._meta.get_fields()
        )
    ]


class TaggedItemInline(TaggitTaggedItemInline):
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "content_type":
            kinds = ContentType.objects.get_for_models(*tagged_models()).values()
            kwargs["queryset"] = ContentType.objects.filter(pk__in=[kind.pk for kind in kinds])
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "content_type":
            field.label_from_instance = lambda kind: kind.model_class()._meta.verbose_name
        return field


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    inlines = [TaggedItemInline]

    @admin.action(description=_("Merge selected tags"))
    def render_tag_form(self, request, queryset):
        return super().render_tag_form(request, queryset)

    def merge_tags_view(self, request):
        """taggit's merge. A name it refuses is shown again with the reason in Chinese
        (Django's field messages) and what was typed; taggit would show an empty form."""
        if request.method == "POST":
            form = MergeTagsForm(request.POST)
            if not form.is_valid():
                self.message_user(request, "Form is invalid.", level="error")
                return render(request, "admin/taggit/merge_tags_form.html", {"form": form})
        return super().merge_tags_view(request)

    def message_user(self, request, message, *args, **kwargs):
        super().message_user(request, gettext(str(message)), *args, **kwargs)
