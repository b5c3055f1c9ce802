"""Ship Hireboard's own Big-Five instrument (50 items written for this project, 10 per
trait, half of them reverse-keyed). The items live in screening/data/instruments/."""

import csv
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "instruments" / "big_five_v1.csv"
SLUG, VERSION = "hireboard-big-five", "1"


def load(apps, schema_editor):
    Instrument = apps.get_model("screening", "Instrument")
    InstrumentItem = apps.get_model("screening", "InstrumentItem")
    if Instrument.objects.filter(slug=SLUG, version=VERSION).exists():
        return
    instrument = Instrument.objects.create(
        org=None,
        slug=SLUG,
        name="Hireboard Big Five (short form)",
        version=VERSION,
        description=(
            "Fifty statements about how you usually work and relate to others. "
            "Answer how much each one describes you; there are no right or wrong answers."
        ),
        items_per_page=10,
    )
    with CSV_PATH.open(newline="", encoding="utf-8") as handle:
        InstrumentItem.objects.bulk_create(
            InstrumentItem(
                instrument=instrument,
                order=int(row["order"]),
                trait=row["trait"],
                keying=row["keying"],
                text=row["text"],
                scale_points=5,
            )
            for row in csv.DictReader(handle)
        )


def unload(apps, schema_editor):
    apps.get_model("screening", "Instrument").objects.filter(slug=SLUG, version=VERSION, org=None).delete()


class Migration(migrations.Migration):
    dependencies = [("screening", "0002_alter_resume_candidate_assessmentwebhook_and_more")]

    operations = [migrations.RunPython(load, unload)]
