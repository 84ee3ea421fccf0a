FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# WeasyPrint's system libraries (Pango, HarfBuzz, fontconfig, GLib) and the font the PDFs ask
# for (static/pdf/document.css: DejaVu Sans). Keep the list on this one line:
# tests/ecandidat/test_deployment_files.py renders a PDF and checks that every library and font
# it loaded comes from one of these packages, and .ci/run installs them.
ARG WEASYPRINT_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 libglib2.0-0 fonts-dejavu-core"
RUN apt-get update \
    && apt-get install -y --no-install-recommends $WEASYPRINT_PACKAGES \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
# Build output made once here, not by every container at start: the catalogues (.mo) and the
# static files with their manifest (production's storage needs it). The variables only let
# the production settings load; nothing is contacted and nothing of them stays in the image.
RUN python scripts/compile_messages.py \
    && ECANDIDAT_ENV=production SECRET_KEY=build-time-only-not-a-secret \
       DATABASE_URL=sqlite:////tmp/build.sqlite3 ALLOWED_HOSTS=build SITE_URL=http://build \
       python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3
RUN useradd --create-home ecandidat && mkdir -p var && chown -R ecandidat var
USER ecandidat
EXPOSE 8000
CMD ["gunicorn", "ecandidat.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
