from django import forms


class DateInput(forms.DateInput):
    """The browser's own date picker; it reads and writes ISO dates (2023-05-10), whatever the language."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
