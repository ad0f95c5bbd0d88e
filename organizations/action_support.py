"""What serves an improvement-plan action: apps above register where their records point at one.

A grant application or a legal case points down at the actions it serves (organizations never
imports those apps). The plan page asks every registered source once for all its actions, so the
page costs one query per source whatever the number of actions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SupportLink:
    label: str  # e.g. "Grant: Escuelas seguras (awarded)"
    url: str


SupportSource = Callable[[list[int]], Iterable[tuple[int, SupportLink]]]
_SOURCES: dict[str, SupportSource] = {}


def register_action_support(name: str, source: SupportSource) -> None:
    """source(action_ids) yields (action_id, SupportLink) for the records serving those actions."""
    _SOURCES[name] = source


def support_links(action_ids: list[int]) -> dict[int, list[SupportLink]]:
    links: dict[int, list[SupportLink]] = defaultdict(list)
    if not action_ids:
        return links
    for source in _SOURCES.values():
        for action_id, link in source(action_ids):
            links[action_id].append(link)
    return links
