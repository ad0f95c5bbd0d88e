import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_login_page_renders(client):
    assert client.get(reverse("login")).status_code == 200


def test_home_shows_staff_panel(cast, client_for):
    response = client_for(cast.staff).get(reverse("home"))
    assert response.status_code == 200
    assert b"chart-tiers" in response.content
