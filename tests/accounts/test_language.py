"""A person's language: kept with their account, chosen on the profile or with the ไทย/EN switch,
and applied when they log in. Blank follows the browser's choice, or the site's Thai."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "ยาวพอและเดายาก-2566"
COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def somsri(db):
    user = UserFactory(username="somsri", email="somsri@example.go.th")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user)
    return user


def profile_data(**values):
    return {"first_name": "สมศรี", "last_name": "มีสุข", "email": "somsri@example.go.th", **values}


# --- the profile ------------------------------------------------------------------------------


def test_the_profile_offers_each_language_by_its_own_name(client, somsri):
    client.force_login(somsri)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'name="language"' in page
    assert "ค่าเริ่มต้นของระบบ (ภาษาไทย)" in page
    assert ">ภาษาไทย</option>" in page and ">English</option>" in page


def test_the_profile_saves_the_language_and_the_next_page_uses_it(client, somsri):
    client.force_login(somsri)
    response = client.post(reverse("accounts:profile"), profile_data(language="en"))
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "en"
    somsri.refresh_from_db()
    assert somsri.language == "en"
    page = client.get(response["Location"])
    assert page["Content-Language"] == "en"
    assert "Your profile has been saved." in page.content.decode()
    event = AuditEvent.objects.get(action="user.profile", actor=somsri)
    assert event.data["language"] == "en" and event.office == somsri.memberships.get().office


def test_a_blank_language_on_the_profile_goes_back_to_thai(client, somsri):
    somsri.language = "en"
    somsri.save()
    client.cookies[COOKIE] = "en"
    client.force_login(somsri)
    response = client.post(reverse("accounts:profile"), profile_data(language=""))
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "" and response.cookies[COOKIE]["max-age"] == 0
    somsri.refresh_from_db()
    assert somsri.language == ""
    page = client.get(response["Location"])
    assert page["Content-Language"] == "th"
    assert "บันทึกข้อมูลส่วนตัวแล้ว" in page.content.decode()


def test_saving_the_profile_without_changing_the_language_leaves_the_cookie(client, somsri):
    client.force_login(somsri)
    response = client.post(reverse("accounts:profile"), profile_data(position="นักวิชาการ"))
    assert response.status_code == 302
    assert COOKIE not in response.cookies


def test_an_unknown_language_is_refused_on_the_profile(client, somsri):
    client.force_login(somsri)
    assert client.post(reverse("accounts:profile"), profile_data(language="fr")).status_code == 200
    somsri.refresh_from_db()
    assert somsri.language == ""


# --- logging in -------------------------------------------------------------------------------


def test_logging_in_applies_the_accounts_language(client, somsri):
    somsri.language = "en"
    somsri.save()
    response = client.post(reverse("accounts:login"), {"username": "somsri", "password": PASSWORD}, follow=True)
    assert response.redirect_chain and response.status_code == 200
    assert response["Content-Language"] == "en"
    assert client.cookies[COOKIE].value == "en"


def test_logging_in_without_a_language_keeps_the_browsers_choice(client, somsri):
    client.cookies[COOKIE] = "en"
    response = client.post(reverse("accounts:login"), {"username": "somsri", "password": PASSWORD})
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    assert client.get(response["Location"], follow=True)["Content-Language"] == "en"


def test_a_failed_login_sets_no_language(client, somsri):
    somsri.language = "en"
    somsri.save()
    response = client.post(reverse("accounts:login"), {"username": "somsri", "password": "ผิด"})
    assert response.status_code == 200
    assert COOKIE not in response.cookies
