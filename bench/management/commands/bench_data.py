"""A realistic campaign on deadline day, built fast for the benchmarks (PostgreSQL only).

    ECANDIDAT_BENCH=true manage.py bench_data --candidates 20000

For N candidates: N activated accounts (one password for all, hashed once), their dossiers
(most sections filled, some "I have none"), 3 applications each over --programmes programmes
of 10 centres, 5 required pieces per application (2 shared ones asked by the centre, 3 by the
programme) sent as small real PDF files (a shared piece is one stored file for all the
candidate's applications, as the pieces app does), the audit trail of every application, the
mails each of them got, and, on the quarter of the programmes whose jury has met, decisions,
publications, waiting lists with ranks and answers. The bench commission (one centre's
programmes, 8 members: ``bench_commission``) has given its opinions on the complete
applications it examines, as a commission does before it meets: most have two to six
opinions, some none yet, a few a comment without a score.

Rows are written with COPY and explicit ids (then the sequences are moved past them): about a
minute for 20,000 candidates on two cores. The data lives under its own campaign and email
domain; run it on a database of its own (``make bench`` creates one).
"""

import io
import random
import secrets
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import CANDIDATE_NUMBER_ALPHABET, IssuedCandidateNumber, User
from candidatures.models import (
    ActorKind,
    Answer,
    Campaign,
    Candidature,
    CandidatureTransition,
    Centre,
    Decision,
    Programme,
    Status,
)
from candidatures.offer import offer_changed
from commissions.models import Commission, CommissionMember, Opinion
from dossiers.models import (
    Address,
    Baccalaureate,
    BacKind,
    BacMention,
    BacSeries,
    Commune,
    Dossier,
    Experience,
    ExternalCursus,
    Internship,
    PersonalInfo,
)
from notifications.models import Outbox
from notifications.models import Status as MailStatus
from pieces.models import PIECES_PREFIX, Piece, PieceStatus, PieceType, RequiredPiece

BENCH_DOMAIN = "bench.ecandidat.localhost"
BENCH_PASSWORD = "bench-password-not-a-secret"  # noqa: S105 (bench data only)
CAMPAIGN_CODE = "BENCH"
APPLICATIONS_PER_CANDIDATE = 3
CENTRES = 10

PIECE_TYPES = [  # (French, English, shared)
    ("Pièce d'identité", "Identity document", True),
    ("Curriculum vitae", "Curriculum vitae", True),
    ("Lettre de motivation", "Cover letter", False),
    ("Relevés de notes", "Transcripts", False),
    ("Diplôme le plus élevé", "Highest diploma", False),
    ("Projet professionnel", "Career plan", False),
    ("Attestation de stage", "Internship certificate", False),
    ("Certification en langue", "Language certificate", False),
]

