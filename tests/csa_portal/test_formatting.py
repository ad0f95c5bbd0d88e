"""Numbers and dates as every page shows them, in the reader's language."""

import pytest
from django.utils import translation

from csa_portal.audit import describe
from csa_portal.models import AuditEntry
from csa_portal.templatetags.formatting import isodate, money
from grants.models import Grant


@pytest.mark.parametrize(("language", "shown"), [("es", "01/03/2016"), ("en", "03/01/2016")])
def test_a_date_kept_as_iso_text_reads_in_the_readers_format(language, shown):
    with translation.override(language):
        assert isodate("2016-03-01") == shown
        assert isodate("not a date") == "not a date"
        assert isodate("") == ""


def test_money_is_grouped_with_its_currency_after_it():
    with translation.override("es"):
        assert money("1012550", "MXN") == "1,012,550.00 MXN"
        assert money(None) == "—"


@pytest.mark.django_db
def test_the_history_groups_amounts(cast):
    from django.contrib.contenttypes.models import ContentType

    entry = AuditEntry(
        content_type=ContentType.objects.get_for_model(Grant),
        object_id=1,
        changes={"amount": ["212400.00", "318600.00"]},
    )
    with translation.override("es"):
        (described,) = describe([entry], reveal_confidential=True)
    assert described["lines"][0]["old"] == "212,400.00"
    assert described["lines"][0]["new"] == "318,600.00"
