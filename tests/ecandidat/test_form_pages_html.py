"""The site's form pages, the dossier's summary pages and the messages list render the same HTML
as the reference files in ``golden/`` for the same data: a guard for work on their speed (the
form renderer, the dossier's menu, the messages' rows), which must not change what anyone
reads. Every page that draws a form through ``includes/form_fields.html`` or
``includes/field.html`` is here, unbound, bound with errors and bound with valid values where
the page shows them again, in French and English, at a fixed time. Ids and tokens are blanked
out and runs of whitespace count as one (what a browser shows), as in
``tests/rendered.py``.

After a change meant to alter these pages, write the files again with
``ECANDIDAT_WRITE_GOLDEN=1`` and read the diff before committing it."""

import datetime
import os
import re
from pathlib import Path

import factory
import pytest
import time_machine
from django.urls import reverse

from dossiers.models import Address, Baccalaureate, BacKind
from ecandidat import layout
from tests import factories
from tests.factories import (
    CandidatureFactory,
    DossierFactory,
    ExperienceFactory,
    ExternalCursusFactory,
    OutboxFactory,
    PersonalInfoFactory,
    PieceTypeFactory,
    ProgrammeFactory,
    RequiredPieceFactory,
    reviewer_of,
)
from tests.rendered import collapsed as _collapsed
from tests.rendered import normalised

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
HOSTILE = 'Zoé <b>&amp;</b> "d\'Arc"'


@pytest.fixture
def people():
    # The same names and codes whichever tests ran before (factory_boy's sequences).
    for value in vars(factories).values():
        if isinstance(value, type) and issubclass(value, factory.Factory):
            value.reset_sequence(force=True)
    with time_machine.travel(NOW, tick=False):
        full = DossierFactory(
            user__email="complete@example.org",
            user__last_name="Durand",
            filled=True,
        )
        info = full.personal_info
        info.usage_name = HOSTILE
        info.ine = "1234567890A"
        info.mobile_phone = "+33612345678"
        info.save()
        ExternalCursusFactory(dossier=full, institution=HOSTILE, diploma="Licence <LEA>")
        ExperienceFactory(dossier=full, employer=HOSTILE)
        full.has_no_external_cursus = full.has_no_experiences = False
        full.save(update_fields=["has_no_external_cursus", "has_no_experiences"])

        frozen = DossierFactory(user__email="frozen@example.org", user__last_name="Fige")
        PersonalInfoFactory(
            dossier=frozen, birth_country="MA", birth_commune=None, birth_town="Fès"
        )
        frozen.personal_info_frozen_at = NOW
        frozen.save(update_fields=["personal_info_frozen_at"])

        empty = DossierFactory(user__email="empty@example.org", user__last_name="Vide")
        started = DossierFactory(user__email="started@example.org", user__last_name="Debut")
        PersonalInfoFactory(dossier=started, phone="")  # incomplete: the form again
        Address.objects.create(dossier=started, line1=HOSTILE, country="BE", town="Liège")
        Baccalaureate.objects.create(dossier=started, kind=BacKind.NONE)

        for n, trait in enumerate(["sent", "failed", "pending"] * 8):
            OutboxFactory(
                recipient=full.user,
                subject=f"Sujet {n} <{trait}> & co",
                object_key=f"golden:{n}",
                idempotency_key=f"{n:064d}",
                message_id=f"<golden-{n}@ecandidat>",
                **({} if trait == "sent" else {trait: True}),
            )

        programme = ProgrammeFactory(code="GOLD-M1", title="Master « Or » & argent")
        piece_type = PieceTypeFactory(label_fr="CV", label_en="CV")
        RequiredPieceFactory(programme=programme, piece_type=piece_type)
        draft = CandidatureFactory(dossier=full, programme=programme, draft=True)
        reviewer = reviewer_of(programme, email="jury@example.org", last_name="Jury")
        examined = CandidatureFactory(programme=programme, complete=True)
    return {
        "full": full.user,
        "frozen": frozen.user,
        "empty": empty.user,
        "started": started.user,
        "reviewer": reviewer,
        "draft": draft,
        "piece_type": piece_type,
        "examined": examined,
    }


BAD_PERSONAL_INFO = {
    "civility": "x",
    "birth_name": "<script>",
    "first_names": "",
    "birth_date": "2030-01-01",
    "birth_country": "FR",
    "birth_postal_code": "99999",
    "nationality": "ZZ",
    "ine": "12",
    "phone": "abc",
}
GOOD_ADDRESS_ABROAD_BUT_NO_TOWN = {"country": "BE", "line1": HOSTILE}


