"""The shared cache (Redis) as a help the portal can do without.

What the portal keeps there (sign-in and lookup rate-limit counters, used two-step codes, a staff
feed awaiting confirmation, figures kept between changes) must never turn a Redis outage into
a server error. Django's Redis backend lets a connection error through; this one logs it and
answers as an empty cache would: nothing found, nothing kept. While Redis is down the rate
limits count nothing and a staff feed cannot wait for confirmation (the page says to upload it
again); every page answers.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
OUTAGE = (RedisConnectionError, RedisTimeoutError)


class ForgivingRedisCache(RedisCache):
    def _forgive(self, name: str, default: Any, *args: Any) -> Any:
        try:
            return getattr(super(), name)(*args)
        except OUTAGE as error:
            logger.warning("The cache could not be reached (%s): %s", name, error)
            return default

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._forgive("get", default, key, default, version)

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._forgive("get_many", {}, keys, version)

    def has_key(self, key: Any, version: Any = None) -> bool:
        return bool(self._forgive("has_key", False, key, version))

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        # Nothing was there to refuse the value, though nothing keeps it either.
        return bool(self._forgive("add", True, key, value, timeout, version))

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._forgive("set", None, key, value, timeout, version)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._forgive("set_many", list(data), data, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return bool(self._forgive("touch", False, key, timeout, version))

    def delete(self, key: Any, version: Any = None) -> bool:
        return bool(self._forgive("delete", False, key, version))

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._forgive("delete_many", None, keys, version)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return int(self._forgive("incr", delta, key, delta, version))

    def clear(self) -> None:
        self._forgive("clear", None)
