"""The application page's own parts written in Python: the same HTML, once runs of blanks are
collapsed, as the content block of ``candidatures/detail.html`` (which stays the reference,
and the fallback when ``written`` is off). The documents section between the two parts is
the documents app's (``{% pieces_section %}``).

As a template the page's content walked a hundred-odd nodes on every request: two dozen
``{% translate %}``, a ``{% blocktranslate %}`` with two dates, six dates through the filter
machinery, a ``{% url %}`` per button, the history's loop. tests/candidatures/test_detail_html.py
compares both renderings, FR and EN, at every stage the page tells apart. Nothing is kept
between requests: everything here is the candidate's own."""

from html import escape

from django.template.defaultfilters import linebreaksbr
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from accounts.templatetags.typography import colon
from ecandidat.dates import local_date
from ecandidat.layout import fixed_reverse
from ecandidat.layout import gettext_kept as gettext  # named as Django's, for makemessages
from ecandidat.reversing import url_maker

from .models import Status
from .templatetags.applications import status_badges

written = True  # off: the template's own content (tests compare both)


def _e(value) -> str:
    """A ``{{ value }}``: localized, then escaped."""
    return escape(str(formats.localize(value)))


def _t(message: str) -> str:
    """A ``{% translate "..." %}``: the translation of a literal, which the template does not
    escape."""
    return gettext(message)


def _date(value, format_name: str) -> str:
    """``{{ value|local_date:format_name }}``."""
    return escape(local_date(template_localtime(value), format_name))


def _link(css: str, viewname: str, pk: int, label: str) -> str:
    return (
        f'<li>\n<a class="{css}"\nhref="{escape(url_maker(viewname)(pk))}">{_t(label)}</a>\n</li>'
    )


def _head(c: dict) -> str:
    candidature = c["candidature"]
    programme = candidature.programme
    html = [
        f'<h1 class="fr-h2">{_e(programme.title)}</h1>\n'
        f"<p>{_e(programme.centre.name)} — {_e(programme.code)}</p>\n"
        f'<div class="fr-mb-3w">{status_badges(candidature)}</div>'
    ]
    if candidature.status == Status.INCOMPLETE and candidature.incomplete_comment:
        html.append(
            '<div class="fr-alert fr-alert--warning fr-mb-3w">\n'
            f'<h2 class="fr-alert__title">{_t("Your dossier is incomplete")}</h2>\n'
            f"<p>{linebreaksbr(candidature.incomplete_comment)}</p>\n</div>"
        )
    deadline = c["deadline"]
    if deadline:
        html.append(
            f"<p>\n<strong>{_e(deadline[0])}{colon()}</strong> "
            f"{_date(deadline[1], 'DATETIME_FORMAT')}\n</p>"
        )
    if c["can_answer"]:
        text = _t(
            "Your application has received a favourable decision. Confirm your wish to enrol, "
            "or withdraw if you give up this place, before the deadline: without an answer by "
            "then, it counts as a definitive withdrawal."
        )
        html.append(
            '<div class="fr-callout fr-mb-3w" id="answer">\n'
            f'<h2 class="fr-callout__title">{_t("Confirm your admission or withdraw")}</h2>\n'
            f'<p class="fr-callout__text">\n{text}\n</p>\n'
            '<ul class="fr-btns-group fr-btns-group--inline-md">\n'
            + _link("fr-btn", "candidatures:confirm", candidature.pk, "Confirm my admission")
            + "\n"
            + _link(
                "fr-btn fr-btn--secondary",
                "candidatures:withdraw",
                candidature.pk,
                "Withdraw my application",
            )
            + "\n</ul>\n</div>"
        )
    if c["can_give_up"]:
        text = _t(
            "You have confirmed your admission. If you give up this place, say so here: it "
            "will be offered to another candidate."
        )
        url = escape(url_maker("candidatures:withdraw")(candidature.pk))
        html.append(
            '<div class="fr-callout fr-mb-3w" id="give-up">\n'
            f'<p class="fr-callout__text">{text}</p>\n'
            f'<a class="fr-btn fr-btn--secondary"\nhref="{url}">{_t("Give up my place")}</a>\n'
            "</div>"
        )
    waitlist = c["waitlist"]
    if waitlist:
        # As {% blocktranslate %}: the values escaped, not the translation.
        text = gettext(
            "You are number %(rank)s on the waiting list, which has %(size)s candidates. If a "
            "place frees up, you will receive a mail."
        ) % {"rank": _e(waitlist["rank"]), "size": _e(waitlist["size"])}
        html.append(
            f'<div class="fr-alert fr-alert--info fr-mb-3w" id="waitlist">\n<p>\n{text}\n</p>\n'
            "</div>"
        )
    details = c["decision_details"]
    if details.get("interview_at"):
        text = gettext("You are invited to an interview on %(at)s, at: %(place)s.") % {
            "at": _e(details["interview_at"]),
            "place": _e(details.get("interview_place", "")),
        }
        html.append(
            '<div class="fr-alert fr-alert--info fr-mb-3w" id="interview">\n'
            f'<h2 class="fr-alert__title">{_t("Interview")}</h2>\n<p>\n{text}\n</p>\n</div>'
        )
    if details.get("reason"):
        html.append(
            f'<p id="reason">\n<strong>{_t("Reason for the decision")}&nbsp;:</strong> '
            f"{_e(details['reason'])}\n</p>"
        )
    missing = c["missing"]
    if missing:
        html.append(
            '<div class="fr-alert fr-alert--info fr-mb-3w">\n<p>\n'
            f"{_t('Still missing in your dossier:')} {', '.join(map(_e, missing))}.\n"
            f'<a href="{escape(fixed_reverse("dossiers:overview"))}">'
            f"{_t('Complete my dossier')}</a>\n</p>\n</div>"
        )
    return "\n".join(html)


