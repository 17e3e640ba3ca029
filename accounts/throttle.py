"""Counting requests in the shared cache, for what django-axes does not cover (password-reset
e-mails). A fixed window per key; with Redis every process and machine shares the counts."""

import hashlib
import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def allow(scope: str, key: str, *, limit: int, seconds: int) -> bool:
    """Count one more request for the key; False once it passes `limit` within the window."""
    cache_key = f"throttle:{scope}:{hashlib.sha256(key.encode()).hexdigest()}"
    try:
        if cache.add(cache_key, 1, seconds):
            return True
        try:
            count = cache.incr(cache_key)
        except ValueError:  # the window ended between the two calls
            cache.add(cache_key, 1, seconds)
            return True
    except Exception:  # whatever the cache backend raises: better an e-mail too many than none
        logger.warning("The cache is unreachable; %s is not throttled.", scope, exc_info=True)
        return True
    return count <= limit
