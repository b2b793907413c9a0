from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Organization, Participant


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "parent", "region"]
    search_fields = ["name", "region"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(Participant)
class ParticipantAdmin(SimpleHistoryAdmin):
    list_display = ["name", "gender", "organization", "title", "phone"]
    list_filter = ["gender"]
    # Searching by organization and title tells apart people who share a name.
    search_fields = ["name", "title", "organization__name", "phone"]
    autocomplete_fields = ["organization", "user"]
    fields = ["name", "gender", "organization", "title", "phone", "email", "note", "user"]
