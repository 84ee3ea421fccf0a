"""The application page's documents section written in Python: the same HTML, once runs of
blanks are collapsed, as ``pieces/_pieces.html`` with ``_post_button.html`` (which stay the
reference, and the fallback when ``written`` is off). As a template the section was about
half of the page's own rendering: a dozen lookups, ``{% if %}`` and ``{% translate %}`` per
row, an ``{% include %}`` per action button, ``filesizeformat``. tests/pieces/test_section.py
compares both renderings, FR and EN, for every state a row and the section can be in.

Nothing here is kept between requests: the rows are the candidate's own."""

from html import escape

from django.template.defaultfilters import filesizeformat
from django.utils.safestring import SafeString, mark_safe

# Named as Django's, which makemessages looks for.
from ecandidat.layout import gettext_kept as gettext
from ecandidat.layout import pgettext_kept as pgettext

from .models import PieceStatus

written = True  # off: the template's own section (tests compare both)


def _e(value) -> str:
    """A ``{{ value }}`` of text: escaped (a ``SafeString`` as it is, as the template does)."""
    return value if isinstance(value, SafeString) else escape(str(value))


def _button(action: str, label: str, style: str, row_label: str, csrf: str) -> str:
    """``_post_button.html``: ``label`` is HTML already."""
    return (
        f'<li>\n<form method="post" action="{escape(action)}">\n{csrf}\n'
        f'<button class="fr-btn fr-btn--sm {style}" type="submit">\n'
        f'{label}<span class="fr-sr-only"> — {row_label}</span>\n</button>\n</form>\n</li>'
    )


def _row(row, words: dict, csrf: str) -> str:
    label = _e(row.label)
    urls = row.urls
    piece = row.piece
    html = [f"<tr>\n<td>\n<strong>{label}</strong>"]
    if row.is_conditional:
        html.append(f'<span class="fr-hint-text">{words["concerned"]}</span>')
    if row.description:
        html.append(f'<p class="fr-text--sm fr-mb-0">{_e(row.description)}</p>')
    if urls.get("blank_form"):
        html.append(
            '<a class="fr-link fr-link--sm fr-icon-download-line fr-link--icon-left"\n'
            f'href="{_e(urls["blank_form"])}">{words["blank_form"]}</a>'
        )
    if row.has_file:
        html.append(
            f'<p class="fr-text--sm fr-mb-0">\n<a href="{_e(urls.get("download", ""))}">'
            f"{_e(piece.original_name)}</a>\n({_e(filesizeformat(piece.size))})\n</p>"
        )
    if row.status == PieceStatus.REFUSED and piece.refusal_comment:
        html.append(f'<p class="fr-error-text">{_e(piece.refusal_comment)}</p>')
    html.append(
        f'</td>\n<td>\n<span class="fr-badge fr-badge--sm{_e(row.badge)}">'
        f"{_e(row.status_label)}</span>\n</td>\n<td>\n"
        '<ul class="fr-btns-group fr-btns-group--sm fr-btns-group--inline">'
    )
    if row.can_upload:
        verb = words["replace"] if row.has_file else words["add"]
        html.append(
            f'<li>\n<a class="fr-btn fr-btn--sm" href="{_e(urls.get("upload", ""))}">\n'
            f'{verb}\n<span class="fr-sr-only">{label}</span>\n</a>\n</li>'
        )
    if row.reusable:
        # As {% blocktranslate %}: the name escaped, not the translation.
        reuse = words["reuse"] % {"name": _e(row.reusable.original_name)}
        html.append(_button(urls.get("reuse", ""), reuse, "fr-btn--secondary", label, csrf))
    if row.can_not_concern:
        html.append(
            _button(
                urls.get("not_concerned", ""),
                words["not_concerned"],
                "fr-btn--secondary",
                label,
                csrf,
            )
        )
    if row.can_delete:
        html.append(
            _button(urls.get("delete", ""), words["delete"], "fr-btn--tertiary", label, csrf)
        )
    html.append("</ul>\n</td>\n</tr>")
    return "\n".join(html)


def section_html(context, *, csrf: str, submit_url: str) -> str:
    """The section for the page's context (``selectors.pieces_context``); ``csrf`` is the
    ``{% csrf_token %}`` input, ``submit_url`` the submission page's address."""
    words = {
        "concerned": gettext("Only if you are concerned"),
        "blank_form": gettext("Download the form to fill in"),
        "replace": pgettext("piece", "Replace"),
        "add": pgettext("piece", "Add"),
        "reuse": gettext("Reuse “%(name)s”"),
        "not_concerned": gettext("Not concerned"),
        "delete": pgettext("piece", "Delete"),
    }
    documents = gettext("Documents")
    html = [f'<section id="pieces" class="fr-mb-4w">\n<h2 class="fr-h4">{documents}</h2>']
    rows = context["piece_rows"]
    if rows:
        html.append(
            '<div class="fr-table fr-table--no-caption">\n<table>\n'
            f"<caption>{documents}</caption>\n<thead>\n<tr>\n"
            f'<th scope="col">{gettext("Document")}</th>\n'
            f'<th scope="col">{gettext("Status")}</th>\n'
            f'<th scope="col">{gettext("Actions")}</th>\n'
            "</tr>\n</thead>\n<tbody>"
        )
        html.extend(_row(row, words, csrf) for row in rows)
        html.append("</tbody>\n</table>\n</div>")
    else:
        html.append(f"<p>{gettext('This programme asks for no document.')}</p>")
    submit = gettext("Submit my application")
    if context["pieces_editable"]:
        if context["can_submit"]:
            html.append(
                '<a class="fr-btn fr-btn--success fr-icon-send-plane-line fr-btn--icon-left"\n'
                f'id="submit-application"\nhref="{escape(submit_url)}">{submit}</a>'
            )
        else:
            missing = ", ".join(_e(item) for item in context["pieces_missing"])
            still = gettext("Before you can submit your application, still missing:")
            html.append(
                f'<div class="fr-callout">\n<p class="fr-callout__text">{still} {missing}.</p>\n'
                "</div>\n"
                f'<button class="fr-btn" type="button" id="submit-application" disabled>{submit}'
                "</button>"
            )
    elif context["submit_closed"]:
        closed = gettext(
            "The return deadline has passed: this application can no longer be submitted."
        )
        html.append(f'<p class="fr-error-text">{closed}</p>')
    html.append("</section>")
    return mark_safe("\n".join(html))  # noqa: S308 (every value escaped above)
