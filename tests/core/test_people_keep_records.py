"""No record of an office goes with a person: deleting someone with history is refused and
cascades nothing; only a person's own choices go with a mistaken account."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError
from django.urls import reverse

from notifications.models import Channel, Notification, PersonalSettings, Preference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def notify(user, office) -> Notification:
    return Notification.objects.create(
        recipient=user, office=office, event="item_returned", channel=Channel.APP, subject="ส่งคืนรายการ O12", key="k"
    )


def test_deleting_a_person_with_history_is_refused_and_cascades_nothing(staff_member, office):
    user = staff_member.user
    notification = notify(user, office)
    Preference.objects.create(user=user, event="item_returned", channels=["app"])
    PersonalSettings.objects.create(user=user)
    with pytest.raises(ProtectedError):
        user.delete()
    assert User.objects.filter(pk=user.pk).exists()
    assert Notification.objects.filter(pk=notification.pk).exists()
    assert Preference.objects.filter(user=user).count() == 1
    assert PersonalSettings.objects.filter(user=user).exists()


def test_the_notifications_sent_to_a_person_keep_them(office):
    user = UserFactory()
    notify(user, office)
    with pytest.raises(ProtectedError):
        user.delete()
    assert Notification.objects.filter(recipient=user).count() == 1


def test_a_mistaken_account_goes_with_its_own_choices_only(db):
    user = UserFactory()
    Preference.objects.create(user=user, event="item_returned", channels=["email"])
    PersonalSettings.objects.create(user=user, line_quiet_hours=False)
    user.delete()
    assert not Preference.objects.exists()
    assert not PersonalSettings.objects.exists()


def test_the_admin_refuses_too(client, office):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    user = UserFactory()
    notify(user, office)
    client.post(reverse("admin:accounts_user_delete", args=[user.pk]), {"post": "yes"}, follow=True)
    assert User.objects.filter(pk=user.pk).exists()
    assert Notification.objects.filter(recipient=user).count() == 1
