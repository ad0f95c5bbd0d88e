"""The pages: they work, outsiders get 404, the wrong role 403, and refusals change nothing.

(Every URL's status per persona is in the authorization matrix; these tests follow flows.)
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from csa_portal.jobs import retry_job
from csa_portal.models import Job, User
from learning_communities import report_files
from learning_communities.files import report_path
from learning_communities.models import (
    AgendaItem,
    Attendance,
    Event,
    LearningCommunity,
    Report,
    SharedGoal,
    SharedResource,
)
from learning_communities.services import (
    add_facilitator,
    compute_network_snapshot,
    ensure_report_pdf,
    propose_agenda_item,
    share_resource,
)
from organizations.models import Organization
from tests.personas import make_organization, make_person, speak_english

from .helpers import community, event, small_world

pytestmark = pytest.mark.django_db

N = "learning_communities:"


@pytest.fixture
def world(cast):
    speak_english(cast.staff, cast.leader, cast.member, cast.other_leader, cast.lawyer)
    return small_world(cast)


def text(response) -> str:
    return response.content.decode()


def test_staff_create_a_community_and_add_members(cast, client_for):
    from organizations.models import ThematicArea

    speak_english(cast.staff)
    client = client_for(cast.staff)
    response = client.post(
        reverse(N + "create"),
        {
            "name": "Nueva Comunidad",
            "theme": ThematicArea.objects.get(code="youth").pk,
            "states": ["SON", "CHIH"],
            "start": "2020-01-01",
            "end": "2021-12-31",
            "status": "active",
        },
    )
    community = LearningCommunity.objects.get(name="Nueva Comunidad")
    assert response["Location"] == reverse(N + "members", args=[community.pk])
    assert community.states == ["CHIH", "SON"]

    added = client.post(
        reverse(N + "members", args=[community.pk]),
        {"organization": cast.org.pk, "role": "co_facilitator", "joined_on": "2020-02-01"},
        follow=True,
    )
    again = client.post(
        reverse(N + "members", args=[community.pk]),
        {"organization": cast.org.pk, "role": "member", "joined_on": "2020-03-01"},
    )

    assert "joined the community" in text(added)
    assert "is already a member of this community" in text(again)
    assert community.memberships.count() == 1


def test_adding_a_member_offers_a_search_s_first_matches_and_accepts_any(
    cast, client_for, monkeypatch
):
    """A program has thousands of organizations: the select lists the first few that are not
    members yet (those matching the search, if any); a posted organization is valid whatever
    the list showed."""
    from learning_communities import forms

    monkeypatch.setattr(forms, "PICKER_LIMIT", 3)
    lc = community("Comunidad Nueva")
    for n in range(5):
        make_organization(f"Colectivo {n}", municipality="Cajeme" if n == 4 else "Hermosillo")
    speak_english(cast.staff)
    client = client_for(cast.staff)
    url = reverse(N + "members", args=[lc.pk])

    def add(organization_pk: int):
        data = {"organization": organization_pk, "role": "member", "joined_on": "2020-03-01"}
        return client.post(url, data, follow=True)

    add(cast.org.pk)

    def offered(query=None) -> list[str]:
        response = client.get(url, {"q": query} if query else {})
        return [str(o) for o in response.context["form"].fields["organization"].queryset]

    assert len(offered()) == 3 and cast.org.name not in offered()
    assert offered("cajeme") == ["Colectivo 4"]
    assert offered("Red de Prueba") == []  # cast.org: already a member
    last = Organization.objects.exclude(pk=cast.org.pk).order_by("-name").first()
    assert last.name not in offered()
    assert "joined the community" in text(add(last.pk))
    assert "Select a valid choice" in text(add(999_999))
    assert lc.memberships.filter(organization=last).exists()


def test_the_list_shows_each_person_their_communities(cast, world, client_for):
    for user, expected in [(cast.staff, True), (cast.member, True), (cast.other_leader, False)]:
        page = text(client_for(user).get(reverse(N + "list")))
        assert ("Comunidad de Prueba" in page) is expected
    assert "You do not take part" in text(client_for(cast.lawyer).get(reverse(N + "list")))


def test_the_list_shows_fifty_communities_a_page(cast, client_for, monkeypatch):
    from learning_communities.views import communities as views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    for n in range(7):
        community(f"Comunidad {n}")
    speak_english(cast.staff)
    client = client_for(cast.staff)

    first = text(client.get(reverse(N + "list")))
    last = text(client.get(reverse(N + "list") + "?page=3"))

    assert [f"Comunidad {n}" in first for n in range(7)] == [True] * 3 + [False] * 4
    assert "Page 1 of 3" in first and 'href="?page=2" rel="next"' in first
    assert [f"Comunidad {n}" in last for n in range(7)] == [False] * 6 + [True]
    assert 'href="?page=2" rel="prev"' in last and 'rel="next"' not in last


def test_the_menu_has_learning_communities(cast, client_for):
    speak_english(cast.leader)
    page = text(client_for(cast.leader).get(reverse("home")))
    assert 'data-nav="learning_communities"' in page


def test_a_non_member_cannot_see_a_community_or_its_resources(cast, world, client_for):
    resource = share_resource(
        community=world.community,
        organization=cast.org,
        kind="data_set",
        title="Datos sensibles",
        upload=SimpleUploadedFile("datos.pdf", b"%PDF-1.4 confidencial"),
        shared_by=cast.leader,
    )
    url = reverse(N + "resource_file", args=[resource.pk])

    outsider = client_for(cast.other_leader)
    assert outsider.get(url).status_code == 404
    assert outsider.get(world.community.get_absolute_url()).status_code == 404
    member = client_for(cast.member)
    response = member.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 confidencial"
    assert response["Content-Disposition"].startswith('attachment; filename="datos.pdf"')
    assert "Datos sensibles" in text(member.get(world.community.get_absolute_url()))


def test_an_organization_that_left_no_longer_sees_the_community(cast, world, client_for):
    from learning_communities.services import end_membership

    end_membership(
        membership=world.community.memberships.get(organization=cast.org), left_on=date(2019, 1, 1)
    )
    assert client_for(cast.member).get(world.community.get_absolute_url()).status_code == 404


def test_members_see_each_others_public_profile_only(cast, world, client_for):
    url = reverse(N + "member_profile", args=[world.community.pk, world.university.pk])
    page = text(client_for(cast.member).get(url))
    assert "Universidad de Prueba" in page and "Public profile" in page
    assert "RFC" not in page
    not_member = reverse(N + "member_profile", args=[world.community.pk, cast.other_org.pk])
    assert client_for(cast.member).get(not_member).status_code == 404


def test_an_event_outside_the_dates_is_refused_on_the_page(cast, world, client_for):
    response = client_for(cast.staff).post(
        reverse(N + "event_create", args=[world.community.pk]),
        {"kind": "session", "title": "Tarde", "date": "2021-03-01", "state": "SON"},
    )
    assert response.status_code == 200
    assert "must fall within the community" in text(response)
    assert not Event.objects.exists()


def upcoming(world) -> Event:
    from learning_communities.services import update_community

    update_community(community=world.community, fields={"end": None})
    return event(world.community, timezone.localdate() + timedelta(days=20))


def test_a_leader_proposes_and_a_facilitator_decides(cast, world, client_for):
    session = upcoming(world)
    add_facilitator(event=session, person=make_person(cast.org, "Mateo", user=cast.member))
    leader = client_for(cast.leader)
    proposed = leader.post(
        reverse(N + "agenda_propose", args=[session.pk]),
        {"title": "Nuestra metodología", "organization": cast.org.pk},
        follow=True,
    )
    item = AgendaItem.objects.get()
    assert "Your agenda item was proposed" in text(proposed)
    assert (item.source, item.organization, item.proposed_by) == ("cso", cast.org, cast.leader)

    facilitator = client_for(cast.member)
    no_reason = facilitator.post(
        reverse(N + "agenda_decide", args=[session.pk, item.pk]),
        {"decision": "decline", "reason": ""},
        follow=True,
    )
    item.refresh_from_db()
    assert "Say why the item is declined" in text(no_reason)
    assert item.status == "proposed"

    facilitator.post(
        reverse(N + "agenda_decide", args=[session.pk, item.pk]), {"decision": "accept"}
    )
    item.refresh_from_db()
    assert (item.status, item.decided_by) == ("accepted", cast.member)


def test_a_leader_cannot_propose_for_an_organization_they_do_not_lead(cast, world, client_for):
    session = upcoming(world)
    response = client_for(cast.leader).post(
        reverse(N + "agenda_propose", args=[session.pk]),
        {"title": "Ajeno", "organization": world.university.pk},
        follow=True,
    )
    assert "Select a valid choice" in text(response)
    assert not AgendaItem.objects.exists()


def test_bulk_attendance_on_the_page(cast, world, client_for):
    session = event(world.community, date(2018, 5, 1))
    client = client_for(cast.staff)
    form = text(client.get(reverse(N + "attendance", args=[session.pk])))
    assert "Ana Directora" in form and "Persona Ajena" not in form

    refused = client.post(
        reverse(N + "attendance", args=[session.pk]),
        {"person": [world.person.pk, world.outsider.pk]},
        follow=True,
    )
    assert "Nothing was saved" in text(refused)
    assert not Attendance.objects.exists()

    client.post(
        reverse(N + "attendance", args=[session.pk]),
        {
            "person": [world.person.pk, world.expert.pk],
            f"level_{world.person.pk}": "management",
            f"level_{world.expert.pk}": "volunteer",
        },
    )
    assert dict(Attendance.objects.values_list("person__name", "level")) == {
        "Ana Directora": "management",
        "Dra. Experta": "volunteer",
    }


def test_the_event_page_suggests_facilitators_to_staff(cast, world, client_for):
    first = event(world.community, date(2018, 1, 10))
    add_facilitator(event=first, person=world.expert)
    second = event(world.community, date(2018, 6, 10))
    page = text(client_for(cast.staff).get(second.get_absolute_url()))
    suggestions = page.split('data-testid="suggestions"')[1].split("</ol>")[0]
    assert "Ana Directora" in suggestions and "Dra. Experta" not in suggestions
    member_page = text(client_for(cast.member).get(second.get_absolute_url()))
    assert 'data-testid="suggestions"' not in member_page


def test_a_goal_with_the_target_equal_to_the_baseline_is_refused(cast, world, client_for):
    response = client_for(cast.staff).post(
        reverse(N + "goal_create", args=[world.community.pk]),
        {
            "statement": "Meta",
            "metric": "OSC",
            "baseline": "3",
            "target": "3.00",
            "set_on": "2017-01-01",
            "due_on": "2019-01-01",
        },
    )
    assert "The target must differ from the baseline" in text(response)
    assert not SharedGoal.objects.exists()


def test_a_goal_page_charts_its_progress(cast, world, client_for):
    client = client_for(cast.staff)
    client.post(
        reverse(N + "goal_create", args=[world.community.pk]),
        {
            "statement": "Meta",
            "metric": "OSC que comparten",
            "baseline": "0",
            "target": "4",
            "set_on": "2017-01-01",
            "due_on": "2019-01-01",
            "co_defined_by": [cast.org.pk],
        },
    )
    goal = SharedGoal.objects.get()
    client.post(
        reverse(N + "progress_add", args=[goal.pk]), {"measured_on": "2018-01-01", "value": "4"}
    )
    response = client.get(goal.get_absolute_url())
    assert response.context["status"] == "met"
    assert response.context["chart"]["series"][0]["values"] == [0.0, 4.0]
    assert 'data-chart="chart-goal"' in text(response)


def test_a_resource_upload_is_checked_by_content(cast, world, client_for):
    response = client_for(cast.leader).post(
        reverse(N + "resource_share", args=[world.community.pk]),
        {
            "kind": "methodology",
            "title": "Metodología",
            "organization": cast.org.pk,
            "file": SimpleUploadedFile("metodo.pdf", b"<html>not a pdf</html>"),
        },
    )
    assert "Only PDF, office documents and images are accepted" in text(response)
    assert not SharedResource.objects.exists()


def test_the_organization_page_shows_its_communities_and_network_position(cast, world, client_for):
    from learning_communities.services import record_collaboration
    from organizations.models import Tier
    from organizations.services import update_organization

    update_organization(
        organization=cast.org, changed_by=None, fields={"tier": Tier.objects.get(number=1)}
    )
    record_collaboration(
        first=cast.org,
        second=world.university,
        kind="referral",
        since=date(2017, 1, 1),
        recorded_by=None,
    )
    compute_network_snapshot(community=None, on=date(2019, 1, 1))
    page = text(client_for(cast.leader).get(reverse("organizations:detail", args=[cast.org.pk])))
    panel = page.split('data-testid="org-communities"')[1]
    assert "Comunidad de Prueba" in panel
    assert "1 ties, betweenness 0.0, position 1 of 2" in page


def test_the_home_page_lists_my_communities_and_proposals_waiting(cast, world, client_for):
    session = upcoming(world)
    add_facilitator(event=session, person=make_person(cast.org, "Mateo", user=cast.member))
    propose_agenda_item(event=session, title="Tema", organization=cast.org, proposed_by=None)
    page = text(client_for(cast.member).get(reverse("home")))
    assert "Comunidad de Prueba" in page
    assert "Agenda proposals waiting for a decision" in page
    leader_page = text(client_for(cast.leader).get(reverse("home")))
    assert "Agenda proposals waiting" not in leader_page


# --- Reports ---------------------------------------------------------------------------------


def test_staff_build_a_community_report_and_download_it(
    cast, world, client_for, django_capture_on_commit_callbacks
):
    session = event(world.community, date(2018, 5, 1), kind="workshop")
    add_facilitator(event=session, person=world.person)
    client = client_for(cast.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(N + "reports", args=[world.community.pk]),
            {"period_start": "2016-01-01", "period_end": "2020-12-31"},
        )
    job = Job.objects.get()
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    report = Report.objects.get()
    assert job.result["url"] == report.get_absolute_url()
    assert (report.community, report.period_start, report.built_by) == (
        world.community,
        date(2016, 1, 1),
        cast.staff,
    )

    # The job keeps the data and the workbook; the PDF is drawn on its first download, kept.
    assert report.pdf_file == "" and report.xlsx_file
    page = client.get(report.get_absolute_url())
    pdf = client.get(reverse(N + "report_pdf", args=[report.pk]))
    xlsx = client.get(reverse(N + "report_xlsx", args=[report.pk]))
    report.refresh_from_db()
    kept = report.pdf_file
    assert kept and report_path(kept).read_bytes().startswith(b"%PDF")
    again = client.get(reverse(N + "report_pdf", args=[report.pk]))
    assert b"".join(again.streaming_content).startswith(b"%PDF")
    report.refresh_from_db()
    assert report.pdf_file == kept

    # A second first download that drew its own PDF meanwhile (its report read before the
    # first recorded one) answers with the kept file, and removes only its own.
    folder = report_path(kept).parent
    files_before = set(folder.iterdir())
    stale = Report.objects.get(pk=report.pk)
    stale.pdf_file = ""
    with django_capture_on_commit_callbacks(execute=True):
        assert ensure_report_pdf(report=stale) == kept
    assert report_path(kept) is not None
    assert set(folder.iterdir()) == files_before

    assert "Ana Directora (Red de Prueba por la Paz)" in text(page)
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith('attachment; filename="comunidad-de-prueba-')
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert workbook.sheetnames[:3] == ["Members", "Events", "Attendance"]
    events = list(workbook["Events"].values)
    assert events[1][:3] == ("2018-05-01", session.title, "Workshop")


def test_a_report_page_renders_its_content_once_per_language(
    cast, world, client_for, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.staff).post(
            reverse(N + "reports", args=[world.community.pk]),
            {"period_start": "2016-01-01", "period_end": "2020-12-31"},
        )
    report = Report.objects.get()
    client = client_for(cast.staff)  # English, as this module's people speak
    assert "Members" in text(client.get(report.get_absolute_url()))

    # Kept: the next view neither reads nor decodes the content (one query fewer).
    report_queries = [
        q for q in _queries(client, report.get_absolute_url()) if "learning_communities_report" in q
    ]
    assert len(report_queries) == 1 and '"data"' not in report_queries[0]

    User.objects.filter(pk=cast.staff.pk).update(preferred_language="es")
    cast.staff.refresh_from_db()
    spanish = text(client_for(cast.staff).get(report.get_absolute_url()))
    assert "Miembros" in spanish and ">Members<" not in spanish


def _queries(client, url) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_a_report_job_that_fails_says_why_and_can_be_retried(
    cast, world, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(report_files, "render_xlsx", broken)
    from learning_communities import jobs

    monkeypatch.setattr(jobs, "render_xlsx", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.staff).post(
            reverse(N + "reports", args=[world.community.pk]),
            {"period_start": "2016-01-01", "period_end": "2020-12-31"},
        )
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "OSError" in job.error and "You can retry it" in job.error
    assert not Report.objects.exists()
    page = text(client_for(cast.staff).get(reverse("job_detail", args=[job.pk])))
    assert "OSError" in page and "Retry" in page

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        retry_job(job=job)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert Report.objects.count() == 1


def test_a_report_of_a_community_that_no_longer_exists_fails_with_a_reason(
    cast, world, django_capture_on_commit_callbacks
):
    from learning_communities.services import start_community_report

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = start_community_report(
            community=world.community,
            start=date(2016, 1, 1),
            end=date(2017, 1, 1),
            requested_by=cast.staff,
        )
    world.community.delete()
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, "The community no longer exists.")


def test_staff_compute_the_network_from_the_page(
    cast, world, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.staff).post(
            reverse(N + "network", args=[world.community.pk]),
            {"on": "2019-01-01", "compared_to": "2016-01-01"},
        )
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["actors"] == 2
    page = text(client_for(cast.member).get(reverse(N + "network", args=[world.community.pk])))
    assert 'data-testid="network-svg"' in page and "<svg" in page
    assert "Change from 01/01/2016 to 01/01/2019" in page


def test_the_weekly_task_rebuilds_active_communities_reports(
    cast, world, django_capture_on_commit_callbacks
):
    from learning_communities.tasks import weekly_community_reports

    closed = LearningCommunity.objects.create(
        name="Cerrada",
        theme=world.community.theme,
        start=date(2016, 1, 1),
        end=date(2017, 1, 1),
        status="closed",
    )
    with django_capture_on_commit_callbacks(execute=True):
        started = weekly_community_reports.apply().get()
    assert len(started) == 1
    report = Report.objects.get()
    assert report.community == world.community and report.community != closed
    assert (report.period_start, report.period_end) == (date(2016, 1, 1), date(2020, 12, 31))
