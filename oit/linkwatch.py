"""The link watch: is every external link on the public OIT pages still alive?

Assessors score the live pages, so a published item whose link dies loses its points without
anyone noticing. A beat task (`oit.tasks.watch_links`) runs `links_watch` every
LINKWATCH_EVERY_MINUTES:

1. `links_sync` gives every link revision of a live publication a `LinkCheck` row and drops the
   rows of links no longer published (their marks go with them).
2. A batch of due rows (at most LINKWATCH_BATCH) is claimed by pushing `next_check_at` ahead, so
   that an overlapping run leaves them alone; a run that dies gives them back when that passes.
3. The links are fetched by LINKWATCH_WORKERS threads, each address once per run and the hosts
   taken in turns (`check_link`): HEAD, then GET when HEAD answers an error (some servers refuse
   HEAD); redirects followed up to LINKWATCH_MAX_REDIRECTS and recorded (final address, count), a
   loop is a failure; at most LINK_READ_BYTES of a body read; LINKWATCH_CONNECT_TIMEOUT to
   connect and LINKWATCH_TIMEOUT for the whole check, redirects and fallback included. Threads
   only fetch; the database is written by the run's own thread.
4. The rule: a 4xx/5xx answer, a timeout, an unknown host, a refused connection, a TLS failure,
   a redirect loop or a private address is a failure. LINKWATCH_FAILURES_TO_BREAK failures in a
   row make the link broken (one bad moment of a web server does not); one good check makes it
   work again. A working link is checked again after LINKWATCH_INTERVAL_HOURS, a failing or
   broken one after LINKWATCH_RETRY_MINUTES.
5. A link that breaks notifies the item's staff and the office's administrators once (one
   message per item and run, keyed by each link's breakage number); a link that recovers clears
   its mark and tells them in the app.

Addresses: only http and https, and the host is resolved here and every address it resolves to
must be public (`ipaddress.is_global`) or inside LINKWATCH_ALLOWED_NETWORKS, checked again at
every redirect; the connection then goes to the address that was checked (no second lookup that
could answer differently).
"""

import http.client
import io
import ipaddress
import logging
import socket
import ssl
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications import events
from notifications.services import in_both_languages
from oit.models import EvidenceRevision, Item, LinkCheck

logger = logging.getLogger(__name__)

LINK_READ_BYTES = 64 * 1024
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
Problem = LinkCheck.Problem


def user_agent() -> str:
    site = settings.SITE_URL or ""
    return f"ITA-SPDCA-LinkCheck/1.0 (checks the links of published OIT evidence{'; ' + site if site else ''})"


@dataclass(frozen=True)
class Options:
    connect_timeout: float
    timeout: float
    max_redirects: int
    allowed_networks: tuple = ()
    user_agent: str = ""

    @classmethod
    def from_settings(cls) -> "Options":
        return cls(
            connect_timeout=settings.LINKWATCH_CONNECT_TIMEOUT,
            timeout=settings.LINKWATCH_TIMEOUT,
            max_redirects=settings.LINKWATCH_MAX_REDIRECTS,
            allowed_networks=tuple(
                ipaddress.ip_network(network, strict=False) for network in settings.LINKWATCH_ALLOWED_NETWORKS
            ),
            user_agent=user_agent(),
        )


@dataclass
class Outcome:
    """What one check of one address found."""

    ok: bool
    problem: str = ""
    status_code: int | None = None
    final_url: str = ""
    redirects: int = 0
    detail: str = field(default="", compare=False)  # for the log only


class _Failure(Exception):
    def __init__(self, problem: str, detail: str = "") -> None:
        super().__init__(detail or problem)
        self.problem = problem


# --- fetching one address ---------------------------------------------------------------------


