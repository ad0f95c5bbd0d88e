from django.contrib import admin

from .models import (
    Invitation,
    Membership,
    Organization,
    OrganizationChange,
    Person,
    Population,
    ThematicArea,
    Tier,
)
from .services import create_organization, update_organization


class PersonInline(admin.TabularInline):
    model = Person
    fields = ["name", "position", "level", "email", "phone", "user"]
    raw_id_fields = ["user"]
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "is_active"]
    raw_id_fields = ["user"]
    extra = 0


class ChangeInline(admin.TabularInline):
    model = OrganizationChange
    fields = ["changed_at", "changed_by", "changes", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-changed_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "acronym",
        "sector",
        "tier",
        "status",
        "state",
        "municipality",
        "updated_at",
    ]
    list_filter = [
        "sector",
        "tier",
        "status",
        "state",
        "legal_form",
        "authorized_donee",
        "thematic_areas",
    ]
    search_fields = ["name", "acronym", "rfc", "cluni", "municipality"]
    filter_horizontal = ["thematic_areas", "populations"]
    inlines = [MembershipInline, PersonInline, ChangeInline]
    list_select_related = ["tier"]

    def save_model(self, request, obj, form, change) -> None:
        # Admin edits go through the profile services so they land in the organization's
        # history (who, when, which fields) like every other edit.
        if change:
            # `obj` already carries the posted values; the service compares against the row.
            current = Organization.objects.get(pk=obj.pk)
            fields = {name: form.cleaned_data[name] for name in form.changed_data}
            update_organization(organization=current, changed_by=request.user, fields=fields)
            return
        created = create_organization(created_by=request.user, fields=dict(form.cleaned_data))
        # The admin goes on with `obj` (inlines, log entry, redirect): make it the saved row.
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db

    def save_related(self, request, form, formsets, change) -> None:
        # No form.save_m2m(): the service already applied (and recorded) the many-to-many
        # fields, and re-saving them all would overwrite concurrent edits the admin never made.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["number", "name_en", "name_es"]
    search_fields = ["name_en", "name_es"]


@admin.register(ThematicArea)
class ThematicAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_es", "parent"]
    list_filter = ["parent"]
    search_fields = ["code", "name_en", "name_es"]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_es"]
    search_fields = ["code", "name_en", "name_es"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "position", "level", "email", "user"]
    list_filter = ["level"]
    search_fields = ["name", "email", "organization__name"]
    raw_id_fields = ["organization", "user"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "organization__name"]
    raw_id_fields = ["user", "organization"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "organization__name"]
    readonly_fields = ["token_hash", "created_at", "accepted_at"]
    raw_id_fields = ["organization", "invited_by"]


@admin.register(OrganizationChange)
class OrganizationChangeAdmin(admin.ModelAdmin):
    list_display = ["organization", "changed_by", "changed_at", "note"]
    list_filter = ["note"]
    search_fields = ["organization__name", "changed_by__email"]
    date_hierarchy = "changed_at"
    readonly_fields = ["organization", "changed_by", "changed_at", "changes", "note"]

    # The profile history is written by the services only and never rewritten.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


from . import admin_capacity  # noqa: E402, F401 - registers the capacity models
