"""Load a questionnaire (e.g. an organisation's licensed or public-domain inventory) from CSV.

    manage.py load_instrument items.csv --slug mini-ipip --name "Mini-IPIP" --instrument-version 1 [--org acme]

CSV columns: order, trait, keying, text[, scale_points]. Traits: openness,
conscientiousness, extraversion, agreeableness, emotional_stability; keying: positive or
reversed. A slug and version pair can be loaded once; load changes as a new version.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dashboard.models import Organization
from screening.personality import InstrumentFileError, read_instrument_csv
from screening.services import import_instrument


class Command(BaseCommand):
    help = "Load a personality questionnaire from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("csv_path", type=Path)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--instrument-version", dest="instrument_version", default="1")
        parser.add_argument("--org", help="organisation slug; omit to make it available to every organisation")
        parser.add_argument("--description", default="")
        parser.add_argument("--items-per-page", type=int, default=10)

    def handle(self, *args, **options):
        path: Path = options["csv_path"]
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        org = None
        if options["org"]:
            org = Organization.objects.filter(slug=options["org"]).first()
            if org is None:
                raise CommandError(f"No organisation with slug {options['org']!r}.")
        try:
            rows = read_instrument_csv(path.read_text(encoding="utf-8"))
            instrument = import_instrument(
                rows=rows,
                slug=options["slug"],
                name=options["name"],
                version=options["instrument_version"],
                org=org,
                description=options["description"],
                items_per_page=options["items_per_page"],
            )
        except InstrumentFileError as error:
            raise CommandError("The file has problems:\n  " + "\n  ".join(error.errors))
        except (ValidationError, UnicodeDecodeError) as error:
            raise CommandError(str(getattr(error, "messages", [error])[0]))
        self.stdout.write(self.style.SUCCESS(f"Loaded {instrument} with {len(rows)} items."))
