# One image for the API, the Dagster code location, webserver and daemon.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DO_NOT_TRACK=1 GX_ANALYTICS_ENABLED=false
WORKDIR /app
# Chromium draws the charts in e-mails and PDFs (kaleido); Pango is WeasyPrint's text layout.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 \
 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY tourstack ./tourstack
COPY api ./api
COPY orchestration ./orchestration
COPY reports ./reports
COPY cli ./cli
COPY dbt_project ./dbt_project
# Editable: the code finds dbt_project/ (and its target/) next to the packages, as in a checkout.
RUN pip install --no-cache-dir -e . \
 && cd dbt_project && DBT_TARGET=postgres dbt parse --profiles-dir .
