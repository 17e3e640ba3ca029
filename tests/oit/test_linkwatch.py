"""The link watch against a real HTTP server on 127.0.0.1: what counts as broken, the marks on
the pages, the messages (once), and the addresses it must never fetch."""

import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from ita.services.assessments import assessment_open
from notifications.models import Channel, Notification
from oit import linkwatch
from oit.linkwatch import Options, check_link, check_links, links_watch
from oit.models import LinkCheck
from tests.factories import MembershipFactory, UnitFactory
from tests.oit.publishing import add_file, add_link, get_item, make_team, prepare, publish, unpublish

Problem = LinkCheck.Problem


class Handler(BaseHTTPRequestHandler):
    server: "LinkServer"

    def log_message(self, *args) -> None:  # quiet
        pass

    def _answer(self, status: int, location: str = "", body: bytes = b"") -> None:
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def _route(self) -> None:
        self.server.requests.append((self.command, self.path, self.headers.get("User-Agent", "")))
        path = self.path
        if path == "/ok":
            self._answer(200, body=b"<html>ok</html>")
        elif path == "/missing":
            self._answer(404)
        elif path == "/error":
            self._answer(500)
        elif path == "/moved":
            self._answer(301, "/ok")
        elif path == "/loop-a":
            self._answer(302, "/loop-b")
        elif path == "/loop-b":
            self._answer(302, f"http://127.0.0.1:{self.server.server_port}/loop-a")
        elif path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            if left:
                self._answer(302, f"/chain/{left - 1}")
            else:
                self._answer(200)
        elif path == "/to-private":
            self._answer(302, "http://10.1.2.3/ok")
        elif path == "/no-head":
            if self.command == "HEAD":
                self._answer(405)
            else:
                self._answer(200, body=b"x" * 200_000)  # read no further than LINK_READ_BYTES
        elif path == "/switch":
            self._answer(self.server.switch)
        elif path == "/hang":
            self.server.release.wait(10)  # never answers while the check waits
        elif path == "/drip":
            try:
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:  # a byte at a time, for 10 s
                    if self.server.release.wait(0.1):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            except OSError:
                pass  # the check gave up and closed the connection
        else:
            self._answer(404)

    do_GET = do_HEAD = _route


class LinkServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list = []
        self.release = threading.Event()
        self.switch = 200

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_port}{path}"


@pytest.fixture
def server():
    httpd = LinkServer()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.release.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _watch_settings(settings):
    """Loopback allowed (the test server lives there), short timeouts, nothing else reachable."""
    settings.LINKWATCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.LINKWATCH_CONNECT_TIMEOUT = 1
    settings.LINKWATCH_TIMEOUT = 1
    settings.LINKWATCH_MAX_REDIRECTS = 5
    settings.LINKWATCH_WORKERS = 4
    settings.LINKWATCH_RUN_SECONDS = 30
    settings.LINKWATCH_BATCH = 100
    settings.LINKWATCH_FAILURES_TO_BREAK = 2
    settings.LINKWATCH_RETRY_MINUTES = 60
    settings.LINKWATCH_INTERVAL_HOURS = 24


def check(url: str):
    lookups = linkwatch.ThreadPoolExecutor(max_workers=1)
    try:
        return check_link(url, Options.from_settings(), lookups)
    finally:
        lookups.shutdown(wait=False)  # as a run does: an unanswered lookup is not waited for


# --- one address -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "ok", "problem", "status", "redirects", "final"),
    [
        ("/ok", True, "", 200, 0, "/ok"),
        ("/missing", False, Problem.HTTP, 404, 0, "/missing"),
        ("/error", False, Problem.HTTP, 500, 0, "/error"),
        ("/moved", True, "", 200, 1, "/ok"),
        ("/chain/5", True, "", 200, 5, "/chain/0"),
        ("/chain/6", False, Problem.REDIRECTS, 302, 6, "/chain/0"),
        ("/loop-a", False, Problem.REDIRECTS, 302, 2, "/loop-a"),
        ("/no-head", True, "", 200, 0, "/no-head"),
    ],
)
def test_what_a_check_finds(server, path, ok, problem, status, redirects, final):
    outcome = check(server.url(path))
    assert (outcome.ok, outcome.problem, outcome.status_code, outcome.redirects) == (ok, problem, status, redirects)
    assert outcome.final_url == server.url(final)


