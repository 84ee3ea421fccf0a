"""Production smoke run (`make smoke`, called by .ci/run): the stack of docker-compose.yml
without Docker, all on loopback (scripts/stack.py: SeaweedFS, an SMTP sink, the compose file's
`migrate`, `web`, `worker` and `beat` commands with production settings, TLS on gunicorn since
no proxy stands in front), then the product driven in Chromium as its users would, staff and
commission members signing in with their TOTP codes, then the restore drill, then everything
stopped and removed.

Environment: SMOKE_DATABASE_URL, SMOKE_REDIS_URL, SMOKE_BROKER_URL, SMOKE_PORT (scripts/stack.py
says their defaults). Exits non-zero on the first failure.
"""

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stack import (  # noqa: E402 (the script's folder first)
    BUCKET,
    ROOT,
    SmokeFailure,
    Stack,
    check,
    demo_secrets,
    remove_data,
    start_demo,
    start_services,
    start_web,
    start_workers,
    static_files_done,
    step,
    stop_everything,
    totp,
    wait_for,
)

from tests.browser import CHROMIUM_ARGS, chromium_path  # noqa: E402

CANDIDATE = {"email": "ines.lefevre@smoke.example.org", "password": "un-mot-de-passe-solide"}
# The first staff account, made as README's production section says (createsuperuser).
OPERATOR = ("exploitation@smoke.example.org", "operateur-du-smoke-2026")
# commissions.demo: the commission examining the formation continue programmes.
MEMBER = ("membre.fc@demo.ecandidat.localhost", "demo-commission-2026")
PRESIDENT = ("president.fc@demo.ecandidat.localhost", "demo-commission-2026")
FAILURE_DIR = ROOT / "var" / "smoke-failure"


def start_stack(stack: Stack):
    collect = start_services(stack)
    stack.manage(
        "createsuperuser", "--noinput", "--email", OPERATOR[0],
        env={"DJANGO_SUPERUSER_PASSWORD": OPERATOR[1]},
    )  # fmt: skip
    # The offer an operator would load: manage.py demo (campaign, programmes, document types,
    # staff and commission accounts) with the production settings like every process here,
    # while the rest starts.
    demo = start_demo(stack)
    start_workers(stack)
    static_files_done(stack, collect)
    start_web(stack, "web", stack.port, tls=True)
    wait_for(lambda: stack.http("/healthz")[0] == 200, timeout=60, what="/healthz")
    status, body, headers = stack.http("/readyz")
    check((status, body) == (200, b"ok\n"), f"/readyz answered {status} {body!r}")
    check("Set-Cookie" not in headers, "/readyz set a cookie")
    wait_for(lambda: " ready." in stack.log("worker"), timeout=60, what="the Celery worker")
    step(
        f"gunicorn on {stack.site} (production settings), worker and beat up; /healthz, /readyz ok"
    )
    stack.secrets = demo_secrets(stack, demo)
    check(
        {MEMBER[0], PRESIDENT[0]} <= set(stack.secrets),
        f"no TOTP secret printed for the run's staff and reviewers: {sorted(stack.secrets)}",
    )
    step(f"offer loaded by manage.py demo; {len(stack.secrets)} staff and reviewer accounts,")
    step("  each with a TOTP authenticator of its own (the demo printed the secrets once)")


# --- The journey ----------------------------------------------------------------------------


def mails_to(stack: Stack, address: str):
    return [m for rcpts, m in stack.smtp.received() if address in rcpts]


def wait_mail(stack: Stack, address: str, subject_part: str, timeout: float = 60):
    def found():
        return [m for m in mails_to(stack, address) if subject_part in m["Subject"]]

    return wait_for(found, timeout=timeout, what=f"the mail «{subject_part}» to {address}")[0]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def design_applies(page):
    """The DSFR's stylesheet and script ran (the browser refuses a file whose Subresource
    Integrity hash does not match what is served: the page then shows unstyled)."""
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    check("Marianne" in font, f"DSFR stylesheet not applied (body font: {font})")
    page.wait_for_function("document.documentElement.getAttribute('data-fr-js') === 'true'")


