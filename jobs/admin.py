"""The run log in the admin (read-only) and the jobs page: each job with its schedule, its
last run and a « run now » button. Running a job is for the central administration
(``jobs.run_jobs`` and every centre): a job works on every centre's applications."""

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_celery_beat.models import PeriodicTask

from ecandidat.scoping import sees_all_centres

from .models import JobRun
from .registry import UnknownJob, all_jobs
from .runner import job_queue
from .schedules import TASK


def may_run_jobs(user) -> bool:
    return sees_all_centres(user) and user.has_perm("jobs.run_jobs")


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = [
        "job",
        "status",
        "trigger",
        "triggered_by",
        "started_at",
        "finished_at",
        "summary",
    ]
    list_filter = ["job", "status", "trigger"]
    list_select_related = ["triggered_by"]
    date_hierarchy = "queued_at"
    actions = ["run_again"]
    readonly_fields = [f.name for f in JobRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_run_permission(self, request):
        return may_run_jobs(request.user)

    def get_urls(self):
        return [
            path("jobs/", self.admin_site.admin_view(self.jobs_view), name="jobs_jobrun_jobs"),
            path(
                "jobs/run/",
                self.admin_site.admin_view(require_POST(self.run_view)),
                name="jobs_jobrun_run",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"may_run_jobs": may_run_jobs(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def jobs_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Two queries whatever the log's length: the newest run's id per job, then those runs.
        names = [job.name for job in all_jobs()]
        newest = JobRun.objects.filter(job__in=names).values("job").annotate(last=Max("pk"))
        last_runs = {
            run.job: run
            for run in JobRun.objects.filter(pk__in=[row["last"] for row in newest]).select_related(
                "triggered_by"
            )
        }
        schedules = {
            json.loads(task.args or "[]")[0]: task
            for task in PeriodicTask.objects.filter(task=TASK).select_related("crontab", "interval")
            if task.args and task.args != "[]"
        }
        rows = [
            {"job": job, "last_run": last_runs.get(job.name), "schedule": schedules.get(job.name)}
            for job in all_jobs()
        ]
        return TemplateResponse(
            request,
            "admin/jobs/jobrun/jobs.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Scheduled jobs"),
                "opts": self.model._meta,
                "rows": rows,
                "may_run_jobs": may_run_jobs(request.user),
            },
        )

    def run_view(self, request):
        if not may_run_jobs(request.user):
            raise PermissionDenied
        try:
            run = job_queue(
                name=request.POST.get("job", ""),
                user=request.user,
                dry_run=request.POST.get("dry_run") == "1",
            )
        except UnknownJob:
            messages.error(request, _("There is no such job."))
        else:
            messages.success(
                request,
                _("« %(job)s » is queued; its run appears below when it starts.")
                % {"job": run.job},
            )
        return redirect(reverse("admin:jobs_jobrun_changelist"))

    @admin.action(description=_("Run these jobs again now"), permissions=["run"])
    def run_again(self, request, queryset):
        names = sorted(set(queryset.values_list("job", flat=True)))
        queued = []
        for name in names:
            try:
                job_queue(name=name, user=request.user)
                queued.append(name)
            except UnknownJob:
                messages.error(request, _("There is no such job: %(job)s.") % {"job": name})
        if queued:
            messages.success(request, _("Queued: %(jobs)s.") % {"jobs": ", ".join(queued)})
