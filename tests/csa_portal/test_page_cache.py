"""Rendered pages are kept per session until a table they read changes (csa_portal.page_cache).

A kept page must be exactly what rendering would give: these tests change the data every way
the portal does (ORM, raw SQL, another person's write, a committed transaction) and check that
the next view shows it, and that nothing personal crosses sessions.
"""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from csa_portal import table_versions
from legal_assistance.models import ConfidentialAccess
from organizations.models import Organization, Tier
from tests.legal_assistance.helpers import requested_case
from tests.personas import speak_english
from tests.query_counts import LOGGED_IN

from .page_cache_helpers import browser, get


def test_the_same_page_again_comes_from_the_cache(staff_client, detail_url):
    first, rendered = get(staff_client, detail_url)
    again, kept = get(staff_client, detail_url)
    assert again.content == first.content
    assert kept == LOGGED_IN  # session and person; the page itself costs no query
    assert rendered > kept


def test_a_change_through_the_orm_shows_at_once(cast, staff_client, detail_url):
    get(staff_client, detail_url)
    Organization.objects.filter(pk=cast.org.pk).update(name="Nombre Nuevo")
    response, _ = get(staff_client, detail_url)
    assert "Nombre Nuevo" in response.text


def test_a_change_through_raw_sql_shows_at_once(cast, staff_client, detail_url):
    get(staff_client, detail_url)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Organization._meta.db_table} SET name = %s WHERE id = %s",  # noqa: S608
            ["Cambiado en SQL", cast.org.pk],
        )
    response, _ = get(staff_client, detail_url)
    assert "Cambiado en SQL" in response.text


def test_a_write_to_a_table_the_page_did_not_read_keeps_it(staff_client, detail_url):
    get(staff_client, detail_url)
    table_versions.renew(["learning_communities_alliance"])
    _, queries = get(staff_client, detail_url)
    assert queries == LOGGED_IN


def test_a_change_to_the_person_shows_at_once(cast, staff_client, detail_url):
    """The person's row is read before the view runs (language, role): it counts too."""
    get(staff_client, detail_url)
    type(cast.staff).objects.filter(pk=cast.staff.pk).update(preferred_language="es")
    response, _ = get(staff_client, detail_url)
    assert response.headers["Content-Language"] == "es"


def test_pages_are_never_shared_between_sessions(cast, client_for, detail_url, client):
    speak_english(cast.staff, cast.leader)
    leader_page, _ = get(browser(client_for(cast.leader)), detail_url)
    staff_page, staff_queries = get(browser(client_for(cast.staff)), detail_url)
    assert staff_queries > LOGGED_IN  # rendered for this person, not taken from the leader's
    assert staff_page.content != leader_page.content
    # A new login (a new session) of the same person renders the page again too.
    _, again = get(browser(client_for(cast.staff)), detail_url)
    assert again > LOGGED_IN


def test_each_language_has_its_own_page(cast, staff_client, detail_url):
    english, _ = get(staff_client, detail_url)
    type(cast.staff).objects.filter(pk=cast.staff.pk).update(preferred_language="es")
    spanish, _ = get(staff_client, detail_url)
    assert english.headers["Content-Language"] == "en"
    assert spanish.headers["Content-Language"] == "es"
    assert english.content != spanish.content


def test_the_query_string_is_part_of_the_page(cast, staff_client):
    url = reverse("organizations:directory")
    get(staff_client, url)
    filtered, queries = get(staff_client, url + "?state=CHIH")
    assert queries > LOGGED_IN
    assert cast.org.name not in filtered.text  # the cast's organization is in Sonora


def test_a_new_day_renders_again(staff_client, detail_url, monkeypatch):
    get(staff_client, detail_url)
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    _, queries = get(staff_client, detail_url)
    assert queries > LOGGED_IN


@pytest.mark.urls("tests.csa_portal.page_cache_urls")
def test_a_waiting_message_is_shown_not_a_kept_page(staff_client, detail_url):
    get(staff_client, detail_url)
    staff_client.get("/test/message/", {"next": detail_url})  # a form's "saved" message
    response, queries = get(staff_client, detail_url)
    assert "Guardado, listo." in response.text
    assert queries > LOGGED_IN
    # Shown once: the next view is the kept page again, without it.
    response, _ = get(staff_client, detail_url)
    assert "Guardado, listo." not in response.text


def test_nothing_is_kept_when_the_cache_is_off(staff_client, detail_url, settings):
    settings.PAGE_CACHE_SECONDS = 0
    get(staff_client, detail_url)
    _, queries = get(staff_client, detail_url)
    assert queries > LOGGED_IN


@pytest.mark.urls("tests.csa_portal.page_cache_urls")
def test_a_page_that_wrote_is_not_kept(staff_client):
    first, _ = get(staff_client, "/test/writes/")
    again, _ = get(staff_client, "/test/writes/")
    assert again.content != first.content


@pytest.mark.urls("tests.csa_portal.page_cache_urls")
def test_an_exempt_view_renders_every_time(staff_client):
    # Without the mark, a page from outside the database would be kept...
    assert get(staff_client, "/test/counter/")[0].content == (
        get(staff_client, "/test/counter/")[0].content
    )
    # ...with it, it is rendered on every request.
    first, _ = get(staff_client, "/test/counter/exempt/")
    again, _ = get(staff_client, "/test/counter/exempt/")
    assert again.content != first.content


