"""Reads on applications shared by pages, jobs and commands."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecandidat.hooks import Hook
from ecandidat.prepared import Prepared

from .models import Campaign, Candidature, CandidatureTransition, Decision, Event, Programme, Status


def overdue_for_expiry(*, now):
    """Published favourable applications left unanswered past their confirmation deadline
    (the fixed date, or N days after publication: that one is computed per row)."""
    candidates = (
        Candidature.objects.filter(
            status=Status.COMPLETE,
            decision=Decision.FAVOURABLE,
            decision_published_at__isnull=False,
            answer="",
        )
        .filter(
            Q(programme__confirmation_deadline__lte=now)
            | Q(programme__confirmation_deadline__isnull=True)
        )
        .select_related("programme")
        .order_by("pk")
    )
    return [c for c in candidates if c.programme.confirmation_deadline_for(c) <= now]


def waitlist_position(candidature) -> dict:
    """The candidate's rank on their programme's published waiting list and the list's size."""
    size = Candidature.objects.filter(
        programme_id=candidature.programme_id,
        status=Status.COMPLETE,
        decision=Decision.WAITLISTED,
        decision_published_at__isnull=False,
        answer="",
    ).count()
    return {"rank": candidature.waitlist_rank, "size": size}


# Compiled once (``ecandidat.prepared``): the offer reads both on every request.
_active_campaign = Prepared(lambda: Campaign.objects.filter(is_active=True).order_by("pk")[:1])
_applied_in_campaign = Prepared(
    lambda user_id, campaign_id: (
        Candidature.objects.filter(dossier__user_id=user_id, programme__campaign_id=campaign_id)
        .only("pk", "programme_id")
        .order_by("-created_at", "-pk")
    )
)


def active_campaign():
    """``Campaign.objects.filter(is_active=True).first()``."""
    found = _active_campaign()
    return found[0] if found else None


def applied_programmes(user, campaign) -> dict[int, int]:
    """Programme pk -> application pk, for the candidate's applications in the campaign (one
    per programme: a constraint of the table)."""
    return {
        candidature.programme_id: candidature.pk
        for candidature in _applied_in_campaign(user_id=user.pk, campaign_id=campaign.pk)
    }


def offer_by_centre(*, campaign, query: str = "") -> list[tuple]:
    """The active campaign's programmes grouped by centre (one query), filtered by keywords
    (every word must appear in the code, title, description or centre's name)."""
    if campaign is None:
        return []
    programmes = Programme.objects.filter(campaign=campaign).select_related("centre")
    for word in query.split()[:8]:
        programmes = programmes.filter(
            Q(code__icontains=word)
            | Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(centre__name__icontains=word)
        )
    grouped: dict = {}
    for programme in programmes.order_by("centre__name", "title"):
        grouped.setdefault(programme.centre, []).append(programme)
    return list(grouped.items())


def candidatures_of(user):
    """The candidate's own applications: every page loads them through this."""
    return (
        Candidature.objects.filter(dossier__user=user)
        .select_related("programme__centre", "programme__campaign", "dossier")
        .order_by("-created_at", "-pk")
    )


def _of_dossier(dossier_id, **filters):
    return (
        Candidature.objects.filter(dossier_id=dossier_id, **filters)
        .select_related("programme__centre", "programme__campaign")
        .order_by("-created_at", "-pk")
    )


# The candidate pages' reads, compiled once (``ecandidat.prepared``): their dossier is known
# already (``dossier_for``), so it is neither joined nor read again.
_applications_of_dossier = Prepared(_of_dossier)
_application_of_dossier = Prepared(lambda dossier_id, pk: _of_dossier(dossier_id, pk=pk))
_history = Prepared(
    lambda candidature_id: CandidatureTransition.objects.filter(
        candidature_id=candidature_id
    ).exclude(event=Event.DECIDE)
)


def applications_of(dossier) -> list[Candidature]:
    """``candidatures_of`` for a candidate page, which holds the dossier: the same rows."""
    candidatures = _applications_of_dossier(dossier_id=dossier.pk)
    for candidature in candidatures:
        candidature.dossier = dossier
    return candidatures


def application_of(dossier, pk: int) -> Candidature | None:
    """One of the candidate's own applications, or None."""
    for candidature in _application_of_dossier(dossier_id=dossier.pk, pk=pk):
        candidature.dossier = dossier
        return candidature
    return None


def candidate_history(candidature) -> list[CandidatureTransition]:
    """What the candidate may read of the trail: a decision recorded and not yet published is
    the commission's business (it may still change), so its row is left out."""
    return _history(candidature_id=candidature.pk)


def window_state(programme, now) -> str:
    if now < programme.opens_at:
        return "future"
    if now >= programme.closes_at:
        return "closed"
    return "open"


def next_deadline(candidature, now):
    """(what, when) the candidate should watch next, or None."""
    programme = candidature.programme
    status, decision = candidature.status, candidature.decision
    if status in (Status.DRAFT, Status.INCOMPLETE) and now < candidature.return_deadline:
        return _("Return deadline"), candidature.return_deadline
    if candidature.answer or status == Status.CANCELLED:
        return None
    if candidature.decision_visible:
        if decision == Decision.FAVOURABLE:
            deadline = programme.confirmation_deadline_for(candidature)
            if deadline and now < deadline:
                return _("Confirm or withdraw before"), deadline
        return None
    if status in (Status.RECEIVED, Status.COMPLETE) and now < programme.publication_at:
        return _("Decisions published from"), programme.publication_at
    return None


# What the documents app answers for pages of this app (see ``ecandidat.hooks``):
missing_pieces_hook = Hook(
    "pieces.selectors.missing_pieces_by_candidature",
    purpose="the documents each of many applications still lacks (dashboard)",
)
detail_documents_hook = Hook(
    "pieces.selectors.detail_context",
    purpose="the documents part of the application page",
)


def missing_items(candidatures) -> dict[int, list[str]]:
    return {
        pk: [str(item) for item in items] for pk, items in missing_pieces_hook(candidatures).items()
    }
