import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A legal entity's RFC: 3 letters (Ñ and & allowed), the founding date as YYMMDD, 3 homoclave
# characters. A person's RFC has 4 letters; CSOs are legal entities but we accept both.
RFC_PATTERN = re.compile(r"^([A-ZÑ&]{3,4})(\d{2})(\d{2})(\d{2})([A-Z\d]{2}[A\d])$")
CLUNI_PATTERN = re.compile(r"^[A-Z]{3,4}\d{6,10}[A-Z\d]{0,6}$")


def validate_rfc(value: str) -> None:
    match = RFC_PATTERN.match(value or "")
    if not match:
        raise ValidationError(
            _(
                "Enter a valid RFC: 3 letters, a date as YYMMDD and 3 characters (e.g. ABC010203XY1)."
            ),
            code="invalid_rfc",
        )
    yy, mm, dd = (int(match.group(i)) for i in (2, 3, 4))
    for century in (2000, 1900):
        try:
            date(century + yy, mm, dd)
            return
        except ValueError:
            continue
    raise ValidationError(
        _("The date inside this RFC is not a real date."), code="invalid_rfc_date"
    )


def validate_cluni(value: str) -> None:
    if not CLUNI_PATTERN.match(value or ""):
        raise ValidationError(
            _("Enter a valid CLUNI: letters followed by digits, as on the registry certificate."),
            code="invalid_cluni",
        )
