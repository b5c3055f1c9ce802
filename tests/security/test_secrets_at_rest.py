import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from dashboard import webhooks_out
from dashboard.models import WebhookEndpoint


@pytest.mark.django_db
def test_webhook_secrets_are_encrypted_and_rotate_to_the_newest_key(org_world, settings):
    old_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    endpoint, secret = webhooks_out.create_webhook_endpoint(
        org=org_world.org_a, actor=org_world.admin, url="https://hooks.example.com/in", events=["application.created"]
    )
    stored = WebhookEndpoint.objects.get(pk=endpoint.pk).secret_encrypted
    assert secret not in stored
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_encryption_keys")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    assert webhooks_out.endpoint_secret(WebhookEndpoint.objects.get(pk=endpoint.pk)) == secret
