from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.html import format_html_join, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .audit import describe
from .models import (
    AuditEntry,
    Consent,
    DataRequest,
    Job,
    NoticeAcceptance,
    PrivacyNotice,
    SecurityEvent,
    User,
)
from .privacy_services import require_new_acceptance
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


class _RecordOnly(admin.ModelAdmin):
    """Records the portal writes itself: readable here, never typed in or edited."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class _Evidence(_RecordOnly):
    """Logs kept as evidence (audit trail, security log): not even deleted from here."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(_Evidence):
    """Read-only: the trail is written by the services and never edited by hand."""

    list_display = ["at", "actor_label", "action", "content_type", "object_label", "note"]
    list_filter = ["action", "content_type", ("actor", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "at"
    # Not the changes: a search over them would reveal confidential values a letter at a time.
    search_fields = ["object_label", "actor_label", "note"]
    list_select_related = ["content_type"]
    fields = [
        "at",
        "actor",
        "actor_label",
        "action",
        "content_type",
        "object_id",
        "object_label",
        "note",
        "changes_shown",
        "affected_count",
        "affected_ids",
    ]
    readonly_fields = fields

    @admin.display(description=_("changes"))
    def changes_shown(self, entry: AuditEntry) -> str:
        # Confidential values stay hidden here too: the admin is not a case's reader.
        lines = describe([entry], reveal_confidential=False)[0]["lines"]
        return format_html_join(
            mark_safe("<br>"), "{}: {} → {}", ((x["field"], x["old"], x["new"]) for x in lines)
        )


@admin.register(SecurityEvent)
class SecurityEventAdmin(_Evidence):
    """Read-only: the log is evidence, so nobody edits or deletes it from here."""

    list_display = ["at", "kind", "email", "user", "ip_address", "path"]
    list_filter = ["kind", ("user", admin.RelatedOnlyFieldListFilter), "at"]
    search_fields = ["email", "user__email", "ip_address", "path"]
    date_hierarchy = "at"
    list_select_related = ["user"]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """A new version is a new row (the portal asks everyone to accept it within a minute);
    a published version is never edited: people accepted those words."""

    list_display = ["version", "published_on", "created_at"]
    search_fields = ["summary_of_changes", "full_es", "full_en"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in PrivacyNotice._meta.fields] if obj else []

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            require_new_acceptance()


@admin.register(NoticeAcceptance)
class NoticeAcceptanceAdmin(_RecordOnly):
    list_display = ["user", "notice", "accepted_at", "ip_address"]
    search_fields = ["user__email"]
    list_filter = ["notice"]


@admin.register(Consent)
class ConsentAdmin(_RecordOnly):
    list_display = ["user", "purpose", "granted_at", "revoked_at"]
    search_fields = ["user__email", "purpose"]
    list_filter = ["purpose"]


@admin.register(DataRequest)
class DataRequestAdmin(_RecordOnly):
    list_display = ["id", "user", "kind", "status", "received_at", "due_on", "resolved_at"]
    search_fields = ["user__email", "details"]
    list_filter = ["kind", "status"]
