"""Every text people type is bounded, so that no single entry can make a page or a PDF unbounded."""

import pytest
from django.apps import apps
from django.db import models


@pytest.mark.parametrize("app", ["accounts", "ita", "oit", "spdca"])
def test_every_text_field_has_a_max_length(app):
    unbounded = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField) and field.max_length is None
    ]
    assert unbounded == []
