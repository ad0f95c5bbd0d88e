"""The local-system network against hand-computed small graphs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from learning_communities import network
from learning_communities.models import Alliance, NetworkSnapshot
from learning_communities.reads import latest_snapshot
from learning_communities.services import (
    add_facilitator,
    add_member,
    compute_network_snapshot,
    create_alliance,
    record_collaboration,
    share_resource,
)
from organizations.models import Sector, ThematicArea
from tests.personas import make_organization, make_person, speak_english

from .helpers import community, event, join, stakeholder

pytestmark = pytest.mark.django_db

D = date(2018, 6, 1)


def collaborate(a, b, since=date(2017, 1, 1), until=None, kind="information"):
    row = record_collaboration(first=a, second=b, kind=kind, since=since, recorded_by=None)
    if until:
        row.until = until
        row.save()
    return row


@pytest.fixture
def five():
    """A community of five CSOs A-E."""
    lc = community()
    orgs = [make_organization(f"{letter} OSC", acronym=letter) for letter in "ABCDE"]
    join(lc, *orgs)
    return lc, orgs


def by_name(data: dict) -> dict[str, dict]:
    return {a["name"][0]: a for a in data["actors"]}


def test_a_path_and_an_isolated_cso(five):
    lc, (a, b, c, d, e) = five
    collaborate(a, b)
    collaborate(b, c)
    collaborate(c, d)

    data = network.compute(D, lc)
    actors = by_name(data)

    # 5 actors, 3 ties: density 2*3 / (5*4) = 0.3; components {A,B,C,D} and {E}.
    assert data["summary"] == {
        "actors": 5,
        "ties": 3,
        "density": 0.3,
        "components": 2,
        "largest_component": 4,
        "isolated_csos": [e.pk],
    }
    assert {k: v["degree"] for k, v in actors.items()} == {"A": 1, "B": 2, "C": 2, "D": 1, "E": 0}
    # B lies on the shortest paths A-C and A-D, C on B-D and A-D: 2 pairs of the
    # (n-1)(n-2)/2 = 6 pairs that exclude it -> 0.3333.
    assert {k: v["betweenness"] for k, v in actors.items()} == {
        "A": 0.0,
        "B": 0.3333,
        "C": 0.3333,
        "D": 0.0,
        "E": 0.0,
    }


def test_a_star_around_a_university():
    lc = community()
    hub = stakeholder("H Universidad", acronym="H")
    spokes = [make_organization(f"{x} OSC") for x in "ABC"]
    join(lc, hub, *spokes)
    for spoke in spokes:
        collaborate(hub, spoke, kind="referral")

    data = network.compute(D, lc)
    actors = by_name(data)

    # The hub is on all 3 shortest paths between spokes: 3 / 3 = 1.0; density 3 / 6 = 0.5.
    assert actors["H"]["betweenness"] == 1.0
    assert actors["H"]["degree"] == 3
    assert data["summary"]["density"] == 0.5
    assert data["summary"]["components"] == 1
    assert data["actors"][0]["name"] == "H Universidad"  # ordered by degree
    assert data["summary"]["isolated_csos"] == []


def test_ties_come_from_each_source_and_respect_dates(five):
    lc, (a, b, c, d, e) = five
    theme = ThematicArea.objects.get(code="youth")
    create_alliance(
        fields={
            "name": "Alianza",
            "objective": "Prevenir",
            "theme": theme,
            "states": ["SON"],
            "started_on": date(2018, 1, 1),
            "ended_on": date(2019, 1, 1),
            "status": "ended",
        },
        members=[a, b, c],
        grew_from=lc,
    )
    latecomer = make_organization("F OSC")
    add_member(
        community=lc,
        organization=latecomer,
        role="member",
        joined_on=date(2018, 6, 1),
        added_by=None,
    )
    share_resource(
        community=lc,
        organization=d,
        kind="guideline",
        title="Guía",
        link="https://example.org/guia",
        shared_by=None,
        shared_on=date(2018, 3, 1),
    )
    session = event(lc, date(2018, 4, 1))
    add_facilitator(event=session, person=make_person(d, "Facilitadora D"))
    add_facilitator(event=session, person=make_person(e, "Facilitadora E"))
    collaborate(e, latecomer, since=date(2018, 7, 1), until=date(2019, 2, 1), kind="joint_work")

    names = {o.pk: o.name[0] for o in (a, b, c, d, e, latecomer)}

    def ties(day):
        found = network.gather_ties(day).items()
        return {tuple(sorted(names[pk] for pk in pair)): kinds for pair, kinds in found}

    before = ties(date(2017, 12, 31))
    during = ties(date(2018, 8, 1))
    after = ties(date(2019, 6, 1))

    assert before == {}
    assert during == {
        ("A", "B"): {"alliance"},
        ("A", "C"): {"alliance"},
        ("B", "C"): {"alliance"},
        # D shared with the members of that day (not F, who joined later)...
        ("A", "D"): {"resource"},
        ("B", "D"): {"resource"},
        ("C", "D"): {"resource"},
        ("D", "E"): {"resource", "facilitation"},  # ...and co-facilitated with E
        ("E", "F"): {"collab"},
    }
    # The alliance and the collaboration ended; shared resources and co-facilitation stay.
    assert set(after) == {("A", "D"), ("B", "D"), ("C", "D"), ("D", "E")}
    assert Alliance.objects.get().members.count() == 3


def test_comparing_two_dates(five):
    lc, (a, b, c, d, e) = five
    collaborate(a, b, since=date(2016, 1, 1))
    collaborate(c, d, since=date(2016, 1, 1))
    collaborate(b, c, since=date(2018, 1, 1))
    collaborate(d, e, since=date(2018, 1, 1))

    before = network.compute(date(2017, 1, 1), lc)
    after = network.compute(date(2019, 1, 1), lc)
    change = network.compare(before, after)

    # Before: {A,B} {C,D} {E}; after: one component -> 3 components became 1 (2 merges).
    assert change["components_before"] == 3
    assert change["components_after"] == 1
    assert change["components_merged"] == 2
    assert [(x, y) for _a, _b, x, y in change["new_ties"]] == [
        ("B OSC", "C OSC"),
        ("D OSC", "E OSC"),
    ]
    assert change["newly_connected_csos"] == [[e.pk, "E OSC"]]
    assert change["lost_ties"] == 0
    assert (change["density_before"], change["density_after"]) == (0.2, 0.4)


def test_the_program_network_includes_every_participating_cso(cast):
    from organizations.models import Tier
    from organizations.services import update_organization

    tier = Tier.objects.get(number=1)
    alone = make_organization("Sola OSC")
    update_organization(organization=alone, changed_by=None, fields={"tier": tier})
    government = stakeholder("Gobierno Estatal", sector=Sector.GOVERNMENT)
    collaborate(cast.org, government, kind="channel")

    data = network.compute(D)

    assert {a["name"] for a in data["actors"]} == {"Sola OSC", cast.org.name, "Gobierno Estatal"}
    assert data["summary"]["isolated_csos"] == [alone.pk]


def test_the_drawing_is_stable_colored_by_sector_and_sized_by_degree(five):
    lc, (a, b, c, d, e) = five
    university = stakeholder("U Universidad", acronym="U")
    join(lc, university)
    before = network.compute(D, lc)
    collaborate(a, university)
    collaborate(b, university)
    after = network.compute(D, lc)

    svg_before, svg_after = network.draw_svg(before), network.draw_svg(after)

    def circles(svg):
        return {
            int(actor): (cx, cy, float(r), fill)
            for actor, cx, cy, r, fill in re.findall(
                r'data-actor="(\d+)"><title>[^<]*</title><circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)" fill="(#\w+)"',
                svg,
            )
        }

    first, second = circles(svg_before), circles(svg_after)
    assert set(first) == set(second) == {o.pk for o in (a, b, c, d, e, university)}
    assert all(first[pk][:2] == second[pk][:2] for pk in first)  # same positions
    assert second[university.pk][2] > first[university.pk][2]  # bigger with more ties
    assert second[university.pk][3] == network.SECTOR_COLORS[Sector.UNIVERSITY]
    assert second[a.pk][3] == network.SECTOR_COLORS[Sector.CSO]
    # The CSP forbids inline styles and scripts: presentation attributes only.
    assert "style=" not in svg_after and "<script" not in svg_after
    assert svg_after.count("<line") == 2


def test_names_are_escaped_in_the_drawing():
    lc = community()
    join(lc, make_organization('<script>alert("x")</script>', acronym="<b>"))
    svg = network.draw_svg(network.compute(D, lc))
    assert "<script>" not in svg and "&lt;b&gt;" in svg


def test_a_snapshot_keeps_the_network_and_its_comparison(five):
    lc, (a, b, *_rest) = five
    collaborate(a, b, since=date(2018, 1, 1))

    snapshot = compute_network_snapshot(
        community=lc, on=date(2018, 6, 1), compared_to=date(2017, 1, 1)
    )

    assert NetworkSnapshot.objects.get() == snapshot
    assert snapshot.data["summary"]["ties"] == 1
    assert snapshot.comparison["new_ties"][0][:2] == sorted([a.pk, b.pk])
    assert snapshot.svg.startswith("<svg") and snapshot.svg_before.startswith("<svg")
    assert "svg_before" not in snapshot.comparison


def test_the_overview_holds_counts_and_the_first_actors_not_every_row(five, monkeypatch):
    """What the pages read of a snapshot stays small however large the network is."""
    monkeypatch.setattr(network, "LISTED_ACTORS", 2)
    lc, (a, b, c, *_rest) = five
    collaborate(a, b, since=date(2018, 1, 1))
    collaborate(b, c, since=date(2018, 1, 1))

    snapshot = compute_network_snapshot(
        community=lc, on=date(2018, 6, 1), compared_to=date(2017, 1, 1)
    )
    overview = snapshot.overview

    assert overview["summary"] == {
        "actors": 5,
        "ties": 2,
        "density": 0.2,
        "components": 3,
        "largest_component": 3,
        "isolated_csos": 2,
    }
    assert [actor["name"] for actor in overview["actors"]] == ["B OSC", "A OSC"]
    assert overview["comparison"] == {
        "from": "2017-01-01",
        "to": "2018-06-01",
        "components_before": 5,
        "components_after": 3,
        "components_merged": 2,
        "new_ties": 2,
        "newly_connected_csos": 3,
    }
    assert overview["drawn_actors"] == 5


def test_each_organization_s_position_is_kept_in_the_network_s_order(five):
    lc, (a, b, c, *_rest) = five
    collaborate(a, b)
    collaborate(b, c)

    snapshot = compute_network_snapshot(community=lc, on=D)

    positions = snapshot.positions.order_by("rank")
    assert [p.organization_id for p in positions] == [
        actor["id"] for actor in snapshot.data["actors"]
    ]
    assert [(p.rank, p.degree) for p in positions[:2]] == [(1, 2), (2, 1)]


def test_only_the_newest_snapshot_of_a_network_keeps_positions(five):
    lc, (a, b, *_rest) = five
    collaborate(a, b)
    first = compute_network_snapshot(community=lc, on=D)
    program = compute_network_snapshot(community=None, on=D)

    newest = compute_network_snapshot(community=lc, on=date(2019, 1, 1))

    assert not first.positions.exists()
    assert newest.positions.count() == 5
    assert program.positions.exists()  # another network's


def test_a_large_network_draws_its_most_connected_actors_and_says_so(
    five, monkeypatch, cast, client_for
):
    monkeypatch.setattr(network, "DRAWN_ACTORS", 2)
    lc, (a, b, c, *_rest) = five
    collaborate(a, b)
    collaborate(b, c)

    snapshot = compute_network_snapshot(community=lc, on=D, compared_to=date(2016, 1, 1))

    assert snapshot.svg.count("<circle") == snapshot.svg_before.count("<circle") == 2
    assert snapshot.overview["drawn_actors"] == 2
    url = reverse("learning_communities:network", args=[lc.pk])
    spanish = client_for(cast.staff).get(url).content.decode()
    speak_english(cast.staff)
    english = client_for(cast.staff).get(url).content.decode()

    assert "El dibujo muestra los 2 actores más conectados de 5." in spanish
    assert "The drawing shows the 2 most connected of 5 actors." in english
    # The change's dates as each language writes them.
    assert "Cambio del 01/01/2016 al 01/06/2018" in spanish
    assert "Change from 01/01/2016 to 06/01/2018" in english


def test_pages_read_a_snapshot_without_its_full_network(five):
    lc, (a, b, *_rest) = five
    collaborate(a, b)
    compute_network_snapshot(community=lc, on=D, compared_to=date(2016, 1, 1))

    shown = latest_snapshot(lc)

    assert {"data", "comparison"} <= shown.get_deferred_fields()
    assert shown.overview["summary"]["ties"] == 1


def test_only_a_newer_computation_s_positions_survive_a_later_finish(five):
    """Two computations of one network finishing close together: the one that finishes last
    removes only older snapshots' positions, never those of a newer one."""
    lc, (a, b, *_rest) = five
    collaborate(a, b)
    newer = compute_network_snapshot(community=lc, on=D)
    NetworkSnapshot.objects.filter(pk=newer.pk).update(computed_at=datetime(2100, 1, 1, tzinfo=UTC))

    compute_network_snapshot(community=lc, on=D)

    assert newer.positions.count() == 5


