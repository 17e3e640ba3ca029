import base64
import hashlib
import hmac
import json

import pytest

from accounts.models import Role
from notifications.models import LineChannel, LineLink
from tests.factories import MembershipFactory, OfficeFactory, UnitFactory
from tests.notifications.servers import FakeLineApi, SmtpServer

TOKEN = "line-access-token-for-tests"
SECRET = "line-channel-secret-for-tests"


@pytest.fixture(autouse=True)
def _no_network(settings):
    """Nothing in these tests may leave the machine: LINE is the fake on loopback, or nowhere."""
    settings.LINE_API_BASE_URL = "http://127.0.0.1:9"
    settings.NOTIFICATIONS_NETWORK_TIMEOUT = 5
    settings.SITE_URL = "https://ita.example.go.th"


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    server.stop()


@pytest.fixture
def line_api(settings):
    api = FakeLineApi(TOKEN)
    api.start()
    settings.LINE_API_BASE_URL = api.url
    yield api.state
    api.stop()


@pytest.fixture
def team(db):
    """An office with a unit and one member of each role, all with e-mail addresses."""
    office = OfficeFactory()
    unit = UnitFactory(office=office)
    members = {
        role: MembershipFactory(office=office, unit=unit, role=role, user__email=f"{role}@example.go.th")
        for role in (Role.STAFF, Role.COMMITTEE, Role.ADMIN)
    }
    return members


@pytest.fixture
def line_channel(team):
    office = team[Role.ADMIN].office
    return LineChannel.objects.create(office=office, channel_secret=SECRET, access_token=TOKEN, basic_id="@ita2566")


def line_user_id(n: int) -> str:
    return "U" + f"{n:032x}"


def link_line(membership, n: int = 1) -> LineLink:
    return LineLink.objects.create(
        office=membership.office, user=membership.user, status=LineLink.Status.LINKED, line_user_id=line_user_id(n)
    )


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def webhook_body(*events) -> bytes:
    return json.dumps({"destination": "U" + "0" * 32, "events": list(events)}).encode()
