"""State changes and reads of the privacy records (notice, consents, ARCO requests)."""

from __future__ import annotations

import csv
import io
import json
import secrets
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Job, User
from .privacy import Kept, anonymizers, consent_purpose, personal_data_sections
from .privacy_models import Consent, DataRequest, NoticeAcceptance, PrivacyNotice

# --- Business days ---------------------------------------------------------------------------


def _nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    first_monday = first + timedelta(days=(7 - first.weekday()) % 7)
    return first_monday + timedelta(weeks=n - 1)


def mexican_holidays(year: int) -> set[date]:
    """Mandatory rest days of the Ley Federal del Trabajo (art. 74), which federal
    administrative deadlines also skip."""
    days = {
        date(year, 1, 1),
        _nth_monday(year, 2, 1),  # Constitution Day
        _nth_monday(year, 3, 3),  # Benito Juárez
        date(year, 5, 1),
        date(year, 9, 16),
        _nth_monday(year, 11, 3),  # Revolution Day
        date(year, 12, 25),
    }
    if (year - 2024) % 6 == 0:
        days.add(date(year, 10, 1))  # a new federal administration takes office
    return days | {date.fromisoformat(d) for d in settings.ARCO_EXTRA_HOLIDAYS}


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in mexican_holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """The date `days` business days after `start` (the day of receipt itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    return day


def business_days_between(start: date, end: date) -> int:
    """Business days after `start` up to and including `end` (negative when end is earlier)."""
    if end < start:
        return -business_days_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_business_day(start + timedelta(n)))


# --- The notice ------------------------------------------------------------------------------


def current_notice() -> PrivacyNotice | None:
    return PrivacyNotice.objects.current()


def has_accepted_current_notice(user: User) -> bool:
    """No query: the user row the session loaded says it. Publishing a new version clears every
    `accepted_notice` (see require_new_acceptance), so a set one is always the current one."""
    return user.accepted_notice_id is not None


def require_new_acceptance() -> int:
    """Everyone must accept again: one set-based update, seen by every process at once."""
    return User.objects.exclude(accepted_notice=None).update(accepted_notice=None)


@transaction.atomic
def publish_notice(
    *,
    version: int,
    published_on: date,
    full_es: str,
    full_en: str,
    short_es: str,
    short_en: str,
    summary_of_changes: str = "",
) -> PrivacyNotice:
    notice = PrivacyNotice.objects.create(
        version=version,
        published_on=published_on,
        full_es=full_es,
        full_en=full_en,
        short_es=short_es,
        short_en=short_en,
        summary_of_changes=summary_of_changes,
    )
    require_new_acceptance()
    return notice


@transaction.atomic
def accept_notice(*, user: User, notice: PrivacyNotice, ip_address: str | None) -> bool:
    """Record the acceptance; False (nothing recorded) when a newer version was published since
    the person was shown this one."""
    latest = PrivacyNotice.objects.select_for_update().order_by("-version").first()
    if latest is None or latest.pk != notice.pk:
        return False
    NoticeAcceptance.objects.get_or_create(
        user=user, notice=notice, defaults={"ip_address": ip_address or None}
    )
    User.objects.filter(pk=user.pk).update(accepted_notice=notice)
    user.accepted_notice = notice
    return True


# --- Consents --------------------------------------------------------------------------------


def active_purposes(user: User) -> set[str]:
    return set(Consent.objects.filter(user=user).active().values_list("purpose", flat=True))


def consenting_users(purpose: str):
    """A subquery of the ids of users who consent to `purpose` now."""
    return Consent.objects.for_purpose(purpose).active().values("user_id")


@transaction.atomic
def set_consents(*, user: User, granted: set[str]) -> tuple[set[str], set[str]]:
    """Grant the purposes in `granted` and revoke every other one; returns (added, revoked)."""
    granted = {code for code in granted if consent_purpose(code) is not None}
    # Locking the user's row serializes two submissions of the same form.
    User.objects.select_for_update().filter(pk=user.pk).first()
    current = active_purposes(user)
    now = timezone.now()
    added = granted - current
    revoked = current - granted
    Consent.objects.bulk_create(
        [Consent(user=user, purpose=code, granted_at=now) for code in sorted(added)]
    )
    Consent.objects.filter(user=user, purpose__in=revoked).active().update(revoked_at=now)
    return added, revoked


# --- ARCO requests ---------------------------------------------------------------------------


@transaction.atomic
def file_request(*, user: User, kind: str, details: str) -> DataRequest:
    received = timezone.now()
    due = add_business_days(timezone.localdate(received), settings.ARCO_RESPONSE_BUSINESS_DAYS)
    return DataRequest.objects.create(
        user=user, kind=kind, details=details, received_at=received, due_on=due
    )


class RequestError(Exception):
    """A decision that does not fit the request's state; the message is for the person."""


