from django import forms
from django.utils.translation import gettext_lazy as _

from .privacy import consent_purposes
from .privacy_models import DataRequest


class ConsentForm(forms.Form):
    """One checkbox per voluntary purpose the apps registered; unchecked means revoked."""

    purposes = forms.MultipleChoiceField(
        label=_("I agree to"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purposes"].choices = [(p.code, p.label) for p in consent_purposes()]


class DataRequestForm(forms.ModelForm):
    class Meta:
        model = DataRequest
        fields = ["kind", "details"]
        help_texts = {
            "details": _(
                "Say what you ask for: which data, what should be corrected and how, or which "
                "use you object to."
            )
        }

    def clean_details(self) -> str:
        details = self.cleaned_data["details"].strip()
        if not details:
            raise forms.ValidationError(_("Tell us what you are asking for."))
        return details


class DecisionForm(forms.Form):
    ANSWER = "answer"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ANSWER, _("Answer (for a cancellation: approve it)")),
            (REJECT, _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        label=_("Response or reason"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text=_("The person sees this text on their request."),
    )

    def clean_response(self) -> str:
        response = self.cleaned_data["response"].strip()
        if not response:
            raise forms.ValidationError(_("Write the response the person will read."))
        return response


class ExecuteCancellationForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand this anonymizes the person everywhere and cannot be undone."),
        required=True,
    )
