FROM python:3.11-slim-bookworm

# The run-time system packages: Pango and HarfBuzz for WeasyPrint, the fallback fonts. The same
# list that CI installs before it proves the production path (.ci/production).
COPY packages.txt /tmp/packages.txt
RUN apt-get update \
    && sed 's/#.*//' /tmp/packages.txt | xargs apt-get install -y --no-install-recommends \
    && rm -rf /var/lib/apt/lists/* /tmp/packages.txt

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# With production settings, so that the manifest the running app needs is written; the key is a
# throwaway that exists only during this step.
RUN DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=build \
    DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    python manage.py collectstatic --noinput

RUN useradd --create-home ita && mkdir -p /app/media /app/private && chown ita /app/media /app/private
USER ita
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
