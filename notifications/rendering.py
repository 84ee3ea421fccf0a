"""Turns (event, language, context) into a subject, a text body and an HTML body: staff's active
override when there is one, the shipped templates otherwise."""

import functools
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.utils import translation
from django.utils.safestring import mark_safe

from .models import MailTemplate

logger = logging.getLogger(__name__)

LIBRARIES = {"i18n": "django.templatetags.i18n", "l10n": "django.templatetags.l10n"}


@functools.cache
def engine() -> Engine:
    """Our own engine: staff's templates may load i18n/l10n and nothing else. Escaping is
    decided per render (_text/_html): an ampersand in a programme's title must stay an
    ampersand in the text body and the subject."""
    return Engine(app_dirs=True, libraries=LIBRARIES)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body_text: str
    body_html: str


def find_override(*, event: str, language: str) -> MailTemplate | None:
    return MailTemplate.objects.filter(event=event, language=language, is_active=True).first()


def _tidy_text(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _tidy_subject(subject: str) -> str:
    return settings.NOTIFICATIONS_SUBJECT_PREFIX + " ".join(subject.split())


def _text(template, context: dict) -> str:
    return template.render(Context(context, autoescape=False))


def _html(template, context: dict) -> str:
    return template.render(Context(context, autoescape=True))


def render_templates(
    *, subject: str, body_text: str, body_html: str, context: dict, language: str
) -> Rendered:
    """Renders template *sources* (staff's override, or the admin form being previewed) inside
    the shipped layout (greeting, candidate number, spam advice, footer).
    Raises TemplateSyntaxError for a broken template."""
    text_engine = html_engine = engine()
    with translation.override(language):
        content = _text(Template(body_text, engine=text_engine), context)
        content_html = ""
        if body_html:
            # Staff's HTML is trusted markup; the variables inside it were escaped.
            content_html = mark_safe(  # noqa: S308
                _html(Template(body_html, engine=html_engine), context)
            )
        wrapped = {**context, "content": content.strip(), "content_html": content_html}
        return Rendered(
            subject=_tidy_subject(_text(Template(subject, engine=text_engine), context)),
            body_text=_tidy_text(
                _text(text_engine.get_template("notifications/override.txt"), wrapped)
            ),
            body_html=_html(html_engine.get_template("notifications/override.html"), wrapped),
        )


def render_default(*, event: str, context: dict, language: str) -> Rendered:
    text_engine = html_engine = engine()
    folder = f"notifications/{event}"
    with translation.override(language):
        return Rendered(
            subject=_tidy_subject(
                _text(text_engine.get_template(f"{folder}/subject.txt"), context)
            ),
            body_text=_tidy_text(_text(text_engine.get_template(f"{folder}/body.txt"), context)),
            body_html=_html(html_engine.get_template(f"{folder}/body.html"), context),
        )


def render(*, event: str, context: dict, language: str) -> Rendered:
    override = find_override(event=event, language=language)
    if override is not None:
        try:
            return render_templates(
                subject=override.subject,
                body_text=override.body_text,
                body_html=override.body_html,
                context=context,
                language=language,
            )
        except TemplateSyntaxError:
            # The admin validates overrides; one broken anyway must not stop the mail.
            logger.exception("broken mail template %s, using the default", override.pk)
    return render_default(event=event, context=context, language=language)
