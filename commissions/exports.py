"""What a commission's table export adds to the exports app's columns (named by
``exports.services.opinion_columns_hook``): the average score, the decision's details (the
interview of a preselection, the reason of a refusal), then a score and a comment column for
each member who gave an opinion on one of the exported applications. Two queries for the
header, two per chunk of rows; the exports app neutralises every value."""

from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from candidatures.models import Decision

from .models import DecisionDetail, Opinion
from .rows import tenth


def _average(scores) -> float | str:
    """To one decimal, half up, as the list shows it (``rows.tenth``): 12.25 is 12.3 (a
    number in the sheet: the exports write ints and floats as numbers)."""
    if not scores:
        return ""
    return float(tenth(Decimal(sum(scores)) / len(scores)))


def _name(user) -> str:
    return user.get_full_name() or user.email


def opinion_columns(candidature_ids):
    """(header, read): ``read(chunk_ids)`` gives ``{candidature id: values}`` in the header's
    order for the applications of one chunk."""
    authors = list(
        get_user_model()
        .objects.filter(
            pk__in=Opinion.objects.filter(candidature_id__in=candidature_ids).values("author")
        )
        .order_by("last_name", "first_name", "pk")
    )
    header = [
        _("Average score (out of 20)"),
        _("Interview date and time"),
        _("Interview place"),
        _("Reason for the unfavourable decision"),
    ]
    for author in authors:
        name = _name(author)
        header += [
            _("%(member)s: score") % {"member": name},
            _("%(member)s: comment") % {"member": name},
        ]
    position = {author.pk: index for index, author in enumerate(authors)}

    def read(chunk_ids) -> dict[int, list]:
        opinions = defaultdict(dict)
        for opinion in Opinion.objects.filter(candidature_id__in=chunk_ids).only(
            "candidature_id", "author_id", "score", "comment"
        ):
            opinions[opinion.candidature_id][opinion.author_id] = opinion
        details = {
            detail.candidature_id: detail
            for detail in DecisionDetail.objects.filter(
                candidature_id__in=chunk_ids
            ).select_related("reason", "candidature")
        }
        values = {}
        for pk in chunk_ids:
            given = opinions.get(pk, {})
            scores = [o.score for o in given.values() if o.score is not None]
            row = [_average(scores)]
            row += _detail_values(details.get(pk))
            per_member = [["", ""] for _author in authors]
            for author_id, opinion in given.items():
                if author_id in position:
                    per_member[position[author_id]] = [
                        "" if opinion.score is None else opinion.score,
                        opinion.comment,
                    ]
            values[pk] = row + [value for pair in per_member for value in pair]
        return values

    return header, read


def _detail_values(detail) -> list:
    if detail is None:
        return ["", "", ""]
    decision = detail.candidature.decision
    preselected = decision == Decision.PRESELECTED
    return [
        detail.interview_at if preselected and detail.interview_at else "",
        detail.interview_place if preselected else "",
        detail.reason.label if decision == Decision.UNFAVOURABLE and detail.reason else "",
    ]
