from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from csa_portal.panels import render_panels
from csa_portal.rendering import render

from ..access import get_organization_for_user, require_directory_access
from ..forms import PROFILE_FIELDS, OrganizationLeaderForm, OrganizationStaffForm
from ..services import create_organization, update_organization


@require_safe
@login_required
def detail(request, pk):
    organization = get_organization_for_user(request, pk)
    user = request.user
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "themes": list(organization.thematic_areas.all()),
            "populations": list(organization.populations.all()),
            "people": list(organization.people.all()),
            "memberships": list(organization.memberships.active().select_related("user")),
            "can_edit": user.has_perm("organizations.edit_profile", organization),
            "can_invite": user.has_perm("organizations.invite", organization),
            "panels": render_panels("organization", request, organization=organization),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def create(request):
    require_directory_access(request)
    form = OrganizationStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = create_organization(created_by=request.user, fields=form.cleaned_data)
        messages.success(request, _("The organization was created."))
        return redirect(organization)
    return render(request, "organizations/form.html", {"form": form, "organization": None})


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, pk):
    organization = get_organization_for_user(request, pk, perm="organizations.edit_profile")
    staff = request.user.has_perm("organizations.edit_program_fields", organization)
    form_class = OrganizationStaffForm if staff else OrganizationLeaderForm
    form = form_class(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        # The form validated against a copy; the service applies and records the change.
        organization.refresh_from_db()
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        change = update_organization(
            organization=organization, changed_by=request.user, fields=fields
        )
        if change:
            messages.success(request, _("Your changes were saved."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect(organization)
    return render(
        request,
        "organizations/form.html",
        {
            "form": form,
            "organization": organization,
            "read_only_program_fields": not staff,
            "profile_fields": PROFILE_FIELDS,
        },
    )
