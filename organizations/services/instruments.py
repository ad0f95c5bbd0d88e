"""Load the instruments shipped in organizations/instruments/*.json (idempotent)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from ..models import Area, Framework, Indicator

INSTRUMENTS_DIR = Path(__file__).resolve().parent.parent / "instruments"


def shipped_instruments() -> list[dict]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(INSTRUMENTS_DIR.glob("*.json"))]


@transaction.atomic
def load_instrument(data: dict) -> Framework:
    """Create the framework version, or leave it alone when that version exists already.

    Existing versions are never rewritten: a changed instrument ships as a new version.
    """
    return write_instrument(data, Framework, Area, Indicator)


def write_instrument(data: dict, framework_model, area_model, indicator_model):
    """load_instrument with the model classes passed in, so a data migration can use it too."""
    framework, created = framework_model.objects.get_or_create(
        code=data["code"],
        version=data["version"],
        defaults={
            "name_en": data["name_en"],
            "name_es": data["name_es"],
            "description_en": data.get("description_en", ""),
            "description_es": data.get("description_es", ""),
            "measures": data["measures"],
            "scale_min": data["scale_min"],
            "scale_max": data["scale_max"],
        },
    )
    if not created:
        return framework
    for area_position, area_data in enumerate(data["areas"]):
        area = area_model.objects.create(
            framework=framework,
            code=area_data["code"],
            position=area_position,
            name_en=area_data["name_en"],
            name_es=area_data["name_es"],
            domain_en=area_data.get("domain_en", ""),
            domain_es=area_data.get("domain_es", ""),
            weight=Decimal(area_data.get("weight", "1")),
        )
        indicator_model.objects.bulk_create(
            indicator_model(
                area=area,
                code=item["code"],
                position=position,
                text_en=item["text_en"],
                text_es=item["text_es"],
                weight=Decimal(item.get("weight", "1")),
                required=item.get("required", True),
                descriptors={
                    str(lv["level"]): {"en": lv["en"], "es": lv["es"]} for lv in item["levels"]
                },
            )
            for position, item in enumerate(area_data["indicators"])
        )
    return framework


def load_shipped_instruments() -> list[Framework]:
    return [load_instrument(data) for data in shipped_instruments()]


@transaction.atomic
def new_version(framework: Framework) -> Framework:
    """Copy a framework (areas, indicators, descriptors) as its next version, to edit freely."""
    latest = Framework.objects.filter(code=framework.code).order_by("-version").first()
    copy = Framework.objects.create(
        code=framework.code,
        version=latest.version + 1,
        name_en=framework.name_en,
        name_es=framework.name_es,
        description_en=framework.description_en,
        description_es=framework.description_es,
        measures=framework.measures,
        scale_min=framework.scale_min,
        scale_max=framework.scale_max,
    )
    for area in framework.areas.prefetch_related("indicators"):
        indicators = list(area.indicators.all())
        area.pk, area.framework = None, copy
        area.save()
        for indicator in indicators:
            indicator.pk, indicator.area = None, area
        Indicator.objects.bulk_create(indicators)
    return copy
