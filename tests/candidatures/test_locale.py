from pathlib import Path

from babel.messages.pofile import read_po

import candidatures

CATALOGUE = Path(candidatures.__file__).parent / "locale/fr/LC_MESSAGES/django.po"


def test_every_string_has_its_french_translation():
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po, locale="fr")
    untranslated = [
        message.id
        for message in catalogue
        if message.id and (not message.string or not all(message.string) or message.fuzzy)
    ]
    assert untranslated == []


def test_the_application_status_label_does_not_rename_every_other_status():
    """Django merges the apps' catalogues; candidatures' "status" (« statut du dossier ») was
    found first and relabelled the run log's, the outbox's and the exports' status columns."""
    from django.utils import translation

    from candidatures.models import Candidature
    from exports.models import Export
    from jobs.models import JobRun
    from notifications.models import Outbox

    def label(model):
        return str(model._meta.get_field("status").verbose_name)

    with translation.override("fr"):
        assert label(Candidature) == "statut du dossier"
        assert label(JobRun) == "statut"
        assert label(Export) == "statut"
        assert label(Outbox) != "statut du dossier"
    with translation.override("en"):
        assert label(Candidature) == "status"
