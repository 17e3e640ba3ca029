from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """The stock login form; its own class so that templates and throttling can hook in."""
