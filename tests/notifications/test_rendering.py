"""Every event renders in French and English from the shipped templates; staff's overrides
replace them."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from notifications.events import Event, sample_context, variables
from notifications.models import MailTemplate
from notifications.rendering import render, render_default

PO = Path(__file__).resolve().parents[2] / "notifications/locale/fr/LC_MESSAGES/django.po"


@pytest.mark.parametrize("event", Event.values)
def test_every_event_renders_in_both_languages(event):
    context = sample_context(event)
    french = render_default(event=event, context=context, language="fr")
    english = render_default(event=event, context=context, language="en")
    for rendered in (french, english):
        assert rendered.subject.startswith("[ecandidat] ")
        assert len(rendered.subject) > len("[ecandidat] ")
        assert "\n" not in rendered.subject
        for body in (rendered.body_text, rendered.body_html):
            assert "{{" not in body and "{%" not in body
            assert "%(" not in body  # a placeholder left untranslated
            assert context["messages_url"] in body
            assert context["candidate_number"] in body
        assert "<p>" not in rendered.body_text
        assert rendered.body_html.lstrip().startswith("<!DOCTYPE html>")
    assert french.body_text != english.body_text
    assert "Bonjour Camille," in french.body_text
    assert "Hello Camille," in english.body_text
    assert "SPAM" in french.body_text
    assert "spam folder" in english.body_text
    # The URLs the event carries reach both bodies.
    for name, value in context.items():
        if name.endswith("_url"):
            assert value in french.body_text and value in english.body_text


def test_incomplete_lists_refused_pieces_and_comment():
    context = sample_context(Event.APPLICATION_INCOMPLETE)
    rendered = render_default(event=Event.APPLICATION_INCOMPLETE, context=context, language="fr")
    assert "- Relevé de notes de L3 : illisible\n- CV : non signé" in rendered.body_text
    assert "<li>CV : non signé</li>" in rendered.body_html
    assert "Commentaire du centre de candidature : Merci de déposer" in rendered.body_text
    assert "Dossier incomplet : Master Sciences du langage" in rendered.subject


def test_text_is_not_html_escaped_but_html_is():
    context = {**sample_context(Event.APPLICATION_CREATED), "programme_title": "Arts & <Lettres>"}
    rendered = render_default(event=Event.APPLICATION_CREATED, context=context, language="en")
    assert "Arts & <Lettres>" in rendered.subject
    assert "Arts & <Lettres>" in rendered.body_text
    assert "Arts &amp; &lt;Lettres&gt;" in rendered.body_html


def test_french_catalogue_is_complete():
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    empty = [
        m.id
        for m in catalog
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    assert empty == []


@pytest.mark.django_db
def test_active_override_replaces_the_default_inside_the_layout():
    MailTemplate.objects.create(
        event=Event.APPLICATION_RECEIVED,
        language="fr",
        subject="Bien reçu : {{ programme_title }}",
        body_text="Votre dossier {{ programme_code }} est arrivé.\nÀ bientôt : {{ candidature_url }}",
    )
    context = sample_context(Event.APPLICATION_RECEIVED)
    french = render(event=Event.APPLICATION_RECEIVED, context=context, language="fr")
    assert french.subject == "[ecandidat] Bien reçu : Master Sciences du langage"
    assert "Bonjour Camille,\n\nVotre dossier M1-SDL est arrivé." in french.body_text
    assert "SPAM" in french.body_text  # the layout's footer is kept
    assert '<a href="https://ecandidat.example.org/candidatures/42/"' in french.body_html
    # The English mail still uses the shipped template.
    english = render(event=Event.APPLICATION_RECEIVED, context=context, language="en")
    assert english.subject == "[ecandidat] Application received: Master Sciences du langage"


@pytest.mark.django_db
def test_inactive_or_broken_override_falls_back_to_the_default():
    MailTemplate.objects.create(
        event=Event.ANSWER_CONFIRMED, language="en", subject="X", body_text="Y", is_active=False
    )
    MailTemplate.objects.create(
        event=Event.ANSWER_WITHDRAWN, language="en", subject="{% if %}", body_text="Y"
    )
    confirmed = render(
        event=Event.ANSWER_CONFIRMED,
        context=sample_context(Event.ANSWER_CONFIRMED),
        language="en",
    )
    withdrawn = render(
        event=Event.ANSWER_WITHDRAWN,
        context=sample_context(Event.ANSWER_WITHDRAWN),
        language="en",
    )
    assert confirmed.subject.startswith("[ecandidat] Place confirmed")
    assert withdrawn.subject.startswith("[ecandidat] Withdrawal recorded")


def test_variables_list_names_what_templates_use():
    for event in Event.values:
        names = set(variables(event))
        folder = (
            Path(__file__).resolve().parents[2] / f"notifications/templates/notifications/{event}"
        )
        source = "".join(p.read_text() for p in folder.iterdir())
        used = set(re.findall(r"\{\{ (\w+)", source)) - {"item"} | set(
            re.findall(r"\{% (?:if|for \w+ in) (\w+)", source)
        )
        assert used <= names, (event, used - names)
