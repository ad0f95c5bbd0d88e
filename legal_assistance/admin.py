"""Django admin for the network, cases (read-mostly: the workflow changes them) and the checklist."""

from django.contrib import admin

from .models import (
    CaseDocument,
    ComplianceItem,
    ConfidentialAccess,
    FirmMatch,
    FirmPracticeArea,
    HoursEntry,
    LawFirm,
    Lawyer,
    LegalCase,
    Milestone,
    OrganizationCompliance,
)
from .services.cases import record_access


class PracticeAreaInline(admin.TabularInline):
    model = FirmPracticeArea
    extra = 0


class LawyerInline(admin.TabularInline):
    model = Lawyer
    fields = ["user", "practice_areas", "is_active"]
    raw_id_fields = ["user"]
    extra = 0


@admin.register(LawFirm)
class LawFirmAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "city",
        "state",
        "reference_hourly_rate",
        "yearly_pledged_hours",
        "is_active",
    ]
    list_filter = ["is_active", "state", "areas__area"]
    search_fields = ["name", "city", "contact_name", "contact_email"]
    inlines = [PracticeAreaInline, LawyerInline]


@admin.register(Lawyer)
class LawyerAdmin(admin.ModelAdmin):
    list_display = ["user", "firm", "is_active"]
    list_filter = ["is_active", "firm"]
    search_fields = ["user__email", "user__display_name", "firm__name"]
    raw_id_fields = ["user"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MatchInline(ReadOnlyInline):
    model = FirmMatch
    fields = ["firm", "matched_by", "matched_at", "response", "responded_by", "responded_at"]
    readonly_fields = fields


class HoursInline(ReadOnlyInline):
    model = HoursEntry
    fields = ["lawyer", "worked_on", "hours", "hourly_rate", "description"]
    readonly_fields = fields


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["title", "reached_on", "marked_by"]
    readonly_fields = fields


class LogsConfidentialViews(admin.ModelAdmin):
    """An admin page of one object that shows a case's confidential details (its need, hours,
    a document): every view is logged as the case page's are (ConfidentialAccess)."""

    def case_and_document(self, obj) -> tuple[LegalCase, CaseDocument | None]:
        raise NotImplementedError

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "GET":
            case, document = self.case_and_document(obj)
            what = ConfidentialAccess.What.DOCUMENT if document else ConfidentialAccess.What.CASE
            record_access(case=case, user=request.user, what=what, document=document)
        return obj


@admin.register(LegalCase)
class LegalCaseAdmin(LogsConfidentialViews):
    """Cases are made and moved by the workflow; the admin can correct dates and the outcome."""

    list_display = ["__str__", "organization", "area", "status", "firm", "opened_on"]
    list_filter = ["status", "area", "urgency", "firm"]
    search_fields = ["organization__name", "subject"]
    raw_id_fields = ["organization", "serves_action", "created_by"]
    readonly_fields = ["status", "firm", "created_by", "created_at", "updated_at"]
    inlines = [MatchInline, HoursInline, MilestoneInline]
    date_hierarchy = "opened_on"

    def has_add_permission(self, request) -> bool:
        return False

    def case_and_document(self, obj):
        return obj, None


@admin.register(HoursEntry)
class HoursEntryAdmin(LogsConfidentialViews):
    list_display = ["case", "lawyer", "firm", "worked_on", "hours", "hourly_rate"]
    list_filter = ["firm"]
    search_fields = ["description", "lawyer__user__email"]
    raw_id_fields = ["case", "lawyer"]

    def has_add_permission(self, request) -> bool:
        return False

    def case_and_document(self, obj):
        return obj.case, None


@admin.register(CaseDocument)
class CaseDocumentAdmin(LogsConfidentialViews):
    list_display = ["original_name", "case", "uploaded_by", "uploaded_at", "size"]
    search_fields = ["original_name", "description"]
    readonly_fields = ["case", "uploaded_by", "stored_name", "original_name", "size", "uploaded_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def case_and_document(self, obj):
        return obj.case, obj


@admin.register(ComplianceItem)
class ComplianceItemAdmin(admin.ModelAdmin):
    list_display = ["code", "area", "position", "applies_to", "text_en"]
    list_filter = ["area", "applies_to"]
    search_fields = ["code", "text_en", "text_es"]


@admin.register(OrganizationCompliance)
class OrganizationComplianceAdmin(admin.ModelAdmin):
    list_display = ["organization", "item", "status", "checked_on"]
    list_filter = ["status", "item__area"]
    search_fields = ["organization__name", "item__code"]
    raw_id_fields = ["organization", "case", "updated_by"]


@admin.register(ConfidentialAccess)
class ConfidentialAccessAdmin(admin.ModelAdmin):
    """The access log is evidence: nobody adds, changes or deletes its rows."""

    list_display = ["viewed_at", "user", "case", "what"]
    list_filter = ["what"]
    search_fields = ["user__email", "case__organization__name"]
    readonly_fields = ["user", "case", "what", "document", "viewed_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