def test_it_asks_with_head_first_then_get_and_names_itself(server):
    check(server.url("/no-head"))
    assert [(method, path) for method, path, _agent in server.requests] == [("HEAD", "/no-head"), ("GET", "/no-head")]
    assert all(agent.startswith("ITA-SPDCA-LinkCheck/") for _method, _path, agent in server.requests)
    check(server.url("/ok"))
    assert server.requests[-1][:2] == ("HEAD", "/ok")  # a working HEAD is enough


@pytest.mark.parametrize("path", ["/hang", "/drip"])
def test_a_server_that_never_answers_times_out_within_the_total_limit(server, path):
    started = time.monotonic()
    outcome = check(server.url(path))
    assert not outcome.ok and outcome.problem == Problem.TIMEOUT
    assert time.monotonic() - started < 2.5  # LINKWATCH_TIMEOUT is 1 s, for everything


def test_private_and_local_addresses_are_refused_when_the_setting_is_off(server, settings):
    settings.LINKWATCH_ALLOWED_NETWORKS = []
    for url in (server.url("/ok"), "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]/"):
        outcome = check(url)
        assert (outcome.ok, outcome.problem) == (False, Problem.ADDRESS), url
    assert server.requests == []  # nothing was fetched


def test_a_redirect_to_a_private_address_is_refused_at_the_redirect(server):
    outcome = check(server.url("/to-private"))
    assert (outcome.ok, outcome.problem) == (False, Problem.ADDRESS)
    assert [path for _method, path, _agent in server.requests] == ["/to-private"]


