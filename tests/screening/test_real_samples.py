"""Sanity checks against real-world resumes in ../shared/resume-samples/ (never copied here).

The expected values below were written by reading each sample; months are as of TODAY.
"""

from datetime import date
from pathlib import Path

import pytest

from screening.parsing import parse_resume

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "resume-samples"
TODAY = date(2026, 11, 1)

EXPECTED = {
    "01-Accountant": {"name": "Ebony Moore", "email": "emoore@email.com", "phone": "+12065550149", "months": 91, "skills": {"Accounts Payable", "Accounts Receivable", "Tax Preparation"}},
    "01-Desktop_Support": {"name": "Ivy Haddington", "email": "ihaddington@email.com", "phone": "+15875550176", "months": 100, "skills": {"Troubleshooting", "Customer Service"}},
    "01-Office_Coordinator": {"name": "John Smith", "email": "jsmith@email.com", "phone": "+17715550100", "months": 166, "skills": {"Microsoft Word", "Microsoft Excel", "Microsoft Outlook"}},
    "02-Accountant": {"name": "Sofia Flores", "email": "sflores@email.com", "phone": "+13055550196", "months": 179, "skills": {"Tax Preparation"}},
    "02-Desktop_Support": {"name": "Ebony Moore", "email": "emoore@email.com", "phone": "+18735550156", "months": 188, "skills": {"Customer Service"}},
    "02-Office_Coordinator": {"name": "Cody Fredrickson", "email": "cfredrickson@email.com", "phone": "+17715550199", "months": 135, "skills": {"Microsoft Office"}},
}  # fmt: skip
SINGLE = {
    "DevOps-Sample2.pdf": {"email": "info@resumementor.com", "phone": "+12345551234", "months": 142, "skills": {"Kubernetes", "Terraform", "Docker", "AWS"}},
    "aws-devops-engineer-resume-example.pdf": {"name": "Catherine Stark", "email": "catherinestark@email.com", "phone": "+11234567890", "months": 126, "skills": {"Kubernetes", "Terraform", "Jenkins", "CloudFormation"}},
    "devops-engineer-resume-example.pdf": {"name": "Jared Richards", "email": "jaredrich@email.com", "months": 114},
    "sample_resume.txt": {"name": "John Smith", "email": "john.smith@email.com", "phone": "+15551234567", "months": 131, "skills": {"Python", "Django", "PostgreSQL", "Kubernetes", "Go"}},
    "sample_resume.pdf": {"name": "Alex Johnson", "email": "alex.johnson@example.com", "phone": "+15559876543", "months": 71, "skills": {"React", "Node.js", "Python"}},
    "sample_resume.docx": {"name": "Jane Smith", "email": "jane.smith@example.com", "months": 59, "skills": {"Python", "R"}},
    "Mickey01_docx.docx": {"name": "Mickey Mouse", "phone": "+11234567890", "skills": {"Kubernetes", "Terraform", "Python"}},
}  # fmt: skip

CASES = [(f"{stem}.{ext}", expected) for stem, expected in EXPECTED.items() for ext in ("pdf", "docx")]
CASES += list(SINGLE.items())


@pytest.mark.parametrize(("file_name", "expected"), CASES, ids=[c[0] for c in CASES])
def test_real_sample(file_name, expected):
    path = SAMPLES / file_name
    if not path.exists():
        pytest.skip(f"{SAMPLES} is not available beside the checkout")
    outcome = parse_resume(path.read_bytes(), today=TODAY)
    assert outcome.ok, outcome.message
    fields = outcome.fields
    for key in ("name", "email", "phone"):
        if key in expected:
            assert fields[key] == expected[key], key
    if "months" in expected:
        assert abs(outcome.relevant_experience_in_months - expected["months"]) <= 3
    assert expected.get("skills", set()) <= set(fields["skills"])
    assert set(fields) == {
        "name", "email", "phone", "location", "links", "skills", "experience", "education", "certifications", "projects",
    }  # fmt: skip


def test_same_resume_as_pdf_and_docx_parses_the_same():
    if not SAMPLES.exists():
        pytest.skip(f"{SAMPLES} is not available beside the checkout")
    for stem in EXPECTED:
        pdf = parse_resume((SAMPLES / f"{stem}.pdf").read_bytes(), today=TODAY)
        word = parse_resume((SAMPLES / f"{stem}.docx").read_bytes(), today=TODAY)
        assert pdf.relevant_experience_in_months == word.relevant_experience_in_months, stem
        assert set(pdf.fields["skills"]) == set(word.fields["skills"]), stem
