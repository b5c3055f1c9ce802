from __future__ import annotations

from django import forms

from candidates.models import Application
from jobs.models import Job, Stage

REASON_HELP = "Required when rejecting."


class MoveForm(forms.Form):
    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), label="Move to", empty_label=None)
    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), help_text=REASON_HELP
    )

    def __init__(self, *args, job: Job, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = Stage.objects.filter(pipeline_id=job.pipeline_id).order_by("order")
        self.fields["stage"].error_messages["invalid_choice"] = "Choose one of this job's stages."

    def clean(self):
        cleaned = super().clean()
        stage = cleaned.get("stage")
        if stage is not None and stage.kind == Stage.Kind.REJECTED and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Please give a reason for the rejection.")
        return cleaned


class BulkMoveForm(MoveForm):
    applications = forms.ModelMultipleChoiceField(
        queryset=Application.objects.none(),
        error_messages={
            "required": "Select at least one candidate.",
            "invalid_choice": "Select candidates of this job.",
        },
    )

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = applications


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Add a note", max_length=10_000, widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write a note…"})
    )
