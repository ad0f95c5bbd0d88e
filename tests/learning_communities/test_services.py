"""Every refusal of the services: a clear message, and nothing saved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from learning_communities.models import (
    AgendaItem,
    Attendance,
    Collaboration,
    CommunityMembership,
    Event,
    Facilitator,
    SharedGoal,
    SharedResource,
)
from learning_communities.services import (
    AttendanceEntry,
    CommunityError,
    add_facilitator,
    add_follow_up,
    add_member,
    create_goal,
    decide_agenda_item,
    end_membership,
    propose_agenda_item,
    record_attendance,
    record_collaboration,
    share_resource,
    update_community,
)

from .helpers import END, event, small_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(cast):
    return small_world(cast)


def refused(match: str):
    return pytest.raises(CommunityError, match=match)


# --- Members ---------------------------------------------------------------------------------


def test_a_duplicate_active_membership_is_refused(cast, world):
    with refused("already a member"):
        add_member(
            community=world.community,
            organization=cast.org,
            role="observer",
            joined_on=date(2017, 1, 1),
            added_by=cast.staff,
        )
    assert CommunityMembership.objects.filter(organization=cast.org).count() == 1


def test_an_organization_that_left_may_join_again(cast, world):
    membership = CommunityMembership.objects.get(organization=cast.org)
    end_membership(membership=membership, left_on=date(2017, 6, 30))

    again = add_member(
        community=world.community,
        organization=cast.org,
        role="member",
        joined_on=date(2018, 1, 1),
        added_by=cast.staff,
    )

    assert again.pk != membership.pk
    assert world.community.memberships.current().filter(organization=cast.org).count() == 1


def test_leaving_before_joining_is_refused(cast, world):
    membership = CommunityMembership.objects.get(organization=cast.org)
    with refused("cannot leave before it joined"):
        end_membership(membership=membership, left_on=date(2015, 1, 1))
    membership.refresh_from_db()
    assert membership.left_on is None


def test_dates_that_would_leave_events_outside_are_refused(world):
    event(world.community, date(2016, 5, 1))
    with refused("outside these dates"):
        update_community(community=world.community, fields={"start": date(2017, 1, 1)})
    world.community.refresh_from_db()
    assert world.community.start == date(2016, 1, 1)


# --- Events ----------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2015, 12, 31), date(2021, 1, 1)])
def test_an_event_outside_the_community_dates_is_refused(world, day):
    with refused("within the community's dates"):
        event(world.community, day)
    assert not Event.objects.exists()


def test_only_study_tours_go_abroad(world):
    with refused("Only study tours"):
        event(world.community, date(2018, 5, 1), state="", country="Colombia", city="Bogotá")
    tour = event(
        world.community,
        date(2018, 5, 1),
        kind=Event.Kind.STUDY_TOUR,
        state="",
        country="Colombia",
        city="Bogotá",
    )
    assert tour.is_abroad and tour.place() == "Bogotá, Colombia"
    assert Event.objects.count() == 1


def test_a_site_visit_is_to_a_member(cast, world):
    with refused("needs the member"):
        event(world.community, date(2018, 5, 1), kind=Event.Kind.SITE_VISIT)
    with refused("must be a member"):
        event(world.community, date(2018, 5, 1), kind=Event.Kind.SITE_VISIT, host=cast.other_org)
    visit = event(world.community, date(2018, 5, 1), kind=Event.Kind.SITE_VISIT, host=cast.org)
    assert visit.host == cast.org
    assert Event.objects.count() == 1


def test_an_event_in_mexico_needs_a_state(world):
    with refused("Say where"):
        event(world.community, date(2018, 5, 1), state="")
    forum = event(world.community, date(2018, 5, 1), kind=Event.Kind.ONLINE_FORUM, state="")
    assert forum.place() == ""


# --- Agenda ----------------------------------------------------------------------------------


def test_agenda_items_are_proposed_before_the_event(cast, world):
    session = event(world.community, date(2018, 5, 1))
    with refused("before the event"):
        propose_agenda_item(
            event=session,
            title="Tarde",
            organization=cast.org,
            proposed_by=cast.leader,
            today=date(2018, 5, 1),
        )
    assert not AgendaItem.objects.exists()


def test_only_member_organizations_propose(cast, world):
    session = event(world.community, date(2018, 5, 1))
    with refused("Only member organizations"):
        propose_agenda_item(
            event=session,
            title="Ajena",
            organization=cast.other_org,
            proposed_by=cast.other_leader,
            today=date(2018, 4, 1),
        )
    assert not AgendaItem.objects.exists()


def test_who_proposed_is_recorded_as_cso_other_member_or_program(cast, world):
    session = event(world.community, date(2018, 5, 1))
    items = [
        propose_agenda_item(
            event=session, title=t, organization=o, proposed_by=None, today=date(2018, 4, 1)
        )
        for t, o in [("A", cast.org), ("B", world.university), ("C", None)]
    ]
    assert [i.source for i in items] == ["cso", "other_member", "program"]


def test_declining_needs_a_reason_and_a_decision_is_final(cast, world):
    session = event(world.community, date(2018, 5, 1))
    item = propose_agenda_item(
        event=session, title="A", organization=cast.org, proposed_by=None, today=date(2018, 4, 1)
    )
    with refused("Say why"):
        decide_agenda_item(item=item, accept=False, reason="  ", decided_by=cast.staff)
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.PROPOSED

    decide_agenda_item(item=item, accept=False, reason="Ya se trató.", decided_by=cast.staff)
    with refused("already decided"):
        decide_agenda_item(item=item, accept=True, decided_by=cast.staff)
    item.refresh_from_db()
    assert (item.status, item.decline_reason) == (AgendaItem.Status.DECLINED, "Ya se trató.")


# --- Facilitators ----------------------------------------------------------------------------


def test_a_facilitator_from_a_non_member_is_refused(world):
    session = event(world.community, date(2018, 5, 1))
    with refused("not a member of the community"):
        add_facilitator(event=session, person=world.outsider)
    assert not Facilitator.objects.exists()


def test_nobody_facilitates_twice_in_a_row(world):
    first = event(world.community, date(2018, 5, 1))
    second = event(world.community, date(2018, 9, 1))
    add_facilitator(event=first, person=world.person)
    with refused("facilitated the previous event"):
        add_facilitator(event=second, person=world.person)
    add_facilitator(event=second, person=world.colleague)
    third = event(world.community, date(2019, 1, 1))
    add_facilitator(event=third, person=world.person)  # not in a row: fine

    assert Facilitator.objects.count() == 3
    assert second.facilitators.get().organization == world.person.organization


def test_the_same_person_is_not_added_twice_to_an_event(world):
    session = event(world.community, date(2018, 5, 1))
    add_facilitator(event=session, person=world.expert)
    with refused("already facilitates"):
        add_facilitator(event=session, person=world.expert)
    assert Facilitator.objects.count() == 1


# --- Attendance ------------------------------------------------------------------------------


def test_attendance_of_a_person_not_in_a_member_organization_is_refused(world):
    session = event(world.community, date(2018, 5, 1))
    record_attendance(event=session, entries=[AttendanceEntry(person=world.colleague)])
    with refused("Not from a member organization: Persona Ajena"):
        record_attendance(
            event=session,
            entries=[AttendanceEntry(person=world.person), AttendanceEntry(person=world.outsider)],
        )
    assert list(Attendance.objects.values_list("person__name", flat=True)) == ["Beto Promotor"]


def test_bulk_attendance_replaces_the_list_and_keeps_the_level_given(world):
    session = event(world.community, date(2018, 5, 1))
    record_attendance(event=session, entries=[AttendanceEntry(person=world.colleague)])
    count = record_attendance(
        event=session,
        entries=[
            AttendanceEntry(person=world.person, level="management"),
            AttendanceEntry(person=world.expert),
        ],
    )
    rows = dict(Attendance.objects.values_list("person__name", "level"))
    assert count == 2
    assert rows == {"Ana Directora": "management", "Dra. Experta": "staff"}


def test_a_person_whose_organization_left_before_the_event_is_refused(cast, world):
    end_membership(
        membership=CommunityMembership.objects.get(organization=cast.org), left_on=date(2017, 1, 1)
    )
    session = event(world.community, date(2018, 5, 1))
    with refused("Not from a member organization"):
        record_attendance(event=session, entries=[AttendanceEntry(person=world.person)])
    assert not Attendance.objects.exists()


def test_a_follow_up_owner_must_be_of_a_member_organization(world):
    session = event(world.community, date(2018, 5, 1))
    with refused("owner must be"):
        add_follow_up(
            event=session, description="Minuta", owner=world.outsider, due_on=date(2018, 6, 1)
        )
    action = add_follow_up(
        event=session, description="Minuta", owner=world.person, due_on=date(2018, 6, 1)
    )
    assert action.status == "open"


# --- Goals, resources, collaborations --------------------------------------------------------


def goal(world, **overrides):
    values = {
        "community": world.community,
        "statement": "Compartir metodologías",
        "metric": "OSC que comparten",
        "baseline": Decimal(0),
        "target": Decimal(7),
        "set_on": date(2016, 6, 1),
        "due_on": date(2020, 6, 1),
        "co_defined_by": [world.person.organization],
        "created_by": None,
    }
    return create_goal(**{**values, **overrides})


def test_a_goal_whose_target_equals_its_baseline_is_refused(world):
    with refused("target must differ"):
        goal(world, baseline=Decimal(5), target=Decimal("5.00"))
    assert not SharedGoal.objects.exists()


def test_only_members_co_define_goals(cast, world):
    with refused("Only members co-define goals: Otra Organización"):
        goal(world, co_defined_by=[cast.org, cast.other_org])
    assert not SharedGoal.objects.exists()


def test_a_resource_is_shared_by_a_member_with_a_file_or_a_link(cast, world):
    with refused("Only member organizations share"):
        share_resource(
            community=world.community,
            organization=cast.other_org,
            kind="guideline",
            title="Guía",
            link="https://example.org/guia",
            shared_by=None,
        )
    with refused("either a file or a link"):
        share_resource(
            community=world.community,
            organization=cast.org,
            kind="guideline",
            title="Guía",
            shared_by=None,
        )
    with refused("Only PDF"):
        share_resource(
            community=world.community,
            organization=cast.org,
            kind="data_set",
            title="Datos",
            upload=SimpleUploadedFile("datos.pdf", b"MZ\x90 not a pdf"),
            shared_by=None,
        )
    assert not SharedResource.objects.exists()


def test_a_checked_file_is_stored_under_our_own_name(cast, world, settings):
    resource = share_resource(
        community=world.community,
        organization=cast.org,
        kind="data_set",
        title="Datos",
        upload=SimpleUploadedFile("../../datos 2018.pdf", b"%PDF-1.4 datos"),
        shared_by=None,
    )
    stored = settings.MEDIA_ROOT / "learning_communities" / "resources" / resource.file
    assert resource.file.endswith(".pdf") and "datos" not in resource.file
    assert stored.read_bytes() == b"%PDF-1.4 datos"


def test_a_collaboration_is_between_two_organizations_once_per_kind(cast, world):
    with refused("two different organizations"):
        record_collaboration(
            first=cast.org,
            second=cast.org,
            kind="referral",
            since=date(2018, 1, 1),
            recorded_by=None,
        )
    row = record_collaboration(
        first=cast.other_org,
        second=cast.org,
        kind="referral",
        since=date(2018, 1, 1),
        recorded_by=None,
    )
    with refused("already recorded"):
        record_collaboration(
            first=cast.org,
            second=cast.other_org,
            kind="referral",
            since=date(2019, 1, 1),
            recorded_by=None,
        )
    assert (row.first_id, row.second_id) == tuple(sorted((cast.org.pk, cast.other_org.pk)))
    assert Collaboration.objects.count() == 1


def test_a_community_can_be_open_ended(cast):
    from .helpers import community

    lc = community("Abierta", end=None)
    assert lc.covers(date(2030, 1, 1))
    assert not lc.covers(date(2015, 1, 1))
    assert END.year == 2020


def test_removing_a_person_keeps_the_community_history(world):
    from organizations.services import remove_person

    session = event(world.community, date(2018, 5, 1))
    add_facilitator(event=session, person=world.person)
    record_attendance(event=session, entries=[AttendanceEntry(person=world.person)])
    add_follow_up(event=session, description="Minuta", owner=world.person, due_on=date(2018, 6, 1))

    remove_person(person=world.person)

    facilitator = Facilitator.objects.get()
    attendance = Attendance.objects.get()
    assert (facilitator.person, facilitator.name) == (None, "Ana Directora")
    assert (attendance.person, attendance.name) == (None, "Ana Directora")
    assert session.follow_ups.get().owner_name == "Ana Directora"
