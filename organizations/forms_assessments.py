"""Forms of the assessment workflow. Ratings forms are built per area from its indicators."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DateInput
from .models import Area, Assessment, Framework, Rating
from .uploads import UploadRejected, check_evidence


class StartAssessmentForm(forms.ModelForm):
    framework = forms.ModelChoiceField(
        label=_("Instrument"), queryset=Framework.objects.current().order_by("code")
    )

    class Meta:
        model = Assessment
        fields = ["framework", "kind", "mode", "assessed_on"]
        widgets = {"assessed_on": DateInput()}

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            # CSOs start self-assessments; facilitated and joint ones are set up by staff.
            self.fields["mode"].choices = [(Assessment.Mode.SELF, Assessment.Mode.SELF.label)]


class AreaRatingsForm(forms.Form):
    """One level (or not applicable), evidence text and an optional file per indicator."""

    def __init__(self, *args, area: Area, indicators, ratings: dict[int, Rating], **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.indicators = indicators
        self.ratings = ratings
        framework = area.framework
        for indicator in indicators:
            rating = ratings.get(indicator.pk)
            choices = [
                (str(level), f"{level} · {indicator.descriptor(level)}")
                for level in framework.levels
            ]
            self.fields[f"level_{indicator.pk}"] = forms.TypedChoiceField(
                label=indicator.text,
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                empty_value=None,
                initial=rating.level if rating else None,
            )
            self.fields[f"na_{indicator.pk}"] = forms.BooleanField(
                label=_("Not applicable"),
                required=False,
                initial=rating.not_applicable if rating else False,
            )
            self.fields[f"evidence_{indicator.pk}"] = forms.CharField(
                label=_("Evidence"),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=rating.evidence if rating else "",
            )
            self.fields[f"file_{indicator.pk}"] = forms.FileField(
                label=_("Evidence file (PDF, office document or image, up to 10 MB)"),
                required=False,
            )

    def rows(self):
        for indicator in self.indicators:
            yield {
                "indicator": indicator,
                "rating": self.ratings.get(indicator.pk),
                "level": self[f"level_{indicator.pk}"],
                "na": self[f"na_{indicator.pk}"],
                "evidence": self[f"evidence_{indicator.pk}"],
                "file": self[f"file_{indicator.pk}"],
            }

    def clean(self):
        cleaned = super().clean()
        for indicator in self.indicators:
            level = cleaned.get(f"level_{indicator.pk}")
            if cleaned.get(f"na_{indicator.pk}") and level is not None:
                self.add_error(
                    f"level_{indicator.pk}", _("Choose a level or 'not applicable', not both.")
                )
            upload = cleaned.get(f"file_{indicator.pk}")
            if upload:
                try:
                    check_evidence(upload)
                except UploadRejected as exc:
                    self.add_error(f"file_{indicator.pk}", str(exc))
        return cleaned


class ValidationForm(forms.Form):
    """Staff and the CSO agree a level per indicator; a changed level needs the reason."""

    def __init__(self, *args, assessment: Assessment, ratings: list[Rating], indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.ratings = {r.indicator_id: r for r in ratings}
        self.indicators = indicators
        framework = assessment.framework
        choices = [("", _("keep"))] + [(str(v), str(v)) for v in framework.levels]
        for indicator in indicators:
            self.fields[f"level_{indicator.pk}"] = forms.TypedChoiceField(
                label=_("Agreed level"),
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
            )
            self.fields[f"reason_{indicator.pk}"] = forms.CharField(
                label=_("Reason"),
                required=False,
                max_length=2000,
                widget=forms.TextInput(),
            )

    def rows(self):
        for indicator in self.indicators:
            yield {
                "indicator": indicator,
                "rating": self.ratings.get(indicator.pk),
                "level": self[f"level_{indicator.pk}"],
                "reason": self[f"reason_{indicator.pk}"],
            }

    def clean(self):
        cleaned = super().clean()
        self.changes = []
        for indicator in self.indicators:
            level = cleaned.get(f"level_{indicator.pk}")
            if level is None:
                continue
            rating = self.ratings.get(indicator.pk)
            if rating and rating.level == level and not rating.not_applicable:
                continue
            reason = (cleaned.get(f"reason_{indicator.pk}") or "").strip()
            if not reason:
                self.add_error(
                    f"reason_{indicator.pk}",
                    _("Write the reason both sides agreed on for this change."),
                )
                continue
            self.changes.append((indicator.pk, level, reason))
        return cleaned


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen it?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
