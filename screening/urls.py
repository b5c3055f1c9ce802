from django.urls import path

from screening.views import public, resumes, screenings, testlogs

app_name = "screening"

urlpatterns = [
    # Resumes (dashboard)
    path("jobs/<int:job_id>/resumes/", resumes.job_resumes, name="job_resumes"),
    path("jobs/<int:job_id>/resumes/upload/", resumes.job_upload, name="upload"),
    path("jobs/<int:job_id>/resumes/upload/status/", resumes.upload_status, name="upload_status"),
    path("jobs/<int:job_id>/resumes/rescore/", resumes.job_rescore, name="job_rescore"),
    path("jobs/<int:job_id>/resumes/rescore/status/", resumes.rescore_status, name="rescore_status"),
    path("resumes/<int:resume_id>/", resumes.resume_detail, name="resume_detail"),
    path("resumes/<int:resume_id>/status/", resumes.resume_status, name="resume_status"),
    path("resumes/<int:resume_id>/review/", resumes.resume_review, name="resume_review"),
    path("resumes/<int:resume_id>/file/", resumes.resume_file, name="resume_file"),
    # Test logs
    path("jobs/<int:job_id>/test-logs/", testlogs.job_test_logs, name="job_test_logs"),
    path("jobs/<int:job_id>/test-logs/import/", testlogs.test_log_import, name="test_log_import"),
    path("candidates/<int:candidate_id>/test-logs/", testlogs.candidate_test_logs, name="candidate_test_logs"),
    path("assessment-webhooks/", testlogs.assessment_webhooks, name="assessment_webhooks"),
    path("webhooks/assessments/<uuid:key>/", testlogs.assessment_webhook, name="assessment_webhook"),
    # Personality screenings
    path("jobs/<int:job_id>/screenings/", screenings.job_screenings, name="job_screenings"),
    path("jobs/<int:job_id>/screenings/invite/", screenings.screening_invite, name="screening_invite"),
    path("screenings/<int:screening_id>/", screenings.screening_detail, name="screening_detail"),
    path("screenings/<int:screening_id>/resend/", screenings.screening_resend, name="screening_resend"),
    path("screenings/<int:screening_id>/revoke/", screenings.screening_revoke, name="screening_revoke"),
    # Public: candidates never log in
    path("careers/<slug:org_slug>/", public.careers, name="careers"),
    path("apply/<str:token>/", public.apply, name="apply"),
    path("apply/<str:token>/thanks/", public.apply_done, name="apply_done"),
    path("q/<str:signed>/", public.questionnaire, name="questionnaire"),
]
