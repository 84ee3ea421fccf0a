"""Taking a job's items one at a time, each locked, so that two runs at once share the work
and a run after a crash picks up what the dead one left (its transaction rolled back)."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction


def each_locked(
    queryset,
    handle: Callable,
    *,
    limit: int | None = None,
    batch_size: int | None = None,
    prepare: Callable[[list], object] | None = None,
) -> int:
    """Calls ``handle(row, prepared)`` for each row of ``queryset`` (ordered by pk), in
    batches: each batch is one transaction holding its rows with ``FOR UPDATE SKIP LOCKED``,
    so another run skips them; ``handle`` must check the row again (its own filter may have
    been answered by a run that committed meanwhile) and return whether it did something.
    Each row gets a savepoint: an exception in ``handle`` undoes that row only and propagates
    (the caller's ``handle`` catches what it counts as an item error). ``prepare(rows)`` runs
    once per batch (for reads that are cheaper for many rows at once). Returns how many rows
    ``handle`` said it handled."""
    batch_size = batch_size or settings.JOBS_BATCH_SIZE
    done = 0
    last_pk = 0
    while limit is None or done < limit:
        size = batch_size if limit is None else min(batch_size, limit - done)
        with transaction.atomic():
            rows = list(
                queryset.filter(pk__gt=last_pk)
                .order_by("pk")
                .select_for_update(skip_locked=True, of=("self",))[:size]
            )
            if not rows:
                break
            last_pk = rows[-1].pk
            prepared = prepare(rows) if prepare else None
            for row in rows:
                with transaction.atomic():
                    if handle(row, prepared):
                        done += 1
    return done


def chunks(items: Iterable, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