def _resolve(request: DataRequest, *, status: str, response: str, by: User) -> DataRequest:
    request.status = status
    request.response = response
    request.resolved_by = by
    request.resolved_at = timezone.now()
    request.save(update_fields=["status", "response", "resolved_by", "resolved_at", "carry_out_by"])
    return request


def _locked(request: DataRequest) -> DataRequest:
    return DataRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def answer_request(*, request: DataRequest, response: str, by: User) -> DataRequest:
    """Answer an access, rectification or opposition request (a cancellation is approved, then
    carried out)."""
    request = _locked(request)
    if request.status != DataRequest.Status.RECEIVED:
        raise RequestError("This request was already decided.")
    if request.kind == DataRequest.Kind.CANCELLATION:
        request.carry_out_by = add_business_days(
            timezone.localdate(), settings.ARCO_EXECUTION_BUSINESS_DAYS
        )
        return _resolve(request, status=DataRequest.Status.APPROVED, response=response, by=by)
    return _resolve(request, status=DataRequest.Status.RESPONDED, response=response, by=by)


@transaction.atomic
def reject_request(*, request: DataRequest, reason: str, by: User) -> DataRequest:
    request = _locked(request)
    if not request.is_open:
        raise RequestError("This request was already decided.")
    return _resolve(request, status=DataRequest.Status.REJECTED, response=reason, by=by)


def anonymous_token(user: User) -> str:
    return f"anon-{user.pk}-{secrets.token_hex(4)}"


@transaction.atomic
def execute_cancellation(*, request: DataRequest, by: User) -> DataRequest:
    """Anonymize the person everywhere the apps registered, in one transaction: all or nothing.

    Every anonymizer uses set-based updates and reports what it changed and kept; the lines
    become the request's statement, shown to staff and mailed to the person's old address."""
    request = _locked(request)
    if request.kind != DataRequest.Kind.CANCELLATION or request.status != (
        DataRequest.Status.APPROVED
    ):
        raise RequestError("Only an approved cancellation can be carried out.")
    user = User.objects.select_for_update().get(pk=request.user_id)
    old_email, language = user.email, user.preferred_language
    token = anonymous_token(user)
    lines: list[Kept] = []
    for anonymizer in anonymizers():
        lines += anonymizer.anonymize(user=user, token=token)
    with translation.override(language):
        request.statement = [line.as_json() for line in lines]
    request.status = DataRequest.Status.COMPLETED
    request.resolved_by = by
    request.resolved_at = timezone.now()
    request.save(update_fields=["statement", "status", "resolved_by", "resolved_at"])

    def notify() -> None:
        with translation.override(language):
            body = render_to_string("privacy/emails/cancellation_done.txt", {"request": request})
            subject = render_to_string("privacy/emails/cancellation_done_subject.txt").strip()
        send_mail(subject, body, None, [old_email])

    transaction.on_commit(notify)
    return request


# --- csa_portal's own part of the registries --------------------------------------------------


