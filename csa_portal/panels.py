"""A small registry of page panels, filled by each app's AppConfig.ready().

Pages that show parts of apps above csa_portal (the home page, an organization's page) render
the panels registered for them in order; each panel loads its own data with a fixed number of
queries, so csa_portal never imports a domain app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    page: str
    name: str
    template: str
    order: int
    # Returns the panel's context, or None when the panel has nothing for this user.
    load: Callable[..., dict[str, Any] | None]


_PANELS: dict[str, list[Panel]] = {}


def register_panel(*, page: str, name: str, template: str, order: int, load) -> None:
    panels = [p for p in _PANELS.get(page, []) if p.name != name]
    panels.append(Panel(page=page, name=name, template=template, order=order, load=load))
    _PANELS[page] = sorted(panels, key=lambda p: p.order)


def render_panels(page: str, request: HttpRequest, **kwargs) -> list[dict[str, Any]]:
    """Context for each panel of a page that has something to show."""
    rendered = []
    for panel in _PANELS.get(page, []):
        context = panel.load(request, **kwargs)
        if context is not None:
            rendered.append({"name": panel.name, "template": panel.template, "context": context})
    return rendered
