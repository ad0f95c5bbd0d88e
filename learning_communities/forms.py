"""Forms of Learning Communities; each lists its fields and limits choices to what the user
may pick (member organizations, their people)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations.forms import DateInput
from organizations.geo import MexicanState
from organizations.models import Organization, Person
from organizations.widgets import OrganizationSearchSelect, OrganizationSearchSelectMultiple

from .models import (
    Alliance,
    Collaboration,
    CommunityMembership,
    Event,
    EventNote,
    FollowUpAction,
    GoalProgress,
    KeyIssue,
    LearningCommunity,
    Outcome,
    SharedGoal,
    SharedResource,
)


class StatesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=MexicanState.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=_("States"),
            **kwargs,
        )


class CommunityForm(forms.ModelForm):
    states = StatesField()

    class Meta:
        model = LearningCommunity
        fields = ["name", "description", "tier", "states", "theme", "start", "end", "status"]
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end cannot be before the start."))
        return cleaned


# A select box offers at most this many organizations: a program has thousands (10,000 made
# the members page a 589 KB, half-second page), so the person searches first.
PICKER_LIMIT = 50


class OrganizationPickerField(forms.ModelChoiceField):
    """Offers the organizations of its queryset (a search's first matches) and accepts any
    organization, so that a choice stays valid whatever the search shown with it."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Organization):
            return value
        try:
            return Organization.objects.get(pk=value)
        except (ValueError, TypeError, Organization.DoesNotExist):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class MemberForm(forms.ModelForm):
    organization = OrganizationPickerField(
        label=_("Organization"), queryset=Organization.objects.none()
    )

    class Meta:
        model = CommunityMembership
        fields = ["organization", "role", "joined_on"]
        widgets = {"joined_on": DateInput()}

    def __init__(self, *args, community: LearningCommunity, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        members = community.memberships.current().values("organization_id")
        self.fields["organization"].queryset = (
            Organization.objects.matching(search).exclude(pk__in=members).order_by("name", "id")
        )[:PICKER_LIMIT]
        self.fields["organization"].help_text = gettext(
            "At most %(limit)s organizations that are not members yet are listed: search above "
            "by name, acronym, municipality or RFC to find others."
        ) % {"limit": PICKER_LIMIT}
        if not self.is_bound:
            self.initial.setdefault("joined_on", community.start)


class EndMembershipForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput())


def member_organizations(community: LearningCommunity, *, led_by=None):
    """Current member organizations; with led_by, only those this user leads."""
    members = community.memberships.current().values("organization_id")
    queryset = Organization.objects.filter(pk__in=members).order_by("name")
    if led_by is not None:
        queryset = queryset.filter(
            memberships__user=led_by, memberships__is_active=True, memberships__role="leader"
        )
    return queryset


def member_people(community: LearningCommunity):
    members = community.memberships.current().values("organization_id")
    return (
        Person.objects.filter(organization_id__in=members)
        .select_related("organization")
        .order_by("organization__name", "name")
    )


def listed_only(form: forms.BaseForm, queryset, *fields: str):
    """What an empty form's select lists, reading only the columns its labels show (an event
    page lists every member's people three times over: whole person and organization rows
    were most of its choices' cost). A bound form keeps whole rows: its cleaned value goes to
    a service."""
    return queryset if form.is_bound else queryset.only(*fields)


PERSON_LABEL_COLUMNS = ("name", "organization_id", "organization__name")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name} · {obj.organization.name}"


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "date",
            "state",
            "municipality",
            "country",
            "city",
            "purpose",
            "host",
        ]
        widgets = {"date": DateInput(), "purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, community: LearningCommunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = listed_only(self, member_organizations(community), "name")


class AgendaProposalForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    organization = forms.ModelChoiceField(
        label=_("Proposed by"), queryset=Organization.objects.none()
    )

    def __init__(self, *args, community: LearningCommunity, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        if user.is_program_staff:
            field.queryset = listed_only(self, member_organizations(community), "name")
            field.required = False
            field.empty_label = _("The program")
        else:
            field.queryset = listed_only(self, member_organizations(community, led_by=user), "name")


class AgendaDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("decline", _("Decline"))]
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why the item is declined."))
        return cleaned


class FacilitatorForm(forms.Form):
    person = PersonChoiceField(label=_("Facilitator"), queryset=Person.objects.none())

    def __init__(self, *args, community: LearningCommunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = listed_only(
            self, member_people(community), *PERSON_LABEL_COLUMNS
        )


class NoteForm(forms.ModelForm):
    class Meta:
        model = EventNote
        fields = ["kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class FollowUpForm(forms.ModelForm):
    owner = PersonChoiceField(label=_("Owner"), queryset=Person.objects.none())

    class Meta:
        model = FollowUpAction
        fields = ["description", "owner", "due_on"]
        widgets = {"due_on": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, community: LearningCommunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = listed_only(
            self, member_people(community), *PERSON_LABEL_COLUMNS
        )


class FollowUpStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUpAction.Status.choices)


class GoalForm(forms.ModelForm):
    class Meta:
        model = SharedGoal
        fields = ["statement", "metric", "baseline", "target", "set_on", "due_on", "co_defined_by"]
        widgets = {
            "set_on": DateInput(),
            "due_on": DateInput(),
            "co_defined_by": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, community: LearningCommunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_defined_by"].queryset = member_organizations(community)

    def clean(self):
        cleaned = super().clean()
        baseline, target = cleaned.get("baseline"), cleaned.get("target")
        if baseline is not None and target is not None and baseline == target:
            self.add_error("target", _("The target must differ from the baseline."))
        set_on, due_on = cleaned.get("set_on"), cleaned.get("due_on")
        if set_on and due_on and due_on <= set_on:
            self.add_error("due_on", _("The due date comes after the date the goal was agreed."))
        return cleaned

    def _post_clean(self):
        # The service checks and saves; skip the model's own constraint validation here so a
        # refusal reads as the service's message.
        pass


class ProgressForm(forms.ModelForm):
    class Meta:
        model = GoalProgress
        fields = ["measured_on", "value", "note"]
        widgets = {"measured_on": DateInput()}


class AllianceForm(forms.ModelForm):
    states = StatesField()

    class Meta:
        model = Alliance
        fields = [
            "name",
            "objective",
            "theme",
            "states",
            "members",
            "started_on",
            "ended_on",
            "status",
        ]
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "objective": forms.Textarea(attrs={"rows": 3}),
            "members": OrganizationSearchSelectMultiple(attrs={"size": 12}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Organization.objects.order_by("name")
        self.fields["members"].help_text = _("Organizations of any sector.")


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SharedResource.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    organization = forms.ModelChoiceField(
        label=_("Shared by"), queryset=Organization.objects.none()
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, office documents or images, up to 10 MB."),
    )
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    def __init__(self, *args, community: LearningCommunity, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = member_organizations(
            community, led_by=None if user.is_program_staff else user
        )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("file")) == bool(cleaned.get("link")):
            raise forms.ValidationError(_("Share either a file or a link."))
        return cleaned


class ResourceEditForm(forms.Form):
    """Change a shared resource; a new file or link replaces the current one, none keeps it."""

    kind = forms.ChoiceField(label=_("Kind"), choices=SharedResource.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(
        label=_("Replace with a file"),
        required=False,
        help_text=_("PDF, office documents or images, up to 10 MB. Leave empty to keep it."),
    )
    link = forms.URLField(
        label=_("Replace with a link"),
        required=False,
        assume_scheme="https",
        help_text=_("Leave empty to keep the current file or link."),
    )

    def __init__(self, *args, current: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if current:
            self.fields["link"].help_text = _("Now: %(current)s. Leave empty to keep it.") % {
                "current": current
            }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("file") and cleaned.get("link"):
            raise forms.ValidationError(_("Share either a file or a link."))
        return cleaned


class OutcomeForm(forms.ModelForm):
    evidence_upload = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("Optional. PDF, office documents or images, up to 10 MB."),
    )
    evidence_link = forms.URLField(label=_("Evidence link"), required=False, assume_scheme="https")

    class Meta:
        model = Outcome
        fields = [
            "key_issue",
            "tier",
            "alliance",
            "organizations",
            "description",
            "occurred_on",
            "evidence",
        ]
        widgets = {
            "occurred_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
            "organizations": OrganizationSearchSelectMultiple(attrs={"size": 10}),
        }

    def __init__(self, *args, community: LearningCommunity | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_issue"].queryset = KeyIssue.objects.all()
        alliances = community.alliances if community else Alliance.objects
        self.fields["alliance"].queryset = alliances.order_by("name")
        self.fields["organizations"].queryset = Organization.objects.order_by("name")
        if not self.is_bound and community and community.tier_id:
            self.initial.setdefault("tier", community.tier_id)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("evidence_upload") and cleaned.get("evidence_link"):
            self.add_error(
                "evidence_link", _("Give either an evidence file or an evidence link, not both.")
            )
        return cleaned


class OutcomeEditForm(OutcomeForm):
    remove_evidence = forms.BooleanField(
        label=_("Remove the evidence file or link"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_upload"].help_text = _(
            "Optional: replaces the current file or link. PDF, office documents or images, "
            "up to 10 MB."
        )
        if not self.is_bound:
            self.initial["evidence_link"] = self.instance.evidence_link
        if self.instance.evidence_file_name:
            self.fields["remove_evidence"].help_text = _("Now: %(current)s.") % {
                "current": self.instance.evidence_file_name
            }


class CollaborationForm(forms.ModelForm):
    class Meta:
        model = Collaboration
        fields = ["first", "second", "kind", "since", "community", "note"]
        widgets = {
            "first": OrganizationSearchSelect(),
            "second": OrganizationSearchSelect(),
            "since": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            self.fields[name].queryset = Organization.objects.order_by("name")
        self.fields["community"].queryset = LearningCommunity.objects.order_by("name")

    def _post_clean(self):
        # Pair order and duplicates are the service's to check (it stores the lower id first).
        pass


class CollaborationEditForm(CollaborationForm):
    class Meta(CollaborationForm.Meta):
        fields = ["first", "second", "kind", "since", "until", "community", "note"]
        widgets = {**CollaborationForm.Meta.widgets, "until": DateInput()}


class PeriodForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end cannot be before the start."))
        return cleaned


class NetworkForm(forms.Form):
    on = forms.DateField(label=_("Network on"), widget=DateInput())
    compared_to = forms.DateField(label=_("Compare with"), required=False, widget=DateInput())
