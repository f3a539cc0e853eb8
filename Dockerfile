# One image for web, worker and beat (compose picks the command).
# BASE: any image with Python 3.11+ and pip on PATH (`make compose-smoke` builds one locally).
ARG BASE=python:3.11-slim
FROM ${BASE}

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 TRACKER_VAR_DIR=/app/var
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings to load; this key exists only during the build.
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /app tracker && mkdir -p /app/var && chown -R tracker /app/var
USER tracker

EXPOSE 8000
CMD ["gunicorn", "tracker.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
