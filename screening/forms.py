from django import forms

from candidates.models import Application
from screening.models import Instrument
from screening.parsing.validation import ACCEPTED_DESCRIPTION
from screening.testlogs import MAX_CSV_BYTES

ACCEPT_ATTRIBUTE = ".pdf,.docx,.doc,.rtf,.txt,.odt"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        # Every file is checked on its own by the ingestion service, so one empty or bad
        # file is named with its reason instead of failing the whole batch.
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class ResumeUploadForm(forms.Form):
    # The files box and the folder picker fill the same field; either one is enough.
    use_required_attribute = False

    files = MultipleFileField(
        label="Resumes",
        help_text=f"{ACCEPTED_DESCRIPTION}; up to 10 MB each. Select many files or drop a folder's worth here.",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if not files:
            raise forms.ValidationError("Choose at least one file.")
        if len(files) > 100:
            raise forms.ValidationError("Upload at most 100 files at a time.")
        return files


class ResumeReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")], widget=forms.RadioSelect)
    feedback = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), help_text="Required when rejecting."
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not (cleaned.get("feedback") or "").strip():
            self.add_error("feedback", "Please say why the resume is rejected.")
        return cleaned


class ApplyForm(forms.Form):
    name = forms.CharField(max_length=200, label="Full name")
    email = forms.EmailField(label="Email")
    phone = forms.CharField(max_length=40, required=False, label="Phone")
    resume = forms.FileField(
        label="Resume",
        help_text=f"{ACCEPTED_DESCRIPTION}, up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    cover_letter = forms.CharField(required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))
    linkedin_url = forms.URLField(required=False, label="LinkedIn profile", assume_scheme="https")
    portfolio_url = forms.URLField(required=False, label="Portfolio or website", assume_scheme="https")
    # Honeypot: hidden from people, filled in by naive bots.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class TestLogCsvForm(forms.Form):
    __test__ = False

    file = forms.FileField(
        required=False, label="CSV file", widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"})
    )
    csv_text = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > MAX_CSV_BYTES:
                raise forms.ValidationError("The file is larger than 2 MB.")
            raw = upload.read()
            try:
                cleaned["csv_text"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                cleaned["csv_text"] = raw.decode("cp1252", errors="replace")
        if not cleaned.get("csv_text"):
            raise forms.ValidationError("Choose a CSV file.")
        return cleaned


class InviteForm(forms.Form):
    application = forms.ModelChoiceField(queryset=Application.objects.none(), label="Candidate")
    instrument = forms.ModelChoiceField(queryset=Instrument.objects.none(), label="Questionnaire")

    def __init__(self, *args, applications, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda app: f"{app.candidate.name} <{app.candidate.email}>"
        self.fields["instrument"].queryset = instruments
        self.fields["instrument"].label_from_instance = lambda inst: f"{inst.name} (v{inst.version})"


class AssessmentWebhookForm(forms.Form):
    provider = forms.SlugField(max_length=60, help_text="A short name such as codility or hackerrank.")
