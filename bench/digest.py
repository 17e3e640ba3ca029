"""Daily digest benchmark: build and queue one morning's digests for 245 offices × 40 people, and
count the time and the database queries it takes.

    createdb -h 127.0.0.1 -U postgres ita_bench_digest
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_bench_digest .venv/bin/python bench/digest.py

The first run migrates the database and seeds it (each office: 10 units, 40 people with e-mail
addresses, FY 2566 opened, all 43 items in the digest's window: due in 7, 3 and 1 days or
overdue, in units, every third also named on a person; every tenth office has its LINE account
connected and five people who linked their LINE and chose the digest there too). Every run then
deletes the day's digests and measures `digests_send` three times from scratch, plus once more
with everything already written (beat running twice). "Queued" means handed to the broker: an
in-memory one (no worker, so nothing is sent), or Redis with REDIS_URL.
"""

import os
import statistics
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OFFICES = int(os.environ.get("BENCH_OFFICES", 245))
USERS_PER_OFFICE = 40
UNITS_PER_OFFICE = 10
TODAY = date(2023, 4, 20)  # FY 2566, while its OIT items are being prepared
DUE_OFFSETS = (7, 3, 1, -1, -5, -20)  # days from TODAY: every item is in some digest section
RUNS = int(os.environ.get("BENCH_RUNS", 3))


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database made for the benchmark.")
    import django

    django.setup()
    from config.celery import app

    app.conf.task_always_eager = False  # queue the deliveries; no worker sends them


def seed_office(number: int, password_hash: str, framework) -> bool:
    from django.db import transaction

    from accounts.models import Membership, Office, Role, Unit, User
    from ita.services.assessments import assessment_open
    from notifications.models import Channel, LineChannel, LineLink, Preference
    from oit.models import Item

    slug = f"digest-{number:03d}"
    if Office.objects.filter(slug=slug).exists():
        return False
    with transaction.atomic():
        office = Office.objects.create(
            slug=slug, name=f"สำนักงานเขตพื้นที่การศึกษาทดสอบที่ {number}", short_name=f"สพท.ทดสอบ {number}"
        )
        units = Unit.objects.bulk_create(
            Unit(office=office, name=f"กลุ่มงานที่ {n}") for n in range(1, UNITS_PER_OFFICE + 1)
        )
        users = User.objects.bulk_create(
            User(
                username=f"{slug}-u{n:02d}",
                first_name="ผู้ใช้",
                last_name=f"{number}-{n}",
                email=f"{slug}-u{n:02d}@example.go.th",
                password=password_hash,
            )
            for n in range(USERS_PER_OFFICE)
        )
        roles = [Role.ADMIN] + [Role.COMMITTEE] * 4 + [Role.STAFF] * (USERS_PER_OFFICE - 5)
        Membership.objects.bulk_create(
            Membership(user=user, office=office, role=role, unit=units[n % len(units)])
            for n, (user, role) in enumerate(zip(users, roles, strict=True))
        )
        assessment = assessment_open(office=office, framework=framework, user=users[0])
        items = list(assessment.oit_items.order_by("definition__number"))
        for n, item in enumerate(items):
            item.unit = units[n % len(units)]
            item.due_date = TODAY + timedelta(days=DUE_OFFSETS[n % len(DUE_OFFSETS)])
            item.status = Item.Status.DRAFT
        Item.objects.bulk_update(items, ["unit", "due_date", "status"])
        Through = Item.assignees.through
        Through.objects.bulk_create(
            Through(item_id=item.pk, user_id=users[5 + n % (USERS_PER_OFFICE - 5)].pk)
            for n, item in enumerate(items)
            if n % 3 == 0
        )
        if number % 10 == 0:
            LineChannel.objects.create(office=office, channel_secret="s" * 32, access_token="t" * 100)
            for n, user in enumerate(users[5:10]):
                LineLink.objects.create(
                    office=office, user=user, status=LineLink.Status.LINKED, line_user_id=f"U{number:016x}{n:016x}"
                )
                Preference.objects.create(user=user, event="digest", channels=[Channel.EMAIL, Channel.LINE])
    return True


def seed() -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from ita.models import Framework

    call_command("migrate", verbosity=0)
    if not Framework.objects.filter(fiscal_year=2566).exists():
        call_command("load_framework", str(ROOT / "ita" / "framework" / "2566.yaml"), verbosity=0)
    framework = Framework.objects.get(fiscal_year=2566)
    password_hash = make_password("bench-digest")
    start, made = time.perf_counter(), 0
    for number in range(1, OFFICES + 1):
        made += seed_office(number, password_hash, framework)
        if made and made % 50 == 0:
            print(f"{number} offices seeded ({time.perf_counter() - start:.0f} s)", flush=True)
    if made:
        print(f"Seeded {made} offices in {time.perf_counter() - start:.0f} s.", flush=True)


def measure() -> dict:
    """One run of the morning's job, its time and every query it makes (counted as they run:
    CaptureQueriesContext keeps only the last 9,000)."""
    from django.db import connection

    from notifications.services import digests_send

    tables = Counter()

    def count(execute, sql, params, many, context):
        verb = sql.split(" ", 1)[0]
        if verb == "SELECT" and 'FROM "' in sql:
            verb += " " + sql.split('FROM "', 1)[1].split('"', 1)[0]
        elif verb in ("INSERT", "UPDATE", "DELETE"):
            verb += " " + sql.split('"', 2)[1]
        tables[verb] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        people = digests_send(today=TODAY)
        elapsed = time.perf_counter() - start
    return {"people": people, "seconds": elapsed, "queries": sum(tables.values()), "tables": tables}


def main() -> None:
    setup_django()
    seed()
    from django.db import connection

    from notifications.models import Notification

    key = f"digest:{TODAY.isoformat()}"
    runs = []
    for _ in range(RUNS):
        Notification.objects.filter(key=key).delete()
        runs.append(measure())
    again = measure()  # beat runs twice the same morning: everything is there already
    rows = Notification.objects.filter(key=key)
    by_channel = dict(Counter(rows.values_list("channel", flat=True)))
    queued = rows.filter(enqueued_at__isnull=False).count()
    first = runs[0]
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; offices: {OFFICES}")
    print(f"people with a digest: {first['people']}; rows: {rows.count()} {by_channel}; handed to the queue: {queued}")
    times = [run["seconds"] for run in runs]
    each = ", ".join(f"{seconds:.2f}" for seconds in times)
    print(f"build and queue: median {statistics.median(times):.2f} s (runs: {each}), queries: {first['queries']}")
    print(f"again the same day: {again['seconds']:.2f} s, {again['queries']} queries")
    print("queries by statement and table (first run):")
    for name, count in first["tables"].most_common(12):
        print(f"  {count:6d}  {name}")


if __name__ == "__main__":
    main()
