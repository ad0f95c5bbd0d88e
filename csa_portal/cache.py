"""The shared cache (Redis), forgiving of a Redis outage.

It holds what can be computed again: rendered pages, table versions (csa_portal.page_cache,
csa_portal.table_versions) and the HTML of built reports. When Redis cannot be reached a read
answers "not cached" and a write is dropped, with a warning in the log, so pages are rendered
as if there were no cache instead of failing: the portal's pages do not depend on Redis. After
a failure the cache is not asked again for RETRY_AFTER_SECONDS, so an unreachable Redis costs
one timeout every few seconds, not one per statement that writes.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis for every operation, and redis-py's
    constructor fills a table of ~170 response callbacks each time: a quarter of a cached
    page's cost (bench/NOTES.md). A redis.Redis is safe to share (its pool hands out the
    connections), so one is kept per pool."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._unreachable_until = 0.0

    def _attempt(self, default, method, *args):
        """method(self, *args) of RedisCache, or `default` while Redis is unreachable."""
        if time.monotonic() < self._unreachable_until:
            return default
        try:
            return method(self, *args)
        except RedisError:
            self._unreachable_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning("Cache unreachable (%s): going on without it", method.__name__)
            return default

    def get(self, key, default=None, version=None):
        return self._attempt(default, RedisCache.get, key, default, version)

    def get_many(self, keys, version=None):
        return self._attempt({}, RedisCache.get_many, keys, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._attempt(None, RedisCache.set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(list(data), RedisCache.set_many, data, timeout, version)

    def delete(self, key, version=None):
        return self._attempt(False, RedisCache.delete, key, version)
