from datetime import timedelta

from django.core.management.base import BaseCommand

from core.files import sweep_orphan_files


class Command(BaseCommand):
    help = (
        "Delete stored files that no row of any model points at and that are older than the grace "
        "period (FILES_SWEEP_GRACE_HOURS); --dry-run only lists them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list the files without deleting them")
        parser.add_argument("--grace-hours", type=int, help="default: FILES_SWEEP_GRACE_HOURS")
        parser.add_argument("--limit", type=int, help="at most this many files in one run; default: FILES_SWEEP_MAX")

    def handle(self, *args, dry_run, grace_hours, limit, **options):
        grace = timedelta(hours=max(grace_hours, 1)) if grace_hours is not None else None
        result = sweep_orphan_files(grace=grace, limit=limit, dry_run=dry_run)
        for name in result.orphans:
            self.stdout.write(name)
        verb = "would be deleted" if dry_run else "deleted"
        summary = (
            f"{result.examined} files examined, {len(result.orphans)} without a row {verb}, "
            f"{result.young} recent ones without a row kept."
        )
        if result.limited:
            summary += " Stopped at the limit: run again for the rest."
        self.stdout.write(self.style.SUCCESS(summary))
