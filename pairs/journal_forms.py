"""Forms of the meeting journal. They validate input only; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.lib.forms import preselect_only_choice
from mentoring.models import MeetingType, MentoringForm, Programme
from pairs.forms import DateInput
from pairs.journal_services import meeting_type_topic
from pairs.models import Meeting, Pair
from people.models import MentorProfile

TEXTAREA = {"rows": 2}


class MeetingTypeSelect(forms.Select):
    """Each option carries its type's default topic (`data-topic`), which the
    topic field follows in the browser (`data-topic-from`, static/js/site.js)."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-topic"] = meeting_type_topic(instance)
        return option


class MeetingForm(forms.Form):
    """One short form: only the type and date matter on a phone, the rest has
    defaults (the next due type, today, 45 minutes, the topic from the type)."""

    meeting_type = forms.ModelChoiceField(
        label=_("Meeting type"),
        queryset=MeetingType.objects.filter(is_general=False, is_active=True),
        empty_label=None,
        widget=MeetingTypeSelect,
    )
    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    duration_minutes = forms.IntegerField(
        label=_("Duration, minutes"), min_value=5, max_value=480, initial=45
    )
    format = forms.ChoiceField(label=_("Format"), choices=Meeting.Format.choices)
    topic = forms.CharField(
        label=_("Topic"),
        max_length=500,
        required=False,
        help_text=_("Leave empty to use the name of the meeting type."),
        widget=forms.TextInput(attrs={"data-topic-from": "id_meeting_type"}),
    )
    summary = forms.CharField(
        label=_("What was done"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    result = forms.CharField(
        label=_("Result"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    next_step = forms.CharField(label=_("Next step"), max_length=500, required=False)
    next_meeting_on = forms.DateField(
        label=_("Next meeting"),
        required=False,
        widget=DateInput,
        help_text=_("Shown on your home page; add it to your phone's calendar."),
    )
    next_meeting_time = forms.TimeField(
        label=_("Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    present = forms.TypedMultipleChoiceField(
        label=_("Who came"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Shown only once the service refused a second meeting of the same type on the
    # same day (templates/pairs/_same_day_confirm.html).
    confirm_same_day = forms.BooleanField(
        label=_("Yes, this is a separate meeting on the same day"), required=False
    )

    def __init__(self, *args, pair: Pair, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        memberships = list(pair.memberships.all())
        self.is_group = len(memberships) > 1
        if self.is_group:
            self.fields["present"].choices = [
                (m.mentee_id, m.mentee.participant.full_name) for m in memberships
            ]
        else:
            del self.fields["present"]
        if meeting is not None:
            # The next meeting is set when logging one; a correction keeps it.
            del self.fields["next_meeting_on"], self.fields["next_meeting_time"]
            self.initial.update(
                {
                    "meeting_type": meeting.meeting_type_id,
                    "held_on": meeting.held_on,
                    "duration_minutes": meeting.duration_minutes,
                    "format": meeting.format,
                    "topic": meeting.topic,
                    "summary": meeting.summary,
                    "result": meeting.result,
                    "next_step": meeting.next_step,
                }
            )
            if self.is_group:
                self.initial["present"] = [
                    a.mentee_id for a in meeting.attendance.all() if a.present
                ]
            return
        next_code = pair.next_meeting_code(timezone.localdate()) or "regular"
        next_type = MeetingType.objects.filter(code=next_code).first()
        self.initial.setdefault("meeting_type", next_type)
        self.initial.setdefault("held_on", timezone.localdate())
        self.initial.setdefault("duration_minutes", 45)
        self.initial.setdefault(
            "format",
            Meeting.Format.GROUP if self.is_group else Meeting.Format.IN_PERSON,
        )
        if next_type is not None:
            self.initial.setdefault("topic", meeting_type_topic(next_type))
        if self.is_group:
            self.initial.setdefault("present", [m.mentee_id for m in memberships])

    def clean(self):
        data = super().clean()
        if not data.get("topic") and data.get("meeting_type"):
            data["topic"] = meeting_type_topic(data["meeting_type"])
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["present"] = data.get("present") if self.is_group else None
        return data


class GeneralMeetingForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), empty_label=None
    )
    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    duration_minutes = forms.IntegerField(
        label=_("Duration, minutes"), min_value=5, max_value=480, initial=60
    )
    topic = forms.CharField(label=_("Topic"), max_length=500)
    summary = forms.CharField(
        label=_("What was done"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    result = forms.CharField(
        label=_("Result"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    next_step = forms.CharField(label=_("Next step"), max_length=500, required=False)
    confirm_same_day = forms.BooleanField(
        label=_("Yes, this is a separate meeting on the same day"), required=False
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(
            organisation=organisation
        )
        preselect_only_choice(self, "programme")
        self.initial.setdefault("held_on", timezone.localdate())
        general = MeetingType.objects.filter(is_general=True).first()
        if general is not None:
            self.initial.setdefault("topic", general.name)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs=TEXTAREA)
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(n, str(n)) for n in range(1, 6)],  # as questionnaires: low first
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("From 1 (bad) to 5 (excellent)."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class JournalFilterForm(forms.Form):
    """Filters of the curator's journal list: all in the URL."""

    form = forms.ModelChoiceField(
        label=_("Form of mentoring"),
        queryset=None,
        required=False,
        empty_label=_("all forms"),
    )
    mentor = forms.ModelChoiceField(
        label=_("Mentor"), queryset=None, required=False, empty_label=_("all mentors")
    )
    meeting_type = forms.ModelChoiceField(
        label=_("Meeting type"),
        queryset=MeetingType.objects.all(),
        required=False,
        empty_label=_("all types"),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = MentoringForm.objects.all()
        self.fields["mentor"].queryset = (
            MentorProfile.objects.filter(pairs__programme__organisation=organisation)
            .select_related("participant")
            .distinct()
            .order_by("participant__search_text")
        )
        self.fields["mentor"].label_from_instance = lambda m: m.participant.full_name
