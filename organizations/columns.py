"""The one list of columns shared by exports, the import template and the importer."""

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


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
