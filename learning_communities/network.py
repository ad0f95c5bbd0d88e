"""The local-system network: who is tied to whom on a date, its metrics, and its drawing.

Ties come from alliances and joint projects (every pair of their members), shared resources
(the sharing organization and each other member of the community on the day it shared),
co-facilitation (organizations facilitating the same event) and explicit collaboration
records. A tie, once formed, counts from its date on; an alliance or collaboration that ended
no longer does. Reading the ties takes a fixed number of queries whatever the data size.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from itertools import combinations

import networkx as nx
from django.db.models import Q
from django.utils.html import escape

from organizations.models import Organization, Sector

from .models import (
    Alliance,
    Collaboration,
    CommunityMembership,
    Facilitator,
    LearningCommunity,
    SharedResource,
)

Pair = tuple[int, int]

# Where a tie comes from (stored in snapshots, shown translated by the pages).
ALLIANCE, RESOURCE, FACILITATION, COLLABORATION = "alliance", "resource", "facilitation", "collab"

SECTOR_COLORS = {
    Sector.CSO: "#0d6efd",
    Sector.GOVERNMENT: "#198754",
    Sector.PRIVATE: "#fd7e14",
    Sector.UNIVERSITY: "#6f42c1",
    Sector.MEDIA: "#d63384",
    Sector.DONOR: "#20c997",
    Sector.OTHER: "#6c757d",
}
SECTOR_ORDER = list(SECTOR_COLORS)


def _pair(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def gather_ties(on: date) -> dict[Pair, set[str]]:
    """Every tie of the whole program in force on `on`, with the sources that make it."""
    ties: dict[Pair, set[str]] = defaultdict(set)

    def add(pairs: Iterable[Pair], source: str) -> None:
        for pair in pairs:
            ties[pair].add(source)

    # Alliances and joint projects: every pair of members while it runs.
    members = defaultdict(list)
    for alliance_id, organization_id in Alliance.members.through.objects.filter(
        Q(alliance__ended_on__isnull=True) | Q(alliance__ended_on__gt=on),
        alliance__started_on__lte=on,
    ).values_list("alliance_id", "organization_id"):
        members[alliance_id].append(organization_id)
    for ids in members.values():
        add((_pair(a, b) for a, b in combinations(sorted(set(ids)), 2)), ALLIANCE)

    # Shared resources: the sharer and each organization that was a member on that day.
    resources = list(
        SharedResource.objects.filter(shared_on__lte=on).values_list(
            "community_id", "organization_id", "shared_on"
        )
    )
    if resources:
        roster = defaultdict(list)
        for row in CommunityMembership.objects.filter(
            community_id__in={r[0] for r in resources}
        ).values_list("community_id", "organization_id", "joined_on", "left_on"):
            roster[row[0]].append(row[1:])
        for community_id, sharer, shared_on in resources:
            add(
                (
                    _pair(sharer, other)
                    for other, joined, left in roster[community_id]
                    if other != sharer
                    and joined <= shared_on
                    and (left is None or left > shared_on)
                ),
                RESOURCE,
            )

    # Co-facilitation: organizations that facilitated the same event.
    by_event = defaultdict(set)
    for event_id, organization_id in Facilitator.objects.filter(event__date__lte=on).values_list(
        "event_id", "organization_id"
    ):
        by_event[event_id].add(organization_id)
    for ids in by_event.values():
        add((_pair(a, b) for a, b in combinations(sorted(ids), 2)), FACILITATION)

    # Explicit collaboration records.
    add(
        Collaboration.objects.filter(Q(until__isnull=True) | Q(until__gt=on), since__lte=on)
        .values_list("first_id", "second_id")
        .distinct(),
        COLLABORATION,
    )
    return ties


def scope_actors(on: date, community: LearningCommunity | None, ties: dict) -> set[int]:
    """The actors drawn: a community's members (and its alliances' members) on that date, or
    for the program every participating CSO plus everyone in a community or a tie."""
    if community is not None:
        actors = set(community.memberships.on(on).values_list("organization_id", flat=True))
        actors |= set(
            Alliance.members.through.objects.filter(
                alliance__grew_from=community, alliance__started_on__lte=on
            ).values_list("organization_id", flat=True)
        )
        return actors
    actors = set(Organization.objects.participating().values_list("pk", flat=True))
    actors |= set(CommunityMembership.objects.on(on).values_list("organization_id", flat=True))
    for a, b in ties:
        actors.update((a, b))
    return actors


def compute(
    on: date, community: LearningCommunity | None = None, *, with_betweenness: bool = True
) -> dict:
    """The network on a date: actors with degree and betweenness, ties, and summary metrics.

    `with_betweenness=False` leaves every betweenness at 0.0, for callers that show only
    degrees, ties and components (the reports' start date): it is the costly measure."""
    all_ties = gather_ties(on)
    actors = scope_actors(on, community, all_ties)
    ties = {
        pair: kinds for pair, kinds in all_ties.items() if pair[0] in actors and pair[1] in actors
    }
    return metrics(on, actors, ties, with_betweenness=with_betweenness)


# Betweenness is computed per connected component: networkx sets up every node of the graph
# for each source actor, which on the whole program network (8,500 actors in small
# components of at most 50) made the exact measure take about two minutes of CPU; per
# component it is still exact and takes about 4 s (a 200-pivot sample of the whole graph took 2 s
# but shared none of the exact top ten actors). A component larger than this many actors (none in the scale data) has
# its betweenness estimated from a seeded sample of source actors (networkx's `k` pivots;
# Brandes and Pich 2007), so the same data always gives the same figures; the pages say so.
EXACT_BETWEENNESS_UP_TO = 2_000
BETWEENNESS_PIVOTS = 200
BETWEENNESS_SEED = 2007


def betweenness_of(graph: nx.Graph) -> tuple[dict[int, float], int | None]:
    """Normalized betweenness (networkx's default over the whole graph: the share of shortest
    paths through a node) and the number of sampled pivots (None when exact)."""
    n = len(graph)
    if n <= 2:
        return {}, None
    # networkx normalizes an undirected graph's betweenness by 2 / ((n - 1)(n - 2)) of the
    # unnormalized value, n being the whole graph: paths never cross components.
    scale = 2 / ((n - 1) * (n - 2))
    values: dict[int, float] = {}
    pivots = None
    for component in nx.connected_components(graph):
        if len(component) <= 2:
            continue  # no actor lies between two others
        part = graph.subgraph(component)
        if len(component) <= EXACT_BETWEENNESS_UP_TO:
            raw = nx.betweenness_centrality(part, normalized=False)
        else:
            raw = nx.betweenness_centrality(
                part, k=BETWEENNESS_PIVOTS, normalized=False, seed=BETWEENNESS_SEED
            )
            pivots = BETWEENNESS_PIVOTS
        for node, value in raw.items():
            values[node] = value * scale
    return values, pivots


def metrics(
    on: date, actors: set[int], ties: dict[Pair, set[str]], *, with_betweenness: bool = True
) -> dict:
    organizations = {
        o["pk"]: o
        for o in Organization.objects.filter(pk__in=actors).values(
            "pk", "name", "acronym", "sector"
        )
    }
    graph = nx.Graph()
    graph.add_nodes_from(actors)
    graph.add_edges_from(ties)
    degree = dict(graph.degree())
    betweenness, pivots = betweenness_of(graph) if with_betweenness else ({}, None)
    components = list(nx.connected_components(graph))
    isolated = sorted(
        pk for pk in actors if degree[pk] == 0 and organizations[pk]["sector"] == Sector.CSO
    )
    return {
        "on": on.isoformat(),
        "actors": [
            {
                "id": pk,
                "name": organizations[pk]["name"],
                "acronym": organizations[pk]["acronym"],
                "sector": organizations[pk]["sector"],
                "degree": degree[pk],
                "betweenness": round(betweenness.get(pk, 0.0), 4),
            }
            for pk in sorted(actors, key=lambda pk: (-degree[pk], organizations[pk]["name"]))
        ],
        "ties": [[a, b, sorted(kinds)] for (a, b), kinds in sorted(ties.items())],
        "summary": {
            "actors": len(actors),
            "ties": len(ties),
            "density": round(nx.density(graph), 4) if len(graph) > 1 else 0.0,
            "components": len(components),
            "largest_component": max((len(c) for c in components), default=0),
            "isolated_csos": isolated,
        },
        "components": sorted(sorted(c) for c in components),
        # Betweenness estimated from this many sampled actors (None: exact).
        "betweenness_pivots": pivots,
    }


def compare(before: dict, after: dict) -> dict:
    """What changed from one network to another (e.g. program start and end)."""
    names = {a["id"]: a["name"] for a in before["actors"] + after["actors"]}
    ties_before = {(a, b) for a, b, _kinds in before["ties"]}
    ties_after = {(a, b) for a, b, _kinds in after["ties"]}
    new_ties = sorted(ties_after - ties_before)
    degree_before = {a["id"]: a["degree"] for a in before["actors"]}
    newly_connected = sorted(
        (
            a["id"]
            for a in after["actors"]
            if a["sector"] == Sector.CSO and a["degree"] > 0 and degree_before.get(a["id"], 0) == 0
        ),
        key=lambda pk: names[pk],
    )
    # A component of the later network that holds several earlier components merged them.
    where_after = {pk: index for index, comp in enumerate(after["components"]) for pk in comp}
    groups = defaultdict(set)
    for index, comp in enumerate(before["components"]):
        present = [pk for pk in comp if pk in where_after]
        if present:
            groups[where_after[present[0]]].add(index)
    merged = sum(len(indexes) - 1 for indexes in groups.values())
    return {
        "from": before["on"],
        "to": after["on"],
        "new_ties": [[a, b, names.get(a, ""), names.get(b, "")] for a, b in new_ties],
        "lost_ties": len(ties_before - ties_after),
        "newly_connected_csos": [[pk, names[pk]] for pk in newly_connected],
        "components_before": before["summary"]["components"],
        "components_after": after["summary"]["components"],
        "components_merged": merged,
        "density_before": before["summary"]["density"],
        "density_after": after["summary"]["density"],
    }


# --- Drawing ---------------------------------------------------------------------------------

WIDTH, HEIGHT = 640, 640


def layout(actors: list[dict]) -> dict[int, tuple[float, float]]:
    """Stable positions: CSOs on the outer circle, other sectors on an inner one, each ordered
    by sector and name. The same actors always land in the same place, so two dates of the
    same scope can be drawn with the same layout and compared by eye."""
    ordered = sorted(actors, key=lambda a: (SECTOR_ORDER.index(a["sector"]), a["name"], a["id"]))
    rings = [
        [a for a in ordered if a["sector"] == Sector.CSO],
        [a for a in ordered if a["sector"] != Sector.CSO],
    ]
    cx, cy = WIDTH / 2, HEIGHT / 2
    radii = (WIDTH / 2 - 60, WIDTH / 2 - 170) if rings[1] and rings[0] else (WIDTH / 2 - 60,) * 2
    positions = {}
    for ring, radius in zip(rings, radii, strict=True):
        for index, actor in enumerate(ring):
            angle = 2 * math.pi * index / max(len(ring), 1) - math.pi / 2
            positions[actor["id"]] = (
                round(cx + radius * math.cos(angle), 1),
                round(cy + radius * math.sin(angle), 1),
            )
    return positions


def node_radius(degree: int) -> float:
    return round(4 + 2.2 * math.sqrt(degree), 1)


def legend() -> list[tuple[str, str]]:
    """(color, sector label) for the pages: the drawings carry no text in any language."""
    labels = dict(Sector.choices)
    return [(color, str(labels[sector])) for sector, color in SECTOR_COLORS.items()]


# A drawing of 640 px shows at most this many actors: the program network has thousands,
# whose drawing weighs megabytes and reads as noise (the tables and workbook list them all).
DRAWN_ACTORS = 150


def drawn_actors(actors: list[dict]) -> list[dict]:
    """The actors to draw: all of them, or the DRAWN_ACTORS most connected ones."""
    if len(actors) <= DRAWN_ACTORS:
        return actors
    return sorted(actors, key=lambda a: (-a["degree"], a["name"], a["id"]))[:DRAWN_ACTORS]


def drawing_layout(after: dict, before: dict | None = None) -> list[dict]:
    """The actors to lay out the drawings of a network (and of its earlier date) with: those
    of either date, each with the higher of its two degrees, capped to the most connected
    (drawn_actors). Both drawings then share their positions and can be compared by eye."""
    if before is None:
        return drawn_actors(after["actors"])
    union = {a["id"]: a for a in before["actors"] + after["actors"]}
    degrees = {a["id"]: a["degree"] for a in after["actors"]}
    return drawn_actors(
        [{**a, "degree": max(a["degree"], degrees.get(a["id"], 0))} for a in union.values()]
    )


def drawn_count(data: dict, layout_actors: list[dict]) -> int:
    """How many of the network's own actors its drawing shows (the layout may also hold
    actors of the earlier date only)."""
    laid_out = {a["id"] for a in layout_actors}
    return sum(1 for a in data["actors"] if a["id"] in laid_out)


# The pages list this many actors of a network, the most connected first.
LISTED_ACTORS = 15


def overview(data: dict, comparison: dict, *, drawn: int) -> dict:
    """What the pages show of a network and its change: counts, never lists that grow with the
    program (those stay in the snapshot's data and comparison, for the admin)."""
    summary = data["summary"]
    return {
        "summary": {
            **{
                key: summary[key]
                for key in ("actors", "ties", "density", "components", "largest_component")
            },
            "isolated_csos": len(summary["isolated_csos"]),
        },
        "actors": [
            {key: a[key] for key in ("name", "degree", "betweenness")}
            for a in data["actors"][:LISTED_ACTORS]
        ],
        "betweenness_pivots": data.get("betweenness_pivots"),
        "drawn_actors": drawn,
        "comparison": {
            **{
                key: comparison[key]
                for key in (
                    "from",
                    "to",
                    "components_before",
                    "components_after",
                    "components_merged",
                )
            },
            "new_ties": len(comparison["new_ties"]),
            "newly_connected_csos": len(comparison["newly_connected_csos"]),
        }
        if comparison
        else {},
    }


def draw_svg(data: dict, *, layout_actors: list[dict] | None = None) -> str:
    """The network as SVG markup with presentation attributes only (no style, no script).

    `layout_actors`: the actors to lay out (e.g. the union of two dates) so that two drawings
    share their positions; by default the network's own actors. Labels are acronyms and
    tooltips name and number of ties, so a stored drawing reads the same in every language
    (the pages add a translated legend).
    """
    positions = layout(layout_actors or data["actors"])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" class="img-fluid" '
        f'aria-label="{escape(data["on"])}"><title>{escape(data["on"])}</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        '<g stroke="#adb5bd" stroke-opacity="0.7">',
    ]
    for a, b, kinds in data["ties"]:
        if a in positions and b in positions:
            (x1, y1), (x2, y2) = positions[a], positions[b]
            parts.append(
                f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke-width="{len(kinds)}"/>'
            )
    parts.append("</g><g>")
    for actor in data["actors"]:
        if actor["id"] not in positions:  # left out of a capped drawing (see drawn_actors)
            continue
        x, y = positions[actor["id"]]
        radius = node_radius(actor["degree"])
        label = escape(actor["acronym"] or actor["name"][:12])
        parts.append(
            f'<g data-actor="{actor["id"]}"><title>{escape(actor["name"])} · '
            f"{actor['degree']}</title>"
            f'<circle cx="{x}" cy="{y}" r="{radius}" '
            f'fill="{SECTOR_COLORS.get(actor["sector"], "#6c757d")}" stroke="#ffffff"/>'
            f'<text x="{x}" y="{round(y - radius - 3, 1)}" '
            f'font-size="9" text-anchor="middle" fill="#212529">{label}</text></g>'
        )
    parts.append("</g></svg>")
    return "".join(parts)
