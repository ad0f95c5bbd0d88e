# ruff: noqa: S608 - the SQL here is sample text for the statement readers, never run
"""Pages that read a table only as one row by its primary key depend on that row alone
(csa_portal.table_versions: read_row, written_row): an organization's page is not rendered
again because another organization saved its profile, or because someone else logged in.

Whatever is not recognised as one row counts as the whole table, so these tests also check
that every other way of writing the table still reaches the page.
"""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse

from csa_portal import table_versions
from csa_portal.table_versions import kept_until_written, read_row, written_row
from organizations.models import Organization, Tier
from organizations.services import update_organization
from tests.personas import make_organization
from tests.query_counts import LOGGED_IN

from .page_cache_helpers import get

ORG = Organization._meta.db_table


def kept_keys(client, url) -> tuple[str, ...]:
    """What the page kept for this view of `url` depends on."""
    from csa_portal import page_cache

    page_cache._key_hints.clear()
    get(client, url)
    (keys,) = page_cache._key_hints.values()
    return keys


def test_the_page_depends_on_its_organization_s_row_only(cast, staff_client, detail_url):
    keys = kept_keys(staff_client, detail_url)
    assert table_versions.row_key(ORG, cast.org.pk) in keys
    assert table_versions.base_key(ORG) in keys
    assert ORG not in keys


def test_another_organization_saving_its_profile_keeps_the_page(cast, staff_client, detail_url):
    first, _ = get(staff_client, detail_url)
    update_organization(
        organization=cast.other_org, changed_by=cast.other_leader, fields={"phone": "844 1234567"}
    )
    again, queries = get(staff_client, detail_url)
    assert queries == LOGGED_IN
    assert again.content == first.content


def test_the_organization_saving_its_own_profile_renders_it_again(cast, staff_client, detail_url):
    get(staff_client, detail_url)
    update_organization(organization=cast.org, changed_by=cast.leader, fields={"name": "Red Nueva"})
    response, _ = get(staff_client, detail_url)
    assert "Red Nueva" in response.text


def test_a_save_inside_a_transaction_renders_it_again_after_the_commit(
    cast, staff_client, detail_url
):
    get(staff_client, detail_url)
    with transaction.atomic():
        cast.org.name = "Guardado en una transacción"
        cast.org.save()
    response, _ = get(staff_client, detail_url)
    assert "Guardado en una transacción" in response.text


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda cast: make_organization("Recién Llegada"), id="insert"),
        pytest.param(
            lambda cast: Organization.objects.filter(pk__in=[cast.other_org.pk]).update(phone="1"),
            id="update-of-rows-by-a-list",
        ),
        pytest.param(
            lambda cast: Organization.objects.filter(state="COAH").update(phone="1"),
            id="update-by-another-column",
        ),
        pytest.param(lambda cast: cast.other_org.delete(), id="delete"),
        pytest.param(lambda cast: table_versions.renew([ORG]), id="renewed-as-a-whole"),
    ],
)
def test_any_other_write_to_the_table_renders_it_again(cast, staff_client, detail_url, write):
    """Writes not recognised as one row by its key reach every page that read the table."""
    get(staff_client, detail_url)
    write(cast)
    _, queries = get(staff_client, detail_url)
    assert queries > LOGGED_IN


def test_a_page_listing_the_table_renders_again_when_any_row_changes(cast, staff_client):
    url = reverse("organizations:directory")
    get(staff_client, url)
    update_organization(
        organization=cast.other_org,
        changed_by=cast.other_leader,
        fields={"name": "Otra, Renombrada"},
    )
    response, _ = get(staff_client, url)
    assert "Otra, Renombrada" in response.text


def test_someone_else_logging_in_keeps_the_page(cast, staff_client):
    """Every page depends on the person viewing it, but only on their own row unless it lists
    people: a login elsewhere writes that person's last_login."""
    from django.test import Client

    url = reverse("organizations:scores", args=[cast.org.pk])
    keys = kept_keys(staff_client, url)
    assert table_versions.row_key("csa_portal_user", cast.staff.pk) in keys
    assert "csa_portal_user" not in keys
    last_login = type(cast.leader).objects.get(pk=cast.leader.pk).last_login
    Client().force_login(cast.leader)
    assert type(cast.leader).objects.get(pk=cast.leader.pk).last_login != last_login
    _, queries = get(staff_client, url)
    assert queries == LOGGED_IN


