"""Django admin for grants: read and correct records; the workflow itself runs in the portal."""

from django.contrib import admin

from .models import (
    ApplicationAttachment,
    BudgetLine,
    Grant,
    GrantApplication,
    GrantReport,
    Review,
    SpendingLine,
    Tranche,
)


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    fields = ["category", "description", "amount"]
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = ApplicationAttachment
    fields = ["name", "file", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # files come in through the portal, which checks their content


class ReviewInline(admin.StackedInline):
    model = Review
    fields = ["reviewer", "scores", "recommendation", "comments"]
    raw_id_fields = ["reviewer"]
    extra = 0


@admin.register(GrantApplication)
class GrantApplicationAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "kind", "status", "requested_amount", "currency"]
    list_filter = ["status", "kind", "currency", "theme"]
    search_fields = ["title", "organization__name"]
    raw_id_fields = ["organization", "created_by", "submitted_by", "decided_by", "serves_actions"]
    inlines = [BudgetLineInline, AttachmentInline, ReviewInline]


class TrancheInline(admin.TabularInline):
    model = Tranche
    fields = ["number", "amount", "planned_date", "condition", "released_on", "paid_on"]
    extra = 0


class ReportInline(admin.TabularInline):
    model = GrantReport
    fields = ["kind", "due_date", "status", "submitted_at", "reviewed_at"]
    readonly_fields = ["submitted_at", "reviewed_at"]
    extra = 0
    show_change_link = True


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "amount", "currency", "start_date", "status"]
    list_filter = ["status", "currency"]
    search_fields = ["application__title", "organization__name"]
    raw_id_fields = ["application", "organization", "awarded_by", "ended_by"]
    list_select_related = ["application", "organization"]
    inlines = [TrancheInline, ReportInline]


class SpendingInline(admin.TabularInline):
    model = SpendingLine
    fields = ["budget_line", "amount"]
    raw_id_fields = ["budget_line"]
    extra = 0


@admin.register(GrantReport)
class GrantReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "grant", "kind", "due_date", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["grant__application__title", "grant__organization__name"]
    raw_id_fields = ["grant", "submitted_by", "reviewed_by"]
    list_select_related = ["grant__application"]
    inlines = [SpendingInline]