def address_allowed(address: str, allowed_networks=()) -> bool:
    """A public address, or one inside a network the settings allow (loopback in the tests)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in network for network in allowed_networks):
        return True
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Every address the host name resolves to (a module function, so tests can replace it)."""
    return [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Failure(Problem.TIMEOUT, "out of time")
    return left


def _addresses(host: str, port: int, options: Options, deadline: float, lookups: ThreadPoolExecutor) -> list[str]:
    """The host's addresses, all of them allowed. The lookup runs in its own thread because
    getaddrinfo() has no timeout of its own."""
    try:
        ip = ipaddress.ip_address(host)
        found = [str(ip)]
    except ValueError:
        future = lookups.submit(resolve, host, port)
        try:
            found = future.result(timeout=_remaining(deadline))
        except FutureTimeout as exc:
            raise _Failure(Problem.TIMEOUT, f"DNS lookup of {host}") from exc
        except (OSError, UnicodeError) as exc:
            raise _Failure(Problem.DNS, str(exc)) from exc
    if not found:
        raise _Failure(Problem.DNS, f"{host} has no address")
    refused = [address for address in found if not address_allowed(address, options.allowed_networks)]
    if refused:
        raise _Failure(Problem.ADDRESS, f"{host} resolves to {', '.join(refused)}")
    return list(dict.fromkeys(found))


class _DeadlineSocket:
    """A socket whose every send and receive waits at most until the check's deadline, so a
    server that drips its answer a byte at a time cannot stretch the check."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock, self._deadline = sock, deadline
        self._io_refs, self._closed = 0, False

    def _arm(self) -> None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("out of time")
        self._sock.settimeout(left)

    def sendall(self, data) -> None:
        self._arm()
        self._sock.sendall(data)

    def recv_into(self, buffer, nbytes: int = 0) -> int:
        self._arm()
        return self._sock.recv_into(buffer, nbytes)

    # As with a real socket, the response's file keeps it open after the connection lets go.
    def makefile(self, mode: str = "rb", *args, **kwargs):
        self._io_refs += 1
        return io.BufferedReader(socket.SocketIO(self, "rb"))

    def _decref_socketios(self) -> None:
        self._io_refs = max(self._io_refs - 1, 0)
        if self._closed and not self._io_refs:
            self._sock.close()

    def close(self) -> None:
        self._closed = True
        if not self._io_refs:
            self._sock.close()


class _Connection(http.client.HTTPConnection):
    """HTTP to the address that was checked, with the host name in the Host header."""

    def __init__(self, host: str, port: int, *, address: str, deadline: float, connect_timeout: float) -> None:
        super().__init__(host, port, timeout=connect_timeout)
        self._address, self._deadline, self._connect_timeout = address, deadline, connect_timeout

    def _open(self) -> socket.socket:
        timeout = min(self._connect_timeout, _remaining(self._deadline))
        return socket.create_connection((self._address, self.port), timeout=timeout)

    def connect(self) -> None:
        self.sock = _DeadlineSocket(self._open(), self._deadline)


class _TlsConnection(_Connection):
    def connect(self) -> None:
        sock = self._open()
        sock.settimeout(_remaining(self._deadline))
        context = ssl.create_default_context()
        self.sock = _DeadlineSocket(context.wrap_socket(sock, server_hostname=self.host), self._deadline)


def _request(url: str, method: str, options: Options, deadline: float, lookups) -> tuple[int, str]:
    """(status, Location header) of one request, the body read no further than LINK_READ_BYTES."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Failure(Problem.INVALID, url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise _Failure(Problem.INVALID, url) from exc
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        "User-Agent": options.user_agent or user_agent(),
        "Accept": "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8",
        "Accept-Encoding": "identity",
        "Connection": "close",
    }
    connection_class = _TlsConnection if parts.scheme == "https" else _Connection
    last_error = None
    for address in _addresses(parts.hostname, port, options, deadline, lookups):
        connection = connection_class(
            parts.hostname, port, address=address, deadline=deadline, connect_timeout=options.connect_timeout
        )
        try:
            connection.request(method, path, headers=headers)
            response = connection.getresponse()
            if method == "GET":
                response.read(LINK_READ_BYTES)
            return response.status, response.getheader("Location") or ""
        except TimeoutError as exc:
            raise _Failure(Problem.TIMEOUT, str(exc)) from exc
        except ssl.SSLError as exc:  # certificate errors included
            raise _Failure(Problem.TLS, str(exc)) from exc
        except (OSError, http.client.HTTPException) as exc:
            last_error = exc  # this address does not answer: try the host's next one
        finally:
            connection.close()
    raise _Failure(Problem.CONNECTION, str(last_error))


