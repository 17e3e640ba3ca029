"""Seed a large dataset for the page benchmarks: 245 offices, each with 40 users and the fiscal
years 2565–2567 (43 OIT items each, with evidence, in every state of the workflow).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ita_bench .venv/bin/python bench/seed.py

The database must exist (createdb ita_bench); the script migrates it. FY 2567 has no framework of
its own yet, so the 2566 framework is loaded again as 2567 (dates moved a year) for the volume.
Running it again adds nothing.
"""

import os
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OFFICES = int(os.environ.get("BENCH_OFFICES", 245))
USERS_PER_OFFICE = 40
YEARS = (2565, 2566, 2567)
PASSWORD = "bench-ita-2566"  # noqa: S105 - benchmark users on a throwaway database


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database made for the benchmark.")
    import django

    django.setup()


def load_frameworks() -> None:
    from django.core.management import call_command

    from ita.catalogue import parse_framework
    from ita.models import Framework
    from ita.services.frameworks import framework_load

    call_command("migrate", verbosity=0)
    call_command("load_framework", *sorted(str(p) for p in (ROOT / "ita" / "framework").glob("*.yaml")), verbosity=0)
    if not Framework.objects.filter(fiscal_year=2567).exists():
        text = (ROOT / "ita" / "framework" / "2566.yaml").read_text(encoding="utf-8")
        text = re.sub(r"\b2023-", "2024-", text)
        text = re.sub(r"\b2022-", "2023-", text)
        text = text.replace("fiscal_year: 2566", "fiscal_year: 2567")
        framework_load(spec=parse_framework(text))


def seed_office(number: int, password_hash: str, frameworks: dict) -> None:
    from django.db import transaction

    from accounts.models import Membership, Office, Role, Unit, User
    from ita.services.assessments import assessment_open

    slug = f"bench-{number:03d}"
    if Office.objects.filter(slug=slug).exists():
        return
    with transaction.atomic():
        office = Office.objects.create(
            slug=slug, name=f"สำนักงานเขตพื้นที่การศึกษาทดสอบที่ {number}", short_name=f"สพท.ทดสอบ {number}"
        )
        units = Unit.objects.bulk_create(Unit(office=office, name=f"กลุ่มงานที่ {n}") for n in range(1, 11))
        users = User.objects.bulk_create(
            User(username=f"{slug}-u{n:02d}", first_name="ผู้ใช้", last_name=f"{number}-{n}", password=password_hash)
            for n in range(USERS_PER_OFFICE)
        )
        roles = [Role.ADMIN] + [Role.COMMITTEE] * 4 + [Role.STAFF] * (USERS_PER_OFFICE - 5)
        memberships = Membership.objects.bulk_create(
            Membership(user=user, office=office, role=role, unit=units[n % len(units)])
            for n, (user, role) in enumerate(zip(users, roles, strict=True))
        )
        admin = memberships[0]
        for year in YEARS:
            assessment = assessment_open(office=office, framework=frameworks[year], user=admin.user)
            fill_items(assessment, memberships, units, current=year == 2566)


def fill_items(assessment, memberships, units, *, current: bool) -> None:
    """Evidence on every item; past years all published, the current year in every state."""
    from django.utils import timezone

    from oit.models import Evidence, EvidenceRevision, Item, ItemEvent, Publication

    admin, committee, staff = memberships[0], memberships[1:5], memberships[5:]
    items = list(assessment.oit_items.select_related("definition").order_by("definition__number"))
    states = (
        [Item.Status.PUBLISHED, Item.Status.APPROVED, Item.Status.SUBMITTED, Item.Status.RETURNED, Item.Status.DRAFT]
        if current
        else [Item.Status.PUBLISHED]
    )
    now = timezone.now()
    for n, item in enumerate(items):
        item.unit = units[n % len(units)]
        item.status = states[n % len(states)]
        item.description = f"สรุปข้อมูล {item.definition.name_th} ของสำนักงาน"
        item.due_date = date(assessment.fiscal_year - 543, 4, 30)
        if item.status != Item.Status.DRAFT:
            item.review_round, item.submitted_at, item.submitted_by = 1, now, staff[n % len(staff)].user
    Item.objects.bulk_update(
        items, ["unit", "status", "description", "due_date", "review_round", "submitted_at", "submitted_by"]
    )
    for n, item in enumerate(items):
        item.assignees.add(staff[n % len(staff)].user)
    evidence = Evidence.objects.bulk_create(
        Evidence(item=item, kind=Evidence.Kind.LINK, title=f"เอกสาร {item.definition.code}") for item in items
    )
    revisions = EvidenceRevision.objects.bulk_create(
        EvidenceRevision(
            evidence=doc,
            number=1,
            title=doc.title,
            url=f"https://www.example.go.th/{doc.item.definition.code}",
            document_date=date(assessment.fiscal_year - 543, 1, 15),
            uploaded_by=staff[n % len(staff)].user,
        )
        for n, doc in enumerate(evidence)
    )
    for doc, revision in zip(evidence, revisions, strict=True):
        doc.current = revision
    Evidence.objects.bulk_update(evidence, ["current"])
    events = []
    for n, item in enumerate(items):
        actor = staff[n % len(staff)].user
        if item.status != Item.Status.DRAFT:
            events.append(ItemEvent(item=item, actor=actor, kind=ItemEvent.Kind.SUBMITTED, to_status="submitted"))
        if item.status in (Item.Status.APPROVED, Item.Status.PUBLISHED):
            reviewer = committee[n % len(committee)].user
            events.append(ItemEvent(item=item, actor=reviewer, kind=ItemEvent.Kind.APPROVED, to_status="approved"))
    ItemEvent.objects.bulk_create(events)
    published = [
        (item, revision)
        for item, revision in zip(items, revisions, strict=True)
        if item.status == Item.Status.PUBLISHED
    ]
    publications = Publication.objects.bulk_create(
        Publication(item=item, description=item.description, published_by=admin.user, published_at=now)
        for item, _revision in published
    )
    Through = Publication.revisions.through
    Through.objects.bulk_create(
        Through(publication_id=publication.pk, evidencerevision_id=revision.pk)
        for publication, (_item, revision) in zip(publications, published, strict=True)
    )


def main() -> None:
    setup_django()
    from django.contrib.auth.hashers import make_password

    from ita.models import Framework

    load_frameworks()
    frameworks = {f.fiscal_year: f for f in Framework.objects.filter(fiscal_year__in=YEARS)}
    password_hash = make_password(PASSWORD)  # hashed once: 9,800 PBKDF2 rounds would take minutes
    start = time.perf_counter()
    for number in range(1, OFFICES + 1):
        seed_office(number, password_hash, frameworks)
        if number % 25 == 0:
            print(f"{number} offices ({time.perf_counter() - start:.0f} s)", flush=True)
    print(f"Seeded {OFFICES} offices in {timedelta(seconds=round(time.perf_counter() - start))}.")


if __name__ == "__main__":
    main()
