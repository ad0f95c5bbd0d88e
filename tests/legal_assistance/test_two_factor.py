"""Lawyers read confidential case details: legal_assistance registers them as a role that needs
a second factor when TWO_FACTOR_REQUIRED is on (csa_portal cannot know the role itself)."""

from django.urls import reverse

from tests.personas import PASSWORD

from .helpers import make_firm, make_lawyer


def test_when_required_lawyers_are_sent_to_enroll(cast, client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    make_lawyer(make_firm(), cast.lawyer)
    client.post(reverse("login"), {"username": cast.lawyer.email, "password": PASSWORD})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_a_login_without_a_lawyer_row_is_not_asked(cast, client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    client.post(reverse("login"), {"username": cast.lawyer.email, "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 200
