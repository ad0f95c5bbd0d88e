"""Every page works in English and Spanish; a person's choice follows them to any device."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from csa_portal.models import User


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


@pytest.mark.parametrize(("first", "then"), [("en", "es"), ("es", "en")])
def test_set_language_is_stored_on_the_account_and_used_on_the_next_page(
    cast, client_for, first, then
):
    client = client_for(cast.leader)

    for language in (first, then):
        response = client.post(reverse("set_language"), {"language": language, "next": "/"})
        assert response.status_code == 302
        assert response["Location"] == "/"
        assert User.objects.get(pk=cast.leader.pk).preferred_language == language
        page = client.get("/")
        assert html_lang(page) == language
        assert page["Content-Language"] == language
        with translation.override(language):
            assert translation.gettext("Log out") in page.content.decode()


def test_the_stored_language_wins_on_a_new_device(cast, client):
    User.objects.filter(pk=cast.leader.pk).update(preferred_language="en")
    # A fresh browser that asks for Spanish still gets the person's choice once logged in.
    client.force_login(cast.leader)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert html_lang(page) == "en"


def test_anonymous_choice_is_kept_in_a_cookie(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.cookies["django_language"].value == "en"
    assert html_lang(client.get(reverse("login"))) == "en"

    client.post(reverse("set_language"), {"language": "es", "next": reverse("login")})
    assert html_lang(client.get(reverse("login"))) == "es"


def test_spanish_is_the_default(client, db):
    assert html_lang(client.get(reverse("login"))) == "es"


def test_an_unknown_language_changes_nothing(cast, client_for):
    client = client_for(cast.leader)
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert User.objects.get(pk=cast.leader.pk).preferred_language == "es"
    assert "django_language" not in response.cookies


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/path", "javascript:alert(1)"]
)
def test_set_language_never_redirects_off_site(cast, client_for, target):
    response = client_for(cast.leader).post(
        reverse("set_language"), {"language": "en", "next": target}
    )
    assert response["Location"] == "/"


def test_set_language_returns_to_the_page_it_came_from(cast, client_for):
    detail = reverse("organizations:detail", args=[cast.org.pk])
    response = client_for(cast.leader).post(
        reverse("set_language"), {"language": "en", "next": detail}
    )
    assert response["Location"] == detail


def test_the_account_page_saves_name_and_language(cast, client_for):
    client = client_for(cast.member)
    response = client.post(
        reverse("account"), {"display_name": "Mateo M.", "preferred_language": "en"}
    )
    assert response.status_code == 302
    cast.member.refresh_from_db()
    assert (cast.member.display_name, cast.member.preferred_language) == ("Mateo M.", "en")
    assert html_lang(client.get(reverse("account"))) == "en"
