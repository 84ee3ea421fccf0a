"""Writes on accounts: activation and the purge of accounts never activated in time."""

import logging
from dataclasses import dataclass
from datetime import datetime

from allauth.account.models import EmailAddress, EmailConfirmation
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ecandidat.deletion import delete_unreferenced_files, delete_with_dependants

from .models import User

logger = logging.getLogger(__name__)


# Called with the user inside the activation's transaction, after the dossier exists. Filled by
# the apps that act on an activation from their ``AppConfig.ready()`` (the ENT app queues the
# student-records import of an account created with the INE), so accounts imports none of them.
activation_hooks: list = []


def register_activation_hook(hook):
    """Adds a hook run at activation (usable as a decorator; idempotent)."""
    if hook not in activation_hooks:
        activation_hooks.append(hook)
    return hook


class ActivationError(Exception):
    """Base of the reasons an activation link cannot be used."""


class ActivationExpired(ActivationError):
    pass


class AlreadyActivated(ActivationError):
    pass


def account_activate(
    *, request, confirmation: EmailConfirmation, now: datetime | None = None
) -> User:
    """Activates the account behind a mailed link, if the 48 hours are not over.

    The deadline is counted from the sign-up, not from the last mail: a resent link does not
    extend the life of an account that the purge is about to delete.
    """
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=confirmation.email_address.user_id)
        email_address = EmailAddress.objects.select_for_update().get(
            pk=confirmation.email_address_id
        )
        if email_address.verified and user.activated_at:
            raise AlreadyActivated
        if user.activated_at is None and user.activation_expired(now):
            raise ActivationExpired
        confirmation.email_address = email_address
        confirmation.confirm(request)
        if user.activated_at is None:
            user.activated_at = now
            user.save(update_fields=["activated_at"])
            # Local import: dossiers depends on accounts, never the reverse at import time.
            from dossiers.services import dossier_create

            dossier_create(user=user)
            for hook in activation_hooks:
                hook(user=user)
    logger.info("account activated: %s", user.candidate_number)
    return user


def expired_unactivated_accounts(*, now: datetime | None = None):
    cutoff = (now or timezone.now()) - settings.ACCOUNT_ACTIVATION_PERIOD
    return User.objects.filter(
        activated_at__isnull=True, is_staff=False, is_superuser=False, date_joined__lte=cutoff
    )


@dataclass
class PurgeReport:
    deleted: list[str]
    dry_run: bool

    def __str__(self):
        verb = "would delete" if self.dry_run else "deleted"
        return (
            f"{verb} {len(self.deleted)} unactivated account(s): {', '.join(self.deleted) or '-'}"
        )


PURGE_BATCH = 5000


def accounts_purge_unactivated(
    *, now: datetime | None = None, dry_run: bool = False, limit: int | None = None
) -> PurgeReport:
    """Deletes accounts not activated within 48 hours, with everything attached to them. In
    batches of PURGE_BATCH accounts, each in its own transaction: the batch is locked (``FOR
    UPDATE``, which checks the conditions again on the locked rows, so an activation racing
    with the purge wins or loses cleanly), then deleted table by table, one statement each
    keyed by the batch's ids (``ecandidat.deletion``; Django's collector read 22 tables and
    brought their rows into Python for each batch); the files of their documents are deleted
    from storage after the commit. As before, no audit row is written (the job's run keeps
    the list); audit rows in which an account acted keep its name as text, not the link."""
    now = now or timezone.now()
    deleted = []
    remaining = limit
    last = None
    while remaining is None or remaining > 0:
        size = PURGE_BATCH if remaining is None else min(PURGE_BATCH, remaining)
        with transaction.atomic():
            batch = expired_unactivated_accounts(now=now).select_for_update().order_by("pk")
            if last is not None:
                batch = batch.filter(pk__gt=last)  # a dry run deletes nothing: move on
            rows = list(batch.values_list("pk", "candidate_number", "email")[:size])
            if not rows:
                break
            if not dry_run:
                _delete_accounts([pk for pk, _, _ in rows])
        deleted += [f"{number} <{email}>" for _, number, email in rows]
        last = rows[-1][0]
        if remaining is not None:
            remaining -= len(rows)
    report = PurgeReport(deleted=deleted, dry_run=dry_run)
    logger.info("purge: %s account(s)%s", len(deleted), " (dry run)" if dry_run else "")
    return report


def account_delete_if_expired(*, user: User, now: datetime | None = None) -> bool:
    """Deletes this one account now if its activation period is over (used when its owner comes
    back with an expired link, so they can sign up again at once)."""
    with transaction.atomic():
        locked = (
            expired_unactivated_accounts(now=now).select_for_update().filter(pk=user.pk).first()
        )
        if locked is None:
            return False
        _delete_accounts([locked.pk])
    return True


def _delete_accounts(ids: list[int]) -> None:
    """Inside the transaction holding these accounts' locks."""
    files = delete_with_dependants(User, ids)
    if files:
        transaction.on_commit(lambda: delete_unreferenced_files(files))


def user_remember_language(*, user, language: str) -> None:
    """The language of the person's last page; one UPDATE, only when it changed."""
    User.objects.filter(pk=user.pk).exclude(language=language).update(language=language)
    user.language = language


def account_create_vouched(*, email: str, first_name: str = "", last_name: str = "") -> User:
    """An account for a person the university's identity provider (ENT) vouches for: active at
    once, its email verified, no password (they sign in through the ENT; a password can be set
    later with a reset link), no activation mail."""
    from dossiers.services import dossier_create

    now = timezone.now()
    with transaction.atomic():
        user = User.objects.create_user(
            email,
            None,
            first_name=first_name[:150],
            last_name=last_name[:150],
            activated_at=now,
        )
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        dossier_create(user=user)
    logger.info("account created through the ENT: %s", user.candidate_number)
    return user


def account_vouch(*, user: User) -> User:
    """The ENT vouches for an existing account's address (after its owner proved the password):
    an account still waiting for activation is activated."""
    from dossiers.services import dossier_create

    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        EmailAddress.objects.filter(user=locked, email__iexact=locked.email).update(verified=True)
        if locked.activated_at is None:
            locked.activated_at = timezone.now()
            locked.save(update_fields=["activated_at"])
            dossier_create(user=locked)
    return locked
