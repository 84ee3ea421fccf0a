"""Every route of the resolver, and a concrete URL for each one built from a candidate's own
objects (World): the deny-by-default walk, the page checks and the access matrix use both."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from notifications.models import OutboxAttachment
from tests.factories import (
    CandidatureFactory,
    DossierFactory,
    ExperienceFactory,
    ExternalCursusFactory,
    InternshipFactory,
    OutboxFactory,
    PieceFactory,
    PieceTypeFactory,
    UserFactory,
)
from tests.pieces.helpers import application, complete_dossier

PARAMETER_RE = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<regex_name>\w+)>")


@dataclass(frozen=True)
class Route:
    route: str  # the pattern as written, prefixes included: "candidatures/<int:pk>/"
    name: str  # namespaced ("candidatures:detail"), or "" for an unnamed pattern
    view: str  # dotted path of the view function
    kwargs: tuple[str, ...]  # the parameters the URL needs
    callback: Callable = field(compare=False, repr=False)

    def __str__(self):
        return f"/{self.route}  ({self.name or 'unnamed'} -> {self.view})"


def every_route(patterns=None, prefix="", namespace=""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from every_route(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            callback = entry.callback
            view = f"{callback.__module__}.{getattr(callback, '__qualname__', callback)}"
            kwargs = tuple(
                match["name"] or match["regex_name"] for match in PARAMETER_RE.finditer(route)
            )
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield Route(route, name, view, kwargs, callback)


class World:
    """One candidate with something behind every object URL: a complete dossier with a line
    in each repeatable section, a draft asking for a document (sent), an application with a
    favourable decision to answer, and a mail with the admission letter attached."""

    # Written in the owner's rows and looked for in every answer to somebody else.
    LAST_NAME = "Zyxwvut-Owner"
    EMAIL = "zyxwvut.owner@example.org"
    SECRETS = (LAST_NAME, EMAIL, "the candidate's transcript", "admission letter bytes")

    def __init__(self):
        self.dossier = complete_dossier(
            DossierFactory(user=UserFactory(last_name=self.LAST_NAME, email=self.EMAIL))
        )
        self.user = self.dossier.user
        self.piece_type = PieceTypeFactory(
            label_fr="Relevé de notes",
            blank_form=ContentFile(b"%PDF-1.4 blank form", name="form.pdf"),
        )
        self.draft = application(self.dossier, self.piece_type)
        self.piece = PieceFactory(
            candidature=self.draft,
            piece_type=self.piece_type,
            original_name="Relevé de notes.pdf",
            file__data=b"%PDF-1.4 the candidate's transcript",
        )
        self.favourable = CandidatureFactory(dossier=self.dossier, favourable=True)
        self.lines = {
            "external-cursus": ExternalCursusFactory(dossier=self.dossier),
            "internships": InternshipFactory(dossier=self.dossier),
            "experiences": ExperienceFactory(dossier=self.dossier),
        }
        self.mail = OutboxFactory(recipient=self.user, subject=f"Votre admission, {self.LAST_NAME}")
        self.letter = OutboxAttachment.objects.create(
            outbox=self.mail,
            filename="lettre-admission.pdf",
            mimetype="application/pdf",
            content=b"%PDF-1.4 admission letter bytes",
        )

    @property
    def centres(self):
        return [self.draft.programme.centre, self.favourable.programme.centre]

    def secrets(self) -> tuple[str, ...]:
        return (*self.SECRETS, self.user.candidate_number)

    def state(self) -> tuple:
        """What an attacker's POST must not change: every row of the owner's."""
        from candidatures.models import Candidature
        from pieces.models import Piece

        return (
            list(Candidature.objects.filter(dossier=self.dossier).order_by("pk").values()),
            list(Piece.objects.filter(candidature__dossier=self.dossier).order_by("pk").values()),
            [
                list(model.__class__.objects.filter(pk=model.pk).values())
                for model in self.lines.values()
            ],
            list(OutboxAttachment.objects.filter(pk=self.letter.pk).values()),
            self.dossier.__class__.objects.filter(pk=self.dossier.pk).values().first(),
        )

    def admin_urls(self) -> list[str]:
        """The admin pages of the owner's objects."""
        from django.urls import reverse

        objects = {
            "candidatures_candidature": [self.draft.pk, self.favourable.pk],
            "pieces_piece": [self.piece.pk],
            "dossiers_dossier": [self.dossier.pk],
            "accounts_user": [self.user.pk],
            "notifications_outbox": [self.mail.pk],
        }
        return [
            reverse(f"admin:{model}_{view}", args=[pk])
            for model, pks in objects.items()
            for pk in pks
            for view in ("change", "history", "delete")
        ]

    def kwargs_for(self, route: Route) -> dict | None:
        """Values for the route's parameters pointing at this candidate's objects, or None
        when the route's objects are not a candidate's (admin pages, allauth's key links)."""
        if route.route.startswith("commission/"):
            return None  # the reviewers' doors (tests/commissions/test_scope.py)
        values = {}
        for name in route.kwargs:
            if name == "pk" and route.route.startswith("candidatures/"):
                answer = route.name in (
                    "candidatures:confirm",
                    "candidatures:withdraw",
                    "candidatures:admission_letter",  # a favourable decision's door
                )
                values[name] = (self.favourable if answer else self.draft).pk
            elif name == "pk" and route.route.startswith("dossier/"):
                values[name] = self.lines[route.route.split("/")[1]].pk
            elif name == "pk" and route.route.startswith("messages/"):
                values[name] = self.mail.pk
            elif name == "attachment_pk":
                values[name] = self.letter.pk
            elif name == "type_pk":
                values[name] = self.piece_type.pk
            elif name == "piece_pk":
                values[name] = self.piece.pk
            elif name == "programme_pk":
                values[name] = self.draft.programme.pk
            else:
                return None
        return values
