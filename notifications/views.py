"""Messages: every mail sent to the signed-in user, readable here when it ends up in spam."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from .models import OutboxAttachment
from .selectors import messages_for

PAGE_SIZE = 20


@login_required
def message_list(request):
    rows = messages_for(user=request.user).only(
        "pk", "event", "subject", "status", "created_at", "sent_at"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/message_list.html", {"page": page})


@login_required
def message_detail(request, pk):
    # Names only: the files' bytes stay in the database.
    attachments = Prefetch(
        "attachments", queryset=OutboxAttachment.objects.only("pk", "outbox_id", "filename")
    )
    mail = get_object_or_404(messages_for(user=request.user).prefetch_related(attachments), pk=pk)
    return render(request, "notifications/message_detail.html", {"mail": mail})