def test_every_address_a_name_resolves_to_is_checked(monkeypatch, server):
    monkeypatch.setattr(linkwatch, "resolve", lambda host, port: ["203.0.113.7", "127.0.0.2"])
    assert check("http://www.example.go.th/ita").problem == Problem.ADDRESS  # one private address is enough

    def unknown(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(linkwatch, "resolve", unknown)
    assert check("http://no-such-host.example.go.th/").problem == Problem.DNS
    assert check("ftp://127.0.0.1/file").problem == Problem.INVALID
    assert server.requests == []


def test_a_slow_name_lookup_counts_against_the_time_limit(monkeypatch, server):
    def slow(host, port):
        time.sleep(3)
        return ["127.0.0.1"]

    monkeypatch.setattr(linkwatch, "resolve", slow)
    started = time.monotonic()
    assert check("http://slow-dns.example.go.th/").problem == Problem.TIMEOUT
    assert time.monotonic() - started < 2


def test_https_is_spoken_with_a_certificate_check(server):
    outcome = check(server.url("/ok").replace("http://", "https://"))  # the server speaks plain HTTP
    assert (outcome.ok, outcome.problem) == (False, Problem.TLS)


def test_links_are_checked_concurrently_each_address_once(server):
    urls = [server.url("/hang")] * 3 + [server.url(f"/chain/{n}") for n in range(4)]
    started = time.monotonic()
    outcomes = check_links(list(dict.fromkeys(urls)), Options.from_settings(), workers=4, budget=30)
    assert time.monotonic() - started < 2.5  # a hanging link does not hold up the others
    assert len(outcomes) == 5 and outcomes[server.url("/hang")].problem == Problem.TIMEOUT
    assert [path for _m, path, _a in server.requests].count("/hang") == 1


# --- the watch on published items --------------------------------------------------------------


@pytest.fixture
def year(framework_2566, server):
    """O1 published with four links (working, 404, 500, redirected) and a file; O2 with a link
    whose answer the test switches. The committee and the admin work in another unit."""
    team = make_team()
    elsewhere = UnitFactory(office=team.admin.office)
    for member in (team.staff, team.committee, team.admin):
        member.user.email = f"{member.role}@example.go.th"
        member.user.save()
        if member is not team.staff:
            member.unit = elsewhere
            member.save()
    assessment = assessment_open(office=team.admin.office, framework=framework_2566, user=team.admin.user)
    o1 = prepare(get_item(assessment, "O1"), team)
    add_file(o1, team)
    links = {path: add_link(o1, team, url=server.url(path)) for path in ("/ok", "/missing", "/error", "/moved")}
    publish(o1, team)
    o2 = prepare(get_item(assessment, "O2"), team)
    add_file(o2, team)
    links["/switch"] = add_link(o2, team, url=server.url("/switch"))
    publish(o2, team)
    other = make_team()  # another office, whose people must never hear of this one
    Notification.objects.all().delete()
    return team, assessment, o1, o2, links, other


def status_of(revision) -> str:
    return LinkCheck.objects.get(revision=revision).status


def later(hours: float):
    return timezone.now() + timedelta(hours=hours)


def test_a_link_is_broken_after_two_failed_checks_and_told_once(year, django_capture_on_commit_callbacks):
    team, _assessment, o1, _o2, links, _other = year
    with django_capture_on_commit_callbacks(execute=True):
        first = links_watch()
    assert first["added"] == 5 and first["checked"] == 5 and first["broken"] == 0
    assert status_of(links["/missing"]) == status_of(links["/error"]) == LinkCheck.Status.FAILING
    assert status_of(links["/ok"]) == status_of(links["/moved"]) == LinkCheck.Status.OK
    moved = LinkCheck.objects.get(revision=links["/moved"])
    assert moved.redirects == 1 and moved.final_url.endswith("/ok")
    assert not Notification.objects.exists()  # one failure is not yet a breakage

    with django_capture_on_commit_callbacks(execute=True):
        assert links_watch(now=later(0.5))["checked"] == 0  # failing links wait LINKWATCH_RETRY_MINUTES
        second = links_watch(now=later(2))
    assert second["checked"] == 2 and second["broken"] == 2  # the working ones are due tomorrow
    missing = LinkCheck.objects.get(revision=links["/missing"])
    assert missing.is_broken and missing.status_code == 404 and missing.failures == 2 and missing.breakages == 1

    rows = Notification.objects.filter(event="link_broken")
    assert {(row.recipient_id, row.channel) for row in rows} == {
        (team.staff.user_id, Channel.APP),
        (team.staff.user_id, Channel.EMAIL),
        (team.admin.user_id, Channel.APP),
        (team.admin.user_id, Channel.EMAIL),
    }  # the item's unit and the administrators; not the committee, not the other office
    app_row = rows.get(recipient=team.staff.user, channel=Channel.APP)
    assert app_row.url == o1.get_absolute_url()
    assert links["/missing"].url + " — HTTP 404" in app_row.body and "HTTP 500" in app_row.body
    assert links["/ok"].url + "\n" not in app_row.body + "\n"

    with django_capture_on_commit_callbacks(execute=True):
        links_watch(now=later(4))
        links_watch(now=later(6))
    assert Notification.objects.filter(event="link_broken").count() == 4  # still broken: told once
    assert LinkCheck.objects.get(revision=links["/missing"]).failures == 4


def test_a_link_that_recovers_loses_its_mark_and_breaks_anew(year, server):
    team, _assessment, _o1, o2, links, _other = year
    server.switch = 503
    links_watch()
    links_watch(now=later(2))
    check = LinkCheck.objects.get(revision=links["/switch"])
    assert check.is_broken and check.describe() == "HTTP 503"
    assert list(o2.link_checks.broken()) == [check]

    server.switch = 200
    assert links_watch(now=later(4))["recovered"] == 1
    check.refresh_from_db()
    assert check.status == LinkCheck.Status.OK and check.broken_since is None and check.failures == 0
    assert list(o2.link_checks.broken()) == []
    recovered = Notification.objects.filter(event="link_recovered")
    assert {(row.recipient_id, row.channel) for row in recovered} == {
        (team.staff.user_id, Channel.APP),
        (team.admin.user_id, Channel.APP),
    }

    server.switch = 404  # the next breakage is a new one, told again
    links_watch(now=later(30))
    links_watch(now=later(32))
    check.refresh_from_db()
    assert check.is_broken and check.breakages == 2
    told = Notification.objects.filter(event="link_broken", recipient=team.staff.user, channel=Channel.APP)
    assert told.filter(url=o2.get_absolute_url()).count() == 2


def test_a_single_bad_moment_is_not_a_breakage(year, server):
    _team, _assessment, _o1, _o2, links, _other = year
    server.switch = 500
    links_watch()
    server.switch = 200
    links_watch(now=later(2))
    check = LinkCheck.objects.get(revision=links["/switch"])
    assert check.status == LinkCheck.Status.OK and check.breakages == 0
    assert not Notification.objects.filter(event="link_broken", body__contains="/switch").exists()


def test_the_marks_show_on_the_item_and_the_progress_page(year, client):
    team, assessment, o1, o2, links, _other = year
    links_watch()
    links_watch(now=later(2))
    client.force_login(team.staff.user)
    page = client.get(o1.get_absolute_url()).content.decode()
    assert 'id="broken-links"' in page
    mark = page[page.index('id="broken-links"') :]
    mark = mark[: mark.index("</div>")]
    assert links["/missing"].url in mark and "HTTP 404" in mark and "HTTP 500" in mark
    assert links["/moved"].url not in mark
    assert 'id="broken-links"' not in client.get(o2.get_absolute_url()).content.decode()

    progress = reverse("oit:item-progress", args=[assessment.office.slug, assessment.fiscal_year])
    page = client.get(progress).content.decode()
    mark = page[page.index('id="broken-links"') :]
    mark = mark[: mark.index("</ul>")]
    assert mark.count("HTTP 4") + mark.count("HTTP 5") == 2 and o1.get_absolute_url() in mark


def test_an_unpublished_item_is_no_longer_watched(year, server):
    team, assessment, o1, _o2, _links, _other = year
    links_watch()
    links_watch(now=later(2))
    assert assessment.oit_link_checks.broken().count() == 2
    unpublish(o1, team)
    assert assessment.oit_link_checks.broken().count() == 0  # the mark goes with the publication
    assert links_watch(now=later(4))["removed"] == 4
    assert not LinkCheck.objects.filter(item=o1).exists()


def test_a_run_checks_a_batch_of_due_links_and_the_next_run_the_rest(year, server, settings):
    settings.LINKWATCH_BATCH = 3
    first = links_watch()
    second = links_watch()  # at once: the links the first run checked are not due again
    assert first["checked"] == 3 and second["checked"] == 2
    assert links_watch()["checked"] == 0
    heads = sorted(path for method, path, _agent in server.requests if method == "HEAD")
    assert heads == ["/error", "/missing", "/moved", "/ok", "/ok", "/switch"]  # /moved leads to /ok


def test_beat_runs_the_watch(settings, year):
    from oit.tasks import watch_links

    assert settings.CELERY_BEAT_SCHEDULE["oit-link-watch"] == {
        "task": "oit.tasks.watch_links",
        "schedule": settings.LINKWATCH_EVERY_MINUTES * 60,
    }
    assert watch_links.delay().get()["checked"] == 5


def test_another_office_is_never_told(year):
    _team, _assessment, _o1, _o2, _links, other = year
    MembershipFactory(office=other.admin.office, role=Role.ADMIN)
    links_watch()
    links_watch(now=later(2))
    others = [other.staff.user, other.committee.user, other.admin.user]
    assert not Notification.objects.filter(recipient__in=others).exists()
