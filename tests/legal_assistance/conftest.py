from dataclasses import dataclass

import pytest
from django.utils import translation

from legal_assistance.models import LawFirm, Lawyer
from tests.personas import make_user, speak_english

from .helpers import make_firm, make_lawyer


@pytest.fixture(autouse=True)
def _fast_passwords(fast_password_hashing):
    """Every test here builds several logins; hashing them with Argon2 would dominate the run."""


@pytest.fixture(autouse=True)
def _english():
    """Services' messages are asserted in English (the portal's default language is Spanish)."""
    with translation.override("en"):
        yield


@dataclass
class Network:
    firm: LawFirm  # Bufete Uno, Sonora: corporate, fiscal, labor; cast.lawyer works there
    lawyer: Lawyer
    other_firm: LawFirm  # Despacho Dos, Nuevo León: fiscal, aml
    other_lawyer: Lawyer


@pytest.fixture
def network(cast) -> Network:
    firm = make_firm("Bufete Uno", state="SON", areas=("corporate", "fiscal", "labor"))
    other_firm = make_firm("Despacho Dos", state="NL", areas=("fiscal", "aml"), rate="3000")
    speak_english(
        cast.staff, cast.legal_coordinator, cast.admin, cast.leader, cast.member, cast.lawyer
    )
    return Network(
        firm=firm,
        lawyer=make_lawyer(firm, cast.lawyer),
        other_firm=other_firm,
        other_lawyer=make_lawyer(other_firm, make_user("lawyer2@test.mx", preferred_language="en")),
    )
