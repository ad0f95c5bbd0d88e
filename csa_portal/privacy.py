"""Privacy registries, filled by each app from its AppConfig.ready() (its own `privacy.py`).

csa_portal cannot import the apps that hold a person's data, so each app tells it three things:

- the voluntary purposes it asks consent for (`register_consent_purpose`);
- how to gather what it holds about a user for "download my data" (`register_personal_data`):
  a function `collect(user) -> {table name: [row dict, ...]}`;
- how to anonymize a user for a cancellation (`register_anonymizer`): a function
  `anonymize(*, user, token) -> [Kept(...), ...]` that runs inside the cancellation's
  transaction, uses set-based updates, and says what it changed, what it kept and why.

Adding a new store of personal data is one small function, e.g. for an audit trail:

    def anonymize_audit(*, user, token):
        n = AuditEntry.objects.filter(actor=user).update(actor_label=token)
        return [Kept(section=_("History entries"), records=n, action=Kept.DETACHED,
                     reason=_("The change history is kept for accountability; ..."))]

    register_anonymizer(name="audit", anonymize=anonymize_audit, order=90)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ConsentPurpose:
    code: str
    label: Any  # lazy translation
    description: Any  # lazy translation
    order: int


@dataclass(frozen=True)
class Kept:
    """One line of the statement "what was kept and why" of a cancellation."""

    ANONYMIZED = "anonymized"  # identifying values replaced, the record stays
    DETACHED = "detached"  # kept as the law or an aggregate requires, no longer names the person
    DELETED = "deleted"
    KEPT = "kept"

    section: Any  # lazy translation: what kind of record
    records: int
    action: str
    reason: Any  # lazy translation: why it was kept (or what was done)

    def as_json(self) -> dict:
        return {key: str(value) for key, value in asdict(self).items()} | {"records": self.records}


@dataclass(frozen=True)
class DataSection:
    name: str
    order: int
    collect: Callable[..., dict[str, list[dict[str, Any]]]]


@dataclass(frozen=True)
class Anonymizer:
    name: str
    order: int
    anonymize: Callable[..., list[Kept]]


_PURPOSES: dict[str, ConsentPurpose] = {}
_SECTIONS: dict[str, DataSection] = {}
_ANONYMIZERS: dict[str, Anonymizer] = {}


def register_consent_purpose(*, code: str, label, description, order: int) -> None:
    _PURPOSES[code] = ConsentPurpose(code=code, label=label, description=description, order=order)


def consent_purposes() -> list[ConsentPurpose]:
    return sorted(_PURPOSES.values(), key=lambda p: p.order)


def consent_purpose(code: str) -> ConsentPurpose | None:
    return _PURPOSES.get(code)


def register_personal_data(*, name: str, collect, order: int) -> None:
    _SECTIONS[name] = DataSection(name=name, order=order, collect=collect)


def personal_data_sections() -> list[DataSection]:
    return sorted(_SECTIONS.values(), key=lambda s: s.order)


def register_anonymizer(*, name: str, anonymize, order: int) -> None:
    _ANONYMIZERS[name] = Anonymizer(name=name, order=order, anonymize=anonymize)


def anonymizers() -> list[Anonymizer]:
    return sorted(_ANONYMIZERS.values(), key=lambda a: a.order)


# Purposes csa_portal itself asks for; the community directory is learning_communities' own.
PROGRAM_NEWS = "program_news"
COMMUNITY_DIRECTORY = "community_directory"


def register() -> None:
    """csa_portal's own part: program news by email, and the community directory purpose
    (declared here so its code is shared; learning_communities decides what it shows)."""
    register_consent_purpose(
        code=COMMUNITY_DIRECTORY,
        label=_("Be listed in Learning Community pages"),
        description=_(
            "Show my name, position and email among the people of my organization on the "
            "Learning Community pages that members of other organizations in the community see."
        ),
        order=10,
    )
    register_consent_purpose(
        code=PROGRAM_NEWS,
        label=_("Receive program news by email"),
        description=_(
            "Send me occasional news about the program's events, calls for grant applications "
            "and publications."
        ),
        order=20,
    )