def _follow(url: str, method: str, options: Options, deadline: float, lookups) -> Outcome:
    seen, current, redirects = set(), url, 0
    while True:
        seen.add(current)
        status, location = _request(current, method, options, deadline, lookups)
        if status in REDIRECT_STATUSES and location:
            target = urljoin(current, location)
            if target in seen or redirects >= options.max_redirects:
                return Outcome(False, Problem.REDIRECTS, status, target, redirects + 1)
            current, redirects = target, redirects + 1
            continue
        ok = status < 400
        return Outcome(ok, "" if ok else Problem.HTTP, status, current, redirects)


def check_link(url: str, options: Options, lookups: ThreadPoolExecutor) -> Outcome:
    """Fetch one address politely and say whether it works."""
    deadline = time.monotonic() + options.timeout
    try:
        outcome = _follow(url, "HEAD", options, deadline, lookups)
    except _Failure as exc:
        return Outcome(False, exc.problem, final_url=url, detail=str(exc))
    if outcome.ok or outcome.problem != Problem.HTTP:
        return outcome
    try:  # servers that refuse or mishandle HEAD
        return _follow(url, "GET", options, deadline, lookups)
    except _Failure:
        return outcome  # out of time after HEAD's answer: HEAD's error stands


def _safe_check(url: str, options: Options, lookups) -> Outcome:
    try:
        return check_link(url, options, lookups)
    except Exception as exc:  # one odd server must not stop the watch
        logger.exception("Link check of %s failed unexpectedly", url)
        return Outcome(False, Problem.CONNECTION, final_url=url, detail=str(exc))


def check_links(urls: list[str], options: Options, *, workers: int, budget: float) -> dict[str, Outcome]:
    """Check each address once with `workers` threads. Checks not started within `budget`
    seconds are left out (their rows stay due for the next run)."""
    results: dict[str, Outcome] = {}
    if not urls:
        return results
    stop_at = time.monotonic() + budget
    lookups = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkwatch-dns")

    def run(url: str) -> None:
        if time.monotonic() < stop_at:
            results[url] = _safe_check(url, options, lookups)

    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkwatch") as pool:
            list(pool.map(run, urls))
    finally:
        # A lookup the resolver never answers is abandoned, not waited for.
        lookups.shutdown(wait=False, cancel_futures=True)
    return results


def _interleaved_by_host(urls: list[str]) -> list[str]:
    """The addresses in turns by host (a, b, c, a, b, c, ...), so that the threads rarely ask the
    same web server at the same moment: an office's links are mostly on its own site."""
    by_host = defaultdict(list)
    for url in urls:
        by_host[urlsplit(url).hostname or ""].append(url)
    queues = list(by_host.values())
    return [queue[turn] for turn in range(max(map(len, queues), default=0)) for queue in queues if turn < len(queue)]


# --- the watch --------------------------------------------------------------------------------


def _live_link_revisions():
    return EvidenceRevision.objects.filter(
        publications__withdrawn_at__isnull=True, evidence__item__definition__withdrawn_in__isnull=True
    ).exclude(url="")


