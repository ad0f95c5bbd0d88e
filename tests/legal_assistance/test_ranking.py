"""The firm ranking: practice area required, then same state, pledged hours left this year,
cases in hand; the reasons are shown."""

from datetime import date
from decimal import Decimal

from legal_assistance.ranking import rank_firms, rank_firms_for_cases
from legal_assistance.services.cases import log_hours, match_firm, respond_to_match
from tests.personas import make_user

from .helpers import TODAY, accepted_case, make_firm, make_lawyer, matched_case, working_case


def test_firms_are_ranked_by_state_then_hours_left_then_load(cast, network):
    coordinator = cast.legal_coordinator
    # Bufete Uno (SON, 100 pledged): pledge 30, 10 hours used this year, 1 case in hand.
    network.firm.yearly_pledged_hours = 30
    network.firm.save()
    busy = working_case(cast.other_org, cast.other_leader, coordinator, network.lawyer)
    log_hours(case=busy, lawyer=network.lawyer, worked_on=TODAY, hours=Decimal(10), description="x")
    # Tres (SON, 50 pledged, nothing used): same state, more hours left than Bufete Uno.
    make_firm("Tres", state="SON", areas=("fiscal",), pledged=50)
    # Despacho Dos (NL, 100 pledged): last year's hours do not count against this year.
    last_year = working_case(cast.other_org, cast.other_leader, coordinator, network.other_lawyer)
    log_hours(
        case=last_year,
        lawyer=network.other_lawyer,
        worked_on=date(TODAY.year - 1, 6, 1),
        hours=Decimal(20),
        description="x",
    )
    # Cuatro (NL, 100 pledged): as many hours left as Despacho Dos, but two cases in hand.
    cuatro = make_firm("Cuatro", state="NL", areas=("fiscal",), pledged=100)
    for _ in range(2):
        matched_case(cast.other_org, cast.other_leader, coordinator, cuatro)
    # Not eligible: another area, inactive, declined this case for a conflict.
    make_firm("Cinco", state="SON", areas=("labor",))
    make_firm("Seis", state="SON", areas=("fiscal",), active=False)
    siete = make_firm("Siete", state="SON", areas=("fiscal",), pledged=500)
    siete_lawyer = make_lawyer(siete, make_user("siete@test.mx"))
    case = accepted_case(cast.org, cast.leader, coordinator, area="fiscal")
    match_firm(case=case, firm=siete, by=coordinator)
    respond_to_match(case=case, lawyer=siete_lawyer, conflict=True, reason="Conflicto")

    ranking = rank_firms(case)

    assert [r.firm.name for r in ranking.ranked] == ["Tres", "Bufete Uno", "Despacho Dos", "Cuatro"]
    assert [(r.same_state, r.hours_left, r.open_cases) for r in ranking.ranked] == [
        (True, Decimal(50), 0),
        (True, Decimal(20), 1),
        (False, Decimal(100), 1),
        (False, Decimal(100), 2),
    ]
    assert ranking.ranked[1].reasons == [
        "Practises fiscal law.",
        "In the organization's state (Sonora).",
        f"20 of 30 pledged hours left in {TODAY.year}.",
        "1 case in hand.",
    ]
    assert ranking.ranked[2].reasons[1] == "In Nuevo León; the organization is in Sonora."
    assert ranking.ranked[3].reasons[3] == "2 cases in hand."
    assert [(firm.name, reason) for firm, reason in ranking.excluded] == [
        ("Cinco", "Does not practise fiscal law."),
        ("Siete", "Declined this case for a conflict of interest."),
    ]
    assert ranking.best.firm.name == "Tres"


def test_used_up_pledges_show_zero_left_and_rank_last_in_their_state(cast, network):
    network.firm.yearly_pledged_hours = 5
    network.firm.save()
    working = working_case(
        cast.other_org, cast.other_leader, cast.legal_coordinator, network.lawyer
    )
    log_hours(
        case=working, lawyer=network.lawyer, worked_on=TODAY, hours=Decimal(8), description="x"
    )
    make_firm("Tres", state="SON", areas=("fiscal",), pledged=1)
    case = accepted_case(cast.org, cast.leader, cast.legal_coordinator)

    ranking = rank_firms(case)

    assert [r.firm.name for r in ranking.ranked][:2] == ["Tres", "Bufete Uno"]
    assert ranking.ranked[1].hours_left == Decimal(-3)
    assert f"0 of 5 pledged hours left in {TODAY.year}." in ranking.ranked[1].reasons


def test_no_firm_practising_the_area_gives_an_empty_ranking(cast, network):
    case = accepted_case(cast.org, cast.leader, cast.legal_coordinator, area="data_privacy")

    ranking = rank_firms(case)

    assert ranking.ranked == [] and ranking.best is None
    assert {firm.name for firm, _reason in ranking.excluded} == {"Bufete Uno", "Despacho Dos"}


def test_ranking_many_cases_takes_a_fixed_number_of_queries(
    cast, network, django_assert_num_queries
):
    cases = [accepted_case(cast.org, cast.leader, cast.legal_coordinator) for _ in range(6)]
    for case in cases:
        case.organization  # noqa: B018 - loaded as the desk loads it
    with django_assert_num_queries(3):  # firms with figures, their areas, declined pairs
        rankings = rank_firms_for_cases(cases)
    assert len(rankings) == 6