def candidate_signs_up_and_activates(stack: Stack, page):
    page.goto("/")
    design_applies(page)
    page.get_by_role("link", name="Créer un compte").first.click()
    page.locator("label", has_text="Madame").click()  # DSFR draws the radio on its label
    page.get_by_label("Nom", exact=True).fill("Lefèvre")
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label("Date de naissance").fill("2000-09-14")
    page.locator("#id_email").fill(CANDIDATE["email"])
    page.locator("#id_email2").fill(CANDIDATE["email"])
    page.locator("#id_password1").fill(CANDIDATE["password"])
    page.locator("#id_password2").fill(CANDIDATE["password"])
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", name="Confirmer votre adresse électronique").wait_for()
    mail = wait_mail(stack, CANDIDATE["email"], "Activez")
    link = re.search(
        re.escape(stack.site) + r"(/accounts/confirm-email/[a-z0-9]{64}/)", text_of(mail)
    )
    check(link, "no activation link in:\n" + text_of(mail))
    page.goto(link.group(1))
    page.get_by_role("button", name="Activer mon compte").click()
    page.get_by_text("Votre compte est activé").wait_for()
    page.locator("#id_login").fill(CANDIDATE["email"])
    page.locator("#id_password").fill(CANDIDATE["password"])
    page.locator("#content form").get_by_role("button", name="Se connecter").click()
    page.locator("#candidate-number").wait_for()
    step(f"candidate signed up, activated from the mail ({mail['Subject']}), signed in")


def save_section(page, path: str, fields: dict, selects=(), checks=()):
    """Fills the form at /dossier/<path>/ and saves it; the page must not show an error."""
    page.goto(f"/dossier/{path}/")
    for name, value in fields.items():
        page.locator(f"[name={name}]").fill(value)
    for name, value in selects:
        page.locator(f"select[name={name}]").select_option(value)
    for name, value in checks:
        page.locator(f"input[name={name}][value={value}]").check(force=True)
    first = next(iter(fields)) if fields else checks[0][0]
    page.locator(f"form:has([name={first}]) button[type=submit]").click()
    page.wait_for_url(lambda url: not url.endswith(f"/dossier/{path}/"))
    check("fr-alert--error" not in page.content(), f"section {path} refused")


def declare_none(page, path: str):
    page.goto(f"/dossier/{path}/")
    page.locator("#id_none").check(force=True)
    page.locator("form:has(#id_none) button[type=submit]").click()
    page.wait_for_load_state()


def candidate_fills_dossier_and_applies(page) -> int:
    save_section(
        page,
        "personal-info/edit",
        {
            "birth_name": "Lefèvre",
            "first_names": "Inès",
            "birth_date": "2000-09-14",
            "birth_postal_code": "31700",
            "birth_commune_name": "Blagnac",
            "phone": "05 61 00 00 01",
        },
        selects=[("birth_country", "FR"), ("nationality", "FR")],
        checks=[("civility", "mme")],
    )
    save_section(
        page,
        "address/edit",
        {"line1": "5 allées Antonio Machado", "postal_code": "31000", "commune_name": "Toulouse"},
        selects=[("country", "FR")],
    )
    save_section(page, "baccalaureate/edit", {}, checks=[("kind", "none")])
    save_section(
        page,
        "external-cursus/add",
        {"year": "2022", "institution": "Université de Bordeaux", "diploma": "Licence de lettres"},
        selects=[("country", "FR"), ("level", "bac+3")],
        checks=[("obtained", "yes")],
    )
    declare_none(page, "internships")
    declare_none(page, "experiences")
    page.goto("/dossier/")
    check("6 sur 6 rubriques complètes" in page.content(), "the dossier is not complete")
    page.goto("/offre/")
    page.get_by_role("row", name="Formations diplômantes").get_by_role(
        "link", name="Postuler"
    ).click()
    page.get_by_role("button", name="Confirmer ma candidature").click()
    page.get_by_text("Prochaine étape").wait_for()
    page.get_by_role("link", name="Mes candidatures").first.click()
    page.get_by_role("link", name="Formations diplômantes").click()
    pk = int(re.search(r"/candidatures/(\d+)/", page.url).group(1))
    step(f"dossier filled (6 sections), applied through the offer: application {pk}")
    return pk


