import factory

from accounts.models import Membership, Office, Role, Unit, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "สมชาย"
    last_name = factory.Sequence(lambda n: f"ทดสอบ{n}")
    password = factory.django.Password("pw-for-tests")


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    name = factory.Sequence(lambda n: f"สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาทดสอบ {n}")
    short_name = factory.Sequence(lambda n: f"สพม.ทดสอบ {n}")
    slug = factory.Sequence(lambda n: f"office-{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"กลุ่มทดสอบ {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    role = Role.STAFF
