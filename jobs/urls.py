from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views.job_create, name="create"),
    path("<int:job_id>/", views.job_detail, name="board"),
    path("<int:job_id>/edit/", views.job_edit, name="edit"),
    path("<int:job_id>/share/", views.job_share, name="share"),
    path("<int:job_id>/share/<int:user_id>/remove/", views.job_unshare, name="unshare"),
    *[
        path(f"<int:job_id>/{tab}/", views.job_detail, {"tab": tab}, name=tab)
        for tab, _, _ in views.TABS
        if tab != "board"
    ],
]
