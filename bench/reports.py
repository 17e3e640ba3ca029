"""Benchmark: render time and peak memory of the report PDFs, against raw WeasyPrint.

    .venv/bin/python bench/reports.py [ACTIVITIES]    # SQLite file in the system temp folder
    DATABASE_URL=postgres://... .venv/bin/python bench/reports.py [ACTIVITIES]

ACTIVITIES (default 40) sizes the plan: each activity has four progress updates, so 40 give an
annual report of about 35 pages and 60 about 44.

It seeds the demo office, grows its FY 2566 cycle to a large one (an annual report of 30+ pages),
then, in a fresh process per case, renders each report a few times after one warm-up render (a
warm worker) and reports the median time and the process's peak memory. "Raw" is WeasyPrint alone
on the same HTML; the ratio is what our pipeline (queries, template, text-layer fix) adds.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
DEFAULT_ACTIVITIES = 40
CASES = [("annual", {}), ("oit-forms", {})]


def setup_django(activities: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / f'ita-bench-reports-{activities}.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


def seed(activities: int) -> None:
    """The demo office with a large FY 2566 cycle; run once per database."""
    from datetime import date, timedelta

    from django.core.management import call_command

    from spdca.models import Activity, Finding, Improvement, ProgressUpdate

    call_command("migrate", verbosity=0)
    call_command("load_framework", *sorted(str(p) for p in (ROOT / "ita" / "framework").glob("*.yaml")), verbosity=0)
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_cycle", verbosity=0)
    assessment = _assessment()
    if assessment.activities.count() >= activities:
        return
    template = assessment.activities.first()
    recorder = template.responsible
    indicators = list(assessment.framework.indicators.all())
    narrative = (
        "ดำเนินการตามแผนโดยประชุมชี้แจงบุคลากรทุกกลุ่ม/หน่วย ติดตามผลการดำเนินงานและรายงานต่อผู้บริหาร "
        "พร้อมเผยแพร่ผลการดำเนินงานบนเว็บไซต์ของสำนักงานเพื่อให้ผู้มีส่วนได้ส่วนเสียรับทราบ"
    )
    for number in range(activities - assessment.activities.count()):
        activity = Activity.objects.create(
            assessment=assessment,
            title=f"กิจกรรมส่งเสริมคุณธรรมและความโปร่งใส ครั้งที่ {number + 1}",
            objective="เสริมสร้างวัฒนธรรมองค์กรที่ไม่ทนต่อการทุจริตและยึดหลักธรรมาภิบาล",
            unit=template.unit,
            responsible=recorder,
            start=date(2022, 10, 1) + timedelta(days=number * 4),
            end=date(2023, 1, 1) + timedelta(days=number * 4),
            is_publicity=number % 5 == 0,
        )
        activity.indicators.set(indicators[number % 10 : number % 10 + 2])
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                activity=activity,
                date=activity.start + timedelta(days=20 * step),
                percent=25 * step,
                narrative=narrative,
                recorded_by=recorder,
            )
            for step in range(1, 5)
        )
    for number, indicator in enumerate(indicators * 3):
        Finding.objects.create(
            assessment=assessment,
            kind=Finding.Kind.DEVELOP if number % 2 else Finding.Kind.STRENGTH,
            instrument=indicator.instrument,
            indicator=indicator,
            text=narrative,
        )
    Improvement.objects.bulk_create(
        Improvement(assessment=assessment, phase=phase, cause=narrative, action=narrative, owner=recorder)
        for phase in Improvement.Phase.values
        for _ in range(10)
    )


def _assessment():
    from ita.models import Assessment

    return Assessment.objects.select_related("office", "framework").get(
        office__slug="spm-chanthaburi-trat", fiscal_year=2566
    )


def measure(kind: str, parameters: dict, mode: str) -> dict:
    """In this (fresh) process: one warm-up render, then the median of RUNS renders."""
    import resource

    from weasyprint import HTML

    from core import report_kinds as registry
    from reports.models import ReportJob

    assessment = _assessment()
    job = ReportJob(assessment=assessment, kind=kind, parameters=parameters, requested_by=assessment.opened_by)
    build = registry.get(kind).build
    captured = {}

    if mode == "raw":
        # The same HTML our pipeline renders, captured once, then WeasyPrint alone.
        import reports.pdf as pdf_module

        original = pdf_module.html_to_pdf
        pdf_module.html_to_pdf = lambda html: captured.setdefault("html", html) and original(html)
        build(job, lambda percent: None)
        pdf_module.html_to_pdf = original

        def render() -> bytes:
            return HTML(string=captured["html"], base_url=str(ROOT / "static")).write_pdf()
    else:

        def render() -> bytes:
            return build(job, lambda percent: None)

    pdf = render()  # warm-up: fonts loaded, templates compiled
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        pdf = render()
        times.append(time.perf_counter() - start)
    import io

    from pypdf import PdfReader

    return {
        "median_s": statistics.median(times),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        setup_django(int(sys.argv[4]))
        kind, mode = sys.argv[2], sys.argv[3]
        parameters = dict(CASES)[kind]
        print(json.dumps(measure(kind, parameters, mode)))
        return
    activities = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_ACTIVITIES
    setup_django(activities)
    seed(activities)
    rows = []
    for kind, _parameters in CASES:
        results = {}
        for mode in ("pipeline", "raw"):
            output = subprocess.run(
                [sys.executable, __file__, "--child", kind, mode, str(activities)],
                check=True,
                capture_output=True,
                text=True,
                env=os.environ.copy(),
            ).stdout
            results[mode] = json.loads(output.strip().splitlines()[-1])
        rows.append((kind, results))
    print(f"Plan of {activities} activities, median of {RUNS} renders after a warm-up, each case in a fresh process.")
    print("| report | pages | pipeline (s) | raw WeasyPrint (s) | ratio | peak memory pipeline / raw (MiB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, results in rows:
        pipeline, raw = results["pipeline"], results["raw"]
        print(
            f"| {kind} | {pipeline['pages']} | {pipeline['median_s']:.2f} | {raw['median_s']:.2f} | "
            f"{pipeline['median_s'] / raw['median_s']:.2f}× | {pipeline['peak_mib']:.0f} / {raw['peak_mib']:.0f} |"
        )


if __name__ == "__main__":
    main()
