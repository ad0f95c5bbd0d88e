"""Key issues seeded by migration 0002 (more can be added in the admin)."""

# (code, English, Spanish, position)
KEY_ISSUES = [
    (
        "criminal-justice-innovation",
        "Innovation in the criminal justice system",
        "Innovación en el sistema de justicia penal",
        10,
    ),
    (
        "secondary-tertiary-prevention",
        "Secondary and tertiary violence prevention",
        "Prevención secundaria y terciaria de la violencia",
        20,
    ),
    (
        "technology-social-change",
        "Technology for social change",
        "Tecnología para el cambio social",
        30,
    ),
]


def ensure_key_issues(model) -> None:
    """Write the shipped key issues (idempotent); `model` is KeyIssue or its migration state."""
    for code, name_en, name_es, position in KEY_ISSUES:
        model.objects.update_or_create(
            code=code, defaults={"name_en": name_en, "name_es": name_es, "position": position}
        )
