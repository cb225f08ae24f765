# One image for the API, the Dagster code location, webserver and daemon.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DO_NOT_TRACK=1 GX_ANALYTICS_ENABLED=false
WORKDIR /app
COPY pyproject.toml README.md ./
COPY tourstack ./tourstack
COPY api ./api
COPY orchestration ./orchestration
COPY reports ./reports
COPY dbt_project ./dbt_project
RUN pip install --no-cache-dir . \
 && cd dbt_project && DBT_TARGET=postgres dbt parse --profiles-dir .
