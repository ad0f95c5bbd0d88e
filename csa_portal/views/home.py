from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_safe

from csa_portal.rendering import render

from ..panels import render_panels


@require_safe
@login_required
def home(request):
    return render(request, "home.html", {"panels": render_panels("home", request)})
