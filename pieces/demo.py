"""Demo documents: the catalogue (identity document shared by all applications, CV, motivation
letter with a blank form, a conditional "justificatif de situation") attached to the demo
programmes; the continuing-education ones also ask for the conditional piece. Idempotent."""

from django.core.files.base import ContentFile

from candidatures.models import Programme
from ecandidat.pdf import html_to_pdf

from .models import PieceType, RequiredPiece

# label_fr, label_en, description_fr, description_en, shared, conditional, blank form
TYPES = {
    "identity": (
        "Pièce d'identité",
        "Identity document",
        "Carte d'identité ou passeport en cours de validité, recto et verso.",
        "A valid identity card or passport, both sides.",
        True,
        False,
        False,
    ),
    "cv": (
        "Curriculum vitae",
        "Curriculum vitae",
        "Votre parcours, vos expériences et vos compétences.",
        "Your studies, experience and skills.",
        False,
        False,
        False,
    ),
    "letter": (
        "Lettre de motivation",
        "Motivation letter",
        "Téléchargez le formulaire, remplissez-le puis déposez-le.",
        "Download the form, fill it in, then upload it.",
        False,
        False,
        True,
    ),
    "situation": (
        "Justificatif de situation",
        "Proof of situation",
        "Attestation de Pôle emploi, de votre employeur ou de prise en charge, si vous êtes "
        "concerné.",
        "A certificate from France Travail, your employer or your funder, if you are concerned.",
        False,
        True,
        False,
    ),
}
CONTINUING_EDUCATION = {"FC-DIPL", "FC-REPRISE"}
# A real form: the fields are fillable in any PDF reader (WeasyPrint turns inputs into PDF
# form fields); the upload checks draw the filled values into the page when they flatten it.
FORM_HTML = """<html><head><style>
body { font-family: sans-serif; font-size: 11pt; }
label { display: block; margin-top: 14pt; font-weight: bold; }
input, textarea { display: block; width: 100%; border: 1px solid #666; font-size: 11pt; }
input { height: 18pt; }
textarea { height: 320pt; }
</style></head><body>
<h1>Lettre de motivation</h1>
<p>Remplissez ce formulaire dans votre lecteur PDF, enregistrez-le, puis déposez-le.</p>
<label>Nom, prénom</label><input type="text" name="nom">
<label>Formation demandée</label><input type="text" name="formation">
<label>Pourquoi cette formation ?</label><textarea name="motivation"></textarea>
</body></html>"""


def populate():
    types = {}
    for order, (key, (fr, en, dfr, den, shared, conditional, form)) in enumerate(TYPES.items()):
        piece_type, _created = PieceType.objects.update_or_create(
            label_fr=fr,
            defaults={
                "label_en": en,
                "description_fr": dfr,
                "description_en": den,
                "shared": shared,
                "conditional": conditional,
                "order": order,
            },
        )
        if form and not piece_type.blank_form:
            piece_type.blank_form.save(
                "lettre-de-motivation.pdf", ContentFile(html_to_pdf(FORM_HTML, forms=True))
            )
        types[key] = piece_type
    programmes = Programme.objects.filter(campaign__is_active=True)
    for programme in programmes:
        wanted = ["identity", "cv", "letter"]
        if programme.code in CONTINUING_EDUCATION:
            wanted.append("situation")
        for key in wanted:
            RequiredPiece.objects.get_or_create(programme=programme, piece_type=types[key])
    return [f"documents: {len(types)} piece types on {len(programmes)} programmes"]
