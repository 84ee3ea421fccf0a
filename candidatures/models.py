"""The offer (campaign, centres, programmes and their dates) and the applications with their
audit trail. The state changes themselves live in ``workflow.py``: nothing here writes a
status."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dossiers.models import REQUIRABLE_SECTIONS, Dossier

# The programme's dates, in the order they must follow (each <= the next, the window strictly).
PROGRAMME_DATES = ["opens_at", "closes_at", "return_deadline", "jury_at", "publication_at"]
MAX_REMINDER_DAYS = 60


class Campaign(models.Model):
    """A year's recruitment. One is active at a time (a partial unique constraint); archived
    ones are kept for the record and read-only in the admin."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    label = models.CharField(_("label"), max_length=150)
    is_active = models.BooleanField(_("active"), default=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    # The version of the offer page's cached listing (``candidatures.offer``): a new random
    # value whenever one of the campaign's programmes, a centre or the campaign changes. Random
    # rather than a counter, so that a rebuilt database never meets a cache entry of its own
    # numbers.
    offer_version = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="campaign_one_active"
            ),
            models.CheckConstraint(
                condition=~Q(is_active=True, archived_at__isnull=False),
                name="campaign_active_not_archived",
                violation_error_message=_("An archived campaign cannot be the active one."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class CentreQuerySet(models.QuerySet):
    def for_staff(self, user):
        """The centres ``user`` manages: all of them for central administrators, theirs for
        centre staff, none for anybody else (nor for staff without their TOTP when it is
        required)."""
        from ecandidat.scoping import backoffice_user, sees_all_centres

        if not backoffice_user(user):
            return self.none()
        if sees_all_centres(user):
            return self
        return self.filter(staff=user)

    def choice_labels(self) -> list[tuple[int, str]]:
        """``(pk, str(centre))`` in order, without building the instances (the admin's
        filters list every centre on every page)."""
        return list(self.values_list("pk", "name"))


class Centre(models.Model):
    """A centre of applications ("centre de candidature"): who manages a set of programmes, the
    cap on applications per candidate, and the default dates its new programmes start from.
    ``staff`` are its « gestionnaires »: they see and act on its applications only."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    contact_email = models.EmailField(_("contact email"))
    copy_mails_to_contact = models.BooleanField(
        _("copy the candidates' mails to the contact"), default=False
    )
    max_applications = models.PositiveSmallIntegerField(
        _("maximum applications per candidate"),
        null=True,
        blank=True,
        help_text=_("Empty: no limit. Cancelled applications do not count."),
    )
    default_opens_at = models.DateTimeField(_("default opening"), null=True, blank=True)
    default_closes_at = models.DateTimeField(_("default closing"), null=True, blank=True)
    default_return_deadline = models.DateTimeField(
        _("default return deadline"), null=True, blank=True
    )
    default_jury_at = models.DateTimeField(_("default jury date"), null=True, blank=True)
    default_publication_at = models.DateTimeField(
        _("default publication date"), null=True, blank=True
    )
    default_confirmation_deadline = models.DateTimeField(
        _("default confirmation deadline"), null=True, blank=True
    )
    default_confirmation_days = models.PositiveSmallIntegerField(
        _("default days to confirm after a favourable decision"), null=True, blank=True
    )
    # Reminders (``candidatures.reminders``): how many days before each deadline.
    return_reminder_days = models.PositiveSmallIntegerField(
        _("return deadline reminder (days before)"),
        default=3,
        validators=[MaxValueValidator(MAX_REMINDER_DAYS)],
        help_text=_("Drafts and incomplete applications get one reminder, this many days before."),
    )
    confirmation_reminder_days = models.PositiveSmallIntegerField(
        _("confirmation reminder (days before)"),
        default=2,
        validators=[MaxValueValidator(MAX_REMINDER_DAYS)],
        help_text=_("Favourable candidates who have not answered get one reminder."),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="staff_centres",
        verbose_name=_("centre staff"),
        help_text=_("Staff accounts who review this centre's applications."),
    )

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["name"]
        permissions = [
            ("manage_all_centres", _("Can manage every centre (central administration)")),
        ]

    def __str__(self):
        return self.name


class ProgrammeQuerySet(models.QuerySet):
    def for_staff(self, user):
        return self.filter(centre__in=Centre.objects.for_staff(user))

    def choice_labels(self) -> list[tuple[int, str]]:
        """``(pk, str(programme))`` in order, without building the instances (the staff
        list's filter offers every programme of the staff member's centres)."""
        return [
            (pk, f"{code} {title}") for pk, code, title in self.values_list("pk", "code", "title")
        ]


class Programme(models.Model):
    """A programme ("formation") offered in a campaign by a centre, with its dates.

    Date fields left empty in a form are filled from the centre's defaults in ``clean()``; the
    database still requires them. The confirmation deadline is either a date or a number of
    days after the favourable decision is published, never both.

    The programme's commission is not here yet: it comes with the commissions app, which adds
    its own link to the programme.
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("campaign")
    )
    centre = models.ForeignKey(
        Centre, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("centre")
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    has_waiting_list = models.BooleanField(_("waiting list"), default=False)
    optional_sections = models.JSONField(
        _("optional dossier sections"),
        default=list,
        blank=True,
        help_text=_("Keys of the dossier sections this programme does not require."),
    )
    opens_at = models.DateTimeField(_("applications open"), blank=True)
    closes_at = models.DateTimeField(_("applications close"), blank=True)
    return_deadline = models.DateTimeField(_("return deadline"), blank=True)
    jury_at = models.DateTimeField(_("jury date"), blank=True)
    publication_at = models.DateTimeField(_("publication of decisions"), blank=True)
    confirmation_deadline = models.DateTimeField(_("confirmation deadline"), null=True, blank=True)
    confirmation_days = models.PositiveSmallIntegerField(
        _("days to confirm after a favourable decision"), null=True, blank=True
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["centre__name", "title"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="programme_unique_code"),
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at"))
                & Q(closes_at__lte=models.F("return_deadline"))
                & Q(return_deadline__lte=models.F("jury_at"))
                & Q(jury_at__lte=models.F("publication_at")),
                name="programme_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(confirmation_deadline__isnull=True) ^ Q(confirmation_days__isnull=True),
                name="programme_one_confirmation_deadline",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def fill_default_dates(self) -> None:
        """Copies the centre's default dates into the empty ones."""
        if self.centre_id is None:
            return
        centre = self.centre
        for name in [*PROGRAMME_DATES, "confirmation_deadline"]:
            if getattr(self, name) is None:
                setattr(self, name, getattr(centre, f"default_{name}"))
        if self.confirmation_deadline is None and self.confirmation_days is None:
            self.confirmation_days = centre.default_confirmation_days

    def clean(self):
        self.fill_default_dates()
        errors = {}
        for name in PROGRAMME_DATES:
            if getattr(self, name) is None:
                errors[name] = _("Give this date (the centre has no default for it).")
        if self.confirmation_deadline is None and self.confirmation_days is None:
            errors["confirmation_deadline"] = _("Give a confirmation deadline or a number of days.")
        elif self.confirmation_deadline is not None and self.confirmation_days is not None:
            errors["confirmation_days"] = _(
                "Give a confirmation deadline or a number of days, not both."
            )
        if not errors:
            chain = [*PROGRAMME_DATES]
            if self.confirmation_deadline is not None:
                chain.append("confirmation_deadline")
            for earlier, later in zip(chain, chain[1:], strict=False):
                first, second = getattr(self, earlier), getattr(self, later)
                if second < first or (earlier == "opens_at" and second == first):
                    errors[later] = _("This date must come after “%(earlier)s”.") % {
                        "earlier": self._meta.get_field(earlier).verbose_name
                    }
        unknown = set(self.optional_sections or []) - set(REQUIRABLE_SECTIONS)
        if not isinstance(self.optional_sections, list) or unknown:
            errors["optional_sections"] = _("Choose among: %(keys)s.") % {
                "keys": ", ".join(REQUIRABLE_SECTIONS)
            }
        if errors:
            raise ValidationError(errors)

    def confirmation_deadline_for(self, candidature: "Candidature"):
        """The candidate's own deadline when the back office set one, else the fixed
        deadline, else N days after this candidate's favourable decision was published (None
        while it is not)."""
        if candidature.confirmation_deadline_override is not None:
            return candidature.confirmation_deadline_override
        if self.confirmation_deadline is not None:
            return self.confirmation_deadline
        if candidature.decision_published_at is None or self.confirmation_days is None:
            return None
        return candidature.decision_published_at + timedelta(days=self.confirmation_days)


class Status(models.TextChoices):
    """The administrative status ("statut du dossier"), worded as in the candidates' guide."""

    DRAFT = "draft", _("Pending")
    RECEIVED = "received", _("Received")
    COMPLETE = "complete", _("Complete")
    INCOMPLETE = "incomplete", _("Incomplete")
    CANCELLED = "cancelled", _("Cancelled")


class Decision(models.TextChoices):
    PRESELECTED = "preselected", _("Preselected")
    FAVOURABLE = "favourable", _("Favourable")
    UNFAVOURABLE = "unfavourable", _("Unfavourable")
    WAITLISTED = "waitlisted", _("Waiting list")


class Answer(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Where an application stands, derived by ``workflow.stage_of``: the statuses before a
# decision, "decided" (recorded, not published), the published decisions and the answers.
# Built from those choices so each label lives in one place.
Stage = models.TextChoices(
    "Stage",
    [
        # The statuses in the order a file moves through them ("complete" last: decisions follow).
        *(
            (status.name, (status.value, status.label))
            for status in (
                Status.DRAFT,
                Status.RECEIVED,
                Status.INCOMPLETE,
                Status.CANCELLED,
                Status.COMPLETE,
            )
        ),
        ("DECIDED", ("decided", _("Decision recorded, not published"))),
        *((value.upper(), (value, label)) for value, label in Decision.choices),
        *((value.upper(), (value, label)) for value, label in Answer.choices),
    ],
)


class Event(models.TextChoices):
    """What happened to an application (one workflow function each, ``create`` included)."""

    CREATE = "create", _("Application created")
    SUBMIT = "submit", _("Submitted")
    CANCEL = "cancel", _("Cancelled")
    MARK_COMPLETE = "mark_complete", _("Marked complete")
    MARK_INCOMPLETE = "mark_incomplete", _("Marked incomplete")
    RESUBMIT = "resubmit", _("Submitted again")
    DECIDE = "decide", _("Decision recorded")
    PUBLISH = "publish", _("Decision published")
    PROMOTE = "promote", _("Promoted from the waiting list")
    CONFIRM = "confirm", _("Admission confirmed")
    WITHDRAW = "withdraw", _("Withdrawn")
    EXPIRE = "expire", _("Withdrawn automatically (deadline passed)")


class ActorKind(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    STAFF = "staff", _("Centre staff")
    COMMISSION = "commission", _("Commission")
    SYSTEM = "system", _("System")


class CandidatureQuerySet(models.QuerySet):
    def for_staff(self, user):
        """The applications ``user`` may see and act on in the back office (see
        ``CentreQuerySet.for_staff``). Every staff door loads applications through this."""
        from ecandidat.scoping import backoffice_user, sees_all_centres

        if not backoffice_user(user):
            return self.none()
        if sees_all_centres(user):
            return self
        return self.filter(programme__centre__staff=user)

    def for_reviewer(self, user, *, presidents_only: bool = False):
        """The complete applications of the programmes examined by the commissions ``user``
        sits on (presiding them, with ``presidents_only``). Every reviewer door and the
        workflow's commission guard load applications through this.

        The commissions app depends on this one, not the reverse: the filter goes through the
        reverse names its models give (``Programme.commissions``, ``Commission.memberships``),
        so nothing here imports it."""
        from ecandidat.scoping import reviewer_user

        if not reviewer_user(user):
            return self.none()
        membership = {"commissions__memberships__user": user}
        if presidents_only:
            membership["commissions__memberships__is_president"] = True
        programmes = Programme.objects.filter(**membership).values("pk")
        return self.filter(status=Status.COMPLETE, programme_id__in=programmes)


class Candidature(models.Model):
    """One candidate's application to one programme. The check constraints restate the
    workflow's invariants so no door (admin, shell, bug) can store an impossible state."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="candidatures", verbose_name=_("dossier")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="candidatures",
        verbose_name=_("programme"),
    )
    status = models.CharField(
        pgettext_lazy("application", "status"),
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
    )
    decision = models.CharField(
        _("decision"), max_length=12, choices=Decision.choices, blank=True, default=""
    )
    waitlist_rank = models.PositiveIntegerField(_("waiting list rank"), null=True, blank=True)
    decision_published_at = models.DateTimeField(_("decision published at"), null=True, blank=True)
    answer = models.CharField(
        _("answer"), max_length=10, choices=Answer.choices, blank=True, default=""
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    withdrawn_automatically = models.BooleanField(_("withdrawn automatically"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    incomplete_comment = models.TextField(_("reason for incompleteness"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set by the back office for one candidate (``services.candidature_override_deadlines``):
    # the workflow and every page use them instead of the programme's dates.
    return_deadline_override = models.DateTimeField(_("own return deadline"), null=True, blank=True)
    confirmation_deadline_override = models.DateTimeField(
        _("own confirmation deadline"), null=True, blank=True
    )
    deadline_override_reason = models.TextField(_("reason for the own deadlines"), blank=True)
    # Each reminder goes once (``candidatures.reminders``): set in the transaction that queues it.
    return_reminder_sent_at = models.DateTimeField(
        _("return deadline reminder sent at"), null=True, blank=True, editable=False
    )
    confirmation_reminder_sent_at = models.DateTimeField(
        _("confirmation reminder sent at"), null=True, blank=True, editable=False
    )

    objects = CandidatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        # The admin's list sorts on the ordering and then the id (newest first, 50 a page):
        # without this index PostgreSQL joined and sorted every application for each page
        # (25 ms at 28,500 applications, growing with them); with it, it reads 50 entries.
        # A reviewer's applications (for_reviewer: complete ones of the commission's
        # programmes): without the status in the index, PostgreSQL read every application of
        # those programmes to keep the complete ones (2,860 rows for 280 at 10×, half the
        # reviewer list's buffers).
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="candidature_newest_first"),
            models.Index(fields=["programme", "status"], name="candidature_programme_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "programme"], name="candidature_once_per_programme"
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(status=Status.COMPLETE),
                name="candidature_decision_needs_complete",
            ),
            models.CheckConstraint(
                condition=Q(decision_published_at__isnull=True) | ~Q(decision=""),
                name="candidature_published_needs_decision",
            ),
            models.CheckConstraint(
                condition=Q(waitlist_rank__isnull=True) | Q(decision=Decision.WAITLISTED),
                name="candidature_rank_needs_waitlist",
            ),
            models.CheckConstraint(
                condition=Q(answer="")
                | Q(decision=Decision.FAVOURABLE, decision_published_at__isnull=False),
                name="candidature_answer_needs_published_favourable",
            ),
            models.CheckConstraint(
                condition=Q(answer="", answered_at__isnull=True)
                | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="candidature_answer_has_date",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_automatically=False) | Q(answer=Answer.WITHDRAWN),
                name="candidature_auto_withdrawal_is_withdrawal",
            ),
        ]

    def __str__(self):
        return f"{self.dossier} → {self.programme}"

    @property
    def decision_visible(self) -> bool:
        return self.decision_published_at is not None

    @property
    def return_deadline(self):
        """This candidate's return deadline: their own when the back office set one."""
        return self.return_deadline_override or self.programme.return_deadline


class CandidatureTransition(models.Model):
    """The audit trail: one row per transition, written in the transition's transaction."""

    candidature = models.ForeignKey(
        Candidature,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("application"),
    )
    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_kind = models.CharField(_("actor kind"), max_length=12, choices=ActorKind.choices)
    from_state = models.CharField(_("from"), max_length=20, blank=True, choices=Stage.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["at", "pk"]

    def __str__(self):
        if not self.from_state:
            return f"{self.get_event_display()}: {self.get_to_state_display()}"
        return (
            f"{self.get_event_display()}: {self.get_from_state_display()} → "
            f"{self.get_to_state_display()}"
        )


class StaffNote(models.Model):
    """A note the back office keeps on an application; never shown to the candidate."""

    candidature = models.ForeignKey(
        Candidature,
        on_delete=models.CASCADE,
        related_name="staff_notes",
        verbose_name=_("application"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("staff note")
        verbose_name_plural = _("staff notes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:60]


class BulkOperation(models.Model):
    """A back-office action on a selection of applications, run by a Celery task one
    application at a time through the same service as the single action; the request only
    records it. Its result stays readable in the admin."""

    class Action(models.TextChoices):
        MARK_COMPLETE = "mark_complete", _("Mark complete")
        MARK_INCOMPLETE = "mark_incomplete", _("Mark incomplete")
        REMIND = "remind", _("Send a reminder")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    candidature_ids = models.JSONField(_("applications"), default=list)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="queued")
    # Ids already handled (done or refused): a retried task carries on where it stopped.
    handled_ids = models.JSONField(_("handled"), default=list)
    done = models.PositiveIntegerField(_("updated"), default=0)
    refusals = models.JSONField(_("refused"), default=list)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk operation")
        verbose_name_plural = _("bulk operations")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} × {len(self.candidature_ids)}"