def test_a_role_removed_while_the_page_starts_is_not_kept_for_the_old_role(
    cast, staff_client, monkeypatch
):
    """The person is loaded before the page cache reads their row's version: a role removed
    in between must not leave a page rendered for the old role under the new version."""
    from csa_portal import page_cache
    from csa_portal.models import ProgramRole, User

    url = reverse("organizations:detail", args=[cast.other_org.pk])
    snapshot = table_versions.snapshot_versions

    def remove_the_role_first(*args, **kwargs):
        monkeypatch.setattr(page_cache.table_versions, "snapshot_versions", snapshot)
        User.objects.filter(pk=cast.staff.pk).update(program_role=ProgramRole.NONE)
        return snapshot(*args, **kwargs)

    monkeypatch.setattr(page_cache.table_versions, "snapshot_versions", remove_the_role_first)
    get(staff_client, url)  # rendered for the role the request started with

    assert staff_client.get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_value_kept_from_one_row_follows_that_row():
    cache.clear()
    one = make_organization("Una")
    other = make_organization("Otra")
    calls = []

    def name() -> str:
        calls.append(1)
        return Organization.objects.get(pk=one.pk).name

    def kept() -> str:
        return kept_until_written(f"test:name:{one.pk}", name)

    assert (kept(), kept()) == ("Una", "Una")
    other.name = "Otra, cambiada"
    other.save()
    assert kept() == "Una" and len(calls) == 1
    Organization.objects.filter(pk=one.pk).update(name="Una, cambiada")
    assert kept() == "Una, cambiada" and len(calls) == 2

    recording, token = table_versions.start_recording()  # a page using the kept value
    try:
        kept()
    finally:
        table_versions.stop_recording(token)
    assert set(recording.rows) == {
        table_versions.row_key(ORG, one.pk),
        table_versions.base_key(ORG),
    }
    assert recording.read == set()


PK = '"organizations_organization"."id"'


@pytest.mark.parametrize(
    ("sql", "params", "row"),
    [
        (
            f'SELECT {PK}, "organizations_organization"."name" FROM "organizations_organization" '
            f"WHERE {PK} = %s LIMIT 21",
            [7],
            (ORG, 7),
        ),
        (
            f'SELECT {PK} FROM "organizations_organization" LEFT OUTER JOIN "organizations_tier" '
            f'ON ("organizations_organization"."tier_id" = "organizations_tier"."id") '
            f"WHERE {PK} = %s",
            ["7"],
            (ORG, 7),
        ),
        # Other rows may be read: a second condition, a list, a subquery, a self-join.
        (
            f'SELECT {PK} FROM "organizations_organization" WHERE ({PK} = %s OR {PK} = %s)',
            [7, 8],
            None,
        ),
        (f'SELECT {PK} FROM "organizations_organization" WHERE {PK} IN (%s)', [7], None),
        (
            f'SELECT (SELECT COUNT(*) FROM "organizations_organization" U0) AS "n", {PK} '
            f'FROM "organizations_organization" WHERE {PK} = %s',
            [7],
            None,
        ),
        (
            f'SELECT {PK} FROM "organizations_organization" INNER JOIN "organizations_organization" '
            f'T2 ON ({PK} = T2."id") WHERE {PK} = %s',
            [7],
            None,
        ),
        (
            f'SELECT {PK} FROM "organizations_organization" WHERE '
            f'"organizations_organization"."tier_id" = %s',
            [7],
            None,
        ),
        (f'SELECT {PK} FROM "organizations_organization" WHERE {PK} = %s FOR UPDATE', [7], None),
        (f'SELECT {PK} FROM "organizations_organization" WHERE {PK} = %s', ["x"], None),
        (f'SELECT {PK} FROM "organizations_organization" WHERE {PK} = %s', [], None),
        (f'SELECT 1; SELECT {PK} FROM "organizations_organization" WHERE {PK} = %s', [7], None),
    ],
)
def test_read_row(sql, params, row):
    assert read_row(sql, params) == row


@pytest.mark.parametrize(
    ("sql", "params", "row"),
    [
        (
            f'UPDATE "organizations_organization" SET "phone" = %s, "updated_at" = %s WHERE {PK} = %s',
            ["1", "2026-12-07", 7],
            (ORG, 7),
        ),
        (
            f'UPDATE "organizations_organization" SET "phone" = %s WHERE {PK} IN (%s, %s)',
            ["1", 7, 8],
            None,
        ),
        (
            f'UPDATE "organizations_organization" SET "name" = (SELECT U0."name" FROM '
            f'"organizations_organization" U0 WHERE U0."id" = %s) WHERE {PK} = %s',
            [8, 7],
            None,
        ),
        (
            f'UPDATE "organizations_organization" SET "phone" = %s WHERE {PK} = %s RETURNING {PK}',
            ["1", 7],
            None,
        ),
        (
            'UPDATE "organizations_organization" SET "phone" = %s WHERE '
            '"organizations_organization"."tier_id" = %s',
            ["1", 7],
            None,
        ),
        (f'DELETE FROM "organizations_organization" WHERE {PK} = %s', [7], None),
        # .filter(pk=5).update(id=7): a read of row 7 must learn it now exists.
        (f'UPDATE "organizations_organization" SET "id" = %s WHERE {PK} = %s', [7, 5], None),
        # Two statements in one string (raw SQL on PostgreSQL): the first changes every row.
        (
            f'UPDATE "organizations_organization" SET "phone" = %s; UPDATE '
            f'"organizations_organization" SET "name" = %s WHERE {PK} = %s',
            ["1", "x", 7],
            None,
        ),
    ],
)
def test_written_row(sql, params, row):
    assert written_row(sql, params) == row


