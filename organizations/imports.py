"""Read and validate an organization file. No organization is written here: see
services.import_organizations.

Each data row is checked with a form, so the messages match the ones people see in the browser.
Row numbers are spreadsheet row numbers: the header is row 1, the first organization row 2.

A valid file's cleaned rows are kept next to the upload (`<token>.checked.json`, with the file's
hash), so the import job does not validate every row a second time: it reloads them and re-checks
only what can change between the preview and the job (RFCs taken meanwhile, lookups deleted).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .columns import COLUMNS, REQUIRED_COLUMNS
from .geo import MexicanState
from .models import Organization, Population, ThematicArea, Tier

TRUE_WORDS = {"yes", "y", "true", "1", "si", "sí", "x"}
FALSE_WORDS = {"no", "n", "false", "0", ""}


class FileProblem(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    @property
    def label(self) -> str:
        """The column's name in the reader's language (the file keeps the English code)."""
        name = COLUMN_FIELDS.get(self.column, self.column)
        try:
            return capfirst(str(Organization._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            return ""


# Import columns whose model field has another name.
COLUMN_FIELDS = {"themes": "thematic_areas"}


@dataclass
class ImportPreview:
    rows: list[dict[str, Any]] = field(default_factory=list)  # cleaned, ready for the service
    errors: list[RowError] = field(default_factory=list)
    total: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.errors and self.total > 0


class ImportRowForm(forms.ModelForm):
    # Free text: clean_state accepts a code or a name; a choice field would reject names first.
    state = forms.CharField()
    tier = forms.CharField(required=False)
    themes = forms.CharField(required=False)
    populations_codes = forms.CharField(required=False)
    authorized_donee = forms.CharField(required=False)

    class Meta:
        model = Organization
        fields = [
            "name",
            "acronym",
            "sector",
            "status",
            "participation_start",
            "participation_end",
            "legal_form",
            "rfc",
            "cluni",
            "founded",
            "state",
            "municipality",
            "staff_range",
            "budget_range",
            "mission",
            "email",
            "phone",
            "website",
        ]

    def __init__(self, *args, lookups: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.lookups = lookups
        # Blank cells take the model's defaults, as in the browser form.
        for name in ("sector", "status", "legal_form"):
            self.fields[name].required = False

    def clean_tier(self):
        value = (self.cleaned_data.get("tier") or "").strip()
        if not value:
            return None
        tier = self.lookups["tiers"].get(value.lower().removeprefix("tier").strip())
        if tier is None:
            raise forms.ValidationError(_("Unknown tier %(value)s.") % {"value": value})
        return tier

    def clean_state(self):
        value = (self.data.get("state") or "").strip()
        state = self.lookups["states"].get(value.lower())
        if state is None:
            raise forms.ValidationError(_("Unknown state %(value)s.") % {"value": value})
        return state

    def _codes(self, column: str, known: dict) -> list:
        raw = self.cleaned_data.get(column) or ""
        codes = [c.strip().lower() for c in raw.replace(",", ";").split(";") if c.strip()]
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise forms.ValidationError(
                _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return [known[c] for c in codes]

    def clean_themes(self):
        return self._codes("themes", self.lookups["themes"])

    def clean_populations_codes(self):
        return self._codes("populations_codes", self.lookups["populations"])

    def clean_authorized_donee(self):
        value = (self.cleaned_data.get("authorized_donee") or "").strip().lower()
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        raise forms.ValidationError(_("Write yes or no."))

    def clean_rfc(self):
        return (self.cleaned_data.get("rfc") or "").strip().upper()

    def clean_cluni(self):
        return (self.cleaned_data.get("cluni") or "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        for name, default in (("sector", "cso"), ("status", "none"), ("legal_form", "ac")):
            if not cleaned.get(name):
                cleaned[name] = default
        start, end = cleaned.get("participation_start"), cleaned.get("participation_end")
        if start and end and end < start:
            self.add_error("participation_end", _("The end cannot be before the start."))
        return cleaned

    def validate_unique(self):
        # Uniqueness is checked for the whole file at once (one query), not per row.
        pass

    # Django checks constraints apart from validate_unique, with a query per row and a message
    # that only names the constraint. The RFC's is checked for the whole file (one query, naming
    # the holder) and the dates' order in clean(); any other constraint is still checked here.
    SET_CHECKED = {"organization_rfc_unique", "organization_participation_dates_ordered"}

    def validate_constraints(self):
        # Only the constraints not checked elsewhere: asking Django for the exclusions and
        # evaluating the covered ones cost a seventh of the preview's time at 10,000 rows.
        others = [c for c in self.instance._meta.constraints if c.name not in self.SET_CHECKED]
        if not others:
            return
        exclude = self._get_validation_exclusions()
        for constraint in others:
            try:
                constraint.validate(type(self.instance), self.instance, exclude=exclude)
            except forms.ValidationError as exc:
                self._update_errors(exc)

    def rebind(self, data: dict[str, str]) -> None:
        """Check another row with this same form.

        Building a form deep-copies its 22 fields and their widgets, which was most of the
        preview's time at 10,000 rows; the fields hold no per-row state, so one form is bound
        to each row in turn. Everything full_clean and _post_clean read per row is reset here.
        The bound fields are kept: they read the value from self.data on every access.
        """
        self.data = data
        self.is_bound = True
        self._errors = None
        self.cleaned_data = {}
        self.instance = self._meta.model()

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["tier"] = self.cleaned_data["tier"]
        data["authorized_donee"] = self.cleaned_data["authorized_donee"]
        data["thematic_areas"] = self.cleaned_data["themes"]
        data["populations"] = self.cleaned_data["populations_codes"]
        return data


def _lookups() -> dict:
    states = {}
    for code, label in MexicanState.choices:
        states[code.lower()] = code
        states[str(label).lower()] = code
    return {
        "tiers": {str(t.number): t for t in Tier.objects.all()},
        "themes": {t.code.lower(): t for t in ThematicArea.objects.all()},
        "populations": {p.code.lower(): p for p in Population.objects.all()},
        "states": states,
    }


def read_table(path: Path) -> list[list[str]]:
    """All rows of a CSV or XLSX file as text cells."""
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path)
    return _read_csv(path)


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            _("The file is not UTF-8 text. Save it as 'CSV UTF-8' and upload it again.")
        ) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileProblem(_("The file is not a readable .xlsx workbook.")) from exc
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "hour"):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


HEADER_ALIASES = {"populations": "populations_codes"}


def validate_table(table: list[list[str]]) -> ImportPreview:
    preview = ImportPreview()
    rows = [r for r in table if any(cell.strip() for cell in r)] if table else []
    if not rows:
        raise FileProblem(_("The file is empty."))
    header = [h.strip().lower() for h in table[0]]
    missing = REQUIRED_COLUMNS - set(header)
    if missing:
        raise FileProblem(
            _("The header row lacks the column(s): %(columns)s.")
            % {"columns": ", ".join(sorted(missing))}
        )
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise FileProblem(
            _("Unknown column(s) in the header row: %(columns)s.") % {"columns": ", ".join(unknown)}
        )
    lookups = _lookups()
    form = ImportRowForm({}, lookups=lookups)
    seen_rfc: dict[str, int] = {}
    for index, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        preview.total += 1
        data = {
            HEADER_ALIASES.get(h, h): (cells[i].strip() if i < len(cells) else "")
            for i, h in enumerate(header)
            if h
        }
        form.rebind(data)
        if not form.is_valid():
            for column, messages in form.errors.items():
                column = {"populations_codes": "populations", "__all__": ""}.get(column, column)
                preview.errors.extend(RowError(index, column, m) for m in messages)
            continue
        rfc = form.cleaned_data["rfc"]
        if rfc and rfc in seen_rfc:
            preview.errors.append(
                RowError(
                    index, "rfc", _("The same RFC is on row %(row)s.") % {"row": seen_rfc[rfc]}
                )
            )
            continue
        if rfc:
            seen_rfc[rfc] = index
        preview.rows.append({"row": index, **form.service_fields()})
    _check_existing_rfcs(preview, seen_rfc)
    return preview


def _check_existing_rfcs(preview: ImportPreview, seen_rfc: dict[str, int]) -> None:
    if not seen_rfc:
        return
    taken = Organization.objects.filter(rfc__in=list(seen_rfc)).values_list("rfc", "name")
    for rfc, name in taken:
        preview.errors.append(
            RowError(
                seen_rfc[rfc],
                "rfc",
                _("An organization with this RFC already exists: %(name)s.") % {"name": name},
            )
        )
    preview.errors.sort(key=lambda e: e.row)


def validate_file(path: Path) -> ImportPreview:
    """Validate an uploaded file; remember a valid file's rows for the import job."""
    raw = path.read_bytes()
    preview = validate_table(read_table(path))
    _checked_path(path).unlink(missing_ok=True)
    if preview.is_valid:
        payload = {"sha256": hashlib.sha256(raw).hexdigest(), "rows": preview.rows}
        _checked_path(path).write_text(json.dumps(payload, default=_json_default))
    return preview


