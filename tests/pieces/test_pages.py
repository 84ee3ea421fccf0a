"""The Documents pages as a candidate uses them: upload, merge, refusals, replace, delete, not
concerned, shared pieces, submitting, and nothing editable afterwards."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from candidatures.models import Programme, Status
from pieces.models import Piece, PieceStatus
from tests.factories import CandidatureFactory, PieceFactory, PieceTypeFactory, RequiredPieceFactory

from . import corpus
from .helpers import application, complete_dossier, programme_asking

pytestmark = pytest.mark.django_db
_capture = None


@pytest.fixture(autouse=True)
def _run_on_commit(django_capture_on_commit_callbacks):
    """Requests here run inside the test's transaction: ``post`` runs what the view left for
    after the commit (deleting replaced files), as a real commit would."""
    global _capture  # noqa: PLW0603 - the helpers below are plain functions
    _capture = django_capture_on_commit_callbacks
    yield
    _capture = None


def post(client, url, data=None, follow=True):
    with _capture(execute=True):
        return client.post(url, data or {}, follow=follow)


@pytest.fixture
def draft(client, media):
    candidature = application(None, PieceTypeFactory(label_en="CV", label_fr="CV"))
    client.force_login(candidature.dossier.user)
    return candidature


def upload_url(candidature, piece_type=None):
    piece_type = piece_type or candidature.programme.required_pieces.first().piece_type
    return reverse("pieces:upload", args=[candidature.pk, piece_type.pk])


def detail(client, candidature):
    return client.get(reverse("candidatures:detail", args=[candidature.pk])).content.decode()


def send(client, url, *files, follow=True):
    return post(client, url, {"files": list(files)}, follow=follow)


def pdf_file(name="cv.pdf", pages=1):
    return SimpleUploadedFile(name, corpus.pdf(pages), content_type="application/pdf")


def test_upload_a_pdf_stores_a_clean_copy_under_a_random_name(client, draft, media):
    response = send(client, upload_url(draft), pdf_file("Mon CV.pdf"))
    piece = Piece.objects.get(candidature=draft)
    assert piece.status == PieceStatus.UPLOADED
    assert piece.original_name == "Mon CV.pdf"
    assert piece.content_type == "application/pdf" and piece.size > 0
    assert "Mon CV" not in piece.file.name and piece.file.name.startswith("pieces/")
    assert media() == [piece.file.name.removeprefix("pieces/")]
    assert "est enregistré" in response.content.decode()


def test_the_rewritten_file_is_closed_once_stored(client, draft, media, monkeypatch):
    """The checked copy sits in a temporary file: the view closes it as soon as the piece is
    stored (a `with` block, so a failed store closes it too), not when it is collected."""
    from pieces import views

    made = []

    def recorded(files):
        made.append(real(files))
        return made[-1]

    real = views._clean
    monkeypatch.setattr(views, "_clean", recorded)
    send(client, upload_url(draft), pdf_file())
    assert Piece.objects.filter(candidature=draft).exists()
    assert made and made[0].file.closed


def test_three_photos_are_merged_into_one_pdf(client, draft, media):
    photos = [
        SimpleUploadedFile(f"page{i}.jpg", corpus.image("JPEG", color=(i * 60, 0, 0)))
        for i in range(3)
    ]
    send(client, upload_url(draft), *photos)
    piece = Piece.objects.get(candidature=draft)
    with piece.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-") and piece.content_type == "application/pdf"
    import io

    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(data)).pages) == 3
    assert len(media()) == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.pdf", b"", "This file is empty"),
        ("virus.pdf", corpus.ELF, "not a PDF, JPEG or PNG file"),
        ("page.html", corpus.HTML, "not a PDF, JPEG or PNG file"),
        ("photo.png", corpus.image("JPEG"), "but its name ends in"),
        ("secret.pdf", corpus.encrypted_pdf(), "protected by a password"),
        ("broken.pdf", corpus.pdf()[:200], "damaged or incomplete"),
        ("hidden.pdf", corpus.pdf_zip_polyglot(), "hidden ZIP archive"),
        ("bomb.png", corpus.png_bomb(), "This image is too large"),
        ("cut.jpg", corpus.image("JPEG")[:300], "damaged or incomplete"),
    ],
)
def test_each_bad_file_is_refused_with_its_message_and_nothing_stored(
    client, english, draft, media, name, data, message
):
    response = send(english, upload_url(draft), SimpleUploadedFile(name, data))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and name in page
    assert not Piece.objects.exists() and media() == []


def test_five_megabytes_and_one_byte_is_refused(client, english, draft, media):
    data = corpus.pdf() + b"%" * (5 * 1024 * 1024 + 1 - len(corpus.pdf()))
    response = send(english, upload_url(draft), SimpleUploadedFile("big.pdf", data))
    page = response.content.decode()
    # Refused while arriving: "over the limit", never a made-up "5.1 MB" (issue 13).
    assert "This file is larger than 5 MB, the limit." in page
    assert "Choose at least one file." not in page
    assert not Piece.objects.exists() and media() == []


def test_no_file_chosen_says_so(client, english, draft):
    page = english.post(upload_url(draft), {}).content.decode()
    assert "Choose at least one file." in page


def test_replace_keeps_the_old_file_when_the_new_one_is_refused(client, draft, media):
    send(client, upload_url(draft), pdf_file("v1.pdf"))
    first = Piece.objects.get().file.name
    send(client, upload_url(draft), SimpleUploadedFile("v2.pdf", b"not a pdf"))
    piece = Piece.objects.get()
    assert piece.file.name == first and piece.original_name == "v1.pdf"
    assert media() == [first.removeprefix("pieces/")]
    send(client, upload_url(draft), pdf_file("v3.pdf"))
    piece.refresh_from_db()
    assert piece.original_name == "v3.pdf" and piece.file.name != first
    assert media() == [piece.file.name.removeprefix("pieces/")]  # the old one is gone


def test_delete_removes_the_file(client, draft, media):
    send(client, upload_url(draft), pdf_file())
    piece = Piece.objects.get()
    post(client, reverse("pieces:delete", args=[draft.pk, piece.piece_type_id]))
    piece.refresh_from_db()
    assert piece.status == PieceStatus.MISSING and not piece.file
    assert media() == []


def test_not_concerned_only_for_conditional_pieces(client, english, media):
    conditional = PieceTypeFactory(conditional=True)
    mandatory = PieceTypeFactory()
    candidature = application(None, conditional, mandatory)
    english.force_login(candidature.dossier.user)
    post(english, reverse("pieces:not_concerned", args=[candidature.pk, conditional.pk]))
    assert Piece.objects.get(piece_type=conditional).status == PieceStatus.NOT_CONCERNED
    response = english.post(
        reverse("pieces:not_concerned", args=[candidature.pk, mandatory.pk]), follow=True
    )
    assert "required from every candidate" in response.content.decode()
    assert not Piece.objects.filter(piece_type=mandatory).exists()


def test_a_shared_piece_is_reused_by_drafts_but_never_touches_a_submitted_application(
    client, media
):
    identity = PieceTypeFactory(shared=True, label_en="Identity document")
    dossier = complete_dossier()
    first = CandidatureFactory(dossier=dossier, programme=programme_asking(identity))
    second = CandidatureFactory(dossier=dossier, programme=programme_asking(identity))
    submitted = CandidatureFactory(
        dossier=dossier, programme=programme_asking(identity), received=True
    )
    old = PieceFactory(candidature=submitted, piece_type=identity)
    other_candidate = CandidatureFactory(programme=first.programme)
    client.force_login(dossier.user)

    send(client, upload_url(first, identity), pdf_file("id.pdf"))
    mine = Piece.objects.get(candidature=first)
    assert Piece.objects.get(candidature=second).file.name == mine.file.name
    assert Piece.objects.get(candidature=submitted).file.name == old.file.name
    assert not Piece.objects.filter(candidature=other_candidate).exists()

    send(client, upload_url(second, identity), pdf_file("id2.pdf"))  # replace from the other
    assert set(
        Piece.objects.filter(candidature__in=[first, second]).values_list(
            "original_name", flat=True
        )
    ) == {"id2.pdf"}
    assert mine.file.name.removeprefix("pieces/") not in media()  # no row names it any more

    post(client, reverse("pieces:delete", args=[first.pk, identity.pk]))
    assert not Piece.objects.get(candidature=second).file
    kept = Piece.objects.get(candidature=submitted)
    assert kept.file.name == old.file.name and kept.status == PieceStatus.UPLOADED
    assert media() == [old.file.name.removeprefix("pieces/")]


def test_submit_only_when_complete_then_confirm_then_nothing_editable(
    client, english, media, mailoutbox
):
    cv = PieceTypeFactory(label_en="CV")
    letter = PieceTypeFactory(label_en="Motivation letter")
    candidature = application(None, cv, letter)
    english.force_login(candidature.dossier.user)
    page = detail(english, candidature)
    assert "Still missing" in page or "still missing" in page
    assert "CV, Motivation letter" in page
    assert reverse("pieces:submit", args=[candidature.pk]) not in page
    response = english.get(reverse("pieces:submit", args=[candidature.pk]), follow=True)
    assert "cannot be submitted now" in response.content.decode()
    post(english, reverse("pieces:submit", args=[candidature.pk]))  # the workflow refuses too
    candidature.refresh_from_db()
    assert candidature.status == Status.DRAFT

    send(english, upload_url(candidature, cv), pdf_file())
    send(english, upload_url(candidature, letter), pdf_file("letter.pdf"))
    page = detail(english, candidature)
    assert reverse("pieces:submit", args=[candidature.pk]) in page
    confirm = english.get(reverse("pieces:submit", args=[candidature.pk])).content.decode()
    assert "can no longer be changed" in confirm
    response = post(english, reverse("pieces:submit", args=[candidature.pk]), follow=True)
    assert "Your application is submitted" in response.content.decode()
    candidature.refresh_from_db()
    assert candidature.status == Status.RECEIVED
    assert len(mailoutbox) == 1

    piece = Piece.objects.get(piece_type=cv)
    for response in [
        send(english, upload_url(candidature, cv), pdf_file("late.pdf")),
        post(english, reverse("pieces:delete", args=[candidature.pk, cv.pk]), follow=True),
    ]:
        assert "can no longer be changed" in response.content.decode()
    assert Piece.objects.get(pk=piece.pk).file.name == piece.file.name
    assert len(media()) == 2
    page = detail(english, candidature)
    assert upload_url(candidature, cv) not in page and "Delete" not in page


def test_incomplete_replace_the_refused_piece_only_then_resubmit(client, english, media):
    cv, letter = PieceTypeFactory(), PieceTypeFactory()
    candidature = application(None, cv, letter, incomplete=True)
    refused = PieceFactory(
        candidature=candidature, piece_type=cv, status="refused", refusal_comment="Illisible"
    )
    PieceFactory(candidature=candidature, piece_type=letter)
    english.force_login(candidature.dossier.user)
    page = detail(english, candidature)
    assert "Illisible" in page and upload_url(candidature, letter) not in page
    response = send(english, upload_url(candidature, letter), pdf_file())
    assert "Only the documents that were refused" in response.content.decode()
    send(english, upload_url(candidature, cv), pdf_file("lisible.pdf"))
    refused.refresh_from_db()
    assert refused.status == PieceStatus.UPLOADED and refused.original_name == "lisible.pdf"
    post(english, reverse("pieces:submit", args=[candidature.pk]))
    candidature.refresh_from_db()
    assert candidature.status == Status.RECEIVED


def test_another_candidate_cannot_reach_the_pages(client, draft):
    client.force_login(complete_dossier().user)
    piece_type = draft.programme.required_pieces.first().piece_type
    for url in [
        upload_url(draft),
        reverse("pieces:submit", args=[draft.pk]),
    ]:
        assert client.get(url).status_code == 404
    assert post(client, reverse("pieces:delete", args=[draft.pk, piece_type.pk])).status_code == 404


def test_a_piece_the_programme_does_not_ask_for_is_404(client, draft):
    assert client.get(upload_url(draft, PieceTypeFactory())).status_code == 404


def test_centre_wide_requirement_is_asked_too(client, draft):
    RequiredPieceFactory(
        programme=None, centre=draft.programme.centre, piece_type__label_fr="Photo d'identité"
    )
    assert "Photo d&#x27;identité" in detail(client, draft)


def test_pages_in_french_and_english(client, draft):
    french = detail(client, draft)
    assert "Pièces justificatives" in french and "Transmettre ma candidature" in french
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    english = detail(client, draft)
    assert "Documents" in english and "Submit my application" in english
    upload_page = client.get(upload_url(draft)).content.decode()
    assert "Several photos" in upload_page


def test_application_page_with_ten_pieces_costs_few_queries(
    client, media, django_assert_num_queries
):
    types = [PieceTypeFactory() for _ in range(10)]
    candidature = application(None, *types)
    for piece_type in types[:7]:
        PieceFactory(candidature=candidature, piece_type=piece_type)
    client.force_login(candidature.dossier.user)
    with django_assert_num_queries(5):
        page = detail(client, candidature)
    assert page.count('href="/pieces/') == 7
    assert all(t.label_fr in page for t in types)


def test_a_draft_created_later_reuses_the_shared_piece_in_one_click(client, english, media):
    identity = PieceTypeFactory(shared=True)
    dossier = complete_dossier()
    earlier = CandidatureFactory(dossier=dossier, programme=programme_asking(identity))
    english.force_login(dossier.user)
    send(english, upload_url(earlier, identity), pdf_file("passeport.pdf"))
    later = CandidatureFactory(dossier=dossier, programme=programme_asking(identity))
    page = detail(english, later)
    assert "Reuse “passeport.pdf”" in page
    response = post(english, reverse("pieces:reuse", args=[later.pk, identity.pk]))
    assert "already sent is reused" in response.content.decode()
    reused = Piece.objects.get(candidature=later)
    assert reused.file.name == Piece.objects.get(candidature=earlier).file.name
    assert reused.status == PieceStatus.UPLOADED and len(media()) == 1
    assert "Reuse “" not in detail(english, later)


def test_after_the_return_deadline_nothing_can_be_sent_or_submitted(
    client, english, draft, media, time_machine
):
    send(english, upload_url(draft), pdf_file())
    soon = timezone.now() + timedelta(minutes=5)
    Programme.objects.filter(pk=draft.programme_id).update(closes_at=soon, return_deadline=soon)
    time_machine.move_to(soon + timedelta(minutes=1))
    page = detail(english, draft)
    assert "The return deadline has passed" in page
    assert reverse("pieces:submit", args=[draft.pk]) not in page
    assert upload_url(draft) not in page
    response = send(english, upload_url(draft), pdf_file("late.pdf"))
    assert "The return deadline has passed" in response.content.decode()
    assert Piece.objects.get().original_name == "cv.pdf"
    post(english, reverse("pieces:submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