def test_a_statement_read_before_is_read_again_with_its_own_values():
    """What a statement reads is remembered by its text (lru_cache); its values are not."""
    select = f'SELECT {PK} FROM "organizations_organization" WHERE {PK} = %s'
    update = f'UPDATE "organizations_organization" SET "phone" = %s WHERE {PK} = %s'
    assert read_row(select, [7]) == (ORG, 7)
    assert read_row(select, [8]) == (ORG, 8)
    assert read_row(select, ["x"]) is None
    assert read_row(select, [7, 8]) is None
    assert written_row(update, ["1", 7]) == (ORG, 7)
    assert written_row(update, ["1", 9]) == (ORG, 9)
    assert written_row(update, [7]) is None
    assert table_versions.changed_keys(update, ["1", 9]) == {ORG, f"{ORG}@9"}
    assert table_versions.changed_keys(update, None) == {ORG, f"{ORG}@base"}


def test_only_a_one_row_update_spares_the_other_rows():
    update = f'UPDATE "organizations_organization" SET "phone" = %s WHERE {PK} = %s'
    assert table_versions.changed_keys(update, ["1", 7]) == {ORG, f"{ORG}@7"}
    insert = 'INSERT INTO "organizations_organization" ("name") VALUES (%s)'
    assert table_versions.changed_keys(insert, ["x"]) == {ORG, f"{ORG}@base"}


@pytest.mark.django_db(transaction=True)
def test_a_row_saved_in_a_transaction_is_renewed_again_when_it_commits():
    org = make_organization("Una")
    key = table_versions.row_key(ORG, org.pk)
    with transaction.atomic():
        Organization.objects.filter(pk=org.pk).update(phone="1")
        during = table_versions.current_versions([key])[key]
    after = table_versions.current_versions([key])[key]
    assert during is not None and after is not None and after != during
    assert connection.in_atomic_block is False


@pytest.mark.django_db(transaction=True)
def test_a_value_that_found_no_row_learns_when_a_row_moves_to_its_key():
    cache.clear()
    tier = Tier.objects.create(number=901, name_en="Tier", name_es="Nivel")
    new_pk = tier.pk + 1000

    def name() -> str | None:
        found = Tier.objects.filter(pk=new_pk).values_list("name_en", flat=True)
        return next(iter(found), None)

    assert kept_until_written(f"test:tier:{new_pk}", name) is None
    Tier.objects.filter(pk=tier.pk).update(id=new_pk)
    assert kept_until_written(f"test:tier:{new_pk}", name) == "Tier"


def test_base_tokens_live_as_long_as_table_tokens_and_row_tokens_expire(monkeypatch):
    calls = []
    monkeypatch.setattr(
        table_versions.cache,
        "set_many",
        lambda data, timeout=None: calls.append((set(data), timeout)),
    )
    table_versions.renew_keys([ORG, table_versions.base_key(ORG), table_versions.row_key(ORG, 7)])
    name = table_versions.version_key
    assert {timeout: keys for keys, timeout in calls} == {
        None: {name(ORG), name(f"{ORG}@base")},
        table_versions.ROW_TOKEN_SECONDS: {name(f"{ORG}@7")},
    }


def test_a_page_reading_many_rows_one_by_one_depends_on_the_table(db):
    orgs = [
        make_organization(f"Organización {n}") for n in range(table_versions.ROWS_PER_TABLE + 2)
    ]
    recording, token = table_versions.start_recording()
    try:
        for org in orgs:
            Organization.objects.get(pk=org.pk)
    finally:
        table_versions.stop_recording(token)
    assert ORG in recording.read
    assert set(recording.dependencies({ORG: 1})) == {ORG}


def test_renew_table_versions_renders_every_kept_page_again(staff_client, detail_url):
    from django.core.management import call_command

    get(staff_client, detail_url)
    call_command("renew_table_versions", stdout=None)
    _, queries = get(staff_client, detail_url)
    assert queries > LOGGED_IN
