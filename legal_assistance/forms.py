"""Forms of legal assistance; each lists its fields and limits its choices to the user's own."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.forms import DateInput
from organizations.models import Action, Organization
from organizations.uploads import UploadRejected, check_evidence

from .models import (
    CaseStatus,
    ComplianceStatus,
    LawFirm,
    LegalArea,
    LegalCase,
    OrganizationCompliance,
)
from .services.cases import ACCEPT, ASK_FOR_MORE, DECLINE

TEXT = {"rows": 3}


def _checked_file(upload):
    """Refuse a disallowed or oversized file in the form, before anything is saved."""
    if upload is None:
        return upload
    try:
        check_evidence(upload)
    except UploadRejected as exc:
        raise forms.ValidationError(str(exc)) from exc
    return upload


class RequestForm(forms.ModelForm):
    document = forms.FileField(
        label=_("A document (optional)"),
        required=False,
        help_text=_("PDF, office document or image, up to 10 MB."),
    )

    class Meta:
        model = LegalCase
        fields = ["area", "subject", "need", "urgency", "serves_action"]
        widgets = {"need": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "subject": _("A short title, e.g. “Update our bylaws”."),
            "need": _("What happened, what you need and any deadline."),
        }

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["serves_action"].queryset = (
            Action.objects.filter(plan__organization=organization)
            .select_related("plan")
            .order_by("due_date", "id")
        )
        self.fields["serves_action"].required = False

    def clean_document(self):
        return _checked_file(self.cleaned_data.get("document"))


class TriageForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (ACCEPT, _("Accept the case")),
            (ASK_FOR_MORE, _("Ask the organization for more information")),
            (DECLINE, _("Decline the case")),
        ],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message or reason"),
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        help_text=_("Required to ask for more information or to decline."),
    )


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs=TEXT))


class MatchForm(forms.Form):
    firm = forms.ModelChoiceField(label=_("Law firm"), queryset=LawFirm.objects.active())


class RespondForm(forms.Form):
    conflict = forms.TypedChoiceField(
        label=_("Conflict of interest check"),
        choices=[
            ("no", _("We have no conflict of interest with this organization: we take the case")),
            ("yes", _("We have a conflict of interest: we decline the case")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("The conflict, in general terms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HoursForm(forms.Form):
    worked_on = forms.DateField(label=_("Date"), widget=DateInput())
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=2)
    description = forms.CharField(label=_("What was done"), max_length=300)


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, office document or image, up to 10 MB.")
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def clean_file(self):
        return _checked_file(self.cleaned_data.get("file"))


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    reached_on = forms.DateField(label=_("Reached on"), widget=DateInput())


class ResolveForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs=TEXT))


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Closing note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the case closes without being resolved."),
    )


class CaseFilterForm(forms.Form):
    area = forms.ChoiceField(
        label=_("Area"), choices=[("", _("All areas")), *LegalArea.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *CaseStatus.choices], required=False
    )
    firm = forms.ModelChoiceField(
        label=_("Law firm"),
        queryset=LawFirm.objects.all(),
        required=False,
        empty_label=_("All firms"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filter(self, cases):
        if not self.is_valid():
            return cases
        data = self.cleaned_data
        if data.get("area"):
            cases = cases.filter(area=data["area"])
        if data.get("status"):
            cases = cases.filter(status=data["status"])
        if data.get("firm"):
            cases = cases.filter(firm=data["firm"])
        return cases


AREA_CHOICES_FIELD = {
    "choices": LegalArea.choices,
    "widget": forms.CheckboxSelectMultiple,
}


class FirmForm(forms.ModelForm):
    areas = forms.MultipleChoiceField(label=_("Practice areas"), **AREA_CHOICES_FIELD)

    class Meta:
        model = LawFirm
        fields = [
            "name",
            "city",
            "state",
            "reference_hourly_rate",
            "yearly_pledged_hours",
            "contact_name",
            "contact_email",
            "contact_phone",
            "is_active",
        ]
        help_texts = {
            "reference_hourly_rate": _("MXN per hour; values the firm's pro bono hours."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["areas"].initial = [a.area for a in self.instance.areas.all()]


class LawyerAddForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    display_name = forms.CharField(label=_("Name"), max_length=150)
    practice_areas = forms.MultipleChoiceField(
        label=_("Practice areas"), required=False, **AREA_CHOICES_FIELD
    )


class LawyerEditForm(forms.Form):
    practice_areas = forms.MultipleChoiceField(
        label=_("Practice areas"), required=False, **AREA_CHOICES_FIELD
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)


class ComplianceForm(forms.ModelForm):
    class Meta:
        model = OrganizationCompliance
        fields = ["status", "evidence", "checked_on", "case"]
        widgets = {"checked_on": DateInput(), "evidence": forms.Textarea(attrs=TEXT)}

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = ComplianceStatus.choices
        self.fields["case"].queryset = LegalCase.objects.filter(organization=organization)
        self.fields["case"].label_from_instance = lambda case: (
            f"{case.reference} · {case.get_area_display()}"
        )
