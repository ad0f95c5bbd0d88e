"""What the organization pages do for the people allowed to use them.

Who may call each URL (404 for outsiders, 403 for the wrong role, 405 for the wrong method,
login for anonymous people) is in tests/csa_portal/test_authorization_matrix.py; these tests
check what the pages show and write.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from csa_portal.models import User
from organizations.models import (
    Invitation,
    Membership,
    Organization,
    OrganizationChange,
    Person,
    ThematicArea,
    Tier,
)
from organizations.services import update_organization
from tests.personas import PASSWORD, make_invitation, make_organization, make_person, speak_english

# --- Directory -----------------------------------------------------------------------------


@pytest.fixture
def directory(cast):
    tier1, tier2 = Tier.objects.get(number=1), Tier.objects.get(number=2)
    youth = ThematicArea.objects.get(code="youth")  # a sub-theme of crime prevention
    migration = ThematicArea.objects.get(code="migration")
    orgs = {
        "juarez": make_organization(
            "Juventudes de Juárez", acronym="JJ", state="CHIH", municipality="Ciudad Juárez"
        ),
        "migrantes": make_organization(
            "Casa Migrante", state="BC", municipality="Tijuana", rfc="CMI100101AB1"
        ),
        "universidad": make_organization("Universidad del Norte", sector="university", state="NL"),
    }
    update_organization(
        organization=orgs["juarez"],
        changed_by=None,
        fields={"tier": tier1, "status": "active", "thematic_areas": [youth]},
    )
    update_organization(
        organization=orgs["migrantes"],
        changed_by=None,
        fields={"tier": tier2, "status": "graduated", "thematic_areas": [migration]},
    )
    return orgs


def listed(response) -> list[str]:
    return [org.name for org in response.context["page"].object_list]


ALL_NAMES = [
    "Casa Migrante",
    "Juventudes de Juárez",
    "Otra Organización",
    "Red de Prueba por la Paz",
    "Universidad del Norte",
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ALL_NAMES),
        ({"state": "CHIH"}, ["Juventudes de Juárez"]),
        ({"sector": "university"}, ["Universidad del Norte"]),
        ({"status": "graduated"}, ["Casa Migrante"]),
        ({"q": "juárez"}, ["Juventudes de Juárez"]),  # by municipality and name
        ({"q": "JJ"}, ["Juventudes de Juárez"]),  # by acronym
        ({"q": "cmi100101ab1"}, ["Casa Migrante"]),  # by exact RFC
        ({"q": "   "}, ALL_NAMES),
    ],
)
def test_directory_filters(directory, cast, client_for, query, expected):
    response = client_for(cast.staff).get(reverse("organizations:directory"), query)
    assert response.status_code == 200
    assert listed(response) == expected


def test_directory_filters_by_tier_and_by_theme_including_sub_themes(directory, cast, client_for):
    client = client_for(cast.staff)
    url = reverse("organizations:directory")
    tier2 = Tier.objects.get(number=2)
    crime_prevention = ThematicArea.objects.get(code="crime-prevention")

    assert listed(client.get(url, {"tier": tier2.pk})) == ["Casa Migrante"]
    assert listed(client.get(url, {"theme": crime_prevention.pk})) == ["Juventudes de Juárez"]


def test_directory_pages_keep_the_filters_and_the_sort(directory, cast, client_for, monkeypatch):
    from organizations.views import directory as views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    speak_english(cast.staff)
    client = client_for(cast.staff)
    url = reverse("organizations:directory")

    first = client.get(url, {"sector": "cso", "sort": "-name"})
    second = client.get(url, {"sector": "cso", "sort": "-name", "page": 2})

    cso_names = sorted((n for n in ALL_NAMES if n != "Universidad del Norte"), reverse=True)
    assert listed(first) == cso_names[:2] and listed(second) == cso_names[2:4]
    page = first.content.decode()
    assert 'href="?sector=cso&amp;sort=-name&amp;page=2" rel="next"' in page
    assert "Page 1 of 2" in page
    assert 'href="?sector=cso&amp;sort=-name&amp;page=1" rel="prev"' in second.content.decode()


def test_directory_counts_people(directory, cast, client_for):
    make_person(cast.org, "Una")
    make_person(cast.org, "Dos")
    response = client_for(cast.staff).get(reverse("organizations:directory"))
    counts = {org.name: org.people_count for org in response.context["page"].object_list}
    assert counts["Red de Prueba por la Paz"] == 2
    assert counts["Casa Migrante"] == 0


@pytest.mark.parametrize(
    ("sort", "first", "active"),
    [
        ("name", "Casa Migrante", "name"),
        ("-name", "Universidad del Norte", "-name"),
        ("tier", "Juventudes de Juárez", "tier"),
        ("-tier", "Casa Migrante", "-tier"),
        ("state", "Casa Migrante", "state"),  # BC sorts first
        ("password", "Casa Migrante", "name"),  # not a sortable column: by name
        ("-organizations_organization.id; DROP TABLE x", "Casa Migrante", "name"),
    ],
)
def test_directory_sorts_only_by_whitelisted_columns(
    directory, cast, client_for, sort, first, active
):
    response = client_for(cast.staff).get(reverse("organizations:directory"), {"sort": sort})
    assert response.status_code == 200
    assert listed(response)[0] == first
    assert response.context["sort"] == active


@pytest.mark.parametrize("sort", ["tier", "-tier"])
def test_organizations_without_a_tier_sort_last_both_ways(directory, cast, client_for, sort):
    # Same order on SQLite and PostgreSQL (which puts NULLs first when descending by default).
    response = client_for(cast.staff).get(reverse("organizations:directory"), {"sort": sort})
    tiers = [org.tier.number if org.tier else None for org in response.context["page"].object_list]
    assert tiers == ([1, 2] if sort == "tier" else [2, 1]) + [None, None, None]


def test_directory_export_form_carries_the_current_filters(directory, cast, client_for):
    response = client_for(cast.staff).get(
        reverse("organizations:directory"), {"state": "CHIH", "page": "1"}
    )
    assert response.context["query"] == "state=CHIH"
    assert 'name="query" value="state=CHIH"' in response.content.decode()


def test_directory_paginates_by_fifty(cast, client_for):
    for i in range(51):
        Organization.objects.create(name=f"Org {i:02d}", state="SON")
    client = client_for(cast.staff)
    first = client.get(reverse("organizations:directory"))
    last = client.get(reverse("organizations:directory"), {"page": "2"})
    assert len(first.context["page"].object_list) == 50
    assert len(last.context["page"].object_list) == 3
    assert first.context["page"].paginator.count == 53


# --- Detail and history --------------------------------------------------------------------


def test_detail_shows_profile_people_and_members(cast, client_for):
    make_person(cast.org, "Rosa Promotora", position="Promotora")
    html = client_for(cast.member).get(reverse("organizations:detail", args=[cast.org.pk]))
    content = html.content.decode()
    assert "Red de Prueba por la Paz" in content
    assert "Rosa Promotora" in content
    assert str(cast.leader) in content
    assert cast.member in [m.user for m in html.context["memberships"]]
    # A deactivated membership is not shown as a portal member.
    Membership.objects.filter(user=cast.member).update(is_active=False)
    again = client_for(cast.leader).get(reverse("organizations:detail", args=[cast.org.pk]))
    assert cast.member not in [m.user for m in again.context["memberships"]]


@pytest.mark.parametrize(
    ("persona", "can_edit", "can_invite"),
    [("staff", True, True), ("leader", True, False), ("member", False, False)],
)
def test_detail_offers_only_the_actions_the_person_may_take(
    cast, client_for, persona, can_edit, can_invite
):
    response = client_for(getattr(cast, persona)).get(
        reverse("organizations:detail", args=[cast.org.pk])
    )
    html = response.content.decode()
    assert (reverse("organizations:edit", args=[cast.org.pk]) in html) is can_edit
    assert (reverse("organizations:person_add", args=[cast.org.pk]) in html) is can_edit
    assert (reverse("organizations:invite", args=[cast.org.pk]) in html) is can_invite


def test_an_inactive_membership_gives_no_access(cast, client_for):
    Membership.objects.filter(user=cast.leader).update(is_active=False)
    client = client_for(cast.leader)
    assert client.get(reverse("organizations:detail", args=[cast.org.pk])).status_code == 404
    assert client.get(reverse("organizations:edit", args=[cast.org.pk])).status_code == 404


def test_an_organization_that_does_not_exist_is_404_for_staff_too(cast, client_for):
    response = client_for(cast.staff).get(reverse("organizations:detail", args=[999999]))
    assert response.status_code == 404


def test_history_lists_changes_newest_first_with_readable_values(cast, client_for):
    speak_english(cast.leader)
    tier = Tier.objects.get(number=2)
    update_organization(
        organization=cast.org,
        changed_by=cast.staff,
        fields={"tier": tier, "thematic_areas": list(ThematicArea.objects.filter(code="youth"))},
    )
    update_organization(
        organization=cast.org,
        changed_by=cast.leader,
        fields={"mission": "Nueva misión", "participation_start": date(2017, 3, 1)},
    )

    response = client_for(cast.leader).get(reverse("organizations:history", args=[cast.org.pk]))

    entries = response.context["entries"]
    assert [e["entry"].actor for e in entries] == [cast.leader, cast.staff, None]
    lines = {line["field"]: line for line in entries[0]["lines"]}
    assert lines["Mission"] == {"field": "Mission", "old": "—", "new": "Nueva misión"}
    assert lines["Participation start"]["new"] == "03/01/2017"
    lines = {line["field"]: line for line in entries[1]["lines"]}
    assert lines["Tier"]["new"] == "Tier 2"
    assert lines["Thematic areas"]["new"] == "Youth"
    assert entries[2]["entry"].action == "create"


def test_an_invalid_directory_filter_is_explained_next_to_its_field(cast, client_for):
    speak_english(cast.staff)

    response = client_for(cast.staff).get(reverse("organizations:directory"), {"state": "ZZ"})

    html = response.content.decode()
    assert 'class="form-select is-invalid"' in html
    assert "Select a valid choice" in html


# --- Create and edit -----------------------------------------------------------------------


def test_staff_create_an_organization_and_its_creation_is_recorded(cast, client_for):
    tier = Tier.objects.get(number=1)
    response = client_for(cast.staff).post(
        reverse("organizations:create"),
        {
            "name": "Nueva Red",
            "sector": "cso",
            "status": "active",
            "tier": tier.pk,
            "legal_form": "ac",
            "state": "OAX",
            "rfc": "nre150505ab1",
            "thematic_areas": [ThematicArea.objects.get(code="women").pk],
        },
    )

    organization = Organization.objects.get(name="Nueva Red")
    assert response.status_code == 302
    assert response["Location"] == organization.get_absolute_url()
    assert (organization.rfc, organization.tier, organization.state) == (
        "NRE150505AB1",
        tier,
        "OAX",
    )
    change = organization.changes.get()
    assert (change.note, change.changed_by) == ("created", cast.staff)


def test_create_with_errors_writes_nothing(cast, client_for):
    before = Organization.objects.count()
    response = client_for(cast.staff).post(
        reverse("organizations:create"),
        {"name": "", "sector": "cso", "status": "none", "legal_form": "ac", "state": "XX"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "state"}
    assert Organization.objects.count() == before


# --- People --------------------------------------------------------------------------------


def test_leader_adds_edits_and_removes_a_person(cast, client_for):
    client = client_for(cast.leader)
    add = client.post(
        reverse("organizations:person_add", args=[cast.org.pk]),
        {"name": "Ana Coordinadora", "position": "Coordinadora", "level": "management"},
    )
    person = Person.objects.get(name="Ana Coordinadora")
    assert add.status_code == 302
    assert (person.organization, person.level) == (cast.org, "management")

    edit = client.post(
        reverse("organizations:person_edit", args=[cast.org.pk, person.pk]),
        {"name": "Ana María Coordinadora", "level": "leadership", "email": "ana@osc.mx"},
    )
    person.refresh_from_db()
    assert edit.status_code == 302
    assert (person.name, person.level, person.email) == (
        "Ana María Coordinadora",
        "leadership",
        "ana@osc.mx",
    )

    delete = client.post(reverse("organizations:person_delete", args=[cast.org.pk, person.pk]))
    assert delete.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()


def test_a_person_is_reached_only_through_their_own_organization(cast, client_for):
    stranger = make_person(cast.other_org, "De Otra Organización")
    client = client_for(cast.leader)
    # The leader's own organization in the URL, another organization's person: 404, not edited.
    for name in ("organizations:person_edit", "organizations:person_delete"):
        response = client.post(reverse(name, args=[cast.org.pk, stranger.pk]), {"name": "X"})
        assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.name == "De Otra Organización"


def test_an_invalid_person_is_not_saved(cast, client_for):
    response = client_for(cast.leader).post(
        reverse("organizations:person_add", args=[cast.org.pk]),
        {"name": "", "level": "boss", "email": "not-an-email"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "level", "email"}
    assert not cast.org.people.exists()


# --- Invitations ---------------------------------------------------------------------------


def test_staff_invite_a_person_who_gets_an_email_with_a_working_link(
    cast, client_for, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.staff).post(
            reverse("organizations:invite", args=[cast.org.pk]),
            {"email": "Nueva.Lider@Test.mx", "role": Membership.Role.LEADER},
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "nueva.lider@test.mx",
        "leader",
        cast.staff,
    )
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/invitations/" in line)
    assert link.startswith("http://testserver/organizations/invitations/")

    client.logout()
    page = client.get(link.removeprefix("http://testserver"))
    assert page.status_code == 200
    assert page.context["invitation"] == invitation


def test_the_invite_page_lists_pending_invitations_only(cast, client_for):
    make_invitation(cast.org, "pendiente@test.mx")
    used, _token = make_invitation(cast.org, "usada@test.mx")
    Invitation.objects.filter(pk=used.pk).update(accepted_at=timezone.now())
    expired, _token = make_invitation(cast.org, "vencida@test.mx")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(1))

    response = client_for(cast.staff).get(reverse("organizations:invite", args=[cast.org.pk]))

    assert [i.email for i in response.context["pending"]] == ["pendiente@test.mx"]


def test_accepting_an_invitation_creates_the_login_and_signs_in(cast, client):
    invitation, token = make_invitation(cast.org, "nueva@test.mx", Membership.Role.LEADER)
    url = reverse("organizations:accept_invitation", args=[token])

    response = client.post(
        url,
        {"display_name": "Nueva Líder", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    assert response["Location"] == cast.org.get_absolute_url()
    user = User.objects.get(email="nueva@test.mx")
    assert user.check_password(PASSWORD)
    assert (user.display_name, user.preferred_language) == ("Nueva Líder", "en")
    assert Membership.objects.get(user=user, organization=cast.org).role == "leader"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    # Signed in as the new person, who can now edit the profile as its leader.
    assert int(client.session["_auth_user_id"]) == user.pk
    # A new login accepts the privacy notice first (csa_portal.middleware.PrivacyNoticeMiddleware).
    edit = reverse("organizations:edit", args=[cast.org.pk])
    assert reverse("privacy_notice_accept") in client.get(edit)["Location"]
    client.post(reverse("privacy_notice_accept"))
    assert client.get(edit).status_code == 200

    # The link works once.
    client.logout()
    assert client.get(url).status_code == 404
    again = client.post(
        url, {"display_name": "Otra vez", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert again.status_code == 404
    assert User.objects.filter(email="nueva@test.mx").count() == 1


def test_an_expired_invitation_link_is_404(cast, client):
    invitation, token = make_invitation(cast.org, "tarde@test.mx")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    url = reverse("organizations:accept_invitation", args=[token])

    assert client.get(url).status_code == 404
    response = client.post(
        url, {"display_name": "Tarde", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="tarde@test.mx").exists()


def test_a_weak_password_keeps_the_invitation_open(cast, client):
    invitation, token = make_invitation(cast.org, "debil@test.mx")
    response = client.post(
        reverse("organizations:accept_invitation", args=[token]),
        {"display_name": "Débil", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not User.objects.filter(email="debil@test.mx").exists()
    assert OrganizationChange.objects.filter(organization=cast.org).count() == 1
