"""The catalogue of mail events: their names, the variables each template may use, and sample
values (for the admin preview and the tests). Other apps name an event and pass a context of
plain values; the templates live under templates/notifications/<event>/."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    # Accounts (sent through allauth's adapter).
    ACTIVATION = "activation", _("Account activation")
    ACTIVATION_RESENT = "activation_resent", _("Activation link sent again")
    EMAIL_CHANGE_VERIFICATION = "email_change_verification", _("New email address to verify")
    EMAIL_CHANGED = "email_changed", _("Email address changed")
    PASSWORD_RESET = "password_reset", _("Password reset")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    ACCOUNT_ALREADY_EXISTS = "account_already_exists", _("Sign-up with an existing address")
    UNKNOWN_ACCOUNT = "unknown_account", _("Reset asked for an unknown address")
    ACCOUNT_NOTICE = "account_notice", _("Other account notice")
    # Applications.
    APPLICATION_CREATED = "application_created", _("Application created")
    APPLICATION_CANCELLED = "application_cancelled", _("Application cancelled")
    APPLICATION_RECEIVED = "application_received", _("Application received")
    APPLICATION_COMPLETE = "application_complete", _("Application complete")
    APPLICATION_INCOMPLETE = "application_incomplete", _("Application incomplete")
    RETURN_DEADLINE_REMINDER = "return_deadline_reminder", _("Return deadline reminder")
    # Decisions and answers.
    DECISION_PRESELECTED = "decision_preselected", _("Decision: preselected")
    DECISION_FAVOURABLE = "decision_favourable", _("Decision: favourable")
    DECISION_UNFAVOURABLE = "decision_unfavourable", _("Decision: unfavourable")
    DECISION_WAITLISTED = "decision_waitlisted", _("Decision: waiting list")
    WAITLIST_PROMOTED = "waitlist_promoted", _("Promoted from the waiting list")
    CONFIRMATION_REMINDER = "confirmation_reminder", _("Confirmation reminder")
    ANSWER_CONFIRMED = "answer_confirmed", _("Place confirmed")
    ANSWER_WITHDRAWN = "answer_withdrawn", _("Withdrawal")
    ANSWER_WITHDRAWN_AUTOMATICALLY = (
        "answer_withdrawn_automatically",
        _("Automatic withdrawal at the deadline"),
    )


# Every template also receives these (see rendering.common_context).
COMMON_SAMPLE = {
    "full_name": "Camille MARTIN",
    "first_name": "Camille",
    "candidate_number": "7KX4QPZ2",
    "institution_name": "Université Toulouse Jean Jaurès",
    "support_email": "formations.diplomantes@univ-tlse2.fr",
    "site_url": "https://ecandidat.example.org",
    "messages_url": "https://ecandidat.example.org/messages/",
}

_APPLICATION = {
    "programme_title": "Master Sciences du langage",
    "programme_code": "M1-SDL",
    "centre_name": "UFR Lettres, Philosophie, Musique, Arts du spectacle et Communication",
    "candidature_url": "https://ecandidat.example.org/candidatures/42/",
}

SAMPLES: dict[str, dict] = {
    Event.ACTIVATION: {
        "activate_url": "https://ecandidat.example.org/accounts/confirm-email/abc123/",
        "activation_hours": 48,
    },
    Event.ACTIVATION_RESENT: {
        "activate_url": "https://ecandidat.example.org/accounts/confirm-email/abc123/",
        "activation_hours": 48,
    },
    Event.EMAIL_CHANGE_VERIFICATION: {
        "activate_url": "https://ecandidat.example.org/accounts/confirm-email/abc123/",
        "email": "camille.martin@example.org",
    },
    Event.EMAIL_CHANGED: {
        "from_email": "old@example.org",
        "to_email": "camille.martin@example.org",
    },
    Event.PASSWORD_RESET: {
        "password_reset_url": "https://ecandidat.example.org/accounts/password/reset/key/x-y/",
    },
    Event.PASSWORD_CHANGED: {},
    Event.ACCOUNT_ALREADY_EXISTS: {
        "password_reset_url": "https://ecandidat.example.org/accounts/password/reset/",
    },
    Event.UNKNOWN_ACCOUNT: {
        "signup_url": "https://ecandidat.example.org/accounts/signup/",
    },
    Event.ACCOUNT_NOTICE: {
        "notice_subject": "Security notice",
        "notice_body": "A security setting of your account changed.",
    },
    Event.APPLICATION_CREATED: {**_APPLICATION, "return_deadline": "15/05/2027 23:59"},
    Event.APPLICATION_CANCELLED: dict(_APPLICATION),
    Event.APPLICATION_RECEIVED: dict(_APPLICATION),
    Event.APPLICATION_COMPLETE: dict(_APPLICATION),
    Event.APPLICATION_INCOMPLETE: {
        **_APPLICATION,
        "refused_pieces": ["Relevé de notes de L3 : illisible", "CV : non signé"],
        "comment": "Merci de déposer des scans lisibles.",
        "return_deadline": "15/05/2027 23:59",
    },
    Event.RETURN_DEADLINE_REMINDER: {
        **_APPLICATION,
        "return_deadline": "15/05/2027 23:59",
        "incomplete": False,
        "missing_items": ["Relevé de notes de L3", "CV"],
    },
    Event.DECISION_PRESELECTED: {
        **_APPLICATION,
        "comment": "",
        "interview_at": "2 juin 2027 10:00",
        "interview_place": "Bâtiment Olympe de Gouges, salle GS 027",
    },
    Event.DECISION_FAVOURABLE: {**_APPLICATION, "confirmation_deadline": "30/06/2027 23:59"},
    Event.DECISION_UNFAVOURABLE: {
        **_APPLICATION,
        "comment": "",
        "reason": "Capacité d'accueil atteinte.",
    },
    Event.DECISION_WAITLISTED: {**_APPLICATION, "waitlist_rank": 4},
    Event.WAITLIST_PROMOTED: {**_APPLICATION, "confirmation_deadline": "30/06/2027 23:59"},
    Event.CONFIRMATION_REMINDER: {**_APPLICATION, "confirmation_deadline": "30/06/2027 23:59"},
    Event.ANSWER_CONFIRMED: dict(_APPLICATION),
    Event.ANSWER_WITHDRAWN: dict(_APPLICATION),
    Event.ANSWER_WITHDRAWN_AUTOMATICALLY: {
        **_APPLICATION,
        "confirmation_deadline": "30/06/2027 23:59",
    },
}


def sample_context(event: str) -> dict:
    return {**COMMON_SAMPLE, **SAMPLES[event]}


def variables(event: str) -> list[str]:
    """The names a template of this event may use, for the admin's help text."""
    return sorted(sample_context(event))
