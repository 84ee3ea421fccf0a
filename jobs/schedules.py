"""The beat's schedules (django-celery-beat ``PeriodicTask`` rows, editable in the admin): one
per registered job, created from the job's default when missing. Existing rows are never
changed, so what staff set in the admin stays."""

import json

TASK = "jobs.tasks.run_job"


def _schedule(job, apps):
    if job.every is not None:
        Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
        interval, _ = Interval.objects.get_or_create(every=job.every, period="seconds")
        return {"interval": interval}
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    minute, hour, day_of_month, month_of_year, day_of_week = job.crontab.split()
    crontab, _ = Crontab.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone="Europe/Paris",
    )
    return {"crontab": crontab}


def periodic_task_name(job) -> str:
    return job.name


def sync_schedules(apps=None) -> list[str]:
    """Creates the missing schedules; returns the names of those it created."""
    from django.apps import apps as live_apps

    from .registry import all_jobs

    apps = apps or live_apps
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    created = []
    for job in all_jobs():
        args = json.dumps([job.name])
        if PeriodicTask.objects.filter(task=TASK, args=args).exists():
            continue
        PeriodicTask.objects.create(
            name=periodic_task_name(job),
            task=TASK,
            args=args,
            description=str(job.label),
            **_schedule(job, apps),
        )
        created.append(job.name)
    return created


def sync_schedules_after_migrate(sender, *, apps=None, **kwargs):
    """post_migrate: a job registered after the data migration ran (a new app's) gets its
    schedule at the next ``migrate`` (``flush`` sends the signal too, without ``apps``)."""
    from django.apps import apps as live_apps

    apps = apps or live_apps
    try:
        apps.get_model("django_celery_beat", "PeriodicTask")
    except LookupError:  # django_celery_beat not migrated yet in this plan
        return
    sync_schedules(apps)
