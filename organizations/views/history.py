"""History pages: the audit trail of an organization, an assessment and an improvement plan.

Who: program staff and the organization's leaders (who keep its profile and agree its plans);
members get 403, everyone else 404. Each page runs a fixed number of queries.
"""

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from csa_portal.audit import history_context
from csa_portal.rendering import render

from ..access import get_assessment_for_user, get_organization_for_user, get_plan_for_user

PERM = "organizations.view_history"


@require_safe
@login_required
def organization_history(request, pk):
    organization = get_organization_for_user(request, pk, perm=PERM)
    context = history_context(
        organization,
        name=organization.name,
        back_url=organization.get_absolute_url(),
        back_label=_("Back to the profile"),
        reveal_confidential=False,
    )
    return render(request, "audit/history.html", context)


@require_safe
@login_required
def assessment_history(request, assessment_pk):
    assessment = get_assessment_for_user(request, assessment_pk, perm=PERM)
    context = history_context(
        assessment,
        name=str(assessment),
        back_url=reverse("organizations:assessment", args=[assessment.pk]),
        back_label=_("Back to the assessment"),
        reveal_confidential=False,
    )
    return render(request, "audit/history.html", context)


@require_safe
@login_required
def plan_history(request, plan_pk):
    plan = get_plan_for_user(request, plan_pk, perm=PERM)
    context = history_context(
        plan,
        name=plan.title,
        back_url=reverse("organizations:plan", args=[plan.pk]),
        back_label=_("Back to the plan"),
        reveal_confidential=False,
    )
    return render(request, "audit/history.html", context)
