"""Retention: an archived campaign's applications, their documents' files and the accounts
left with no application are destroyed ``RETENTION_DAYS`` (365) after the archiving.

Only a campaign that is archived (not active) and archived long enough qualifies, checked
again under the lock for every application: nothing of the active campaign, nor of one
archived recently, is ever touched. An account goes only when this purge removed its last
application (an account that never applied is the activation purge's business) and never a
staff account. The counts go to the run log; no audit row keeps the names destroyed."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from dossiers.models import Dossier
from ecandidat.hooks import Hook
from jobs.batches import each_locked
from jobs.registry import JobReport

from .models import Campaign, Candidature

stored_files_hook = Hook(
    "pieces.selectors.stored_files_of",
    purpose="the stored file names of an application's documents (retention deletes them)",
)
delete_files_hook = Hook(
    "pieces.services.delete_unreferenced",
    purpose="deletes stored files no document names any more, after the commit",
)


def retention_cutoff(now=None):
    return (now or timezone.now()) - timedelta(days=settings.RETENTION_DAYS)


def expired_campaigns(now=None):
    return Campaign.objects.filter(
        is_active=False, archived_at__isnull=False, archived_at__lte=retention_cutoff(now)
    )


def retention_purge(*, dry_run: bool = False, limit: int | None = None) -> JobReport:
    report = JobReport()
    now = timezone.now()
    campaigns = expired_campaigns(now)
    queryset = Candidature.objects.filter(programme__campaign__in=campaigns).select_related(
        "dossier__user"
    )

    def handle(candidature, _prepared):
        # Checked again under the lock: the campaign must still be archived long enough.
        if not expired_campaigns(now).filter(programmes__candidatures=candidature).exists():
            return False
        files = stored_files_hook(candidature)
        if dry_run:
            report.add("applications to delete")
            report.add("files to delete", len(files))
            return True
        dossier_id, user = candidature.dossier_id, candidature.dossier.user
        try:
            with transaction.atomic():
                candidature.delete()
        except ProtectedError as error:
            report.error(f"application {candidature.pk} is still referenced: {error.args[0]}")
            return False
        transaction.on_commit(lambda: delete_files_hook(files))
        report.add("applications deleted")
        report.add("files deleted", len(files))
        # The dossier is locked as applying locks it: a new application cannot slip in.
        Dossier.objects.select_for_update().filter(pk=dossier_id).first()
        if not user.is_staff and not Candidature.objects.filter(dossier_id=dossier_id).exists():
            user.delete()
            report.add("accounts deleted")
        return True

    each_locked(queryset, handle, limit=limit)
    for name in (
        ("applications to delete", "files to delete")
        if dry_run
        else ("applications deleted", "files deleted", "accounts deleted")
    ):
        report.counts.setdefault(name, 0)
    return report
