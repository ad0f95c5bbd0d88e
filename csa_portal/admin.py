from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Job, SecurityEvent, User
from .security import record_event
from .services import reset_two_factor


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "program_role",
        "preferred_language",
        "is_active",
        "is_superuser",
        "last_login",
    ]
    list_filter = ["program_role", "is_active", "is_superuser", "preferred_language"]
    search_fields = ["email", "display_name"]
    actions = ["reset_second_factor"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "preferred_language"]}),
        (
            _("Roles"),
            {
                "fields": [
                    "program_role",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "display_name", "program_role", "password1", "password2"],
            },
        ),
    ]

    @admin.action(description=_("Reset two-factor authentication (lost phone)"))
    def reset_second_factor(self, request, queryset) -> None:
        for user in queryset:
            reset_two_factor(user=user)
            record_event(SecurityEvent.Kind.TWO_FACTOR_RESET, request=request, user=user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d person will set up two-factor authentication again at their next login.",
                "%(count)d people will set up two-factor authentication again at their next login.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "status",
        "progress",
        "created_by",
        "created_at",
        "finished_at",
        "attempts",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["kind", "created_by__email", "error"]
    readonly_fields = [f.name for f in Job._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        # Jobs are started by the features that need them, never typed in by hand.
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, so nobody edits or deletes it from here."""

    list_display = ["at", "kind", "email", "user", "ip_address", "path"]
    list_filter = ["kind", ("user", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = ["email", "user__email", "ip_address", "path"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
