"""Part of the production proof (.ci/production): ask for every registered report kind of the
demo office's FY 2566 assessment as its admin, through the same service the Reports page uses,
and wait for a Celery worker to render each one. Kinds that take parameters are asked for with
none and with one published item. Exits non-zero when a report fails, is not a PDF, or is late.

Run with the application's environment: python .ci/render_reports.py [timeout-seconds]
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OFFICE_SLUG = "spm-chanthaburi-trat"
FISCAL_YEAR = 2566


def main(timeout: float) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()

    from django.core.exceptions import ValidationError

    from accounts.models import Membership, Role
    from core.report_kinds import kinds
    from ita.models import Assessment
    from oit.models import Item
    from reports.models import ReportJob
    from reports.services import report_request

    assessment = Assessment.objects.select_related("office").get(office__slug=OFFICE_SLUG, fiscal_year=FISCAL_YEAR)
    membership = Membership.objects.filter(office=assessment.office, role=Role.ADMIN).first()
    item = (
        Item.objects.filter(assessment=assessment, status=Item.Status.PUBLISHED).select_related("definition").first()
        or Item.objects.filter(assessment=assessment).select_related("definition").first()
    )
    # One at a time, as a person would wait for each: a person may have only a few reports in the
    # making at once (REPORT_MAX_ACTIVE_PER_USER), and every request must pass that check.
    jobs, pending = [], set()
    deadline = time.monotonic() + timeout
    for kind in kinds():
        asks = [{}] + ([{"item": item.definition.code}] if kind.clean_parameters else [])
        for data in asks:
            try:
                job = report_request(assessment=assessment, membership=membership, kind=kind.code, data=data)
            except ValidationError as exc:
                print(f"FAIL {kind.code} {data or ''}: refused: {'; '.join(exc.messages)}")
                return 1
            jobs.append(job)
            pending.add(job.pk)
            while pending and time.monotonic() < deadline:
                time.sleep(0.5)
                finished = ReportJob.objects.filter(
                    pk__in=pending, status__in=[ReportJob.Status.DONE, ReportJob.Status.FAILED]
                )
                pending -= set(finished.values_list("pk", flat=True))
    print(f"Asked for {len(jobs)} reports of {len(kinds())} kinds")

    ok = True
    for job in ReportJob.objects.filter(pk__in=[job.pk for job in jobs]).order_by("pk"):
        what = f"{job.kind} {job.parameters or ''}".strip()
        if job.status != ReportJob.Status.DONE:
            print(f"FAIL {what}: {job.status} {job.error[-1500:]}")
            ok = False
            continue
        with job.file.open("rb") as pdf:
            head, size = pdf.read(5), job.file.size
        seconds = (job.finished_at - job.started_at).total_seconds()
        if head != b"%PDF-":
            print(f"FAIL {what}: the file does not start with %PDF ({head!r})")
            ok = False
        else:
            print(f"ok   {what}: {size // 1024} KB in {seconds:.1f} s")
    if pending:
        print(f"Timed out after {timeout:.0f} s with {len(pending)} reports unfinished")
    return 0 if ok and not pending else 1


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 180))
