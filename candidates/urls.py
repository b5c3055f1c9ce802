from django.urls import path

from candidates import views

app_name = "candidates"

urlpatterns = [
    path("", views.candidate_list, name="list"),
    path("<int:candidate_id>/", views.candidate_detail, name="detail"),
    path("<int:candidate_id>/notes/", views.add_note, name="add_note"),
    path("applications/<int:application_id>/move/", views.move_application, name="move"),
    path("jobs/<int:job_id>/bulk-move/", views.bulk_move, name="bulk_move"),
    path("jobs/<int:job_id>/stages/<int:stage_id>/", views.stage_column, name="stage_column"),
]
