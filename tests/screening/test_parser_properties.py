"""Whatever text or bytes arrive, parsing answers with the documented shape or a clear
rejection; it never crashes."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.parsing import UploadRejected, extract_fields, validate_upload
from screening.parsing.fields import PARSED_KEYS

resume_like_text = st.lists(
    st.one_of(
        st.text(max_size=80),
        st.sampled_from(
            [
                "EXPERIENCE", "Education", "Skills: Python, k8s, Postgres", "Jane Doe", "jane@example.com",
                "+44 20 7946 0958", "Developer | Acme | Jan 2019 – Present", "2016 - 2018", "• Built things",
                "Bachelor of Science in Physics", "University of Leeds, 2012 – 2015", "Projects", "Certifications",
                "linkedin.com/in/jane", "C/C++ and C#", "05/2019 - 01/2022",
            ]
        ),
    ),
    max_size=40,
).map("\n".join)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(resume_like_text)
def test_extract_fields_always_returns_the_documented_shape(text):
    parsed = extract_fields(text, today=date(2026, 1, 1))
    assert tuple(parsed.fields) == PARSED_KEYS
    assert parsed.relevant_experience_in_months >= 0
    assert isinstance(parsed.fields["skills"], list)
    assert set(parsed.fields["links"]) == {"linkedin", "github", "portfolio", "other"}
    for role in parsed.fields["experience"]:
        assert set(role) >= {"title", "company", "start", "end"}


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2048))
def test_validation_accepts_or_rejects_but_never_crashes(data):
    try:
        validated = validate_upload(data)
    except UploadRejected as rejected:
        assert rejected.message
    else:
        assert validated.kind in {"pdf", "docx", "doc", "rtf", "txt", "odt"}


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=4096))
def test_damaged_pdf_is_a_status_not_a_crash(tail):
    from screening.parsing import parse_resume

    outcome = parse_resume(b"%PDF-1.4\n" + tail, today=date(2026, 1, 1))
    assert outcome.status in {"ok", "no_text", "unreadable", "encrypted"}
    if not outcome.ok:
        assert outcome.message


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=2048))
def test_rtf_and_text_lookalikes_never_crash(body):
    from screening.parsing import parse_resume

    for data in (b"{\\rtf1 " + body, body):
        try:
            outcome = parse_resume(data, today=date(2026, 1, 1))
        except UploadRejected:
            continue
        assert outcome.status in {"ok", "no_text", "unreadable", "encrypted", "unsupported"}
