"""The demo office สพม.จันทบุรี ตราด, its people and its assessments. It lives beside the demo cycle
(`seed_demo_cycle`) in spdca, which may use the accounts and the ita services it needs."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Membership, Office, Role, StaffMember, Unit, User
from accounts.roster import staff_member_for_user
from ita.models import Framework
from ita.services.assessments import assessment_open

OFFICE = {
    "slug": "spm-chanthaburi-trat",
    "name": "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาจันทบุรี ตราด",
    "short_name": "สพม.จันทบุรี ตราด",
}
UNITS = [
    "กลุ่มอำนวยการ",
    "กลุ่มนโยบายและแผน",
    "กลุ่มบริหารงานบุคคล",
    "กลุ่มบริหารงานการเงินและสินทรัพย์",
    "กลุ่มส่งเสริมการจัดการศึกษา",
    "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา",
    "กลุ่มพัฒนาครูและบุคลากรทางการศึกษา",
    "กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร",
    "กลุ่มกฎหมายและคดี",
    "หน่วยตรวจสอบภายใน",
]
# username, first name, last name, position, role, unit
PEOPLE = [
    ("demo-admin", "สมศรี", "ใจดี", "นักวิเคราะห์นโยบายและแผนชำนาญการพิเศษ", Role.ADMIN, "กลุ่มนโยบายและแผน"),
    ("demo-committee", "ประเสริฐ", "มั่นคง", "นิติกรชำนาญการ", Role.COMMITTEE, "กลุ่มกฎหมายและคดี"),
    ("demo-staff", "วิไล", "รักงาน", "นักจัดการงานทั่วไปชำนาญการ", Role.STAFF, "กลุ่มอำนวยการ"),
]
HONORIFICS = {"demo-admin": "นาง", "demo-committee": "นาย", "demo-staff": "นางสาว"}
DEMO_PASSWORD = "demo-ita-2566"  # noqa: S105 - only set when DEBUG, and printed for the developer
# The IIT population is the staff list's size, 62 as in the source document: the three demo users
# and 59 colleagues without accounts (the names are made up). EIT has no list: its number is given.
POPULATIONS = {"EIT": 420}
COLLEAGUES = [
    ("นาย", "กมล", "ศรีสุข"),
    ("นาง", "กัญญา", "บุญมา"),
    ("นางสาว", "จิราพร", "แสงทอง"),
    ("นาย", "ชัยวัฒน์", "ทองดี"),
    ("นาย", "ณัฐพล", "วงศ์ไทย"),
    ("นาง", "ดวงใจ", "พูลสวัสดิ์"),
    ("นางสาว", "ธนพร", "จันทร์เพ็ญ"),
    ("นาง", "นงลักษณ์", "ศรีวงศ์"),
    ("นาย", "บุญชัย", "รุ่งเรือง"),
    ("นาง", "ปราณี", "สุขใจ"),
    ("นางสาว", "พรทิพย์", "มณีรัตน์"),
    ("นาย", "มานพ", "เกิดผล"),
    ("นาง", "ยุพิน", "ทองคำ"),
    ("นางสาว", "รัตนา", "อินทร์แก้ว"),
    ("นาย", "วรวุฒิ", "ชัยมงคล"),
    ("นาง", "ศิริพร", "แก้วมณี"),
    ("นาย", "สมบัติ", "ดีมาก"),
    ("นางสาว", "สุดารัตน์", "ใจงาม"),
    ("นาย", "อนุชา", "พรหมมา"),
    ("นาง", "อรทัย", "สายสุวรรณ"),
    ("นางสาว", "เกศินี", "ประเสริฐ"),
    ("นาย", "ไพโรจน์", "ศักดิ์ดี"),
    ("นาง", "อำไพ", "น้ำใจดี"),
    ("นาย", "ชูศักดิ์", "ต่ำแหง"),
]
# 35 more, each first name with each family name once.
MORE_FIRST = [
    ("นาย", "สุรชัย"),
    ("นาง", "มาลี"),
    ("นางสาว", "ปิยะนุช"),
    ("นาย", "ธีระ"),
    ("นาง", "วันดี"),
    ("นาย", "อดิศร"),
    ("นางสาว", "กาญจนา"),
]
MORE_LAST = ["สมบูรณ์", "ทองมาก", "แก้วใส", "ศรีเมือง", "บุญรักษ์"]
ROSTER = COLLEAGUES + [(honorific, first, last) for honorific, first in MORE_FIRST for last in MORE_LAST]


class Command(BaseCommand):
    help = "Create the demo office สพม.จันทบุรี ตราด with its units, one user per role and assessments."

    def add_arguments(self, parser):
        parser.add_argument(
            "--open",
            nargs="+",
            type=int,
            default=[2565, 2566],
            metavar="YEAR",
            help="The fiscal years whose assessments to open (default: 2565 2566).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        frameworks = {f.fiscal_year: f for f in Framework.objects.filter(fiscal_year__in=[2565, 2566])}
        if len(frameworks) < 2:
            raise CommandError("Load the 2565 and 2566 frameworks first: manage.py load_framework ita/framework/*.yaml")
        office, _ = Office.objects.update_or_create(slug=OFFICE["slug"], defaults=OFFICE)
        units = {name: Unit.objects.get_or_create(office=office, name=name)[0] for name in UNITS}
        for username, first, last, position, role, unit in PEOPLE:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "position": position},
            )
            user.honorific = user.honorific or HONORIFICS[username]
            if settings.DEBUG:
                user.set_password(DEMO_PASSWORD)
            elif created:
                user.set_unusable_password()
            user.save()
            Membership.objects.update_or_create(user=user, office=office, defaults={"role": role, "unit": units[unit]})
        self._roster(office, list(units.values()))
        admin = User.objects.get(username="demo-admin")
        for year, framework in sorted(frameworks.items()):
            if year not in options["open"]:
                continue
            assessment = office.assessments.filter(fiscal_year=year).first()
            if assessment is None:
                assessment = assessment_open(office=office, framework=framework, user=admin)
            for target in assessment.respondent_targets.select_related("rule__instrument"):
                if target.population is None and target.rule.instrument.code in POPULATIONS:
                    target.population = POPULATIONS[target.rule.instrument.code]
                    target.save(update_fields=["population", "updated_at"])
        self.stdout.write(self.style.SUCCESS(f"Demo office {office.short_name} is ready."))
        if settings.DEBUG:
            self.stdout.write(f"Log in as demo-admin, demo-committee or demo-staff with the password {DEMO_PASSWORD}")
        else:
            self.stdout.write("Set the demo users' passwords with: manage.py changepassword demo-admin")

    def _roster(self, office: Office, units: list[Unit]) -> None:
        """The office's staff list: the demo users, linked to their accounts, and the colleagues."""
        for membership in Membership.objects.filter(office=office).select_related("user", "unit"):
            staff_member_for_user(office=office, user=membership.user, unit=membership.unit)
        for index, (honorific, first, last) in enumerate(ROSTER):
            StaffMember.objects.get_or_create(
                office=office,
                first_name=first,
                last_name=last,
                defaults={"honorific": honorific, "unit": units[index % len(units)]},
            )
