"""Django's own strings that the password and invitation pages show and Django's Thai catalogue
does not translate (or translates under an older wording, so the translation never matches).

Nothing imports this module: it is here so that `makemessages` keeps these msgids, exactly as
Django writes them, in our Thai catalogue, which LOCALE_PATHS puts before Django's. After a Django
upgrade, tests/accounts/test_thai_passwords.py shows which of them changed.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

STRINGS = (
    # django.contrib.auth.password_validation: the help texts under a new password, and the errors.
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
    ),
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("This password is entirely numeric."),
    # django.contrib.auth.forms: setting a password (change, reset).
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("The two password fields didn’t match."),
    # django.contrib.auth.validators: a username chosen when accepting an invitation.
    gettext_noop("Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."),
    # django.core.validators: a value longer than its field allows.
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    ),
)
