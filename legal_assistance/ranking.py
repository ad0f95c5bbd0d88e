"""Which firms of the network should take a case, best first, with the reasons shown.

A firm must practise the case's area of law and must not have declined the case for a conflict
of interest. Eligible firms are ordered by: in the organization's state first; then more of
this year's pledged pro bono hours left; then fewer cases in hand (matched or in progress);
then name. The firms' figures come from three queries whatever the number of cases ranked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organizations.geo import MexicanState

from .formatting import plain
from .models import FirmMatch, LawFirm, LegalArea, LegalCase


@dataclass
class RankedFirm:
    firm: LawFirm
    same_state: bool
    hours_left: Decimal
    open_cases: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class Ranking:
    ranked: list[RankedFirm]
    # Firms that cannot take the case, each with why.
    excluded: list[tuple[LawFirm, str]]

    @property
    def best(self) -> RankedFirm | None:
        return self.ranked[0] if self.ranked else None


def _firms_with_figures(year: int) -> list[LawFirm]:
    return list(
        LawFirm.objects.active().with_workload(year).prefetch_related("areas").order_by("name")
    )


def rank_firms_for_cases(cases: Iterable[LegalCase]) -> dict[int, Ranking]:
    """The ranking for each case (cases need organization loaded)."""
    cases = list(cases)
    if not cases:
        return {}
    year = timezone.localdate().year
    firms = _firms_with_figures(year)
    declined: dict[int, set[int]] = defaultdict(set)
    for case_id, firm_id in FirmMatch.objects.filter(
        case__in=cases, response=FirmMatch.Response.DECLINED_CONFLICT
    ).values_list("case_id", "firm_id"):
        declined[case_id].add(firm_id)
    return {case.pk: _rank(case, firms, declined[case.pk], year) for case in cases}


def rank_firms(case: LegalCase) -> Ranking:
    return rank_firms_for_cases([case])[case.pk]


def _rank(case: LegalCase, firms: list[LawFirm], declined: set[int], year: int) -> Ranking:
    area_name = str(dict(LegalArea.choices)[case.area]).lower()
    states = dict(MexicanState.choices)
    org_state = case.organization.state
    ranked, excluded = [], []
    for firm in firms:
        if case.area not in {a.area for a in firm.areas.all()}:
            excluded.append((firm, _("Does not practise %(area)s law.") % {"area": area_name}))
            continue
        if firm.pk in declined:
            excluded.append((firm, _("Declined this case for a conflict of interest.")))
            continue
        hours_left = Decimal(firm.yearly_pledged_hours) - firm.hours_this_year
        same_state = firm.state == org_state
        reasons = [
            _("Practises %(area)s law.") % {"area": area_name},
            _("In the organization's state (%(state)s).") % {"state": states[org_state]}
            if same_state
            else _("In %(state)s; the organization is in %(other)s.")
            % {"state": states.get(firm.state, firm.state), "other": states[org_state]},
            _("%(left)s of %(pledged)s pledged hours left in %(year)s.")
            % {
                "left": plain(max(hours_left, Decimal(0))),
                "pledged": firm.yearly_pledged_hours,
                "year": year,
            },
            ngettext("%(count)s case in hand.", "%(count)s cases in hand.", firm.open_cases)
            % {"count": firm.open_cases},
        ]
        ranked.append(
            RankedFirm(
                firm=firm,
                same_state=same_state,
                hours_left=hours_left,
                open_cases=firm.open_cases,
                reasons=reasons,
            )
        )
    ranked.sort(key=lambda r: (not r.same_state, -r.hours_left, r.open_cases, r.firm.name))
    return Ranking(ranked=ranked, excluded=excluded)
