"""The two floors every page is measured against, served by the same middleware as the real
pages: a bare view (anonymous, a small template, no query) and an authenticated one (the
session as configured, the user loaded: one query)."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.shortcuts import render


@login_not_required  # anonymous by design: deny-by-default would measure a redirect
def floor(request):
    return render(request, "bench/floor.html")


@login_required
def floor_authenticated(request):
    return render(request, "bench/floor.html", {"number": request.user.candidate_number})
