from django.contrib import admin

from .models import (
    AgendaItem,
    Alliance,
    Attendance,
    Collaboration,
    CommunityMembership,
    Event,
    EventNote,
    Facilitator,
    FollowUpAction,
    GoalProgress,
    KeyIssue,
    LearningCommunity,
    NetworkSnapshot,
    Outcome,
    Report,
    SharedGoal,
    SharedResource,
)


class MembershipInline(admin.TabularInline):
    model = CommunityMembership
    fields = ["organization", "role", "joined_on", "left_on"]
    raw_id_fields = ["organization"]
    extra = 0


@admin.register(LearningCommunity)
class LearningCommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "tier", "theme", "start", "end", "status"]
    list_filter = ["status", "tier"]
    search_fields = ["name", "description"]
    inlines = [MembershipInline]


@admin.register(CommunityMembership)
class CommunityMembershipAdmin(admin.ModelAdmin):
    list_display = ["organization", "community", "role", "joined_on", "left_on"]
    list_filter = ["role", "community"]
    search_fields = ["organization__name", "community__name"]
    raw_id_fields = ["organization", "added_by"]


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    fields = ["title", "organization", "source", "status", "proposed_on"]
    raw_id_fields = ["organization"]
    extra = 0


class FacilitatorInline(admin.TabularInline):
    model = Facilitator
    raw_id_fields = ["person", "organization"]
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "kind", "date", "state", "country"]
    list_filter = ["kind", "community"]
    search_fields = ["title", "purpose"]
    date_hierarchy = "date"
    raw_id_fields = ["host", "created_by"]
    inlines = [AgendaInline, FacilitatorInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "source", "status", "proposed_on"]
    list_filter = ["status", "source"]
    search_fields = ["title"]
    raw_id_fields = ["event", "organization", "proposed_by", "decided_by"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["person", "organization", "event", "level"]
    list_filter = ["level"]
    search_fields = ["name", "organization__name"]
    raw_id_fields = ["event", "person", "organization"]


@admin.register(Facilitator)
class FacilitatorAdmin(admin.ModelAdmin):
    list_display = ["person", "organization", "event"]
    search_fields = ["name", "organization__name"]
    raw_id_fields = ["event", "person", "organization"]


@admin.register(EventNote)
class EventNoteAdmin(admin.ModelAdmin):
    list_display = ["event", "kind", "created_at"]
    search_fields = ["text"]
    raw_id_fields = ["event", "written_by"]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(admin.ModelAdmin):
    list_display = ["description", "owner", "due_on", "status"]
    list_filter = ["status"]
    search_fields = ["description"]
    raw_id_fields = ["event", "owner"]


class ProgressInline(admin.TabularInline):
    model = GoalProgress
    fields = ["measured_on", "value", "note"]
    extra = 0


@admin.register(SharedGoal)
class SharedGoalAdmin(admin.ModelAdmin):
    list_display = ["statement", "community", "baseline", "target", "due_on"]
    search_fields = ["statement", "metric"]
    autocomplete_fields = ["co_defined_by"]  # every organization: searched, not listed
    inlines = [ProgressInline]


@admin.register(GoalProgress)
class GoalProgressAdmin(admin.ModelAdmin):
    list_display = ["goal", "measured_on", "value"]
    search_fields = ["goal__statement", "note"]


@admin.register(Alliance)
class AllianceAdmin(admin.ModelAdmin):
    list_display = ["name", "theme", "started_on", "status", "grew_from"]
    list_filter = ["status"]
    search_fields = ["name", "objective"]
    autocomplete_fields = ["members"]  # every organization: searched, not listed


@admin.register(SharedResource)
class SharedResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "organization", "community", "shared_on"]
    list_filter = ["kind"]
    search_fields = ["title", "description"]
    raw_id_fields = ["organization", "shared_by"]
    readonly_fields = ["file", "file_name"]


@admin.register(KeyIssue)
class KeyIssueAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_es", "position"]
    search_fields = ["code", "name_en", "name_es"]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "key_issue", "tier", "community", "occurred_on"]
    list_filter = ["key_issue", "tier"]
    search_fields = ["description", "evidence"]
    autocomplete_fields = ["organizations"]  # every organization: searched, not listed
    # Stored names of ours: a file is replaced through the outcome's page, where it is checked.
    readonly_fields = ["evidence_file", "evidence_file_name"]


@admin.register(Collaboration)
class CollaborationAdmin(admin.ModelAdmin):
    list_display = ["first", "second", "kind", "since", "until"]
    list_filter = ["kind"]
    search_fields = ["first__name", "second__name", "note"]
    raw_id_fields = ["first", "second", "recorded_by"]


@admin.register(NetworkSnapshot)
class NetworkSnapshotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "community", "on", "compared_to", "computed_at"]
    search_fields = ["community__name"]
    readonly_fields = ["overview", "data", "comparison", "svg", "svg_before"]

    def has_add_permission(self, request) -> bool:
        return False  # computed by the network job


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "community", "built_at", "built_by"]
    list_filter = ["kind"]
    search_fields = ["community__name"]
    readonly_fields = ["data", "pdf_file", "xlsx_file"]

    def has_add_permission(self, request) -> bool:
        return False  # built by the report jobs
