from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..panels import render_panels


@require_safe
@login_required
def home(request):
    return render(request, "home.html", {"panels": render_panels("home", request)})
