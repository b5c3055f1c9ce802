from django.urls import path

from candidates import privacy_views

app_name = "privacy"

urlpatterns = [
    path("candidates/<int:candidate_id>/export/", privacy_views.export_candidate, name="export_candidate"),
    path("candidates/<int:candidate_id>/erase/", privacy_views.erase_candidate_view, name="erase_candidate"),
]
