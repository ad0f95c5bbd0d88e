"""Network snapshots and reports: started as background jobs, built by jobs.py."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from csa_portal.jobs import start_job
from csa_portal.models import Job, User

from .. import network
from ..errors import CommunityError
from ..files import remove_report_file, report_path, save_report_file
from ..models import LearningCommunity, NetworkPosition, NetworkSnapshot, Report

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
    """Compute and keep the network on `on` (and its change since `compared_to`), with what
    the pages read of it: the overview, the drawings (of its most connected actors) and each
    organization's position."""
    after = network.compute(on, community)
    # The earlier date gives the comparison and its drawing: counts, ties and components, not
    # its (costly) betweenness.
    before = (
        network.compute(compared_to, community, with_betweenness=False)
        if compared_to is not None
        else None
    )
    comparison = network.compare(before, after) if before is not None else {}
    layout_actors = network.drawing_layout(after, before)
    snapshot = NetworkSnapshot.objects.create(
        community=community,
        on=on,
        compared_to=compared_to,
        data=after,
        comparison=comparison,
        overview=network.overview(
            after, comparison, drawn=network.drawn_count(after, layout_actors)
        ),
        svg=network.draw_svg(after, layout_actors=layout_actors),
        svg_before=(
            network.draw_svg(before, layout_actors=layout_actors) if before is not None else ""
        ),
    )
    NetworkPosition.objects.bulk_create(
        NetworkPosition(
            snapshot=snapshot,
            organization_id=actor["id"],
            rank=rank,
            degree=actor["degree"],
            betweenness=actor["betweenness"],
        )
        for rank, actor in enumerate(after["actors"], start=1)
    )
    # Pages read the newest snapshot's positions only: the earlier ones of the same network
    # would grow the table by every actor at each computation (8,495 rows for the program).
    # Only earlier ones: a computation that finished meanwhile may be newer than this one.
    earlier = Q(snapshot__computed_at__lt=snapshot.computed_at) | Q(
        snapshot__computed_at=snapshot.computed_at, snapshot_id__lt=snapshot.pk
    )
    NetworkPosition.objects.filter(earlier, snapshot__community=community).delete()
    return snapshot


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


def ensure_report_pdf(*, report: Report) -> str:
    """The report's PDF file, drawn from its kept data on the first download (see
    jobs.build_report), in the language of that download, and kept for the next ones.

    Two first downloads at once may both draw it: the first to record its file wins and the
    other's file is removed, so the report keeps one PDF.
    """
    if report.pdf_file and report_path(report.pdf_file) is not None:
        return report.pdf_file
    from ..report_files import render_pdf  # WeasyPrint: loaded only when a PDF is drawn

    title = report.community.name if report.community else str(_("Program results report"))
    token = save_report_file(render_pdf(report.data, title=title, built_at=report.built_at), "pdf")
    with transaction.atomic():
        current = Report.objects.select_for_update().filter(pk=report.pk).first()
        if current is None:
            remove_report_file(token)
            raise Report.DoesNotExist
        if current.pdf_file and report_path(current.pdf_file) is not None:
            # Bound now: `token` is the kept file's name below (a lambda reading it on commit
            # removed the kept PDF, and this download answered 404).
            transaction.on_commit(partial(remove_report_file, token))
            token = current.pdf_file
        else:
            Report.objects.filter(pk=report.pk).update(pdf_file=token)
    report.pdf_file = token
    return token