def test_every_view_of_a_kept_confidential_page_is_logged(legal_case, client_for):
    case, coordinator = legal_case
    client = browser(client_for(coordinator))
    url = reverse("legal_assistance:case", args=[case.pk])
    first, _ = get(client, url)
    again, queries = get(client, url)
    assert again.content == first.content
    assert queries < 10  # served from the cache...
    # ...and both views are in the access log.
    assert ConfidentialAccess.objects.filter(case=case, user=coordinator).count() == 2


@pytest.fixture
def legal_case(cast):
    return requested_case(cast.org, cast.leader), cast.legal_coordinator


# --- table versions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ('SELECT "organizations_organization"."id" FROM "organizations_organization"', set()),
        ('INSERT INTO "organizations_tier" ("name") VALUES (%s)', {"organizations_tier"}),
        ('UPDATE "organizations_tier" SET "name" = %s', {"organizations_tier"}),
        ('DELETE FROM "organizations_tier" WHERE id = 1', {"organizations_tier"}),
        ('INSERT OR IGNORE INTO "organizations_tier" ("name") VALUES (%s)', {"organizations_tier"}),
        (
            "WITH agg AS (SELECT 1) INSERT INTO organizations_areascore SELECT * FROM agg "
            "ON CONFLICT (id) DO UPDATE SET score = excluded.score",
            {"organizations_areascore"},
        ),
        (
            'TRUNCATE "organizations_tier", "organizations_organization" CASCADE',
            {"organizations_tier", "organizations_organization"},
        ),
        ("SELECT * FROM organizations_tier FOR UPDATE", set()),
    ],
)
def test_written_tables(sql, tables):
    assert table_versions.written_tables(sql) == tables


def test_a_schema_change_renews_every_table():
    written = table_versions.written_tables('ALTER TABLE "organizations_tier" ADD COLUMN x int')
    assert written == table_versions.known_tables()


def test_read_tables():
    sql = (
        'SELECT 1 FROM "organizations_organization" INNER JOIN "organizations_tier" T3 '
        'ON (1=1) WHERE EXISTS(SELECT 1 FROM "organizations_membership" U0) '
        "AND x IN (SELECT 1 FROM (SELECT 2) sub)"
    )
    assert table_versions.read_tables(sql) == {
        "organizations_organization",
        "organizations_tier",
        "organizations_membership",
    }


@pytest.mark.django_db(transaction=True)
def test_a_transaction_renews_its_tables_again_when_it_commits():
    """A page rendered between the write and the commit (it could not see the new row yet)
    must not outlive the commit."""
    table = Tier._meta.db_table
    with transaction.atomic():
        Tier.objects.create(name_es="Nivel de prueba", name_en="Test tier", number=91)
        during = table_versions.current_versions([table])[table]
    after = table_versions.current_versions([table])[table]
    assert during is not None and after is not None
    assert after != during


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_savepoint_does_not_lose_the_later_writes():
    """The first write's commit callback went with its savepoint: the next write needs one."""
    tier_table = Tier._meta.db_table
    with transaction.atomic():
        try:
            with transaction.atomic():
                Organization.objects.filter(pk=-1).update(name="x")
                raise RuntimeError
        except RuntimeError:
            pass
        Tier.objects.create(name_es="Nivel de prueba", name_en="Test tier", number=92)
        before_commit = table_versions.current_versions([tier_table])[tier_table]
    after = table_versions.current_versions([tier_table])[tier_table]
    assert after != before_commit


def test_an_unreachable_redis_costs_the_cache_not_the_page(settings, staff_client, detail_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "csa_portal.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert cache.get("anything", "default") == "default"
    cache.set("anything", 1)  # dropped, not raised
    first, _ = get(staff_client, detail_url)
    _, queries = get(staff_client, detail_url)
    assert queries > LOGGED_IN  # rendered again: nothing could be kept


def test_after_a_failure_the_cache_is_left_alone_for_a_while(monkeypatch):
    """An unreachable Redis costs one timeout every few seconds, not one per statement."""
    from django.core.cache.backends.redis import RedisCache
    from redis.exceptions import ConnectionError as RedisConnectionError

    from csa_portal.cache import ForgivingRedisCache

    attempts = []

    def unreachable(*args, **kwargs):
        attempts.append(1)
        raise RedisConnectionError("refused")

    monkeypatch.setattr(RedisCache, "get", unreachable)
    backend = ForgivingRedisCache("redis://127.0.0.1:1/0", {})
    assert backend.get("a", "fallback") == "fallback"
    assert backend.get("b", "fallback") == "fallback"
    assert len(attempts) == 1
    backend._unreachable_until = 0  # the pause is over
    backend.get("c")
    assert len(attempts) == 2


def test_a_kept_page_is_checked_in_one_round_trip_when_this_process_knows_it(
    staff_client, detail_url, monkeypatch
):
    from csa_portal import page_cache

    get(staff_client, detail_url)  # kept: this process now knows which tables it read
    calls = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: calls.append(keys) or real_get_many(keys))
    _, queries = get(staff_client, detail_url)
    assert (queries, len(calls)) == (LOGGED_IN, 1)

    page_cache._key_hints.clear()  # another process kept it: two round trips, same answer
    calls.clear()
    _, queries = get(staff_client, detail_url)
    assert (queries, len(calls)) == (LOGGED_IN, 2)
