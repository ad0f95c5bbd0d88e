"""The one list of columns shared by exports, the import template and the importer."""

import re

COLUMNS = [
    "name",
    "acronym",
    "sector",
    "tier",
    "status",
    "participation_start",
    "participation_end",
    "legal_form",
    "rfc",
    "cluni",
    "authorized_donee",
    "founded",
    "state",
    "municipality",
    "themes",
    "populations",
    "staff_range",
    "budget_range",
    "mission",
    "email",
    "phone",
    "website",
]
REQUIRED_COLUMNS = {"name", "state"}

# Spreadsheet programs execute cells that start with these; exports neutralize them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# An international phone number ("+52 55 1234 5678") calls no function and must survive an
# export and re-import unchanged, so a "+" followed only by these characters is left alone.
PHONE_NUMBER = re.compile(r"\+[0-9 ().-]+")


def safe_cell(value):
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not PHONE_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value