def test_the_drawing_note_counts_the_newer_date_s_actors_only(five, monkeypatch):
    """The layout of a comparison may hold actors of the earlier date only: the note compares
    the drawn actors of the newer date with its own count."""
    monkeypatch.setattr(network, "DRAWN_ACTORS", 3)
    lc, orgs = five
    after = {"actors": [{"id": o.pk} for o in orgs[:2]]}
    layout = [{"id": o.pk} for o in orgs[1:4]]

    assert network.drawn_count(after, layout) == 1


def _old_style_snapshot(lc, on: date) -> NetworkSnapshot:
    """A snapshot as kept before overviews and positions: the earlier drawing in comparison."""
    data = network.compute(on, lc)
    comparison = {**network.compare(data, data), "svg_before": "<svg>before</svg>"}
    return NetworkSnapshot.objects.create(
        community=lc, on=on, data=data, comparison=comparison, svg="<svg/>"
    )


def test_the_migration_fills_in_earlier_snapshots_and_can_be_undone(five):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("learning_communities.migrations.0005_network_overview_and_positions")
    lc, (a, b, *_rest) = five
    collaborate(a, b)
    older = _old_style_snapshot(lc, date(2017, 6, 1))
    newer = _old_style_snapshot(lc, D)

    migration.backfill(apps, None)
    older.refresh_from_db()
    newer.refresh_from_db()

    assert newer.svg_before == "<svg>before</svg>" and "svg_before" not in newer.comparison
    assert newer.overview["summary"]["actors"] == 5
    assert newer.overview["comparison"]["new_ties"] == 0
    assert newer.positions.count() == 5 and not older.positions.exists()

    migration.put_back(apps, None)
    newer.refresh_from_db()
    assert newer.comparison["svg_before"] == "<svg>before</svg>"
