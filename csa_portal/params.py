"""Values read from a request's query string."""


def whole_number(value) -> int | None:
    """A whole number from a request's parameter (an id, a year), None unless it is plain ASCII
    digits that fit a bigint. `str.isdigit()` alone is not enough: it accepts "²" and "٣", on
    which int() raises or which PostgreSQL never sees as digits; and int() of thousands of
    digits raises too (18 digits at most always fit a bigint)."""
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None
