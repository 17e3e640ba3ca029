"""A person's language: kept with their account, chosen on the profile or with the ไทย/EN switch,
and applied when they log in. Blank follows the browser's choice, or the site's Thai."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
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


def switch(client, language, next_url="/accounts/profile/"):
    return client.post(reverse("accounts:language-set"), {"language": language, "next": next_url})


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


# --- the ไทย/EN switch --------------------------------------------------------------------------


def test_the_switch_saves_the_language_of_someone_signed_in(client, somsri):
    client.force_login(somsri)
    response = switch(client, "en")
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert response.cookies[COOKIE].value == "en"
    somsri.refresh_from_db()
    assert somsri.language == "en"
    event = AuditEvent.objects.get(action="user.language")
    assert (event.actor, event.office, event.data) == (somsri, somsri.memberships.get().office, {"language": "en"})
    switch(client, "en")
    assert AuditEvent.objects.filter(action="user.language").count() == 1  # nothing changed the second time
    switch(client, "th")
    somsri.refresh_from_db()
    assert somsri.language == "th"
    assert client.get(reverse("accounts:profile"))["Content-Language"] == "th"


def test_the_switch_still_works_for_anonymous_visitors(client, somsri):
    response = switch(client, "en", next_url=reverse("accounts:login"))
    assert response.status_code == 302 and response.cookies[COOKIE].value == "en"
    assert client.get(reverse("accounts:login"))["Content-Language"] == "en"
    assert not AuditEvent.objects.filter(action__startswith="user.").exists()
    somsri.refresh_from_db()
    assert somsri.language == ""


def test_the_switch_keeps_no_unknown_language(client, somsri):
    client.force_login(somsri)
    assert switch(client, "xx").status_code == 302
    somsri.refresh_from_db()
    assert somsri.language == ""
    assert not AuditEvent.objects.filter(action__startswith="user.").exists()


def test_the_switch_needs_post(client, somsri):
    client.force_login(somsri)
    assert client.get(reverse("accounts:language-set"), {"language": "en"}).status_code == 405
    somsri.refresh_from_db()
    assert somsri.language == ""


# --- the service ------------------------------------------------------------------------------


def test_someone_in_no_office_has_the_change_logged_outside_any_office(db):
    user = UserFactory()
    services.user_language_set(user=user, language="en")
    event = AuditEvent.objects.get(action="user.language")
    assert (event.actor, event.office) == (user, None)


def test_each_office_logs_a_members_language(somsri):
    MembershipFactory(user=somsri)
    services.user_language_set(user=somsri, language="en")
    assert AuditEvent.objects.filter(action="user.language", actor=somsri).count() == 2


def test_the_service_refuses_a_language_the_site_lacks(somsri):
    with pytest.raises(ValidationError):
        services.user_language_set(user=somsri, language="fr")
    somsri.refresh_from_db()
    assert somsri.language == ""
