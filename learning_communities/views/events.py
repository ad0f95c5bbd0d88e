"""Events: scheduling, co-designed agendas, facilitators, attendance, notes and follow-up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from csa_portal.rendering import render
from organizations.models import Person

from .. import reads
from ..access import (
    get_agenda_item_for_user,
    get_community_for_user,
    get_event_for_user,
    get_facilitator_for_user,
    get_follow_up_for_user,
)
from ..forms import (
    AgendaDecisionForm,
    AgendaProposalForm,
    EventForm,
    FacilitatorForm,
    FollowUpForm,
    FollowUpStatusForm,
    NoteForm,
)
from ..models import FollowUpAction
from ..services import (
    AttendanceEntry,
    CommunityError,
    add_facilitator,
    add_follow_up,
    add_note,
    create_event,
    decide_agenda_item,
    delete_event,
    propose_agenda_item,
    record_attendance,
    remove_facilitator,
    set_follow_up_status,
    suggest_facilitators,
    update_event,
)

MANAGE = "learning_communities.manage_community"
RUN = "learning_communities.run_event"
PROPOSE = "learning_communities.propose_agenda"


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@require_http_methods(["GET", "POST"])
@login_required
def event_create(request, pk):
    community = get_community_for_user(request, pk, perm=MANAGE)
    form = EventForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            event = create_event(
                community=community, fields=form.cleaned_data, created_by=request.user
            )
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The event was scheduled. Choose its facilitators."))
            return redirect(event)
    return render(
        request, "learning_communities/event_form.html", {"form": form, "community": community}
    )


@require_http_methods(["GET", "POST"])
@login_required
def event_edit(request, event_pk):
    event = get_event_for_user(request, event_pk, perm=MANAGE)
    community = event.community
    form = EventForm(request.POST or None, instance=event, community=community)
    if request.method == "POST" and form.is_valid():
        event.refresh_from_db()  # the form changed the instance in memory; the service checks
        try:
            update_event(event=event, fields=form.cleaned_data)
        except CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(event)
    return render(
        request,
        "learning_communities/event_form.html",
        {"form": form, "community": community, "event": event},
    )


@require_http_methods(["GET", "POST"])
@login_required
def event_delete(request, event_pk):
    """GET asks for confirmation; POST cancels the event with everything recorded for it."""
    event = get_event_for_user(request, event_pk, perm=MANAGE)
    community = event.community
    if request.method == "POST":
        delete_event(event=event)
        messages.success(
            request, _("The event %(title)s was cancelled and removed.") % {"title": event.title}
        )
        return redirect(community)
    return render(
        request,
        "learning_communities/confirm_delete.html",
        {
            "community": community,
            "event": event,
            "heading": _("Cancel and remove the event %(title)s?") % {"title": event.title},
            "consequences": [
                _("Agenda items: %(count)s") % {"count": event.agenda_items.count()},
                _("Facilitators: %(count)s") % {"count": event.facilitators.count()},
                _("Attendance records: %(count)s") % {"count": event.attendance.count()},
                _("Notes and decisions: %(count)s") % {"count": event.notes.count()},
                _("Follow-up actions: %(count)s") % {"count": event.follow_ups.count()},
            ],
            "warning": _("All of these are removed with the event. This cannot be undone."),
            "confirm_label": _("Remove the event"),
            "cancel_url": event.get_absolute_url(),
        },
    )


@require_safe
@login_required
def event_detail(request, event_pk):
    event = get_event_for_user(request, event_pk)
    community = event.community
    user = request.user
    can_manage = user.has_perm(MANAGE, community)
    can_run = user.has_perm(RUN, event)
    can_propose = user.has_perm(PROPOSE, community)
    return render(
        request,
        "learning_communities/event.html",
        {
            "event": event,
            "community": community,
            **reads.event_page(event),
            "can_manage": can_manage,
            "can_run": can_run,
            "can_propose": can_propose,
            "proposal_form": AgendaProposalForm(community=community, user=user)
            if can_propose
            else None,
            "facilitator_form": FacilitatorForm(community=community) if can_manage else None,
            "suggestions": suggest_facilitators(community=community, on=event.date)
            if can_manage
            else [],
            "note_form": NoteForm() if can_run else None,
            "follow_up_form": FollowUpForm(community=community) if can_run else None,
            "follow_up_statuses": FollowUpAction.Status.choices,
        },
    )


@require_POST
@login_required
def agenda_propose(request, event_pk):
    event = get_event_for_user(request, event_pk, perm=PROPOSE)
    form = AgendaProposalForm(request.POST, community=event.community, user=request.user)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            propose_agenda_item(
                event=event,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                organization=form.cleaned_data["organization"],
                proposed_by=request.user,
            )
        except CommunityError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your agenda item was proposed."))
    return redirect(event)


@require_POST
@login_required
def agenda_decide(request, event_pk, item_pk):
    item = get_agenda_item_for_user(request, event_pk, item_pk)
    form = AgendaDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            decide_agenda_item(
                item=item,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
                decided_by=request.user,
            )
        except CommunityError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The agenda item was decided."))
    return redirect(item.event)


@require_POST
@login_required
def facilitator_add(request, event_pk):
    event = get_event_for_user(request, event_pk, perm=MANAGE)
    form = FacilitatorForm(request.POST, community=event.community)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            add_facilitator(event=event, person=form.cleaned_data["person"])
        except CommunityError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The facilitator was added."))
    return redirect(event)


@require_http_methods(["GET", "POST"])
@login_required
def facilitator_remove(request, event_pk, facilitator_pk):
    """GET asks for confirmation; POST takes the person off the event's facilitators."""
    facilitator = get_facilitator_for_user(request, event_pk, facilitator_pk)
    event = facilitator.event
    if request.method == "POST":
        remove_facilitator(facilitator=facilitator)
        messages.success(
            request,
            _("%(person)s no longer facilitates this event.") % {"person": facilitator.name},
        )
        return redirect(event)
    return render(
        request,
        "learning_communities/confirm_delete.html",
        {
            "community": event.community,
            "event": event,
            "heading": _("Remove %(person)s from the facilitators?") % {"person": facilitator.name},
            "warning": _("The rotation history will no longer count this event for them."),
            "confirm_label": _("Remove the facilitator"),
            "cancel_url": event.get_absolute_url(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def attendance(request, event_pk):
    """Bulk entry: every person of the member organizations, ticked if they attended."""
    event = get_event_for_user(request, event_pk, perm=RUN)
    people = reads.member_people(event)
    if request.method == "POST":
        by_id = {str(p.pk): p for p in people}
        chosen = request.POST.getlist("person")
        unknown = [pk for pk in chosen if pk not in by_id]
        if unknown:
            messages.error(
                request, _("Someone ticked is not from a member organization. Nothing was saved.")
            )
        else:
            entries = [
                AttendanceEntry(person=by_id[pk], level=request.POST.get(f"level_{pk}", ""))
                for pk in chosen
            ]
            try:
                count = record_attendance(event=event, entries=entries)
            except CommunityError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, _("Attendance saved: %(count)s people.") % {"count": count}
                )
                return redirect(event)
    attended = reads.attended_levels(event)
    return render(
        request,
        "learning_communities/attendance.html",
        {
            "event": event,
            "community": event.community,
            "rows": [
                {"person": p, "attended": p.pk in attended, "level": attended.get(p.pk, p.level)}
                for p in people
            ],
            "levels": Person.Level.choices,
        },
    )


@require_POST
@login_required
def note_add(request, event_pk):
    event = get_event_for_user(request, event_pk, perm=RUN)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            add_note(event=event, written_by=request.user, **form.cleaned_data)
        except CommunityError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved."))
    return redirect(event)


@require_POST
@login_required
def follow_up_add(request, event_pk):
    event = get_event_for_user(request, event_pk, perm=RUN)
    form = FollowUpForm(request.POST, community=event.community)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            add_follow_up(event=event, **form.cleaned_data)
        except CommunityError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The follow-up action was added."))
    return redirect(event)


@require_POST
@login_required
def follow_up_status(request, event_pk, action_pk):
    action = get_follow_up_for_user(request, event_pk, action_pk)
    form = FollowUpStatusForm(request.POST)
    if form.is_valid():
        set_follow_up_status(action=action, status=form.cleaned_data["status"])
        messages.success(request, _("The follow-up action's status was updated."))
    else:
        messages.error(request, _("Choose one of the statuses."))
    return redirect(action.event)
