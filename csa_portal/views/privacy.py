"""The privacy notice, consents and data-subject (ARCO) requests."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from csa_portal.rendering import render

from ..privacy import consent_purposes
from ..privacy_forms import ConsentForm, DataRequestForm, DecisionForm, ExecuteCancellationForm
from ..privacy_models import Consent, DataRequest, PrivacyNotice
from ..privacy_services import (
    RequestError,
    accept_notice,
    active_purposes,
    add_business_days,
    answer_request,
    current_notice,
    execute_cancellation,
    file_request,
    personal_data_archive,
    reject_request,
    set_consents,
)


def _current_notice() -> PrivacyNotice:
    notice = current_notice()
    if notice is None:
        raise Http404
    return notice


@require_safe
def privacy_notice(request):
    """The full notice, public: anyone may read it before logging in."""
    return render(request, "privacy/notice.html", {"notice": _current_notice()})


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
@login_required
def privacy_notice_accept(request):
    notice = _current_notice()
    if request.method == "POST":
        # The version shown is posted back: a notice published meanwhile must be read first.
        shown = request.POST.get("version")
        if shown in (None, str(notice.version)) and accept_notice(
            user=request.user, notice=notice, ip_address=request.META.get("REMOTE_ADDR")
        ):
            messages.success(request, _("Thank you. You accepted the privacy notice."))
            return redirect(_safe_next(request))
        return redirect(request.get_full_path())
    return render(
        request,
        "privacy/accept.html",
        {
            "notice": notice,
            "next": _safe_next(request),
            "already": request.user.accepted_notice_id == notice.pk,
            "renewal": request.user.notice_acceptances.exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def privacy_settings(request):
    """The person's privacy page: consents they can revoke, their requests, their data."""
    user = request.user
    form = ConsentForm(request.POST or None, initial={"purposes": sorted(active_purposes(user))})
    if request.method == "POST" and form.is_valid():
        set_consents(user=user, granted=set(form.cleaned_data["purposes"]))
        messages.success(request, _("Your consent choices were saved."))
        return redirect("privacy_settings")
    purposes = {p.code: p for p in consent_purposes()}
    history = [
        {"consent": c, "purpose": purposes.get(c.purpose)}
        for c in Consent.objects.filter(user=user)[:50]
    ]
    return render(
        request,
        "privacy/settings.html",
        {
            "form": form,
            "purposes": list(purposes.values()),
            "history": history,
            "requests": list(DataRequest.objects.filter(user=user).order_by("-received_at")),
            "accepted_notice": user.accepted_notice_id
            and PrivacyNotice.objects.filter(pk=user.accepted_notice_id).first(),
        },
    )


@require_safe
@login_required
def privacy_download(request):
    """ "Download my data": small enough for one person to build in the request."""
    archive = personal_data_archive(request.user)
    response = HttpResponse(archive, content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.zip"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def data_request_new(request):
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data_request = file_request(user=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Your request was received. We will answer by %(date)s.")
            % {"date": data_request.due_on.strftime("%d/%m/%Y")},
        )
        return redirect("data_request_detail", pk=data_request.pk)
    expected = add_business_days(timezone.localdate(), settings.ARCO_RESPONSE_BUSINESS_DAYS)
    return render(request, "privacy/request_form.html", {"form": form, "expected": expected})


def get_own_request(request, pk) -> DataRequest:
    """A person sees only their own requests; anyone else's is 404 (not even its existence)."""
    try:
        return DataRequest.objects.get(pk=pk, user=request.user)
    except (DataRequest.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def get_request_for_staff(request, pk) -> DataRequest:
    if not request.user.is_program_staff:
        raise PermissionDenied
    try:
        return DataRequest.objects.select_related("user", "resolved_by").get(pk=pk)
    except (DataRequest.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


@require_safe
@login_required
def data_request_detail(request, pk):
    return render(request, "privacy/request_detail.html", {"req": get_own_request(request, pk)})


def _deadline_rows(requests, today):
    soon = add_business_days(today, settings.ARCO_DUE_SOON_BUSINESS_DAYS)
    return [
        {"req": r, "overdue": r.deadline < today, "due_soon": today <= r.deadline <= soon}
        for r in requests
    ]


@require_safe
@login_required
def data_request_queue(request):
    if not request.user.is_program_staff:
        raise PermissionDenied
    today = timezone.localdate()
    open_rows = _deadline_rows(DataRequest.objects.open().select_related("user"), today)
    closed = DataRequest.objects.closed().select_related("user").order_by("-resolved_at")[:50]
    return render(
        request,
        "privacy/queue.html",
        {
            "open_rows": open_rows,
            "closed": list(closed),
            "overdue": sum(1 for row in open_rows if row["overdue"]),
            "business_days": settings.ARCO_RESPONSE_BUSINESS_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def data_request_review(request, pk):
    data_request = get_request_for_staff(request, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["response"]
        try:
            if form.cleaned_data["decision"] == DecisionForm.REJECT:
                reject_request(request=data_request, reason=text, by=request.user)
            else:
                answer_request(request=data_request, response=text, by=request.user)
        except RequestError:
            messages.error(request, _("This request was already decided."))
        else:
            messages.success(request, _("The decision was recorded."))
        return redirect("data_request_review", pk=data_request.pk)
    row = _deadline_rows([data_request], timezone.localdate())[0]
    return render(
        request,
        "privacy/review.html",
        {"req": data_request, "row": row, "form": form, "execute_form": ExecuteCancellationForm()},
    )


@require_POST
@login_required
def data_request_execute(request, pk):
    data_request = get_request_for_staff(request, pk)
    form = ExecuteCancellationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Confirm that you understand the cancellation is final."))
    else:
        try:
            execute_cancellation(request=data_request, by=request.user)
        except RequestError:
            messages.error(request, _("Only an approved cancellation can be carried out."))
        else:
            messages.success(request, _("The person's data was anonymized."))
    return redirect("data_request_review", pk=data_request.pk)
