"""The portal's URLs plus three pages the page-cache tests need: one that writes when viewed, one
whose content does not come from the database and one that leaves a message."""

import itertools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path

from csa_portal.page_cache import page_cache_exempt
from csa_portal.urls import urlpatterns as portal_urlpatterns
from organizations.models import Tier

_counter = itertools.count()


@login_required
def writes_when_viewed(request):
    Tier.objects.filter(pk=-1).update(description="x")  # a write, even of no row
    return HttpResponse(f"<p>{next(_counter)}</p>")


@login_required
def not_from_the_database(request):
    return HttpResponse(f"<p>{next(_counter)}</p>")


@login_required
def leaves_a_message(request):
    messages.success(request, "Guardado, listo.")
    return redirect(request.GET["next"])


urlpatterns = [
    path("test/message/", leaves_a_message),
    path("test/writes/", writes_when_viewed),
    path("test/counter/", not_from_the_database),
    path("test/counter/exempt/", page_cache_exempt(not_from_the_database)),
    *portal_urlpatterns,
]
