from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from integrations import crypto
from integrations.models import AtsConnection


class Command(BaseCommand):
    help = "Re-encrypt every stored ATS credential under the newest FIELD_ENCRYPTION_KEYS key."

    def handle(self, *args, **options):
        rotated, unreadable = 0, []
        for connection_id in AtsConnection.objects.unscoped().values_list("pk", flat=True):
            with transaction.atomic():
                connection = AtsConnection.objects.unscoped().select_for_update().get(pk=connection_id)
                try:
                    connection.credentials_encrypted = crypto.rotate(connection.credentials_encrypted)
                    connection.webhook_secret_encrypted = crypto.rotate(connection.webhook_secret_encrypted)
                except crypto.DecryptionError:
                    unreadable.append(connection_id)
                    continue
                connection.save(update_fields=["credentials_encrypted", "webhook_secret_encrypted"])
                rotated += 1
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {rotated} connection(s) under the newest key."))
        if unreadable:
            raise CommandError(
                f"Connections {unreadable} could not be decrypted with any configured key; re-enter their credentials."
            )
