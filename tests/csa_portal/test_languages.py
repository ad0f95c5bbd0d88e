from django.utils import translation

from csa_portal.languages import active_code, in_spanish


def test_the_active_language_decides():
    with translation.override("en"):
        assert not in_spanish()
        assert active_code() == "en"
    with translation.override("es"):
        assert in_spanish()
        assert active_code() == "es"


def test_regional_variants_count_as_their_language():
    with translation.override("es-mx"):
        assert in_spanish()
    with translation.override("en-us"):
        assert active_code() == "en"


def test_with_no_language_active_the_program_language_spanish_applies():
    with translation.override(None):
        assert translation.get_language() is None
        assert in_spanish()
