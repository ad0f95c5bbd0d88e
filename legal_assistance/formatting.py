"""Numbers in messages: hours without useless zeros (never in exponent form)."""

from decimal import Decimal


def plain(value: Decimal | int) -> str:
    text = format(Decimal(value).quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
