from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ita.catalogue import framework_yaml
from ita.models import Framework
from ita.services.frameworks import framework_spec
from ita.workbook import framework_workbook


class Command(BaseCommand):
    help = (
        "Write a year's framework as a YAML file or an Excel workbook; load_framework reads either back "
        "without changing a row."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="fiscal year (B.E.), e.g. 2569")
        parser.add_argument(
            "--format", choices=["yaml", "xlsx"], help="default: from the output's extension, else yaml"
        )
        parser.add_argument("-o", "--output", help="the file to write (YAML goes to standard output without it)")

    def handle(self, *args, year, output, **options):
        fmt = options["format"] or ("xlsx" if output and output.lower().endswith(".xlsx") else "yaml")
        try:
            framework = Framework.objects.get(fiscal_year=year)
        except Framework.DoesNotExist:
            raise CommandError(f"There is no framework for fiscal year {year}; load it first.") from None
        spec = framework_spec(framework)
        if fmt == "xlsx":
            if not output:
                raise CommandError("A workbook needs a file: add -o FILE.xlsx.")
            Path(output).write_bytes(framework_workbook(spec))
        elif output:
            Path(output).write_text(framework_yaml(spec), encoding="utf-8")
        else:
            self.stdout.write(framework_yaml(spec), ending="")
            return
        self.stdout.write(self.style.SUCCESS(f"Framework {year} written to {output}."))
