"""Two floor pages the benchmark measures next to the real ones (bench/run.py).

Mounted by csa_portal/urls.py only when BENCH_FLOORS is set, so production never has them:
a bare view returning a constant response, and a TechEmpower-style "fortunes" page that runs
one query and renders 20 rows with a template.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ..models import User


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, World!", content_type="text/plain")


def fortunes(request: HttpRequest) -> HttpResponse:
    rows = list(User.objects.order_by("id").values_list("id", "email")[:20])
    return render(request, "bench/fortunes.html", {"rows": rows})


urlpatterns = [
    path("bench/floor/bare/", bare, name="bench_floor_bare"),
    path("bench/floor/fortunes/", fortunes, name="bench_floor_fortunes"),
]
