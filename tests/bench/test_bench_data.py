"""The benchmark tooling: the floors exist only when ECANDIDAT_BENCH is on, and bench_data
builds a campaign that the real pages and the workflow's constraints accept."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import NoReverseMatch, reverse

from bench.management.commands import bench_data
from candidatures.models import Candidature, Status
from dossiers.selectors import dossier_for
from pieces.models import Piece


def test_floors_and_generator_are_off_by_default(client, db):
    assert settings.BENCH is False
    assert "bench" not in settings.INSTALLED_APPS
    with pytest.raises(NoReverseMatch):
        reverse("bench:floor")
    assert client.get("/bench/floor/").status_code == 404


def test_tiny_pdf_is_a_pdf_pypdf_reads():
    import io

    from pypdf import PdfReader

    content = bench_data.tiny_pdf("Pièce 1")
    assert content.startswith(b"%PDF-1.4\n") and content.rstrip().endswith(b"%%EOF")
    assert len(PdfReader(io.BytesIO(content), strict=True).pages) == 1


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="bench_data writes with COPY")
def test_bench_data_builds_a_campaign_the_pages_show(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    call_command(bench_data.Command(), candidates=40, programmes=12)
    assert Candidature.objects.count() == 38 * 3  # one in twenty has only just started
    statuses = set(Candidature.objects.values_list("status", flat=True))
    assert {Status.DRAFT, Status.RECEIVED, Status.COMPLETE} <= statuses
    assert Candidature.objects.exclude(decision_published_at=None).exists()
    # Every stored name is a real file; a shared piece is one file for the whole dossier.
    names = set(Piece.objects.values_list("file", flat=True))
    bad = [n for n in names if not (tmp_path / n).read_bytes().startswith(b"%PDF-1.4\n")]
    assert bad == []
    assert len(names) < Piece.objects.count()

    candidature = Candidature.objects.filter(status=Status.INCOMPLETE).first() or (
        Candidature.objects.first()
    )
    user = candidature.dossier.user
    assert dossier_for(user).number == user.candidate_number
    client.force_login(user)
    for url in (
        reverse("candidatures:dashboard"),
        reverse("candidatures:detail", args=[candidature.pk]),
        reverse("dossiers:overview"),
        reverse("notifications:message_list"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("candidatures:detail", args=[candidature.pk])).content.decode()
    assert candidature.programme.title in page

    # The bench commission has given opinions on the applications it examines, and its
    # members' list shows them.
    from commissions.models import Commission, Opinion

    commission = Commission.objects.get(name=bench_data.COMMISSION_NAME)
    opinions = Opinion.objects.filter(candidature__programme__commissions=commission)
    assert opinions.exists() and opinions.count() == Opinion.objects.count()
    assert opinions.exclude(score=None).exists()
    member = commission.memberships.first().user
    client.force_login(member)
    page = client.get(reverse("commissions:list")).content.decode()
    assert "/20" in page and "avis" in page

    with pytest.raises(Exception, match="already holds bench data"):
        call_command(bench_data.Command(), candidates=1)


BENCH_TEMPLATES = Path(bench_data.__file__).resolve().parents[2] / "templates"


@pytest.mark.urls("tests.bench.urls")
def test_bare_floor_is_anonymous_and_the_other_signed_in(client, db, settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], BENCH_TEMPLATES]}
    ]
    # The bare floor is measured anonymously: behind deny-by-default it was a redirect to the
    # sign-in page, so the harness compared the pages with a 302.
    response = client.get("/bench/floor/")
    assert response.status_code == 200
    assert b"anonymous" in response.content
    response = client.get("/bench/floor/auth/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is SQLite's")
def test_bench_data_says_it_needs_postgresql():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command(bench_data.Command(), candidates=4, programmes=2)
