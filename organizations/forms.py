from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Invitation, Membership, Organization, Person

PROFILE_FIELDS = [
    "name",
    "acronym",
    "legal_form",
    "rfc",
    "cluni",
    "authorized_donee",
    "founded",
    "state",
    "municipality",
    "thematic_areas",
    "populations",
    "staff_range",
    "budget_range",
    "mission",
    "email",
    "phone",
    "website",
]
PROGRAM_FIELDS = ["sector", "tier", "status", "participation_start", "participation_end"]


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        # Sub-themes are indented under their theme (the queryset orders them that way).
        return f"— {obj}" if obj.parent_id else str(obj)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProfileFormMixin:
    def clean_rfc(self):
        rfc = (self.cleaned_data.get("rfc") or "").strip().upper()
        # The conditional unique constraint would only report its own name, as a form-wide error.
        taken = Organization.objects.filter(rfc=rfc).exclude(pk=self.instance.pk)
        if rfc and taken.exists():
            raise forms.ValidationError(
                _("An organization with this RFC already exists."), code="rfc_taken"
            )
        return rfc

    def clean_cluni(self):
        return (self.cleaned_data.get("cluni") or "").strip().upper()


class OrganizationLeaderForm(ProfileFormMixin, forms.ModelForm):
    """What a CSO leader may change: the profile, never the program-controlled fields."""

    class Meta:
        model = Organization
        fields = PROFILE_FIELDS
        field_classes = {"thematic_areas": ThemeChoiceField}
        widgets = {
            "thematic_areas": forms.CheckboxSelectMultiple,
            "populations": forms.CheckboxSelectMultiple,
            "mission": forms.Textarea(attrs={"rows": 4}),
        }


class OrganizationStaffForm(ProfileFormMixin, forms.ModelForm):
    class Meta:
        model = Organization
        fields = PROGRAM_FIELDS + PROFILE_FIELDS
        field_classes = OrganizationLeaderForm.Meta.field_classes
        widgets = {
            **OrganizationLeaderForm.Meta.widgets,
            "participation_start": DateInput(),
            "participation_end": DateInput(),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("participation_start"), cleaned.get("participation_end")
        if start and end and end < start:
            self.add_error("participation_end", _("The end cannot be before the start."))
        return cleaned


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "position", "level", "email", "phone"]


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role"]

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if Membership.objects.filter(
            organization=self.organization, user__email__iexact=email, is_active=True
        ).exists():
            raise forms.ValidationError(_("This person is already a member of the organization."))
        return email


class AcceptInvitationForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        from csa_portal.models import User

        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            try:
                validate_password(
                    p1, User(email=self.email, display_name=cleaned.get("display_name", ""))
                )
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8) or Excel .xlsx with a header row. Download the template below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        from django.conf import settings

        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".csv") or name.endswith(".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload
