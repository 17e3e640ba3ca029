import pytest

from core.checks import check_site_url


def ids(settings, site_url: str) -> list[str]:
    settings.SITE_URL = site_url
    return [warning.id for warning in check_site_url(None)]


def test_it_warns_when_site_url_is_not_set(settings):
    assert ids(settings, "") == ["core.W001"]


@pytest.mark.parametrize("site_url", ["ita.example.go.th", "ftp://ita.example.go.th", "https://"])
def test_it_warns_when_site_url_is_not_an_http_address(settings, site_url):
    assert ids(settings, site_url) == ["core.W002"]


@pytest.mark.parametrize(
    "site_url",
    ["http://localhost:8000", "http://127.0.0.1", "http://0.0.0.0:8000/", "http://[::1]:8000", "http://app.localhost"],
)
def test_it_warns_when_site_url_points_at_this_machine(settings, site_url):
    assert ids(settings, site_url) == ["core.W003"]


@pytest.mark.parametrize("site_url", ["https://ita.example.go.th", "https://ita.example.go.th/", "http://10.0.0.5"])
def test_it_is_clean_for_a_public_address(settings, site_url):
    assert ids(settings, site_url) == []
