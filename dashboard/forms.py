from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation

from dashboard.models import User


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address")
    name = forms.CharField(max_length=200, required=False, label="Name (optional)")
    role = forms.ChoiceField(choices=User.Role.choices, initial=User.Role.RECRUITER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=User.Role.choices)


class AcceptInviteForm(forms.Form):
    name = forms.CharField(max_length=200, label="Your name")
    password1 = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return cleaned
