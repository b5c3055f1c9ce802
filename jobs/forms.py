from __future__ import annotations

from decimal import Decimal

from django import forms

from dashboard.models import User
from jobs.models import Job, Pipeline, ScoreWeight
from jobs.skills import all_skill_names, canonical_skill

WEIGHT_LABELS = {
    "skills": "Skills",
    "work_experience": "Work experience",
    "projects": "Projects",
    "education": "Education",
    "certifications": "Certifications",
}


class JobForm(forms.Form):
    title = forms.CharField(max_length=200)
    location = forms.CharField(max_length=200, required=False)
    employment_type = forms.ChoiceField(choices=Job.EmploymentType.choices, label="Employment type")
    status = forms.ChoiceField(choices=Job.Status.choices)
    published = forms.BooleanField(required=False, help_text="Published jobs are listed on the careers page.")
    experience = forms.CharField(
        max_length=100, required=False, help_text='Free text shown to candidates, e.g. "3–5 years".'
    )
    min_experience = forms.IntegerField(min_value=0, max_value=60, required=False, label="Minimum experience (years)")
    max_experience = forms.IntegerField(min_value=0, max_value=60, required=False, label="Maximum experience (years)")
    close_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Short summary")
    jd_html = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10, "class": "rich-text"}),
        required=False,
        label="Job description",
        help_text="Formatting allowed: paragraphs, bold, italics, lists, headings and links. Anything else is removed.",
    )
    must_have_skills = forms.CharField(
        required=False,
        label="Must-have skills",
        help_text="Separate skills with commas, e.g. Python, Django, PostgreSQL.",
        widget=forms.TextInput(attrs={"list": "skill-vocabulary", "class": "tag-input", "autocomplete": "off"}),
    )
    pipeline = forms.ModelChoiceField(queryset=Pipeline.objects.none(), empty_label=None)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pipeline"].queryset = Pipeline.objects.visible_to(user)
        for name, default in ScoreWeight.DEFAULTS.items():
            self.fields[f"weight_{name}"] = forms.DecimalField(
                min_value=Decimal("0"),
                max_value=Decimal("1"),
                decimal_places=2,
                initial=default,
                label=WEIGHT_LABELS[name],
                widget=forms.NumberInput(attrs={"step": "0.05", "class": "weight"}),
            )

    @classmethod
    def initial_for(cls, job: Job) -> dict:
        initial = {
            name: getattr(job, name)
            for name in (
                "title",
                "location",
                "employment_type",
                "status",
                "published",
                "experience",
                "min_experience",
                "max_experience",
                "close_date",
                "description",
                "jd_html",
            )
        }
        initial["must_have_skills"] = ", ".join(job.must_have_skills or [])
        initial["pipeline"] = job.pipeline_id
        for name in ScoreWeight.COMPONENTS:
            initial[f"weight_{name}"] = getattr(job.score_weight, name)
        return initial

    def weight_fields(self):
        return [self[f"weight_{name}"] for name in ScoreWeight.COMPONENTS]

    def clean_must_have_skills(self) -> list[str]:
        raw = [part.strip() for part in self.cleaned_data["must_have_skills"].split(",")]
        skills: list[str] = []
        unknown: list[str] = []
        for name in filter(None, raw):
            canonical = canonical_skill(name)
            if canonical is None:
                unknown.append(name)
            elif canonical not in skills:
                skills.append(canonical)
        if unknown:
            raise forms.ValidationError(
                "Not in the skills vocabulary: %(names)s. Pick skills from the suggestions.",
                params={"names": ", ".join(unknown)},
            )
        return skills

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_experience"), cleaned.get("max_experience")
        if low is not None and high is not None and low > high:
            self.add_error("max_experience", "The maximum must not be below the minimum.")
        weights = [cleaned.get(f"weight_{name}") for name in ScoreWeight.COMPONENTS]
        if all(weight is not None for weight in weights):
            total = sum(weights)
            if abs(total - Decimal("1")) > Decimal("0.005"):
                raise forms.ValidationError(f"The score weights must add up to 1; they add up to {total}.")
        return cleaned

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        weights = {name: data.pop(f"weight_{name}") for name in ScoreWeight.COMPONENTS}
        return {"weights": weights, **data}


def skill_vocabulary() -> list[str]:
    return all_skill_names()


class ShareForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label="Colleague", empty_label="Choose a colleague")

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = colleagues
        self.fields["user"].label_from_instance = lambda u: f"{u.name or u.email} ({u.get_role_display()})"
