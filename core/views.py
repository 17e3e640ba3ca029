from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def error_messages(request: HttpRequest, refusal: ValidationError | BaseForm) -> None:
    """Show a refusal on the next page: a service's ValidationError, or every error of an invalid
    form, for views that redirect back instead of showing the form again."""
    if isinstance(refusal, BaseForm):
        texts = [text for errors in refusal.errors.values() for text in errors]
    else:
        texts = refusal.messages
    for text in texts:
        messages.error(request, text)


@require_GET
@never_cache
def health(request):
    """Liveness for load balancers and compose: the process answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def live(request):
    """Liveness alone: the process answers, without asking the database (also the benchmarks'
    trivial view, the ceiling a page on this stack cannot beat)."""
    return HttpResponse("ok", content_type="text/plain")
