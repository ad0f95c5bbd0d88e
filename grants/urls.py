from django.urls import path  # noqa: F401 - the app's views are added here

app_name = "grants"

urlpatterns: list = []
