"""The Spanish catalog is complete: most CSO users work in Spanish."""

import re
from pathlib import Path

import polib
from django.conf import settings
from django.urls import reverse

CATALOG = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{ *\w+ *\}\}")


def test_every_message_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(CATALOG))
    missing = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not missing, f"translate these in {CATALOG}: {missing}"
    assert not fuzzy, f"check these fuzzy translations in {CATALOG}: {fuzzy}"


def test_translations_keep_their_placeholders():
    po = polib.pofile(str(CATALOG))
    broken = [
        e.msgid
        for e in po.translated_entries()
        if not e.msgid_plural
        and sorted(PLACEHOLDER.findall(e.msgid)) != sorted(PLACEHOLDER.findall(e.msgstr))
    ]
    assert not broken, f"these translations lost or renamed a placeholder: {broken}"


def test_spanish_forms_have_no_english_left_from_django(cast, client_for):
    # Django 6.1's own Spanish catalog lacks the empty choice of select boxes.
    html = client_for(cast.staff).get(reverse("organizations:create")).content.decode()

    assert "Select an option" not in html
    assert "Seleccione una opción" in html


def test_plural_messages_have_every_spanish_form():
    """Spanish has three plural forms in Django's rule (1, millions, the rest): a message with
    only two shows English for counts like 20."""
    po = polib.pofile(str(CATALOG))
    forms = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
    short = [
        e.msgid
        for e in po
        if e.msgid_plural
        and not e.obsolete
        and sum(1 for v in e.msgstr_plural.values() if v) < forms
    ]
    assert not short, f"give these all {forms} plural forms in {CATALOG}: {short}"
