from django.core.management.base import BaseCommand, CommandError

from ita.catalogue import FrameworkFileError, parse_framework_file
from ita.services.frameworks import framework_load


class Command(BaseCommand):
    help = (
        "Check and load ITA framework files (ita/framework/<year>.yaml, or a workbook .xlsx made with "
        "dump_framework), each all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="framework files: .yaml or .xlsx")
        parser.add_argument(
            "--note",
            default="",
            help="what the change is and why: the revision's note, which offices running the year read",
        )

    def handle(self, *args, files, **options):
        for path in files:
            try:
                spec = parse_framework_file(path)
                result = framework_load(spec=spec, note=options["note"])
            except FrameworkFileError as exc:
                problems = "\n".join(f"  {problem}" for problem in exc.problems)
                raise CommandError(f"{path} was not loaded; nothing changed:\n{problems}") from exc
            if result.changed:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{path}: framework {spec.fiscal_year} loaded "
                        f"({result.created} created, {result.updated} updated, {result.deleted} deleted)."
                    )
                )
                for change in result.changes if options["verbosity"] > 1 else []:
                    self.stdout.write(f"  {change}")
            else:
                self.stdout.write(f"{path}: framework {spec.fiscal_year} is already up to date.")
