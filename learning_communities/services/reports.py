"""Network snapshots and reports: started as background jobs, built by jobs.py."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from csa_portal.jobs import start_job
from csa_portal.models import Job, User

from .. import network
from ..errors import CommunityError
from ..models import LearningCommunity, NetworkSnapshot

NETWORK_JOB = "learning_communities.network"
COMMUNITY_REPORT_JOB = "learning_communities.community_report"
PROGRAM_REPORT_JOB = "learning_communities.program_report"


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise CommunityError(_("The end cannot be before the start."))


@transaction.atomic
def compute_network_snapshot(
    *, community: LearningCommunity | None, on: date, compared_to: date | None = None
) -> NetworkSnapshot:
    """Compute and keep the network on `on` (and its change since `compared_to`)."""
    after = network.compute(on, community)
    comparison, layout_actors = {}, None
    if compared_to is not None:
        before = network.compute(compared_to, community)
        comparison = network.compare(before, after)
        layout_actors = list({a["id"]: a for a in before["actors"] + after["actors"]}.values())
        comparison["svg_before"] = network.draw_svg(before, layout_actors=layout_actors)
    return NetworkSnapshot.objects.create(
        community=community,
        on=on,
        compared_to=compared_to,
        data=after,
        comparison=comparison,
        svg=network.draw_svg(after, layout_actors=layout_actors),
    )


def start_network_job(
    *,
    community: LearningCommunity | None,
    on: date,
    compared_to: date | None,
    requested_by: User | None,
) -> Job:
    return start_job(
        kind=NETWORK_JOB,
        created_by=requested_by,
        params={
            "community": community.pk if community else None,
            "on": on.isoformat(),
            "compared_to": compared_to.isoformat() if compared_to else None,
        },
    )


def start_community_report(
    *, community: LearningCommunity, start: date, end: date, requested_by: User | None
) -> Job:
    _check_period(start, end)
    return start_job(
        kind=COMMUNITY_REPORT_JOB,
        created_by=requested_by,
        params={"community": community.pk, "start": start.isoformat(), "end": end.isoformat()},
    )


def start_program_report(*, start: date, end: date, requested_by: User | None) -> Job:
    _check_period(start, end)
    return start_job(
        kind=PROGRAM_REPORT_JOB,
        created_by=requested_by,
        params={"start": start.isoformat(), "end": end.isoformat()},
    )
