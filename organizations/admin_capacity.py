"""Django admin for instruments, assessments, scores and improvement plans.

A framework that a validated assessment uses is read-only here: its scores depend on it. The
"new version" action copies it so the copy can be changed freely.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import (
    Action,
    Area,
    AreaScore,
    Assessment,
    Framework,
    Goal,
    ImprovementPlan,
    Indicator,
    Rating,
)
from .services.instruments import new_version


class LockedWhenUsed:
    """Read-only once the framework of the object is used by a validated assessment."""

    def framework_of(self, obj):
        raise NotImplementedError

    def is_locked(self, obj) -> bool:
        return obj is not None and self.framework_of(obj).is_locked()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.is_locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.is_locked(obj)


class AreaInline(LockedWhenUsed, admin.TabularInline):
    model = Area
    fields = ["position", "code", "name_en", "name_es", "domain_en", "domain_es", "weight"]
    extra = 0
    show_change_link = True

    def framework_of(self, obj):
        return obj

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self.is_locked(obj)


@admin.register(Framework)
class FrameworkAdmin(LockedWhenUsed, admin.ModelAdmin):
    list_display = ["name_en", "code", "version", "measures", "scale_min", "scale_max"]
    list_filter = ["measures", "code"]
    search_fields = ["name_en", "name_es", "code"]
    fields = [
        "code",
        "version",
        "name_en",
        "name_es",
        "description_en",
        "description_es",
        "measures",
        "scale_min",
        "scale_max",
    ]
    inlines = [AreaInline]
    actions = ["make_new_version"]

    def framework_of(self, obj):
        return obj

    @admin.action(description=_("Make a new version to edit"))
    def make_new_version(self, request, queryset):
        for framework in queryset:
            copy = new_version(framework)
            messages.success(request, _("Created %(framework)s.") % {"framework": copy})


class IndicatorInline(LockedWhenUsed, admin.StackedInline):
    model = Indicator
    fields = [("position", "code", "weight", "required"), "text_en", "text_es", "descriptors"]
    extra = 0

    def framework_of(self, obj):
        return obj.framework

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self.is_locked(obj)


@admin.register(Area)
class AreaAdmin(LockedWhenUsed, admin.ModelAdmin):
    list_display = ["name_en", "framework", "weight", "position"]
    list_filter = ["framework"]
    search_fields = ["name_en", "name_es", "code"]
    fields = [
        "framework",
        "position",
        "code",
        "name_en",
        "name_es",
        "domain_en",
        "domain_es",
        "weight",
    ]
    inlines = [IndicatorInline]
    list_select_related = ["framework"]

    def framework_of(self, obj):
        return obj.framework


class RatingInline(admin.TabularInline):
    model = Rating
    fields = ["indicator", "level", "not_applicable", "self_level", "change_reason", "evidence"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AreaScoreInline(admin.TabularInline):
    model = AreaScore
    fields = ["area", "score", "computed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Assessments change through the workflow pages (validation, reopening), never here."""

    list_display = [
        "organization",
        "framework",
        "kind",
        "mode",
        "assessed_on",
        "status",
        "overall_score",
    ]
    list_filter = ["status", "kind", "mode", "framework", "organization__tier"]
    search_fields = ["organization__name"]
    date_hierarchy = "assessed_on"
    list_select_related = ["organization", "framework"]
    readonly_fields = [
        "organization",
        "framework",
        "kind",
        "mode",
        "assessed_on",
        "status",
        "created_by",
        "submitted_by",
        "submitted_at",
        "validated_by",
        "validated_at",
        "reopen_reason",
        "overall_score",
        "scored_at",
    ]
    fields = readonly_fields
    inlines = [AreaScoreInline, RatingInline]

    def has_add_permission(self, request):
        return False


class GoalInline(admin.TabularInline):
    model = Goal
    fields = ["area", "target_score", "due_date"]
    extra = 0


class ActionInline(admin.TabularInline):
    model = Action
    fields = ["description", "goal", "responsible", "due_date", "status", "support", "started_on"]
    raw_id_fields = ["responsible"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # The plan's own goals: every goal of the program was a select of 17,000 options in
        # each action's row at 10,000 organizations.
        goals = Goal.objects.filter(plan=obj).select_related("area") if obj else Goal.objects.none()
        formset.form.base_fields["goal"].queryset = goals
        return formset


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "cso_agreed_at", "staff_agreed_at", "created_at"]
    list_filter = ["organization__tier"]
    search_fields = ["title", "organization__name"]
    list_select_related = ["organization"]
    fields = [
        "organization",
        "assessment",
        "title",
        "cso_agreed_by",
        "cso_agreed_at",
        "staff_agreed_by",
        "staff_agreed_at",
    ]
    raw_id_fields = ["organization", "assessment", "cso_agreed_by", "staff_agreed_by"]
    inlines = [GoalInline, ActionInline]
