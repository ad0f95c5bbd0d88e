"""Forms of the grants app; each lists its fields and limits its choices to the user's own."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.forms import DateInput
from organizations.geo import MexicanState
from organizations.models import Organization, ThematicArea

from .models import (
    CRITERIA,
    BudgetCategory,
    BudgetLine,
    Currency,
    GrantApplication,
    GrantReport,
    Review,
)
from .services.applications import BudgetLineInput, agreed_actions
from .services.awards import ReportInput, TrancheInput
from .uploads import UploadRejected, check_attachment

MIN_AMOUNT = Decimal("0.01")
BLANK = [("", "---------")]


class MoneyField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_AMOUNT)
        super().__init__(max_digits=14, decimal_places=2, **kwargs)


class AttachmentField(forms.FileField):
    """An optional file, checked by content: PDF, office documents or images up to 10 MB."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Attach a file"))
        kwargs.setdefault("help_text", _("PDF, office document or image, up to 10 MB."))
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            try:
                check_attachment(upload)
            except UploadRejected as exc:
                raise forms.ValidationError(str(exc)) from exc
        return upload


class ActionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.plan.title}: {obj.description[:120]}"


class ApplicationForm(forms.ModelForm):
    """What the CSO writes. Only the title is needed for a draft; submitting needs the rest."""

    states = forms.MultipleChoiceField(
        label=_("States covered"),
        choices=MexicanState.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    requested_amount = MoneyField(label=_("Requested amount"), required=False)
    duration_months = forms.IntegerField(
        label=_("Duration (months)"), min_value=1, max_value=60, required=False
    )
    serves_actions = ActionChoiceField(
        label=_("Improvement-plan actions it serves"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional: actions of your agreed improvement plans that this grant serves."),
    )
    attachment = AttachmentField()

    class Meta:
        model = GrantApplication
        fields = [
            "kind",
            "title",
            "theme",
            "problem",
            "objectives",
            "activities",
            "expected_results",
            "states",
            "requested_amount",
            "currency",
            "duration_months",
            "serves_actions",
        ]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "activities": forms.Textarea(attrs={"rows": 3}),
            "expected_results": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = ThematicArea.objects.filter(parent__isnull=True)
        self.fields["serves_actions"].queryset = (
            agreed_actions(organization).select_related("plan").order_by("plan_id", "due_date")
        )
        if self.instance.pk:
            self.initial["states"] = list(self.instance.states)

    def application_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name not in {"serves_actions"}
        }


class RowForm(forms.Form):
    """A row of a table of forms: Bootstrap classes on the widgets, labels for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", f"{css} form-control-sm")
            field.widget.attrs.setdefault("aria-label", str(field.label))


class BudgetLineForm(RowForm):
    # A blank first choice: an untouched row posts nothing and is skipped.
    category = forms.ChoiceField(label=_("Category"), choices=BLANK + BudgetCategory.choices)
    description = forms.CharField(label=_("Description"), max_length=200)
    amount = MoneyField(label=_("Amount"))


class BaseInputFormSet(forms.BaseFormSet):
    """Rows left empty are skipped; rows marked for removal too."""

    def filled(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


BudgetLineFormSet = forms.formset_factory(
    BudgetLineForm, formset=BaseInputFormSet, extra=3, can_delete=True, max_num=50
)


def budget_inputs(formset) -> list[BudgetLineInput]:
    return [
        BudgetLineInput(category=d["category"], description=d["description"], amount=d["amount"])
        for d in formset.filled()
    ]


def budget_initial(lines: list[BudgetLine]) -> list[dict]:
    return [
        {"category": line.category, "description": line.description, "amount": line.amount}
        for line in lines
    ]


class ReviewForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=Review.Recommendation.choices
    )
    comments = forms.CharField(
        label=_("Comments (seen by program staff only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, review: Review | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        scores = review.scores if review else {}
        score_fields = {
            f"score_{code}": forms.TypedChoiceField(
                label=label,
                choices=[(str(n), str(n)) for n in range(6)],
                coerce=int,
                initial=scores.get(code),
            )
            for code, label in CRITERIA
        }
        self.fields = {**score_fields, **self.fields}
        if review:
            self.initial.update(recommendation=review.recommendation, comments=review.comments)

    def scores(self) -> dict[str, int]:
        return {code: self.cleaned_data[f"score_{code}"] for code, _label in CRITERIA}


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("What should the organization change?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AwardForm(forms.Form):
    amount = MoneyField(label=_("Awarded amount"))
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices)
    start_date = forms.DateField(label=_("Start"), widget=DateInput())
    end_date = forms.DateField(label=_("End"), widget=DateInput())
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to the organization."),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", _("A grant must end after it starts."))
        return cleaned


class TrancheForm(RowForm):
    amount = MoneyField(label=_("Amount"))
    planned_date = forms.DateField(label=_("Planned date"), widget=DateInput())
    condition = forms.CharField(label=_("Condition"), max_length=300, required=False)


class ScheduledReportForm(RowForm):
    kind = forms.ChoiceField(label=_("Report"), choices=BLANK + GrantReport.Kind.choices)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())


TrancheFormSet = forms.formset_factory(TrancheForm, formset=BaseInputFormSet, extra=4, max_num=24)
ReportScheduleFormSet = forms.formset_factory(
    ScheduledReportForm, formset=BaseInputFormSet, extra=4, max_num=24
)


def tranche_inputs(formset) -> list[TrancheInput]:
    return [
        TrancheInput(amount=d["amount"], planned_date=d["planned_date"], condition=d["condition"])
        for d in formset.filled()
    ]


def report_inputs(formset) -> list[ReportInput]:
    return [ReportInput(kind=d["kind"], due_date=d["due_date"]) for d in formset.filled()]


class DateForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class RescheduleForm(forms.Form):
    due_date = forms.DateField(label=_("New due date"), widget=DateInput())


class ReportForm(forms.Form):
    """The grantee's report: narrative, spending per budget line of the grant, attachments."""

    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachment = AttachmentField()

    def __init__(self, *args, report: GrantReport, budget_lines: list[BudgetLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.budget_lines = budget_lines
        reported = {s.budget_line_id: s.amount for s in report.spending.all()}
        self.initial.setdefault("narrative", report.narrative)
        for line in budget_lines:
            self.fields[f"spend_{line.pk}"] = MoneyField(
                label=f"{line.get_category_display()}: {line.description}",
                required=False,
                initial=reported.get(line.pk),
            )

    def spending(self) -> list[tuple[int, Decimal]]:
        return [
            (line.pk, self.cleaned_data[f"spend_{line.pk}"])
            for line in self.budget_lines
            if self.cleaned_data.get(f"spend_{line.pk}")
        ]

    def spending_fields(self):
        return [self[f"spend_{line.pk}"] for line in self.budget_lines]


class ReportReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("return", _("Return for corrections"))],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("Comments to the organization"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
