from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from csa_portal.jobs import start_job
from csa_portal.rendering import render

from ..access import require_directory_access
from ..columns import COLUMNS
from ..forms import ImportUploadForm
from ..imports import FileProblem, validate_file
from ..uploads import path_for_token, save_upload

SESSION_KEY = "organization_import_tokens"


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request):
    """Upload a file and see every bad row, or a summary and a button to import."""
    require_directory_access(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": COLUMNS}
    if request.method == "POST" and form.is_valid():
        token = save_upload(form.cleaned_data["file"])
        try:
            preview = validate_file(path_for_token(token))
        except FileProblem as exc:
            form.add_error("file", str(exc))
            return render(request, "organizations/import.html", context)
        context["preview"] = preview
        if preview.is_valid:
            # Only the person who previewed a file can confirm its import.
            request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-9:], token]
            context["token"] = token
        else:
            path_for_token(token).unlink(missing_ok=True)
    return render(request, "organizations/import.html", context)


@require_POST
@login_required
def import_confirm(request):
    require_directory_access(request)
    token = request.POST.get("token", "")
    if token not in request.session.get(SESSION_KEY, []) or path_for_token(token) is None:
        # An unbound form cannot carry errors (add_error needs cleaned_data): use a message.
        messages.error(request, _("That upload has expired. Upload the file again."))
        return render(
            request,
            "organizations/import.html",
            {"form": ImportUploadForm(), "columns": COLUMNS},
            status=400,
        )
    request.session[SESSION_KEY] = [t for t in request.session[SESSION_KEY] if t != token]
    job = start_job(kind="organizations.import", created_by=request.user, params={"token": token})
    return redirect("job_detail", job_id=job.pk)


@require_safe
@login_required
def import_template(request):
    require_directory_access(request)
    response = HttpResponse(
        "\ufeff" + ",".join(COLUMNS) + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="organizations-template.csv"'
    return response
