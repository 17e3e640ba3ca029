from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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
