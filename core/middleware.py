from django.conf import settings
from django.http import FileResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers


class ThaiFirstLocaleMiddleware:
    """Activate the language the user chose (the language cookie), else Thai.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which puts English in
    front of most Thai staff on an English-language Windows. The product is Thai first, and
    public URLs carry no language prefix so that they stay stable in the national system.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


class FileRevalidationMiddleware:
    """Answer a cache's or browser's revalidation of a public file with 304 Not Modified.

    Public files are sent `no-cache` with validators (`core.files`): every use is checked here
    first, so a withdrawn report or document is never served from a cache, and an unchanged one
    costs no download. Only file responses that carry an ETag are touched; pages are not.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or not isinstance(response, FileResponse):
            return response
        if response.status_code != 200 or not response.has_header("ETag"):
            return response
        conditional = get_conditional_response(request, etag=response["ETag"], last_modified=None, response=response)
        if conditional is not response:
            response.close()  # the file handle it held
        return conditional
