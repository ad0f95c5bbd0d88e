from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from csa_portal.middleware import privacy_notice_exempt
from csa_portal.rendering import render

from ..access import get_organization_for_user
from ..forms import AcceptInvitationForm, InvitationForm
from ..services import accept_invitation, find_usable_invitation, invite_member


@require_http_methods(["GET", "POST"])
@login_required
def invite(request, pk):
    organization = get_organization_for_user(request, pk, perm="organizations.invite")
    form = InvitationForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        invite_member(
            organization=organization,
            invited_by=request.user,
            base_url=request.build_absolute_uri("/"),
            **form.cleaned_data,
        )
        messages.success(
            request,
            _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        )
        return redirect(organization)
    pending = organization.invitations.usable()
    return render(
        request,
        "organizations/invite.html",
        {"form": form, "organization": organization, "pending": pending},
    )


@require_http_methods(["GET", "POST"])
@privacy_notice_exempt  # a page for people without an account: they accept it once logged in
def accept(request, token):
    """Open to anyone holding a valid link: the token is the credential."""
    invitation = find_usable_invitation(token)
    if invitation is None:
        raise Http404
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        language = translation.get_language() or "es"
        user = accept_invitation(
            invitation=invitation,
            display_name=form.cleaned_data["display_name"],
            password=form.cleaned_data["password1"],
            language=language[:2],
        )
        login(request, user, backend="csa_portal.auth_backends.ModelBackend")
        messages.success(
            request,
            _("Welcome! You have joined %(organization)s.")
            % {"organization": invitation.organization},
        )
        return redirect(invitation.organization)
    return render(
        request, "organizations/accept_invitation.html", {"form": form, "invitation": invitation}
    )
