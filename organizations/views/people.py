from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from csa_portal.rendering import render

from ..access import get_organization_for_user, get_person_for_user
from ..forms import PersonForm
from ..services import remove_person, save_person


@require_http_methods(["GET", "POST"])
@login_required
def person_add(request, pk):
    organization = get_organization_for_user(request, pk, perm="organizations.manage_people")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        save_person(organization=organization, person=None, fields=form.cleaned_data)
        messages.success(request, _("The person was added."))
        return redirect(organization)
    return render(
        request, "organizations/person_form.html", {"form": form, "organization": organization}
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request, pk, person_pk):
    person = get_person_for_user(request, pk, person_pk)
    organization = person.organization
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        person.refresh_from_db()
        save_person(organization=organization, person=person, fields=form.cleaned_data)
        messages.success(request, _("The person was saved."))
        return redirect(organization)
    return render(
        request,
        "organizations/person_form.html",
        {"form": form, "organization": organization, "person": person},
    )


@require_POST
@login_required
def person_delete(request, pk, person_pk):
    person = get_person_for_user(request, pk, person_pk)
    organization = person.organization
    remove_person(person=person)
    messages.success(request, _("The person was removed."))
    return redirect(organization)