def _tail(c: dict) -> str:
    candidature = c["candidature"]
    programme = candidature.programme
    punctuation = colon()
    period = gettext("from %(start)s to %(end)s") % {
        "start": _date(programme.opens_at, "DATETIME_FORMAT"),
        "end": _date(programme.closes_at, "DATETIME_FORMAT"),
    }
    html = [
        f'<h2 class="fr-h4">{_t("Dates")}</h2>\n<ul>\n'
        f"<li>\n{_t('Application period')}{punctuation} {period}\n</li>\n"
        f"<li>{_t('Return deadline')}{punctuation} "
        f"{_date(programme.return_deadline, 'DATETIME_FORMAT')}</li>\n"
        f"<li>{_t('Commission')}{punctuation} {_date(programme.jury_at, 'DATE_FORMAT')}</li>\n"
        f"<li>{_t('Publication of decisions')}{punctuation} "
        f"{_date(programme.publication_at, 'DATETIME_FORMAT')}</li>\n</ul>\n"
        '<ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">',
        _link(
            "fr-btn fr-btn--secondary fr-icon-download-line",
            "candidatures:pdf_copy",
            candidature.pk,
            "Download a PDF copy",
        ),
    ]
    if c["has_letter"]:
        html.append(
            _link(
                "fr-btn fr-btn--secondary fr-icon-file-pdf-line",
                "candidatures:admission_letter",
                candidature.pk,
                "Download my admission letter",
            )
        )
    if c["can_cancel"]:
        html.append(
            _link(
                "fr-btn fr-btn--tertiary fr-icon-close-circle-line",
                "candidatures:cancel",
                candidature.pk,
                "Cancel this application",
            )
        )
    history = _t("History")
    html.append(
        f'</ul>\n<h2 class="fr-h4 fr-mt-4w" id="history">{history}</h2>\n'
        '<div class="fr-table fr-table--no-caption">\n<table>\n'
        f"<caption>{history}</caption>\n<thead>\n<tr>\n"
        f'<th scope="col">{_t("Date")}</th>\n<th scope="col">{_t("Step")}</th>\n'
        f'<th scope="col">{_t("Comment")}</th>\n</tr>\n</thead>\n<tbody>'
    )
    html.extend(
        f"<tr>\n<td>{_date(transition.at, 'SHORT_DATETIME_FORMAT')}</td>\n"
        f"<td>{_e(label)}</td>\n<td>{linebreaksbr(transition.comment)}</td>\n</tr>"
        for transition, label in c["history"]
    )
    html.append("</tbody>\n</table>\n</div>")
    return "\n".join(html)


def parts(context: dict) -> dict:
    """``{"head": ..., "tail": ...}`` for the page's context, or ``{}`` when ``written`` is
    off (the template then draws its own)."""
    if not written:
        return {}
    return {
        "head": mark_safe(_head(context)),  # noqa: S308 (every value escaped above)
        "tail": mark_safe(_tail(context)),  # noqa: S308
    }
