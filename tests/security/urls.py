"""The project's named URLs, for the tests that go through all of them."""

from django.urls import URLPattern, URLResolver, get_resolver


def named_routes() -> dict[str, str]:
    """Every named URL, as "namespace:name", with its whole route (prefixes included)."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), prefix + str(pattern.pattern)

    return dict(walk(get_resolver().url_patterns))
