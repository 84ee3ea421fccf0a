"""The admission letter's own text: the programme's template, else its centre's, else the
general wording of ``candidatures/pdf/admission_letter.html``. Named by ``candidatures.mail``
(``ecandidat.hooks``), called in the candidate's language."""

import base64
import logging
import mimetypes
import re

from .models import AdmissionLetter

logger = logging.getLogger(__name__)


PLACEHOLDER = re.compile(r"\{(candidate|programme|code|centre)\}")


def letter_for(programme) -> AdmissionLetter | None:
    letters = AdmissionLetter.objects.filter(programme=programme) | AdmissionLetter.objects.filter(
        centre_id=programme.centre_id
    )
    found = {("programme" if letter.programme_id else "centre"): letter for letter in letters}
    return found.get("programme") or found.get("centre")


def signature_src(letter: AdmissionLetter) -> str:
    """The signature as a data: URL (the PDF renderer fetches nothing else but static files)."""
    if not letter.signature:
        return ""
    try:
        with letter.signature.open("rb") as handle:
            data = handle.read()
    except OSError:
        logger.warning("signature of letter %s cannot be read", letter.pk)
        return ""
    mime = mimetypes.guess_type(letter.signature.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def letter_context(candidature) -> dict:
    programme = candidature.programme
    letter = letter_for(programme)
    if letter is None:
        return {}
    values = {
        "programme": programme.title,
        "code": programme.code,
        "centre": programme.centre.name,
        "candidate": candidature.dossier.user.get_full_name(),
    }
    paragraphs = [
        PLACEHOLDER.sub(lambda match: values[match.group(1)], part.strip())
        for part in letter.body.replace("\r\n", "\n").split("\n\n")
        if part.strip()
    ]
    return {
        "letter_paragraphs": paragraphs,
        "signatory_name": letter.signatory_name,
        "signatory_title": letter.signatory_title,
        "signature_src": signature_src(letter),
    }
