"""The door of every candidate page: a signed-in candidate who has a dossier.

Reading never creates a dossier (it is created at activation): staff are sent to the
administration, commission members who are not candidates to their commission's pages, and
an account without a dossier (activated another way than by the mailed
link) gets a page that says so with a button that opens it (a POST), instead of a dossier made
on the way by a GET."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .selectors import dossier_for


def candidate_required(view):
    """Calls ``view(request, *args, dossier=<the candidate's dossier>, **kwargs)``."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_staff:
            messages.info(request, _("Candidate pages are for candidates: use the administration."))
            return redirect("home")
        dossier = dossier_for(request.user)
        if dossier is None and request.user.commission_memberships.exists():
            # A commission member who is not a candidate (the reverse name of the commissions
            # app's membership: nothing of it is imported here).
            messages.info(
                request,
                _("Candidate pages are for candidates: here are the applications you examine."),
            )
            return redirect("commissions:list")
        if dossier is None:
            return render(request, "dossiers/no_dossier.html")
        return view(request, *args, dossier=dossier, **kwargs)

    return login_required(wrapped)
