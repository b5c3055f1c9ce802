"""Re-encrypt every secret stored at rest under the newest FIELD_ENCRYPTION_KEYS key.

Rotation: put a new key first in FIELD_ENCRYPTION_KEYS (keep the old one after it), deploy,
run this command, then drop the old key.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dashboard.models import WebhookEndpoint
from integrations import crypto
from integrations.models import AtsConnection

# model -> its encrypted fields
ENCRYPTED_FIELDS = {
    AtsConnection: ("credentials_encrypted", "webhook_secret_encrypted"),
    WebhookEndpoint: ("secret_encrypted",),
}


class Command(BaseCommand):
    help = "Re-encrypt ATS credentials and webhook secrets under the newest FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args, **options):
        unreadable: list[str] = []
        for model, fields in ENCRYPTED_FIELDS.items():
            rotated = 0
            manager = getattr(model.objects, "unscoped", model.objects.all)
            for pk in manager().values_list("pk", flat=True):
                with transaction.atomic():
                    row = model.objects.select_for_update().get(pk=pk)
                    try:
                        for field in fields:
                            setattr(row, field, crypto.rotate(getattr(row, field)))
                    except crypto.DecryptionError:
                        unreadable.append(f"{model._meta.verbose_name} {pk}")
                        continue
                    row.save(update_fields=list(fields))
                    rotated += 1
            self.stdout.write(f"{model._meta.verbose_name_plural}: {rotated} re-encrypted under the newest key.")
        if unreadable:
            raise CommandError(
                f"{', '.join(unreadable)} could not be decrypted with any configured key; enter those secrets again."
            )