FIRST_NAMES = ["Camille", "Léa", "Karim", "Hugo", "Inès", "Jade", "Louis", "Yasmine", "Nathan"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Benali", "Petit", "Durand"]
COMMISSION_NAME = "Bench commission"
COMMISSION_MEMBERS = 8
COMMENTS = [
    "Bon dossier, projet cohérent.",
    "Résultats moyens en deuxième année.",
    "Lettre de motivation convaincante.",
    "À voir en entretien.",
    "",
    "",
]


def bench_commission(count: int = COMMISSION_MEMBERS):
    """The commission the reviewer pages are measured with: one centre's programmes (the
    centre of the first complete application not yet published) and ``count`` members with
    a TOTP authenticator (reviewers need it in production). Made by bench_data, found again
    by bench_targets. None when no application is complete."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    first = (
        Candidature.objects.filter(status=Status.COMPLETE, decision_published_at__isnull=True)
        .order_by("pk")
        .select_related("programme")
        .first()
    )
    if first is None:
        return None, []
    centre = first.programme.centre
    commission, _ = Commission.objects.get_or_create(centre=centre, name=COMMISSION_NAME)
    commission.programmes.set(Programme.objects.filter(centre=centre))
    members = []
    for n in range(count):
        user = User.objects.filter(email=f"jury{n}@{BENCH_DOMAIN}").first()
        if user is None:
            user = User.objects.create_user(f"jury{n}@{BENCH_DOMAIN}", None)
            TOTP.activate(user, generate_totp_secret())
        CommissionMember.objects.get_or_create(commission=commission, user=user)
        members.append(user)
    return commission, members


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF showing ``text`` (a few hundred bytes)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


class Table:
    """Rows of one model, given as dicts of attnames; missing fields take their default.
    Written with COPY, ids given here."""

    def __init__(self, model):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.rows: list[tuple] = []
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{model._meta.db_table}"')  # noqa: S608
            self.next_id = cursor.fetchone()[0] + 1
        self.defaults = {
            f.attname: f.get_default() for f in self.fields if f.attname != "id" and f.has_default()
        }
        for f in self.fields:
            if f.attname not in self.defaults and f.attname != "id" and f.empty_strings_allowed:
                self.defaults[f.attname] = ""
        # Values that need the field's own conversion (JSON, phone numbers, countries).
        self.convert = [
            f.get_internal_type() in ("JSONField",)
            or type(f).__module__.startswith(("phonenumber_field", "django_countries"))
            for f in self.fields
        ]

    def add(self, **values) -> int:
        pk = values.pop("id", None) or self.next_id
        self.next_id = max(self.next_id, pk + 1)
        row = []
        for field, convert in zip(self.fields, self.convert, strict=True):
            name = field.attname
            value = pk if name == "id" else values.get(name, self.defaults.get(name))
            if convert and value is not None:
                value = field.get_db_prep_save(value, connection)
            row.append(value)
        self.rows.append(tuple(row))
        return pk

    def write(self) -> int:
        table = self.model._meta.db_table
        columns = ", ".join(f'"{f.column}"' for f in self.fields)
        with connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in self.rows:
                    copy.write_row(row)
            last = f'(SELECT COALESCE(MAX(id), 1) FROM "{table}")'  # noqa: S608 (model's table)
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), {last})", [table])
        count = len(self.rows)
        self.rows = []
        return count


class Command(BaseCommand):
    help = "Builds a realistic deadline-day campaign fast (bulk COPY), for the benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--candidates", type=int, default=20_000)
        parser.add_argument("--programmes", type=int, default=200)
        parser.add_argument("--no-files", action="store_true", help="rows only, no stored files")
        parser.add_argument("--seed", type=int, default=14)

    def handle(self, *args, candidates, programmes, no_files, seed, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_data writes with COPY: it needs PostgreSQL.")
        if Campaign.objects.filter(code=CAMPAIGN_CODE).exists():
            raise CommandError("This database already holds bench data: use a fresh database.")
        if Campaign.objects.filter(is_active=True).exists():
            raise CommandError("This database has an active campaign: use a fresh database.")
        self.random = random.Random(seed)
        self.now = timezone.now()
        self.media = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
        self.files = not no_files
        started = time.monotonic()
        counts: dict[str, int] = {}
        with transaction.atomic():
            offer = self._offer(programmes)
            counts.update(self._people(candidates, offer))
            counts["opinion"] = self._opinions()
            offer_changed()  # bulk_create and COPY send no signal: the offer page follows
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(f"bench data: {summary} in {elapsed:.1f} s")

    # --- the offer ------------------------------------------------------------------------

    def _offer(self, count: int):
        now, rnd = self.now, self.random
        campaign = Campaign.objects.create(
            code=CAMPAIGN_CODE, label="Campagne de mesure", is_active=True
        )
        centres = Centre.objects.bulk_create(
            Centre(name=f"Centre de mesure {n + 1}", contact_email=f"centre{n + 1}@{BENCH_DOMAIN}")
            for n in range(CENTRES)
        )
        types = PieceType.objects.bulk_create(
            PieceType(label_fr=fr, label_en=en, shared=shared, order=n)
            for n, (fr, en, shared) in enumerate(PIECE_TYPES)
        )
        shared_types = [t for t in types if t.shared]
        own_types = [t for t in types if not t.shared]
        RequiredPiece.objects.bulk_create(
            RequiredPiece(piece_type=t, centre=c) for c in centres for t in shared_types
        )
        day = timedelta(days=1)
        programmes, decided = [], set()
        for n in range(count):
            # Deadline day: three quarters of the programmes close tomorrow; the jury of the
            # others has met and their decisions are out.
            if n % 4 == 3:
                dates = [-60, -40, -30, -20, -5]
                decided.add(n)
            else:
                dates = [-20, 1, 3, 20, 30]
            opens, closes, returns, jury, publication = (now + d * day for d in dates)
            programmes.append(
                Programme(
                    campaign=campaign,
                    centre=centres[n % CENTRES],
                    code=f"B{n + 1:04d}",
                    title=f"{rnd.choice(['Licence', 'Master', 'DU', 'DAEU'])} {n + 1} de mesure",
                    description="Programme de la campagne de mesure. " * 4,
                    capacity=rnd.choice([20, 30, 60, None]),
                    has_waiting_list=n % 2 == 0,
                    optional_sections=(
                        ["external_cursus", "internships", "experiences"] if n % 10 == 0 else []
                    ),
                    opens_at=opens,
                    closes_at=closes,
                    return_deadline=returns,
                    jury_at=jury,
                    publication_at=publication,
                    confirmation_days=8,
                )
            )
        programmes = Programme.objects.bulk_create(programmes)
        RequiredPiece.objects.bulk_create(
            RequiredPiece(piece_type=t, programme=p)
            for i, p in enumerate(programmes)
            for t in rnd.sample(own_types, 3)
        )
        requirements = {}
        for row in RequiredPiece.objects.filter(programme__in=programmes).select_related(
            "piece_type"
        ):
            requirements.setdefault(row.programme_id, []).append(row.piece_type)
        return {
            "programmes": programmes,
            "decided": {programmes[n].pk for n in decided},
            "shared_types": shared_types,
            "requirements": requirements,
        }

    # --- candidates and everything they sent ----------------------------------------------

    def _people(self, count: int, offer) -> dict[str, int]:
        from allauth.account.models import EmailAddress

        rnd, now = self.random, self.now
        password = make_password(BENCH_PASSWORD)
        taken = set(IssuedCandidateNumber.objects.values_list("number", flat=True))
        communes = list(Commune.objects.values_list("pk", flat=True)) or [None]
        series = list(BacSeries.objects.values_list("pk", flat=True))
        mentions = list(BacMention.objects.values_list("pk", flat=True))
        tables = {
            model: Table(model)
            for model in (
                IssuedCandidateNumber,
                User,
                EmailAddress,
                Dossier,
                PersonalInfo,
                Address,
                Baccalaureate,
                ExternalCursus,
                Internship,
                Experience,
                Candidature,
                CandidatureTransition,
                Piece,
                Outbox,
            )
        }
        t = tables.__getitem__
        programmes = offer["programmes"]
        files: list[tuple[str, bytes]] = []
        for n in range(count):
            number = self._number(taken)
            joined = now - timedelta(days=rnd.randint(2, 60), minutes=rnd.randint(0, 1440))
            first, last = rnd.choice(FIRST_NAMES), f"{rnd.choice(LAST_NAMES)}{n}"
            email = f"candidat{n}@{BENCH_DOMAIN}"
            t(IssuedCandidateNumber).add(number=number, issued_at=joined)
            user = t(User).add(
                email=email,
                password=password,
                candidate_number=number,
                civility=rnd.choice(["mme", "m"]),
                first_name=first,
                last_name=last,
                birth_date=joined.date().replace(year=1990 + n % 15),
                date_joined=joined,
                activated_at=joined + timedelta(minutes=5),
                language=rnd.choice(["fr", "fr", "fr", "en"]),
                is_active=True,
            )
            t(EmailAddress).add(user_id=user, email=email, verified=True, primary=True)
            dossier = t(Dossier).add(
                user_id=user,
                number=number,
                created_at=joined,
                has_no_external_cursus=n % 10 < 3,
                has_no_internships=n % 10 in (3, 4, 5, 6),
                has_no_experiences=n % 2 == 0,
            )
            filled = n % 20 != 0  # one in twenty has only just started
            if filled:
                t(PersonalInfo).add(
                    dossier_id=dossier,
                    civility="mme",
                    birth_name=last,
                    first_names=first,
                    birth_date=joined.date().replace(year=1990 + n % 15),
                    birth_country="FR",
                    birth_commune_id=rnd.choice(communes),
                    nationality="FR",
                    phone="+33561000000",
                    updated_at=joined,
                )
                if n % 10 != 1:
                    t(Address).add(
                        dossier_id=dossier,
                        country="FR",
                        line1=f"{n % 90 + 1} rue de la Mesure",
                        commune_id=rnd.choice(communes),
                        updated_at=joined,
                    )
                    t(Baccalaureate).add(
                        dossier_id=dossier,
                        kind=BacKind.FRENCH,
                        year=2010 + n % 14,
                        series_id=rnd.choice(series) if series else None,
                        mention_id=rnd.choice(mentions) if mentions else None,
                        school="Lycée de mesure",
                        school_country="FR",
                        updated_at=joined,
                    )
                if n % 10 >= 3:
                    for k in range(1 + n % 2):
                        t(ExternalCursus).add(
                            dossier_id=dossier,
                            year=2018 + k,
                            institution="Université de Bordeaux",
                            country="FR",
                            diploma=f"Licence {k + 1}",
                            level="bac+3",
                            obtained="yes",
                        )
                if n % 10 >= 7:
                    t(Internship).add(
                        dossier_id=dossier,
                        year=2021,
                        organisation="Organisation de mesure",
                        duration_weeks=8,
                        hours_per_week=35,
                    )
                if n % 2 == 1:
                    t(Experience).add(
                        dossier_id=dossier,
                        start_date=joined.date().replace(year=2019),
                        employer="Employeur de mesure",
                        position="Technicien",
                        work_time="full",
                    )
            self._mail(t(Outbox), user, email, "activation", f"user:{user}", joined)
            if not filled:
                continue
            shared_files = {}
            for programme in rnd.sample(programmes, APPLICATIONS_PER_CANDIDATE):
                self._application(
                    t, user, email, dossier, programme, offer, shared_files, files, joined
                )
            if self.files and len(files) >= 20_000:
                self._write_files(files)
        self._write_files(files)
        counts = {}
        for model, table in tables.items():
            counts[model._meta.model_name] = table.write()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return counts

    def _opinions(self) -> int:
        """The bench commission's opinions on the applications it examines (its members'
        lists show averages, counts and their own scores, as on a real commission)."""
        rnd = self.random
        commission, members = bench_commission()
        if commission is None:
            return 0
        table = Table(Opinion)
        examined = Candidature.objects.filter(
            status=Status.COMPLETE, programme__commissions=commission
        ).order_by("pk")
        for pk in examined.values_list("pk", flat=True):
            if rnd.random() < 0.2:  # not read by anybody yet
                continue
            for author in rnd.sample(members, rnd.choice([1, 2, 2, 3, 4, 5, 6, 8])):
                scored = rnd.random() < 0.9
                table.add(
                    candidature_id=pk,
                    author_id=author.pk,
                    score=rnd.randint(5, 19) if scored else None,
                    comment=rnd.choice(COMMENTS) if scored else "Pièces à compléter.",
                    updated_at=self.now - timedelta(minutes=rnd.randint(10, 60 * 24 * 10)),
                )
        count = table.write()
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{Opinion._meta.db_table}"')
        return count

    def _number(self, taken: set) -> str:
        while True:
            number = "".join(self.random.choice(CANDIDATE_NUMBER_ALPHABET) for _ in range(8))
            if number not in taken:
                taken.add(number)
                return number

    def _application(self, t, user, email, dossier, programme, offer, shared_files, files, joined):
        rnd = self.random
        created = joined + timedelta(days=1, minutes=rnd.randint(0, 600))
        decided = programme.pk in offer["decided"]
        roll = rnd.random()
        values = {"status": Status.DRAFT}
        if decided:
            if roll < 0.8:
                values = self._decision(rnd.random(), created)
            elif roll < 0.9:
                values = {"status": Status.INCOMPLETE}
            else:
                values = {"status": Status.CANCELLED}
        elif roll < 0.4:
            values = {"status": Status.DRAFT}
        elif roll < 0.75:
            values = {"status": Status.RECEIVED}
        elif roll < 0.85:
            values = {"status": Status.INCOMPLETE, "incomplete_comment": "Relevés illisibles."}
        elif roll < 0.95:
            values = {"status": Status.COMPLETE}
        else:
            values = {"status": Status.CANCELLED}
        status = values["status"]
        if status not in (Status.DRAFT, Status.CANCELLED):
            values["submitted_at"] = created + timedelta(hours=2)
        pk = t(Candidature).add(
            dossier_id=dossier, programme_id=programme.pk, created_at=created, **values
        )
        self._trail(t(CandidatureTransition), pk, user, values, created)
        outbox = t(Outbox)
        self._mail(outbox, user, email, "application_created", f"candidature:{pk}", created)
        if "submitted_at" in values:
            self._mail(outbox, user, email, "application_received", f"candidature:{pk}", created)
        # The pieces: all sent once submitted; a draft has sent some of them.
        types = offer["shared_types"] + offer["requirements"].get(programme.pk, [])
        for piece_type in types:
            if status == Status.DRAFT and rnd.random() < 0.4:
                continue
            piece_status = PieceStatus.UPLOADED
            if status == Status.INCOMPLETE and not piece_type.shared and rnd.random() < 0.3:
                piece_status = PieceStatus.REFUSED
            if piece_type.shared and piece_type.pk in shared_files:
                name = shared_files[piece_type.pk]
            else:
                name = f"{PIECES_PREFIX}/{secrets.token_hex(16)}.pdf"
                if self.files:
                    files.append((name, tiny_pdf(f"{piece_type.label_fr} {dossier}")))
                if piece_type.shared:
                    shared_files[piece_type.pk] = name
            t(Piece).add(
                candidature_id=pk,
                piece_type_id=piece_type.pk,
                file=name,
                original_name=f"{piece_type.label_fr}.pdf",
                size=600,
                content_type="application/pdf",
                status=piece_status,
                refusal_comment="Document illisible."
                if piece_status == PieceStatus.REFUSED
                else "",
                uploaded_at=created + timedelta(minutes=30),
            )

    def _decision(self, roll: float, created) -> dict:
        published = created + timedelta(days=20)
        if roll < 0.3:
            values = {"decision": Decision.FAVOURABLE}
            if roll < 0.2:
                values.update(answer=Answer.CONFIRMED, answered_at=published + timedelta(days=2))
            elif roll < 0.25:
                values.update(answer=Answer.WITHDRAWN, answered_at=published + timedelta(days=3))
        elif roll < 0.7:
            values = {"decision": Decision.UNFAVOURABLE}
        elif roll < 0.9:
            values = {"decision": Decision.WAITLISTED, "waitlist_rank": int(roll * 1000) % 50 + 1}
        else:
            values = {"decision": Decision.PRESELECTED}
        values.update(status=Status.COMPLETE, decision_published_at=published)
        return values

    def _trail(self, table, pk, user, values, created):
        def add(event, before, after, kind, at):
            table.add(
                candidature_id=pk,
                event=event,
                actor_id=user if kind == ActorKind.CANDIDATE else None,
                actor_kind=kind,
                from_state=before,
                to_state=after,
                at=at,
            )

        status = values["status"]
        add("create", "", "draft", ActorKind.CANDIDATE, created)
        if status == Status.CANCELLED:
            add("cancel", "draft", "cancelled", ActorKind.CANDIDATE, created + timedelta(hours=1))
            return
        if status == Status.DRAFT:
            return
        add("submit", "draft", "received", ActorKind.CANDIDATE, created + timedelta(hours=2))
        if status == Status.INCOMPLETE:
            add(
                "mark_incomplete",
                "received",
                "incomplete",
                ActorKind.SYSTEM,
                created + timedelta(1),
            )
        elif status == Status.COMPLETE:
            add("mark_complete", "received", "complete", ActorKind.SYSTEM, created + timedelta(2))
            if values.get("decision"):
                at = values["decision_published_at"]
                add("decide", "complete", "decided", ActorKind.SYSTEM, at)
                add("publish", "decided", values["decision"], ActorKind.SYSTEM, at)
                if values.get("answer"):
                    event = "confirm" if values["answer"] == Answer.CONFIRMED else "withdraw"
                    add(event, "favourable", values["answer"], ActorKind.CANDIDATE, at)

    def _mail(self, table, user, email, event, key, at):
        table.add(
            event=event,
            object_key=key,
            idempotency_key=secrets.token_hex(32),
            recipient_id=user,
            to_address=email,
            language="fr",
            message_id=f"<{secrets.token_hex(12)}@{BENCH_DOMAIN}>",
            subject=f"[ecandidat] {event.replace('_', ' ').capitalize()}",
            body_text="Bonjour,\n\nCeci est un message de la campagne de mesure.\n" * 6,
            body_html="",
            status=MailStatus.SENT,
            attempts=1,
            next_attempt_at=at,
            sent_at=at + timedelta(seconds=20),
            smtp_response="250 2.0.0 Ok: queued",
            created_at=at,
        )

    def _write_files(self, files: list):
        if not self.files:
            return
        folder = self.media / PIECES_PREFIX
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files:
            (self.media / name).write_bytes(content)
        files.clear()
