"""Screening views, by area: resumes (dashboard), public (careers, apply, questionnaire),
test logs and personality screenings."""


def bound_data(request) -> tuple:
    """Form data for a POST (even an empty one, so its errors show), nothing for a GET."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None
