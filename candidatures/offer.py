"""The offer page's listing (the centres and their programmes), drawn once and kept.

The listing is public: the same for everybody but the last cell of a row, "See my
application" for a programme the candidate applied to. It is rendered without any user, each
of those cells between two markers, and kept as the text between the cells plus each cell's
default (the "Apply" button while the programme is open, else nothing); a request puts its
own cells in (``Listing.html``), so nothing kept belongs to anybody.

Kept under the release (``ecandidat.release``: a new template, translation or code never reads
what an older one kept), the campaign, the language, the time zone and the campaign's
``offer_version``,
which changes in the same transaction as any programme, centre or campaign (the signals below,
connected in ``apps.py``; a ``QuerySet.update`` or a ``COPY`` sends none: call
``offer_changed()`` after it). The version is read with the campaign itself, the query the
page makes anyway, so a worker never serves a listing older than the data it can see, Redis
or not. A listing is good until the next opening or closing of one of its programmes (the
"Open"/"Closed" badges and the "Apply" buttons follow the clock), then drawn again.

Two levels: this process's memory in front of the shared cache (one Redis read saved per
request; both keyed by the version, so never stale). A search (``?q=``) is drawn each time:
its listing is usually short, and keeping what visitors type would let anybody fill the
cache the sessions live in."""

import re
import threading
import uuid
from datetime import datetime

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from ecandidat.release import release_id
from ecandidat.reversing import url_maker

from . import selectors

KEEP_SECONDS = 6 * 3600  # at most, in the shared cache; a new version leaves the old unused
MEMO_SIZE = 8  # listings kept in this process: campaigns × languages, with room

_ACTION = re.compile(r"<!--offer-action (\d+)-->(.*?)<!--/offer-action-->", re.S)
# The template's indentation, more than half of the listing's bytes; nothing in it keeps
# white space (no <pre>, no white-space CSS), so a line's leading blanks show nothing.
_INDENT = re.compile(r"\n[ \t]+")
_memo: dict[str, "Listing"] = {}
_memo_lock = threading.Lock()


class Listing:
    """The listing's text around the action cells, each cell's default, and until when all
    of it holds (None: no opening or closing ahead)."""

    __slots__ = ("chunks", "slots", "valid_until")

    def __init__(self, chunks: tuple, slots: tuple, valid_until: datetime | None):
        self.chunks, self.slots, self.valid_until = chunks, slots, valid_until

    @property
    def empty(self) -> bool:
        return not self.slots

    def valid_at(self, now) -> bool:
        return self.valid_until is None or now < self.valid_until

    def html(self, applied: dict[int, int]) -> SafeString:
        """The listing with the cells of the candidate's own applications (programme pk ->
        application pk) put in."""
        chunks = self.chunks
        out = [chunks[0]]
        see = gettext("See my application") if applied else ""
        detail_url = url_maker("candidatures:detail") if applied else None
        for index, (programme_pk, default) in enumerate(self.slots, start=1):
            candidature_pk = applied.get(programme_pk)
            if candidature_pk is None:
                out.append(default)
            else:
                url = detail_url(candidature_pk)
                out.append(format_html('\n<a class="fr-link" href="{}">{}</a>\n', url, see))
            out.append(chunks[index])
        return mark_safe("".join(out))  # noqa: S308 (our own template's output, escaped)


def listing(*, campaign, query: str, now) -> Listing:
    """The campaign's listing at ``now`` in the active language, filtered by ``query``."""
    if query:
        return _draw(campaign=campaign, query=query, now=now)
    key = listing_key(campaign)
    found = _memo.get(key)
    if found is not None and found.valid_at(now):
        return found
    kept = cache.get(key)
    found = Listing(*kept) if kept is not None else None
    if found is None or not found.valid_at(now):
        found = _draw(campaign=campaign, query="", now=now)
        seconds = KEEP_SECONDS
        if found.valid_until is not None:
            seconds = min(seconds, max(1, int((found.valid_until - now).total_seconds()) + 1))
        cache.set(key, (found.chunks, found.slots, found.valid_until), timeout=seconds)
    with _memo_lock:
        _memo.pop(key, None)
        while len(_memo) >= MEMO_SIZE:
            _memo.pop(next(iter(_memo)))
        _memo[key] = found
    return found


def listing_key(campaign) -> str:
    """Where the campaign's listing in the active language and time zone is kept."""
    return (
        f"candidatures:offer:{release_id()}:{campaign.pk}:{campaign.offer_version}:"
        f"{get_language()}:{timezone.get_current_timezone_name()}"
    )


def forget_memo() -> None:
    """Empties this process's copies (tests; the shared cache is cleared on its own)."""
    with _memo_lock:
        _memo.clear()


def _draw(*, campaign, query: str, now) -> Listing:
    # The period is written here rather than by {% blocktranslate %} and two |date per row
    # (43 % of the template); a date many programmes share (a centre's default) is formatted
    # once.
    period, written = gettext("from %(start)s to %(end)s"), {}

    def shown(moment):
        if moment not in written:
            text = date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
            written[moment] = conditional_escape(text)
        return written[moment]

    def row(programme):
        dates = {"start": shown(programme.opens_at), "end": shown(programme.closes_at)}
        # The translation is ours and the dates escaped, as {% blocktranslate %} leaves them.
        return programme, selectors.window_state(programme, now), mark_safe(period % dates)  # noqa: S308

    centres = [
        (centre, [row(programme) for programme in programmes])
        for centre, programmes in selectors.offer_by_centre(campaign=campaign, query=query)
    ]
    html = render_to_string(
        "candidatures/_offer_centres.html", {"centres": centres, "query": query}
    )
    parts = _ACTION.split(_INDENT.sub("\n", html))
    ahead = [
        moment
        for _centre, programmes in centres
        for programme, _window, _period in programmes
        for moment in (programme.opens_at, programme.closes_at)
        if moment > now
    ]
    return Listing(
        chunks=tuple(str(part) for part in parts[0::3]),
        slots=tuple(
            (int(pk), str(cell)) for pk, cell in zip(parts[1::3], parts[2::3], strict=True)
        ),
        valid_until=min(ahead, default=None),
    )


def offer_changed(**_signal) -> None:
    """Every campaign's listing is to be drawn again. Every campaign rather than the one
    concerned: a programme may have moved between campaigns, a centre belongs to all, and
    there are only a few campaigns."""
    from .models import Campaign

    Campaign.objects.update(offer_version=uuid.uuid4())


def new_offer_version(*, instance, **_signal) -> None:
    """A campaign saved carries a new version in the same statement: saving an instance read
    earlier never puts an older version back."""
    instance.offer_version = uuid.uuid4()
