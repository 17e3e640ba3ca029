"""The demo office's assessment of the current fiscal year, under way: what a newcomer opening the
demo today should see, with today's deadlines rather than a finished year long past.

When no framework exists for the current year, the demo's framework editor starts one from the
latest framework (its dates moved by the year difference, every fact flagged unconfirmed) and
publishes it with a note saying so, as a framework editor would in the app. The demo admin then
opens the year, carrying FY 2566's assignments over through the chain of item mappings, and a
few items are taken part of the way: submitted, returned, approved and published, one with
evidence dated outside its period. Run it after `seed_demo` and `seed_demo_cycle`; running it
again changes nothing.
"""

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Office, Role, User
from core.thai import fiscal_year_of
from ita.hooks import demo_year_steps
from ita.models import Framework, FrameworkDraft
from ita.services.assessments import assessment_open
from ita.services.frameworks import framework_draft_publish, framework_draft_start
from ita.services.iit import iit_link_rotate

OFFICE_SLUG = "spm-chanthaburi-trat"
EDITOR = ("demo-editor", "กรองทอง", "ตรวจกรอบ", "ผู้ดูแลกรอบการประเมิน (ตัวอย่าง)")
DEMO_PASSWORD = "demo-ita-2566"  # noqa: S105 - only set when DEBUG, like the other demo users
POPULATIONS = {"EIT": 420}  # the IIT population is the office's staff list (seed_demo gives it 62)
NOTE = (
    "ตัวอย่าง (demo): กรอบปีงบประมาณ พ.ศ. %(year)s คัดลอกจากปี %(source)s และเลื่อนวันที่ตามปี "
    "ทุกรายการยังไม่ยืนยัน ให้ผู้ดูแลกรอบการประเมินแก้ไขตามคู่มือของปีนั้น"
)


class Command(BaseCommand):
    help = "Open the demo office's assessment of the current fiscal year and put it under way."

    @transaction.atomic
    def handle(self, *args, **options):
        office = Office.objects.filter(slug=OFFICE_SLUG).first()
        if office is None:
            raise CommandError("Create the demo office first: manage.py seed_demo")
        today = timezone.localdate()
        year = fiscal_year_of(today)
        if office.assessments.filter(fiscal_year=year).exists():
            self.stdout.write(f"The demo office's FY {year} is already open.")
            return
        editor = self._editor()
        framework = Framework.objects.filter(fiscal_year=year).first() or self._framework(year, editor)
        admin = self._member(office, Role.ADMIN)
        assessment = assessment_open(office=office, framework=framework, user=admin.user)
        for target in assessment.respondent_targets.select_related("rule__instrument"):
            target.population = POPULATIONS.get(target.rule.instrument.kind)
            target.save(update_fields=["population", "updated_at"])
        iit_link_rotate(assessment=assessment, membership=admin)  # the QR code to post in the staff's LINE group
        for step in demo_year_steps():  # the OIT items part of the way through review, ...
            step(assessment=assessment, today=today)
        carried = assessment.oit_items.filter(unit__isnull=False).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"FY {year} is under way: {assessment.oit_items.count()} items, {carried} of them assigned."
            )
        )
        if settings.DEBUG:
            self.stdout.write(f"The framework editor demo-editor logs in with the password {DEMO_PASSWORD}")

    def _editor(self) -> User:
        """A framework editor (a site-wide permission, in no office)."""
        username, first, last, position = EDITOR
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "position": position}
        )
        if settings.DEBUG:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        elif created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.user_permissions.add(Permission.objects.get(codename="edit_framework", content_type__app_label="ita"))
        return User.objects.get(pk=user.pk)  # permissions are cached on the instance

    def _framework(self, year: int, editor: User) -> Framework:
        latest = Framework.objects.filter(fiscal_year__lt=year).order_by("-fiscal_year").first()
        if latest is None:
            raise CommandError("Load a framework first: manage.py load_framework ita/framework/*.yaml")
        draft = FrameworkDraft.objects.filter(fiscal_year=year).first() or framework_draft_start(
            user=editor, fiscal_year=year, based_on=latest, flag_unconfirmed=True
        )
        note = NOTE % {"year": year, "source": latest.fiscal_year}
        framework_draft_publish(draft=draft, user=editor, expected_version=draft.version, note=note)
        self.stdout.write(f"Made FY {year}'s framework from FY {latest.fiscal_year} (dates moved, nothing confirmed).")
        return Framework.objects.get(fiscal_year=year)

    @staticmethod
    def _member(office: Office, role: str) -> Membership:
        return office.memberships.filter(role=role, user__username__startswith="demo-").select_related("user").first()