def collect_portal_data(user: User) -> dict[str, list[dict[str, Any]]]:
    return {
        "account": [
            {
                "email": user.email,
                "display_name": user.display_name,
                "preferred_language": user.preferred_language,
                "program_role": user.program_role,
                "is_active": user.is_active,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
            }
        ],
        "privacy_notice_acceptances": list(
            NoticeAcceptance.objects.filter(user=user).values(
                "notice__version", "accepted_at", "ip_address"
            )
        ),
        "consents": list(
            Consent.objects.filter(user=user).values("purpose", "granted_at", "revoked_at")
        ),
        "data_requests": list(
            DataRequest.objects.filter(user=user).values(
                "id", "kind", "details", "status", "received_at", "due_on", "response"
            )
        ),
        "jobs": list(
            Job.objects.filter(created_by=user).values(
                "kind", "status", "params", "created_at", "finished_at"
            )
        ),
    }


def anonymize_portal_user(*, user: User, token: str) -> list[Kept]:
    from django.utils.translation import gettext_lazy as _

    now = timezone.now()
    revoked = Consent.objects.filter(user=user).active().update(revoked_at=now)
    # A job's parameters may hold what the person searched for; the rows keep the counts.
    jobs = Job.objects.filter(created_by=user).update(created_by=None, params={})
    requests = DataRequest.objects.filter(user=user).update(details="")
    user.email = f"{token}@anonymized.invalid"
    user.display_name = token
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "display_name", "is_active", "password"])
    return [
        Kept(
            section=_("Login account"),
            records=1,
            action=Kept.ANONYMIZED,
            reason=_(
                "Email and name replaced by a code, password made unusable, account closed. The "
                "row stays so that records which must be kept no longer point to a person."
            ),
        ),
        Kept(
            section=_("Consents"),
            records=revoked,
            action=Kept.ANONYMIZED,
            reason=_("All consents were revoked; their dates are kept as proof of consent."),
        ),
        Kept(
            section=_("Privacy notice acceptances"),
            records=NoticeAcceptance.objects.filter(user=user).count(),
            action=Kept.DETACHED,
            reason=_("Kept as proof that the notice was made available, as the law requires."),
        ),
        Kept(
            section=_("Background jobs"),
            records=jobs,
            action=Kept.DETACHED,
            reason=_("Their parameters were erased and they no longer name who asked for them."),
        ),
        Kept(
            section=_("Data requests"),
            records=requests,
            action=Kept.DETACHED,
            reason=_(
                "Kept, without their details, as proof that the request was answered within the "
                "legal deadline."
            ),
        ),
    ]


# --- "Download my data" ----------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def gather_personal_data(user: User) -> dict[str, dict[str, list[dict[str, Any]]]]:
    data = {}
    for section in personal_data_sections():
        tables = section.collect(user)
        data[section.name] = {
            table: [{key: _plain(value) for key, value in row.items()} for row in rows]
            for table, rows in tables.items()
        }
    return data


def personal_data_archive(user: User) -> bytes:
    """A ZIP with everything the portal holds about the person: one JSON file with all of it,
    and one CSV file per table."""
    data = gather_personal_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "my-data.json",
            json.dumps(
                {"generated_at": timezone.now().isoformat(), "data": data},
                ensure_ascii=False,
                indent=2,
            ),
        )
        for section, tables in data.items():
            for table, rows in tables.items():
                out = io.StringIO()
                columns = list(rows[0]) if rows else []
                writer = csv.writer(out)
                writer.writerow(columns)
                for row in rows:
                    writer.writerow([_cell(row.get(c)) for c in columns])
                archive.writestr(f"csv/{section}-{table}.csv", "\ufeff" + out.getvalue())
    return buffer.getvalue()


def anonymize_audit_trail(*, user: User, token: str) -> list[Kept]:
    """The change history stays (accountability), but no longer names the person who acted."""
    from django.utils.translation import gettext_lazy as _

    from .models import AuditEntry

    entries = AuditEntry.objects.filter(actor=user).update(actor_label=token)
    return [
        Kept(
            section=_("History entries"),
            records=entries,
            action=Kept.DETACHED,
            reason=_(
                "The history of changes to program records is kept for accountability; the "
                "entries now show a code instead of the person's name."
            ),
        )
    ]
