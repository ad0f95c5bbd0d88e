"""Forms of improvement plans; each lists its fields and limits its choices to the plan's own."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DateInput
from .models import Action, Area, Assessment, Goal, ImprovementPlan, Organization, Person


class PlanForm(forms.ModelForm):
    class Meta:
        model = ImprovementPlan
        fields = ["assessment", "title"]

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = (
            Assessment.objects.validated()
            .filter(organization=organization)
            .select_related("framework")
            .order_by("-assessed_on", "-id")
        )
        self.fields["assessment"].help_text = _("The validated assessment the plan responds to.")


class GoalForm(forms.ModelForm):
    target_score = forms.DecimalField(
        label=_("Target score"), min_value=0, max_value=100, decimal_places=2
    )

    class Meta:
        model = Goal
        fields = ["area", "target_score", "due_date"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, plan: ImprovementPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(
            framework_id=plan.assessment.framework_id
        ).order_by("position")


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["description", "goal", "responsible", "due_date", "status", "support"]
        widgets = {"due_date": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: ImprovementPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = plan.goals.select_related("area")
        self.fields["responsible"].queryset = Person.objects.filter(
            organization_id=plan.organization_id
        ).order_by("name")


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
