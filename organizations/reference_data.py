"""Reference lists seeded by migration 0002 and kept in one place for tests and the demo."""

# (number, English, Spanish, description)
TIERS = [
    (1, "Tier 1", "Nivel 1", "Organizations starting their institutional strengthening"),
    (2, "Tier 2", "Nivel 2", "Consolidating organizations"),
    (3, "Tier 3", "Nivel 3", "Established organizations and local leaders"),
]

# (code, English, Spanish, parent code)
THEMES = [
    (
        "crime-prevention",
        "Crime and violence prevention",
        "Prevención del delito y la violencia",
        None,
    ),
    ("justice-reform", "Justice reform", "Reforma de la justicia", None),
    ("human-rights", "Human rights", "Derechos humanos", None),
    ("youth", "Youth", "Juventudes", "crime-prevention"),
    ("women", "Violence against women", "Violencia contra las mujeres", "crime-prevention"),
    (
        "secondary-tertiary",
        "Secondary and tertiary prevention",
        "Prevención secundaria y terciaria",
        "crime-prevention",
    ),
    ("criminal-justice", "Criminal justice system", "Sistema de justicia penal", "justice-reform"),
    ("victims", "Victims' access to justice", "Acceso a la justicia de víctimas", "justice-reform"),
    ("migration", "Migration", "Migración", "human-rights"),
    ("disappearances", "Disappeared persons", "Personas desaparecidas", "human-rights"),
    (
        "technology",
        "Technology for social change",
        "Tecnología para el cambio social",
        "human-rights",
    ),
]

POPULATIONS = [
    ("youth", "Young people", "Personas jóvenes"),
    ("children", "Children and adolescents", "Niñas, niños y adolescentes"),
    ("women", "Women", "Mujeres"),
    ("migrants", "Migrants and refugees", "Personas migrantes y refugiadas"),
    ("indigenous", "Indigenous peoples", "Pueblos indígenas"),
    ("victims", "Victims of crime", "Víctimas del delito"),
    ("detainees", "People deprived of liberty", "Personas privadas de la libertad"),
    ("lgbti", "LGBTI people", "Personas LGBTI"),
    ("officials", "Public officials", "Personas servidoras públicas"),
]
