"""The reviewer pages' forms: the list's filters, a member's opinion, a decision (one
application or a selection)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidatures.models import Decision

from .models import MAX_SCORE, UnfavourableReason
from .selectors import DEFAULT_SORT, PENDING, UNPUBLISHED, Filters

SORT_CHOICES = [
    ("name", _("Name (A→Z)")),
    ("-name", _("Name (Z→A)")),
    ("number", _("Candidate number")),
    ("programme", _("Programme")),
    ("-score", _("Average score (best first)")),
    ("score", _("Average score (lowest first)")),
    ("submitted", _("Submitted (oldest first)")),
    ("-submitted", _("Submitted (latest first)")),
]


class FilterForm(forms.Form):
    programme = forms.TypedChoiceField(label=_("Programme"), required=False, coerce=int)
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        choices=[
            ("", _("All")),
            (PENDING, _("No decision yet")),
            (UNPUBLISHED, _("Recorded, not published")),
            *Decision.choices,
        ],
    )
    min_score = forms.IntegerField(
        label=_("Average score at least"), required=False, min_value=0, max_value=MAX_SCORE
    )
    without_my_opinion = forms.BooleanField(label=_("Without my opinion"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("All my programmes"))] + [
            (p.pk, str(p)) for p in programmes
        ]

    def filters(self) -> Filters:
        """The valid filters (an invalid one is dropped, the others still apply)."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return Filters(
            programme=data.get("programme") or None,
            decision=data.get("decision") or "",
            min_score=data.get("min_score"),
            without_my_opinion=bool(data.get("without_my_opinion")),
            sort=data.get("sort") or DEFAULT_SORT,
        )


class OpinionForm(forms.Form):
    score = forms.IntegerField(
        label=_("Score (out of 20)"), required=False, min_value=0, max_value=MAX_SCORE
    )
    comment = forms.CharField(
        label=_("Comment (read by the commission only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    interview_date = forms.DateField(
        label=_("Interview date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    interview_time = forms.TimeField(
        label=_("Interview time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    interview_place = forms.CharField(label=_("Interview place"), required=False, max_length=255)
    reason = forms.ModelChoiceField(
        label=_("Reason (unfavourable decision)"),
        queryset=UnfavourableReason.objects.filter(is_active=True),
        required=False,
    )
    waitlist_rank = forms.IntegerField(
        label=_("Rank on the waiting list"), required=False, min_value=1, max_value=10000
    )

    def __init__(self, *args, bulk=False, **kwargs):
        super().__init__(*args, **kwargs)
        if bulk:
            self.fields["waitlist_rank"].label = _("Rank of the first one on the waiting list")

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == Decision.PRESELECTED:
            for name in ("interview_date", "interview_time", "interview_place"):
                if not data.get(name):
                    self.add_error(
                        name, _("A preselection needs the interview's date, time and place.")
                    )
        if decision == Decision.UNFAVOURABLE and not data.get("reason"):
            self.add_error("reason", _("An unfavourable decision needs a reason."))
        if decision == Decision.WAITLISTED and not data.get("waitlist_rank"):
            self.add_error("waitlist_rank", _("Give the rank on the waiting list."))
        return data

    def details(self) -> dict:
        data = self.cleaned_data
        interview_at = None
        if data.get("interview_date") and data.get("interview_time"):
            interview_at = timezone.make_aware(
                datetime.datetime.combine(data["interview_date"], data["interview_time"])
            )
        return {
            "decision": data["decision"],
            "waitlist_rank": data.get("waitlist_rank")
            if data["decision"] == Decision.WAITLISTED
            else None,
            "interview_at": interview_at,
            "interview_place": data.get("interview_place") or "",
            "reason": data.get("reason"),
        }
