"""The audit trail: services record each change explicitly; History pages read it.

A service takes a `snapshot()` of the fields it may change before and after the change and calls
`record_change()`; a service that writes many rows at once (bulk_create, bulk_update) builds one
entry per row with `entry_for()` and saves them with `record_entries()` (one INSERT); a
set-based change that gives many rows the same new values (`QuerySet.update()`, a batch import)
is summarized by `record_bulk()` with the affected ids. Nothing here imports a domain app: the
record's model is reached through its content type, and a model marks the fields whose values
are confidential with an `audit_confidential_fields` attribute.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.template.defaultfilters import floatformat
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import AuditEntry, User
from .templatetags.formatting import isodate

Action = AuditEntry.Action
MAX_LABEL = 200


def _label(obj: models.Model) -> str | dict[str, str]:
    """A record's label; {language: label} when it reads differently per language (a tier)."""
    labels = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels[code] = str(obj)[:MAX_LABEL]
    return labels.popitem()[1] if len(set(labels.values())) == 1 else labels


def _in_reader_language(value: Any) -> Any:
    if isinstance(value, dict):
        language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
        return value.get(language) or next(iter(value.values()), "")
    return value


def display_value(value: Any) -> Any:
    """A JSON value a reader can understand later: labels for records, ISO text for dates."""
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, models.Model):
        return _label(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, models.Manager):
        value = list(value.all())
    if isinstance(value, Iterable):
        return sorted((display_value(item) for item in value), key=str)
    return str(value)


def snapshot(obj: models.Model | None, fields: Iterable[str]) -> dict[str, Any]:
    """The display-friendly values of `fields` of `obj` ({} for a record that does not exist)."""
    if obj is None:
        return {}
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = display_value(getattr(obj, name))
        elif field.is_relation:
            # The related row's label; an unset relation is None.
            values[name] = display_value(getattr(obj, name))
        else:
            values[name] = display_value(field.value_from_object(obj))
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    changes = {}
    for name in dict.fromkeys([*before, *after]):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = [old, new]
    return changes


def entry_for(
    *,
    obj: models.Model,
    actor: User | None,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
    root: models.Model | None = None,
    at: datetime | None = None,
    label: str | None = None,
) -> AuditEntry | None:
    """An unsaved entry for one record, or None for an update that changed nothing."""
    changes = diff(before or {}, after or {})
    if action == Action.UPDATE and not changes and not note:
        return None
    root = root if root is not None else obj
    hidden = getattr(type(obj), "audit_confidential_fields", ())
    actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_label=(label if label is not None else str(obj))[:MAX_LABEL],
        root_type=ContentType.objects.get_for_model(root),
        root_id=root.pk,
        action=action,
        actor=actor,
        actor_label=str(actor)[:MAX_LABEL] if actor else "",
        at=at or timezone.now(),
        changes=changes,
        confidential_fields=[name for name in changes if name in hidden],
        note=note[:300],
    )


def record_change(
    *,
    obj: models.Model,
    actor: User | None,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
    root: models.Model | None = None,
    label: str | None = None,
) -> AuditEntry | None:
    """Record one change of `obj` (call it inside the service's transaction)."""
    entry = entry_for(
        obj=obj,
        actor=actor,
        action=action,
        before=before,
        after=after,
        note=note,
        root=root,
        label=label,
    )
    if entry is not None:
        entry.save()
    return entry


def record_entries(entries: Iterable[AuditEntry | None]) -> list[AuditEntry]:
    """Save the entries of a bulk write at once (one INSERT per thousand)."""
    return AuditEntry.objects.bulk_create([e for e in entries if e is not None], batch_size=1000)


def record_bulk(
    *,
    model: type[models.Model],
    ids: Iterable[int],
    actor: User | None,
    changes: Mapping[str, list[Any]] | None = None,
    note: str = "",
    root: models.Model | None = None,
) -> AuditEntry | None:
    """One entry for a set-based change of many rows: which rows, what they became, who did it."""
    ids = sorted(ids)
    if not ids:
        return None
    actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=None,
        object_label=f"{capfirst(str(model._meta.verbose_name_plural))} ({len(ids)})"[:MAX_LABEL],
        root_type=ContentType.objects.get_for_model(root) if root is not None else None,
        root_id=root.pk if root is not None else None,
        action=Action.BULK,
        actor=actor,
        actor_label=str(actor)[:MAX_LABEL] if actor else "",
        changes={
            name: [display_value(old), display_value(new)]
            for name, (old, new) in (changes or {}).items()
        },
        note=note[:300],
        affected_ids=ids,
        affected_count=len(ids),
    )


# --- Reading ------------------------------------------------------------------------------


def _field(model: type[models.Model] | None, name: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except Exception:
        return None
    # A reverse relation has no label of its own: the model's audit_labels name such entries.
    return field if hasattr(field, "verbose_name") else None


def _shown(field, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    value = _in_reader_language(value)
    if isinstance(value, list):
        return ", ".join(str(_in_reader_language(v)) for v in value)
    if field is None:
        return str(value)
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    kind = field.get_internal_type()
    try:
        if kind == "DateField":
            return isodate(value)
        if kind == "DateTimeField":
            moment = timezone.localtime(datetime.fromisoformat(value))
            return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
        if kind == "DecimalField":  # amounts grouped as on every page: 212,400.00
            return floatformat(Decimal(value), f"{field.decimal_places}g")
    except (TypeError, ValueError, ArithmeticError):
        pass
    return str(value)


def describe(entries: Iterable[AuditEntry], *, reveal_confidential: bool) -> list[dict]:
    """Readable lines for a History page, in the reader's language, with no query of its own.

    The values of confidential fields are replaced unless the reader may see them: the line
    still says that the field changed, never what it says.
    """
    described = []
    for entry in entries:
        model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
        hidden = set(entry.confidential_fields) if not reveal_confidential else set()
        extra_labels = getattr(model, "audit_labels", {})
        lines = []
        for name, (old, new) in entry.changes.items():
            field = _field(model, name)
            if field is not None:
                label = capfirst(str(field.verbose_name))
            else:
                label = capfirst(str(extra_labels.get(name, name)))
            if name in hidden:
                old_text = new_text = _("(confidential)")
            else:
                old_text, new_text = _shown(field, old), _shown(field, new)
            lines.append({"field": label, "old": old_text, "new": new_text})
        kind = capfirst(str(model._meta.verbose_name)) if model is not None else ""
        described.append({"entry": entry, "kind": kind, "lines": lines})
    return described


def history(*roots: models.Model, limit: int = 300) -> list[AuditEntry]:
    """The latest entries shown on the History page of `roots` (one query)."""
    return list(AuditEntry.objects.for_root(*roots)[:limit])


def history_context(
    *roots: models.Model, name: str, back_url: str, back_label: str, reveal_confidential: bool
) -> dict[str, Any]:
    """The context of templates/audit/history.html, shared by every app's History page."""
    entries = history(*roots)
    return {
        "name": name,
        "back_url": back_url,
        "back_label": back_label,
        "entries": describe(entries, reveal_confidential=reveal_confidential),
        "hidden_confidential": not reveal_confidential
        and any(entry.confidential_fields for entry in entries),
    }