def links_sync(now: datetime) -> tuple[int, int]:
    """A check row for each link of a live publication, and none for links no longer published.
    Three queries whatever the number of links. Returns (added, removed)."""
    live = {
        revision_id: (item_id, assessment_id)
        for revision_id, item_id, assessment_id in _live_link_revisions().values_list(
            "pk", "evidence__item_id", "evidence__item__assessment_id"
        )
    }
    known = set(LinkCheck.objects.values_list("revision_id", flat=True))
    added = LinkCheck.objects.bulk_create(
        [
            LinkCheck(revision_id=revision_id, item_id=item_id, assessment_id=assessment_id, next_check_at=now)
            for revision_id, (item_id, assessment_id) in live.items()
            if revision_id not in known
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    gone = known - set(live)
    removed = 0
    if gone:
        removed, _by_model = LinkCheck.objects.filter(revision_id__in=gone).delete()
    return len(added), removed


def _claim(now: datetime, lease: timedelta, batch: int) -> list[LinkCheck]:
    """Due rows, oldest first, held for this run by moving `next_check_at` past the lease."""
    with transaction.atomic():
        ids = list(
            LinkCheck.objects.select_for_update(skip_locked=True)
            .filter(next_check_at__lte=now)
            .order_by("next_check_at", "pk")
            .values_list("pk", flat=True)[:batch]
        )
        LinkCheck.objects.filter(pk__in=ids).update(next_check_at=now + lease)
    return list(LinkCheck.objects.filter(pk__in=ids).select_related("revision"))


def _record(check: LinkCheck, outcome: Outcome, now: datetime) -> str:
    """Apply one outcome to the row; returns "broke", "recovered" or ""."""
    was_broken = check.status == LinkCheck.Status.BROKEN
    check.checked_at = now
    check.status_code, check.redirects = outcome.status_code, outcome.redirects
    check.final_url = (outcome.final_url or "")[:1000]
    if outcome.ok:
        check.status, check.problem, check.failures, check.broken_since = LinkCheck.Status.OK, "", 0, None
        check.next_check_at = now + timedelta(hours=settings.LINKWATCH_INTERVAL_HOURS)
        return "recovered" if was_broken else ""
    check.problem = outcome.problem
    check.failures = min(check.failures + 1, 32767)
    check.next_check_at = now + timedelta(minutes=settings.LINKWATCH_RETRY_MINUTES)
    if was_broken:
        return ""
    if check.failures >= settings.LINKWATCH_FAILURES_TO_BREAK:
        check.status, check.broken_since = LinkCheck.Status.BROKEN, now
        check.breakages += 1
        return "broke"
    check.status = LinkCheck.Status.FAILING
    return ""


FIELDS = [
    "status",
    "problem",
    "status_code",
    "final_url",
    "redirects",
    "failures",
    "breakages",
    "broken_since",
    "checked_at",
    "next_check_at",
    "updated_at",
]


def _link(check: LinkCheck) -> dict:
    return {
        "url": check.revision.url,
        "reason": in_both_languages(check.describe),
        "key": f"{check.revision_id}.{check.breakages}",
    }


def _notify(changes: dict[str, dict[int, list[LinkCheck]]]) -> None:
    """One message per item and kind of change. Queries per item told about (its people):
    bounded by the items whose links changed in this run, not by all the links."""
    item_ids = set(changes["broke"]) | set(changes["recovered"])
    items = Item.objects.select_related("assessment__office", "definition", "unit").prefetch_related("assignees")
    items = items.in_bulk(item_ids)
    for item_id, checks in changes["broke"].items():
        events.link_broken(item=items[item_id], links=[_link(check) for check in checks])
    for item_id, checks in changes["recovered"].items():
        events.link_recovered(item=items[item_id], links=[_link(check) for check in checks])


def links_watch(*, now: datetime | None = None) -> dict:
    """One run of the watch (see the module's docstring). Returns counts for the log."""
    now = now or timezone.now()
    added, removed = links_sync(now)
    budget = settings.LINKWATCH_RUN_SECONDS
    options = Options.from_settings()
    # Held for longer than the run can take, so that no other run checks them meanwhile.
    lease = timedelta(seconds=budget + options.timeout + 60)
    checks = _claim(now, lease, settings.LINKWATCH_BATCH)
    urls = _interleaved_by_host(list(dict.fromkeys(check.revision.url for check in checks)))
    outcomes = check_links(urls, options, workers=settings.LINKWATCH_WORKERS, budget=budget)
    finished = max(timezone.now(), now)
    done, changes = [], {"broke": defaultdict(list), "recovered": defaultdict(list)}
    for check in checks:
        outcome = outcomes.get(check.revision.url)
        if outcome is None:
            check.next_check_at = finished  # not reached in time: due again at once
        else:
            change = _record(check, outcome, finished)
            if change:
                changes[change][check.item_id].append(check)
        check.updated_at = finished
        done.append(check)
    with transaction.atomic():
        # The marks and the messages about them are written together: a breakage is told once.
        LinkCheck.objects.bulk_update(done, FIELDS, batch_size=200)
        _notify(changes)
    counts = {
        "added": added,
        "removed": removed,
        "checked": sum(check.revision.url in outcomes for check in checks),
        "broken": sum(len(c) for c in changes["broke"].values()),
        "recovered": sum(len(c) for c in changes["recovered"].values()),
    }
    logger.info("Link watch: %s", counts)
    return counts