def upload(page, label: str, files):
    page.get_by_role("link", name=label).click()
    page.locator("input[type=file]").set_input_files(files)
    page.get_by_role("button", name="Déposer").click()
    page.get_by_text("est enregistrée").wait_for()


def candidate_sends_pieces(stack: Stack, page, pk: int) -> dict:
    from tests.pieces import corpus

    def pdf(name, text):
        return {"name": name, "mimeType": "application/pdf", "buffer": corpus.pdf(text=text)}

    def photo(name, shade):
        jpeg = corpus.image(color=(shade, 90, 90))
        return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg}

    client, stranger = stack.seaweed.client(), stack.seaweed.client(signed=False)

    def stored():
        listed = client.list_objects_v2(Bucket=BUCKET, Prefix="pieces/").get("Contents", [])
        return {o["Key"] for o in listed}

    before = stored()  # the demo's own documents
    page.goto(f"/candidatures/{pk}/")
    upload(
        page,
        "Déposer Pièce d'identité",
        [photo("recto-passeport.jpg", 10), photo("verso-passeport.jpg", 200)],
    )
    upload(page, "Déposer Curriculum vitae", [pdf("cv-ines-lefevre.pdf", "Curriculum vitae")])
    upload(page, "Déposer Lettre de motivation", [pdf("lettre-motivation.pdf", "Motivation")])
    page.get_by_role("button", name="Non concerné").click()
    page.get_by_text("vous n’êtes pas concerné").wait_for()

    # In the bucket: under random names (nothing of the file's own name), private.
    keys = sorted(stored() - before)
    check(len(keys) == 3, f"3 documents expected in the bucket, found {keys}")
    for key in keys:
        check(
            re.fullmatch(r"pieces/[A-Za-z0-9_-]{16,}\.pdf", key), f"stored name not random: {key}"
        )
        check(not re.search(r"passeport|cv|lettre|ines", key, re.I), f"name leaks: {key}")
        try:
            stranger.get_object(Bucket=BUCKET, Key=key)
        except Exception as error:  # noqa: BLE001 - botocore's ClientError, checked below
            status = (
                getattr(error, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
            )
            check(status == 403, f"anonymous read of {key} answered {status}")
        else:
            raise SmokeFailure(f"{key} is readable without credentials")
    # The owner gets their file back through the application (the authorizing view).
    href = page.get_by_role("link", name="cv-ines-lefevre.pdf").get_attribute("href")
    served = page.request.get(href)
    check(served.ok and served.body().startswith(b"%PDF-"), f"download answered {served.status}")
    step(
        f"3 documents sent (2 photos merged), 1 not concerned; bucket keys random and private: {keys}"
    )
    return {"keys": keys}


def candidate_submits(stack: Stack, page, pk: int, *, again=False):
    page.goto(f"/candidatures/{pk}/")
    page.get_by_role("link", name="Transmettre ma candidature").click()
    page.get_by_role("button", name="Transmettre ma candidature").click()  # the confirm step
    page.get_by_text("Réceptionné").first.wait_for()
    step("candidate submitted" + (" again, with the replaced CV" if again else ""))


def signs_in_with_totp(page, login: tuple[str, str], secret: str, who: str):
    """Password, then allauth's second step: the code an authenticator app shows for the
    secret the demo printed."""
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(login[0])
    page.locator("#id_password").fill(login[1])
    page.locator("#content form").get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(totp(secret))
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    step(f"{who} signed in with password and TOTP code ({login[0]})")


def operator_sets_up_totp_and_signs_in(stack: Stack, page):
    """The account createsuperuser made has no authenticator: production sends it to set one
    up (after confirming the password, allauth's reauthentication) before the admin opens;
    the code comes from the secret the page shows, as an authenticator app would read it."""
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(OPERATOR[0])
    page.locator("#id_password").fill(OPERATOR[1])
    page.locator("#content form").get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/accounts/(2fa/totp/activate|reauthenticate)/"))
    if "/reauthenticate/" in page.url:
        page.locator("[name=password]").fill(OPERATOR[1])
        page.locator("form:has([name=password]) button[type=submit]").click()
        page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("[name=code]").fill(totp(secret))
    page.locator("form:has([name=code]) button[type=submit]").click()
    page.wait_for_load_state()
    page.goto("/admin/")
    page.locator("#site-name, #content h1").first.wait_for()
    check("/admin/" in page.url and "login" not in page.url, f"admin refused: {page.url}")
    step("first staff account (createsuperuser) set up its TOTP authenticator, reached the admin")


def staff_reviews(page, pk: int, verdicts: dict[str, str | None], decision: str):
    """On the back office's application page: validate each piece (None) or refuse it with
    the reason given, then declare the file complete or incomplete."""
    page.goto(f"/admin/candidatures/candidature/{pk}/change/")
    page.get_by_role("heading", name="Pièces justificatives").wait_for()
    for label, reason in verdicts.items():
        row = page.locator("tr", has_text=label)
        if reason is None:
            row.get_by_role("button", name="Valider").click()
            page.get_by_text("validée").first.wait_for()
        else:
            row.get_by_label("Motif du refus").fill(reason)
            row.get_by_role("button", name="Refuser").click()
            page.get_by_text("refusée. Déclarez le dossier incomplet").wait_for()
    page.get_by_role("button", name=f"Déclarer {decision}").click()
    page.get_by_text(f"Dossier déclaré {decision}").wait_for()


def staff_marks_incomplete_then_complete(stack: Stack, staff, candidate, pk: int):
    from tests.pieces import corpus

    reason = "Le curriculum vitae doit être daté et signé."
    identity, cv, letter = "Pièce d'identité", "Curriculum vitae", "Lettre de motivation"
    staff_reviews(staff, pk, {identity: None, cv: reason, letter: None}, "incomplet")
    mail = wait_mail(stack, CANDIDATE["email"], "Dossier incomplet")
    check(
        f"{cv} : {reason}" in text_of(mail), "the refused piece and its reason are not in the mail"
    )
    step(
        f"staff refused the CV with a reason, validated the rest, declared it incomplete: {mail['Subject']}"
    )

    candidate.goto(f"/candidatures/{pk}/")
    candidate.get_by_text(reason).wait_for()
    candidate.get_by_role("link", name=f"Remplacer {cv}").click()
    signed = {"name": "cv-date-signe.pdf", "mimeType": "application/pdf"}
    candidate.locator("input[type=file]").set_input_files(
        {**signed, "buffer": corpus.pdf(text="CV date et signe")}
    )
    candidate.get_by_role("button", name="Déposer").click()
    candidate.get_by_text("est enregistrée").wait_for()
    candidate_submits(stack, candidate, pk, again=True)

    staff_reviews(staff, pk, {cv: None}, "complet")
    wait_mail(stack, CANDIDATE["email"], "Dossier complet")
    step("staff validated the new CV and declared the file complete (back office page)")


def operator_closes_the_window(staff, programme_code: str):
    """The campaign moves on: the window closes, the commission sits, the results date comes.
    Edited in the admin, as staff would, compressed into the last few minutes."""
    from datetime import datetime, timedelta

    staff.goto(f"/admin/candidatures/programme/?q={programme_code}")
    staff.get_by_role("link", name=programme_code, exact=True).click()
    now = datetime.now().astimezone()
    dates = [(5, "closes_at"), (4, "return_deadline"), (3, "jury_at"), (2, "publication_at")]
    for minutes, field in dates:
        moment = now - timedelta(minutes=minutes)
        staff.locator(f"#id_{field}_0").fill(moment.strftime("%d/%m/%Y"))
        staff.locator(f"#id_{field}_1").fill(moment.strftime("%H:%M:%S"))
    staff.locator("input[name=_save]").click()
    staff.locator("ul.messagelist li.success").wait_for()
    step(f"staff closed {programme_code}'s window and set its publication date (admin)")


def commission_decides_and_publishes(stack: Stack, member, president, pk: int):
    """On the reviewer pages (/commission/): a member of the commission examining the
    programme enters the favourable decision, its president publishes it."""
    signs_in_with_totp(member, MEMBER, stack.secrets[MEMBER[0]], "commission member")
    member.goto("/commission/")
    member.get_by_role("link", name="LEFÈVRE Inès").click()
    member.wait_for_url(re.compile(rf"/commission/dossiers/{pk}/"))
    favourable = member.locator("#decision-form input[name=decision][value=favourable]")
    check(favourable.evaluate("e => e.labels[0].textContent.trim()") == "Favorable", "label")
    favourable.check(force=True)  # DSFR draws the radio on its label
    member.get_by_role("button", name="Enregistrer la décision").click()
    member.get_by_text("La décision est enregistrée").wait_for()
    check(
        member.get_by_role("button", name="Publier cette décision").count() == 0,
        "a member who does not preside is offered to publish",
    )
    step("commission member opened the application from /commission/, entered « Favorable »")

    signs_in_with_totp(president, PRESIDENT, stack.secrets[PRESIDENT[0]], "commission president")
    president.goto("/commission/")
    president.get_by_role("link", name="LEFÈVRE Inès").click()
    president.get_by_role("button", name="Publier cette décision").click()
    president.get_by_text("La décision est en cours de publication").wait_for()
    step("commission president published the decision from the application's reviewer page")


def pdf_text(reader) -> str:
    text = unicodedata.normalize("NFC", " ".join(p.extract_text() for p in reader.pages))
    return re.sub(r"\s+", " ", text).strip()


def candidate_reads_decision_and_confirms(stack: Stack, page, pk: int):
    from pypdf import PdfReader

    mail = wait_mail(stack, CANDIDATE["email"], "Avis sur votre candidature")
    letters = [p for p in mail.iter_attachments() if p.get_content_type() == "application/pdf"]
    check(len(letters) == 1, "the decision mail carries no admission letter")
    attached = letters[0].get_content()
    letter = PdfReader(io.BytesIO(attached))
    text = pdf_text(letter)
    expected = ["inès lefèvre", "lettre d'admission", "formations diplômantes (fc-dipl)"]
    check(all(part in text.casefold() for part in expected), f"the letter says: {text}")
    page.goto(f"/candidatures/{pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger ma lettre d’admission").click()
    downloaded = PdfReader(download.value.path())
    check(  # drawn again for the download (the same letter, not the same bytes)
        pdf_text(downloaded) == text
        and download.value.suggested_filename == letters[0].get_filename(),
        f"the downloaded letter ({download.value.suggested_filename}) differs from the mail's",
    )
    page.get_by_role("link", name="Confirmation candidature").click()
    page.get_by_role("button", name="Oui, je confirme").click()
    page.wait_for_url(re.compile(rf"/candidatures/{pk}/$"))
    wait_mail(stack, CANDIDATE["email"], "Place confirmée")
    step(
        f"decision mail ({mail['Subject']}) with the letter ({letters[0].get_filename()}, "
        f"{len(attached) // 1024} KB, {len(letter.pages)} page); the same letter downloaded "
        "from the application page; place confirmed"
    )


def each_mail_once(stack: Stack):
    """Every outbox row sent, each exactly once: as many messages received as rows, no two
    with the same Message-ID."""
    time.sleep(2)  # a duplicate delivery would arrive now
    received = stack.smtp.received()
    ids = [m["Message-ID"] for _, m in received]
    check(len(ids) == len(set(ids)), f"a mail arrived twice: {sorted(ids)}")
    rows = json.loads(
        stack.shell(
            "import json; from notifications.models import Outbox; from django.db.models import Count;"
            "print(json.dumps(dict(Outbox.objects.values_list('status').annotate(n=Count('pk')))))"
        )
    )
    sent = rows.get("sent", 0)
    check(set(rows) == {"sent"}, f"outbox rows not all sent: {rows}")
    per_row = sum(len(rcpts) for rcpts, _ in received)
    check(len(received) == sent, f"{sent} outbox rows sent, {len(received)} mails received")
    step(f"{sent} mails, each received once ({per_row} recipients): ")
    for rcpts, message in received:
        print(f"           {', '.join(rcpts)}: {message['Subject']}", flush=True)


def beat_scheduled_work(stack: Stack):
    """Beat (django-celery-beat's schedules) sends the every-minute outbox sweep; the worker
    runs it and its run is logged (jobs.JobRun)."""
    sent = "Sending due task notifications.outbox_sweep"
    wait_for(lambda: sent in stack.log("beat"), timeout=90, what="beat to send its first job")
    count = (
        "from jobs.models import JobRun; print(JobRun.objects.filter("
        "job='notifications.outbox_sweep', trigger='schedule', status='succeeded').count())"
    )
    runs = wait_for(lambda: int(stack.shell(count)), timeout=30, what="the sweep's run log")
    step(f"beat sent the outbox sweep, the worker ran it ({runs} run(s) logged as succeeded)")


def journey(stack: Stack):
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    check(path, "Chromium is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)

        def context():
            made = browser.new_context(
                locale="fr-FR", base_url=stack.site, ignore_https_errors=True
            )
            page = made.new_page()
            page.set_default_timeout(30_000)
            return page

        candidate, staff, member, president = context(), context(), context(), context()
        try:
            candidate_signs_up_and_activates(stack, candidate)
            pk = candidate_fills_dossier_and_applies(candidate)
            candidate_sends_pieces(stack, candidate, pk)
            candidate_submits(stack, candidate, pk)
            wait_mail(stack, CANDIDATE["email"], "Candidature réceptionnée")
            operator_sets_up_totp_and_signs_in(stack, staff)
            staff_marks_incomplete_then_complete(stack, staff, candidate, pk)
            operator_closes_the_window(staff, "FC-DIPL")
            commission_decides_and_publishes(stack, member, president, pk)
            candidate_reads_decision_and_confirms(stack, candidate, pk)
        except Exception:
            # What each browser showed, kept under var/ (ignored by git) for the reader.
            FAILURE_DIR.mkdir(parents=True, exist_ok=True)
            pages = {"candidate": candidate, "staff": staff, "member": member}
            for name, page in {**pages, "president": president}.items():
                page.screenshot(path=str(FAILURE_DIR / f"{name}.png"), full_page=True)
                (FAILURE_DIR / f"{name}.html").write_text(page.content())
            print(f"screenshots and pages of the failure in {FAILURE_DIR}", file=sys.stderr)
            raise
        finally:
            browser.close()


# --- Data safety ----------------------------------------------------------------------------


def restore_drill(stack: Stack):
    """docs/operations.md's drill: dump, stop the application, drop, restore, check."""
    clean = stack.manage("check_storage").stdout.strip()
    check(clean.startswith("storage clean:"), clean)
    dump = stack.workdir / "ecandidat.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", stack.database_url], check=True)
    before = stack.shell(COUNTS)
    for name in ("web", "worker", "beat"):
        stack.stop(name)
    step("  dumped; web, worker and beat stopped")
    stack.psql(f'DROP DATABASE "{stack.database_name}"', f'CREATE DATABASE "{stack.database_name}"')
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            f"--dbname={stack.database_url}",
            str(dump),
        ],
        check=True,
    )
    after = stack.shell(COUNTS)
    check(after == before, f"restored rows differ: {before} then {after}")
    restored = stack.manage("check_storage")
    check(restored.stdout.strip().startswith("storage clean:"), restored.stdout + restored.stderr)
    step(f"restore drill: dump {dump.stat().st_size // 1024} KB, dropped, restored ({after})")
    step("  " + restored.stdout.strip())


COUNTS = (
    "from accounts.models import User; from candidatures.models import Candidature;"
    "from pieces.models import Piece; from notifications.models import Outbox;"
    "print(f'{User.objects.count()} users, {Candidature.objects.count()} applications, "
    '{Piece.objects.exclude(file="").count()} files, {Outbox.objects.count()} mails\')'
)


def main() -> int:
    port = int(os.environ.get("SMOKE_PORT", "8500"))
    workdir = Path(tempfile.mkdtemp(prefix="ecandidat-smoke-"))
    stack = Stack(workdir, port)
    ok = False
    try:
        start_stack(stack)
        journey(stack)
        each_mail_once(stack)
        beat_scheduled_work(stack)
        restore_drill(stack)
        ok = True
    except Exception:
        for name in ("web", "worker", "beat", "collectstatic"):
            tail = stack.log(name)[-3000:]
            if tail:
                print(f"----- {name}.log (end) -----\n{tail}", file=sys.stderr)
        raise
    finally:
        try:
            stop_everything(stack, range(port, port + 20))
            remove_data(stack)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        step(
            ("smoke run passed" if ok else "smoke run FAILED") + "; everything stopped and removed"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
