"""Messages: every mail sent to the signed-in user, readable here when it ends up in spam."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header

from .models import OutboxAttachment
from .selectors import LIST_COLUMNS, first_messages, messages_for

PAGE_SIZE = 20


@login_required
def message_list(request):
    rows = messages_for(user=request.user).only(*LIST_COLUMNS)
    paginator = Paginator(rows, PAGE_SIZE)
    number = request.GET.get("page")
    if number in (None, "", "1"):
        # The first page, read with one row more: most candidates have fewer mails than a
        # page holds, and then their number is known without counting them.
        first = first_messages(user=request.user, limit=PAGE_SIZE + 1)
        if len(first) <= PAGE_SIZE:
            paginator.count = len(first)  # Paginator's cached_property, set beforehand
        page = paginator.page(1)
        page.object_list = first[:PAGE_SIZE]
    else:
        page = paginator.get_page(number)
    return render(request, "notifications/message_list.html", {"page": page})


@login_required
def message_detail(request, pk):
    # Names only: the files' bytes stay in the database.
    attachments = Prefetch(
        "attachments", queryset=OutboxAttachment.objects.only("pk", "outbox_id", "filename")
    )
    mail = get_object_or_404(messages_for(user=request.user).prefetch_related(attachments), pk=pk)
    return render(request, "notifications/message_detail.html", {"mail": mail})


@login_required
def message_attachment(request, pk, attachment_pk):
    """The file sent with one of the user's own mails (the admission letter), as sent."""
    attachment = get_object_or_404(
        OutboxAttachment.objects.filter(outbox__in=messages_for(user=request.user)),
        pk=attachment_pk,
        outbox_id=pk,
    )
    response = HttpResponse(bytes(attachment.content), content_type=attachment.mimetype)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
