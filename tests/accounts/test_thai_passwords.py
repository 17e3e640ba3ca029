"""The pages where people set a password speak Thai throughout: Django's own validator help texts,
errors and form texts come from our catalogue where Django's Thai one has none."""

import re

import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import services
from accounts.models import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "ยาวพอและเดายาก-2566"
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def latin_words(html: str, *allowed: str) -> set[str]:
    """The English-looking words a person reads in the page's main part, less the names allowed."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", main.split(">", 1)[1])
    for value in allowed:
        text = text.replace(value, " ")
    return set(LATIN_WORD.findall(text))


@pytest.fixture
def somsri(db):
    user = UserFactory(username="somsri", email="somsri@example.go.th", first_name="Somsri", last_name="Jaidee")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def reset_url(client, somsri):
    uid = urlsafe_base64_encode(force_bytes(somsri.pk))
    link = reverse("accounts:password-reset-confirm", args=[uid, default_token_generator.make_token(somsri)])
    return client.get(link, follow=True).redirect_chain[-1][0]  # the token moves into the session


@pytest.fixture
def invitation_url(somsri, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            office=somsri.memberships.get().office,
            user=somsri,
            email="wilai@example.go.th",
            role=Role.STAFF,
            base_url="http://testserver/",
        )
    mail.outbox.clear()
    return reverse("accounts:invitation-accept", args=[services.invitation_token(invitation)])


def test_every_validator_explains_and_refuses_in_thai(somsri):
    weak = ["1234", "password", "somsri12"]
    with translation.override("th"):
        texts = password_validation.password_validators_help_text_html()
        for password in weak:
            try:
                password_validation.validate_password(password, somsri)
            except password_validation.ValidationError as exc:
                texts += " ".join(exc.messages)
    assert "ชื่อผู้ใช้" in texts  # the similar attribute, named in Thai
    assert LATIN_WORD.findall(re.sub(r"<[^>]+>", " ", texts)) == []


def test_the_set_password_form_labels_and_mismatch_are_thai(somsri):
    with translation.override("th"):
        form = SetPasswordForm(somsri, {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"})
        assert not form.is_valid()
        texts = [str(f.label) + str(f.help_text) for f in form.fields.values()] + form.errors["new_password2"]
    assert LATIN_WORD.findall(re.sub(r"<[^>]+>", " ", " ".join(texts))) == []


def test_the_password_change_page_is_thai(client, somsri):
    client.force_login(somsri)
    url = reverse("accounts:password-change")
    assert latin_words(client.get(url).content.decode()) == set()
    data = {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"}
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "รหัสผ่านนี้สั้นเกินไป ต้องมีความยาวอย่างน้อย 8 ตัวอักษร" in page
    assert "รหัสผ่านนี้เป็นตัวเลขทั้งหมด" in page
    assert latin_words(page) == set()


def test_the_password_reset_page_is_thai(client, somsri, reset_url):
    assert latin_words(client.get(reset_url).content.decode(), "somsri") == set()
    response = client.post(reset_url, {"new_password1": "somsri12", "new_password2": "somsri12"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "รหัสผ่านคล้ายกับชื่อผู้ใช้มากเกินไป" in page
    assert latin_words(page, "somsri") == set()
    response = client.post(reset_url, {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"})
    assert "รหัสผ่านทั้งสองช่องไม่ตรงกัน" in response.content.decode()


def test_the_invitation_page_is_thai(client, invitation_url):
    page = client.get(invitation_url).content.decode()
    assert latin_words(page, "Somsri Jaidee", "wilai@example.go.th") == set()
    data = {"username": "wilai", "first_name": "วิไล", "last_name": "รักงาน", "password1": "2566", "password2": "2566"}
    response = client.post(invitation_url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "รหัสผ่านนี้สั้นเกินไป" in page and "รหัสผ่านนี้เป็นตัวเลขทั้งหมด" in page
    assert latin_words(page, "Somsri Jaidee", "wilai@example.go.th", "wilai") == set()


def test_a_username_with_a_space_is_refused_in_thai(client, invitation_url):
    data = {"username": "wilai r", "first_name": "วิไล", "last_name": "รักงาน", "password1": PASSWORD}
    response = client.post(invitation_url, {**data, "password2": PASSWORD})
    assert response.status_code == 200
    assert "กรุณากรอกชื่อผู้ใช้ให้ถูกต้อง" in response.content.decode()
