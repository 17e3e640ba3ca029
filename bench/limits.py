"""Benchmark: the report PDFs at the largest content the limits allow, against REPORT_TIME_LIMIT.

    .venv/bin/python bench/limits.py [ACTIVITIES]    # SQLite file in the system temp folder

It seeds the demo office and fills its FY 2566 assessment to the limits, in Thai:
- every OIT item (43): its summary at its max_length, and OIT_EVIDENCE_MAX_PER_ITEM links, each with
  its URL, title and short description at their max_length;
- every SPDCA text of the cycle at its max_length: stage notes, the analysis meeting, findings (30),
  ACTIVITIES activities (default 40, as in bench/reports.py) with four progress updates each,
  improvements (20), lessons (10), outcomes (10) and the office's own annual report text.
The number of records is not bounded by a limit (a year has as many activities as it has); the
counts above are a large year's. Then, in a fresh process per case, it renders the one-item
publication form, all 43 forms and the annual report: the first render (a fresh worker) and the
median of RUNS renders after it.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
DEFAULT_ACTIVITIES = 40
CASES = {
    "oit-form-one": ("oit-forms", {"item": "O12"}),
    "oit-forms-all": ("oit-forms", {}),
    "annual": ("annual", {}),
}
SENTENCE = (
    "ดำเนินการตามแผนโดยประชุมชี้แจงบุคลากรทุกกลุ่มและหน่วย ติดตามผลการดำเนินงานและรายงานต่อผู้บริหารเป็นรายไตรมาส "
    "พร้อมเผยแพร่ผลการดำเนินงานบนเว็บไซต์ของสำนักงานเพื่อให้ผู้มีส่วนได้ส่วนเสียรับทราบและตรวจสอบได้ "
)
NAME_LINE = "นางสาวสุดารัตน์ ประเสริฐวงศ์ศักดิ์ ตำแหน่งนักวิเคราะห์นโยบายและแผนชำนาญการพิเศษ\n"


def setup_django(activities: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / f'ita-bench-limits-{activities}.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def thai(length: int, text: str = SENTENCE) -> str:
    return (text * (length // len(text) + 1))[:length]


def max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def fill(instance, *fields: str, text: str = SENTENCE) -> None:
    for field in fields:
        setattr(instance, field, thai(max_length(type(instance), field), text))


def seed(activities: int) -> None:
    """The demo office with its FY 2566 assessment filled to the limits; run once per database."""
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    call_command("load_framework", *sorted(str(p) for p in (ROOT / "ita" / "framework").glob("*.yaml")), verbosity=0)
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_cycle", verbosity=0)
    assessment = _assessment()
    with transaction.atomic():
        _fill_oit(assessment)
        if assessment.activities.count() < activities:
            _fill_spdca(assessment, activities)


def _fill_oit(assessment) -> None:
    from django.conf import settings

    from oit.models import Evidence, EvidenceRevision, Item

    items = list(assessment.oit_items.all())
    user = assessment.opened_by
    for item in items:
        fill(item, "description")
    Item.objects.bulk_update(items, ["description"])
    Evidence.objects.filter(item__in=items).delete()
    url_length = max_length(EvidenceRevision, "url")
    documents = Evidence.objects.bulk_create(
        Evidence(item=item, kind=Evidence.Kind.LINK, title=thai(max_length(Evidence, "title")))
        for item in items
        for _ in range(settings.OIT_EVIDENCE_MAX_PER_ITEM)
    )
    revisions = []
    for number, document in enumerate(documents):
        revision = EvidenceRevision(
            evidence=document,
            number=1,
            title=document.title,
            document_date=date(2023, 1, 15),
            uploaded_by=user,
            url=(f"https://www.example.go.th/ita/2566/{number}/" + "documents/report-" * 100)[:url_length],
        )
        fill(revision, "description")
        revisions.append(revision)
    EvidenceRevision.objects.bulk_create(revisions, batch_size=500)
    for document, revision in zip(documents, revisions, strict=True):
        document.current = revision
    Evidence.objects.bulk_update(documents, ["current"], batch_size=500)


def _fill_spdca(assessment, activities: int) -> None:
    from spdca.models import (
        Activity,
        AnnualReportText,
        Finding,
        Improvement,
        Lesson,
        Meeting,
        Outcome,
        ProgressUpdate,
        Stage,
    )

    user = assessment.opened_by
    stages = list(assessment.stages.all())
    for stage in stages:
        fill(stage, "notes", "override_reason")
    Stage.objects.bulk_update(stages, ["notes", "override_reason"])
    meeting = Meeting.objects.get(assessment=assessment)
    fill(meeting, "place", "minutes")
    fill(meeting, "attendees", text=NAME_LINE)
    meeting.save()
    indicators = list(assessment.framework.indicators.select_related("instrument"))
    Finding.objects.filter(assessment=assessment).delete()
    Finding.objects.bulk_create(
        Finding(
            assessment=assessment,
            kind=Finding.Kind.values[number % 2],
            instrument=indicator.instrument,
            indicator=indicator,
            text=thai(max_length(Finding, "text")),
        )
        for number, indicator in enumerate(indicators * 3)
    )
    existing = list(assessment.activities.all())
    for activity in existing:
        fill(activity, "title", "objective", "expected_output", "success_indicator")
    Activity.objects.bulk_update(existing, ["title", "objective", "expected_output", "success_indicator"])
    ProgressUpdate.objects.filter(activity__assessment=assessment).rewrite_for_seeding(
        narrative=thai(max_length(ProgressUpdate, "narrative"))
    )
    for number in range(activities - len(existing)):
        activity = Activity(
            assessment=assessment,
            responsible=user,
            start=date(2022, 10, 1) + timedelta(days=number * 4),
            end=date(2023, 1, 1) + timedelta(days=number * 4),
            is_publicity=number % 5 == 0,
        )
        fill(activity, "title", "objective", "expected_output", "success_indicator")
        activity.save()
        activity.indicators.set(indicators[number % 10 : number % 10 + 2])
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                activity=activity,
                date=activity.start + timedelta(days=20 * step),
                percent=25 * step,
                narrative=thai(max_length(ProgressUpdate, "narrative")),
                recorded_by=user,
            )
            for step in range(1, 5)
        )
    Improvement.objects.filter(assessment=assessment).delete()
    Improvement.objects.bulk_create(
        Improvement(
            assessment=assessment,
            phase=phase,
            owner=user,
            cause=thai(max_length(Improvement, "cause")),
            action=thai(max_length(Improvement, "action")),
        )
        for phase in Improvement.Phase.values
        for _ in range(10)
    )
    Lesson.objects.filter(assessment=assessment).delete()
    Lesson.objects.bulk_create(Lesson(assessment=assessment, text=thai(max_length(Lesson, "text"))) for _ in range(10))
    Outcome.objects.filter(assessment=assessment).delete()
    Outcome.objects.bulk_create(
        Outcome(
            assessment=assessment,
            kind=Outcome.Kind.values[number % 2],
            order=number,
            text=thai(max_length(Outcome, "text")),
        )
        for number in range(10)
    )
    text, _created = AnnualReportText.objects.get_or_create(assessment=assessment)
    fill(text, "preface", "introduction", "project", "coach")
    text.save()


def _assessment():
    from ita.models import Assessment

    return Assessment.objects.select_related("office", "framework").get(
        office__slug="spm-chanthaburi-trat", fiscal_year=2566
    )


def measure(kind: str, parameters: dict) -> dict:
    """In this (fresh) process: the first render, then the median of RUNS renders."""
    import io
    import resource

    from pypdf import PdfReader

    from core import report_kinds as registry
    from reports.models import ReportJob

    assessment = _assessment()
    job = ReportJob(assessment=assessment, kind=kind, parameters=parameters, requested_by=assessment.opened_by)
    build = registry.get(kind).build
    start = time.perf_counter()
    pdf = build(job, lambda percent: None)
    first = time.perf_counter() - start
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        pdf = build(job, lambda percent: None)
        times.append(time.perf_counter() - start)
    return {
        "first_s": first,
        "median_s": statistics.median(times),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "bytes": len(pdf),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        setup_django(int(sys.argv[3]))
        kind, parameters = CASES[sys.argv[2]]
        print(json.dumps(measure(kind, parameters)))
        return
    activities = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_ACTIVITIES
    setup_django(activities)
    seed(activities)
    from django.conf import settings

    limit = settings.REPORT_TIME_LIMIT
    print(
        f"43 OIT items with {settings.OIT_EVIDENCE_MAX_PER_ITEM} links each and a plan of {activities} activities, "
        f"every text at its max_length. REPORT_TIME_LIMIT = {limit} s."
    )
    print("| report | pages | PDF (MB) | first render (s) | median of next renders (s) | share of limit | peak (MiB) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for case in CASES:
        output = subprocess.run(
            [sys.executable, __file__, "--child", case, str(activities)],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ.copy(),
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        print(
            f"| {case} | {result['pages']} | {result['bytes'] / 1e6:.1f} | {result['first_s']:.2f} | "
            f"{result['median_s']:.2f} | {100 * result['first_s'] / limit:.1f} % | {result['peak_mib']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
