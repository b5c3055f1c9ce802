from django.urls import path

from dashboard import apitokens, webhook_views

app_name = "settings"

urlpatterns = [
    path("api-tokens/", apitokens.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", apitokens.revoke_token, name="revoke_token"),
    path("webhooks/", webhook_views.webhooks, name="webhooks"),
    path("webhooks/<int:endpoint_id>/", webhook_views.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:endpoint_id>/test/", webhook_views.webhook_test, name="webhook_test"),
    path("webhooks/<int:endpoint_id>/active/", webhook_views.webhook_set_active, name="webhook_set_active"),
    path("webhooks/<int:endpoint_id>/delete/", webhook_views.webhook_delete, name="webhook_delete"),
]
