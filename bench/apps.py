"""Benchmark tooling: the data generator (``manage.py bench_data``) and the two floor views.
Installed only when ECANDIDAT_BENCH is on (never by default, production included)."""

from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bench"
    verbose_name = "Benchmarks"