def checked_file(path: Path) -> ImportPreview:
    """The rows of a file validated at its preview, re-checked only where data can change.

    Falls back to a full validate_file when the preview's rows are missing, belong to another
    file content, or name a tier, theme or population deleted since.
    """
    rows = _load_checked(path)
    if rows is None:
        return validate_file(path)
    preview = ImportPreview(rows=rows, total=len(rows))
    seen_rfc = {row["rfc"]: row["row"] for row in rows if row["rfc"]}
    _check_existing_rfcs(preview, seen_rfc)
    return preview


def forget_checked(path: Path) -> None:
    _checked_path(path).unlink(missing_ok=True)


DATE_FIELDS = ("participation_start", "participation_end")


def _checked_path(path: Path) -> Path:
    return path.with_name(path.name + ".checked.json")


def _json_default(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    raise TypeError(type(value))


def _load_checked(path: Path) -> list[dict[str, Any]] | None:
    try:
        payload = json.loads(_checked_path(path).read_text())
    except (OSError, ValueError):
        return None
    if payload.get("sha256") != hashlib.sha256(path.read_bytes()).hexdigest():
        return None
    tiers = {t.pk: t for t in Tier.objects.all()}
    themes = {t.pk: t for t in ThematicArea.objects.all()}
    populations = {p.pk: p for p in Population.objects.all()}
    rows = []
    try:
        for row in payload["rows"]:
            for name in DATE_FIELDS:
                if row[name]:
                    row[name] = datetime.date.fromisoformat(row[name])
            row["tier"] = tiers[row["tier"]] if row["tier"] is not None else None
            row["thematic_areas"] = [themes[pk] for pk in row["thematic_areas"]]
            row["populations"] = [populations[pk] for pk in row["populations"]]
            rows.append(row)
    except (KeyError, TypeError, ValueError):
        return None
    return rows


IMPORT_HELP = gettext_lazy(
    "Columns: %(columns)s. Codes: sector, status, legal form, staff and budget ranges use the "
    "codes of the export; tier is a number; state a code (SON) or name; themes and populations "
    "are codes separated by semicolons."
)