def _pages(p):
    """(name, who, method, url, data): who is a key of ``people`` or None."""
    draft, piece_type = p["draft"], p["piece_type"]
    yield "overview", "full", "get", reverse("dossiers:overview"), None
    yield "personal-info", "full", "get", reverse("dossiers:personal_info"), None
    yield "personal-info-frozen", "frozen", "get", reverse("dossiers:personal_info"), None
    yield "personal-info-edit", "full", "get", reverse("dossiers:personal_info_edit"), None
    yield "personal-info-empty", "empty", "get", reverse("dossiers:personal_info"), None
    yield "personal-info-incomplete", "started", "get", reverse("dossiers:personal_info"), None
    yield (
        "personal-info-errors",
        "full",
        "post",
        reverse("dossiers:personal_info_edit"),
        BAD_PERSONAL_INFO,
    )
    yield "address", "full", "get", reverse("dossiers:address"), None
    yield "address-abroad", "started", "get", reverse("dossiers:address"), None
    yield "address-edit", "full", "get", reverse("dossiers:address_edit"), None
    yield (
        "address-errors",
        "full",
        "post",
        reverse("dossiers:address_edit"),
        GOOD_ADDRESS_ABROAD_BUT_NO_TOWN,
    )
    yield "address-locked", "empty", "get", reverse("dossiers:address"), None
    yield "baccalaureate", "full", "get", reverse("dossiers:baccalaureate"), None
    yield "baccalaureate-edit", "full", "get", reverse("dossiers:baccalaureate_edit"), None
    yield (
        "baccalaureate-errors",
        "full",
        "post",
        reverse("dossiers:baccalaureate_edit"),
        {"kind": "general", "year": "1800", "mention": "?"},
    )
    for key in ("external_cursus", "internships", "experiences"):
        yield key, "full", "get", reverse(f"dossiers:{key}"), None
        yield f"{key}-add", "full", "get", reverse(f"dossiers:{key}_add"), None
        yield f"{key}-errors", "full", "post", reverse(f"dossiers:{key}_add"), {"year": "x"}
    yield "internal-cursus", "full", "get", reverse("dossiers:internal_cursus"), None
    yield "messages", "full", "get", reverse("notifications:message_list"), None
    yield "messages-2", "full", "get", reverse("notifications:message_list") + "?page=2", None
    yield "messages-none", "empty", "get", reverse("notifications:message_list"), None
    upload = reverse("pieces:upload", args=[draft.pk, piece_type.pk])
    yield "upload", "full", "get", upload, None
    yield "upload-errors", "full", "post", upload, {}
    yield "email", "full", "get", reverse("account_email"), None
    yield (
        "email-errors",
        "full",
        "post",
        reverse("account_email"),
        {"email": "nope", "action_add": ""},
    )
    yield "password", "full", "get", reverse("account_change_password"), None
    yield (
        "password-errors",
        "full",
        "post",
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "a", "password2": "b"},
    )
    yield "login", None, "get", reverse("account_login"), None
    yield "login-errors", None, "post", reverse("account_login"), {"login": HOSTILE}
    yield "signup", None, "get", reverse("account_signup"), None
    yield "signup-errors", None, "post", reverse("account_signup"), {"email": HOSTILE}
    yield "reset", None, "get", reverse("account_reset_password"), None
    yield "resend", None, "get", reverse("account_resend_activation"), None
    yield "resend-errors", None, "post", reverse("account_resend_activation"), {"email": "x"}
    yield "commission", "reviewer", "get", reverse("commissions:list"), None
    yield (
        "commission-filtered",
        "reviewer",
        "get",
        reverse("commissions:list") + "?decision=favourable&min_score=12&sort=name",
        None,
    )
    detail = reverse("commissions:detail", args=[p["examined"].pk])
    yield "commission-detail", "reviewer", "get", detail, None


def _normalised(html, people):
    html = normalised(html)
    # The programmes' and reasons' ids in selects.
    html = re.sub(r'(<option|name="selected")\s+value="\d+"', r'\1 value="N"', html)
    html = re.sub(r'(id|for)="select-\d+"', r'\1="select-N"', html)
    for user in people.values():
        number = getattr(user, "candidate_number", None)
        if number:
            html = html.replace(str(number), "NUMBER")
    return html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_pages_render_the_reference_html(client, people, language, settings):
    settings.ACCOUNT_RATE_LIMITS = False
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    write = os.environ.get("ECANDIDAT_WRITE_GOLDEN") == "1"
    users = {k: v for k, v in people.items() if k in ("full", "frozen", "empty", "started")}
    users["reviewer"] = people["reviewer"]
    users["examined"] = people["examined"].dossier.user
    # Twice: the first time fills the per-process memos, the second is served from them.
    for attempt in ("live", "memo"):
        if attempt == "live":
            layout.memo_clear()
        with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
            for name, who, method, url, data in _pages(people):
                client.logout()
                if who:
                    client.force_login(people[who])
                response = getattr(client, method)(url, data or {})
                assert response.status_code in (200, 403, 429), (name, response.status_code)
                html = _normalised(response.content.decode(), users)
                path = GOLDEN / f"{name}.{language}.html"
                if write:
                    path.parent.mkdir(exist_ok=True)
                    path.write_text(html)
                    continue
                if os.environ.get("ECANDIDAT_KEEP_FAILED") and _collapsed(html) != _collapsed(
                    path.read_text()
                ):
                    Path(os.environ["ECANDIDAT_KEEP_FAILED"], path.name).write_text(html)
                assert _collapsed(html) == _collapsed(path.read_text()), (
                    f"{path.name} differs ({attempt})"
                )
