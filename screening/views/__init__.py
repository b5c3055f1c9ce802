"""Screening views, by area: resumes (dashboard), public (careers, apply, questionnaire),
test logs and personality screenings."""
