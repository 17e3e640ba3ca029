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

import datetime

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Office, Role, User
from core.thai import fiscal_year_of
from ita.models import Framework, FrameworkDraft
from ita.services import assessment_open, framework_draft_publish, framework_draft_start
from oit import services as oit_services
from oit.models import Item
from oit.selectors import evidence_period

OFFICE_SLUG = "spm-chanthaburi-trat"
EDITOR = ("demo-editor", "กรองทอง", "ตรวจกรอบ", "ผู้ดูแลกรอบการประเมิน (ตัวอย่าง)")
DEMO_PASSWORD = "demo-ita-2566"  # noqa: S105 - only set when DEBUG, like the other demo users
POPULATIONS = {"IIT": 62, "EIT": 420}
NOTE = (
    "ตัวอย่าง (demo): กรอบปีงบประมาณ พ.ศ. %(year)s คัดลอกจากปี %(source)s และเลื่อนวันที่ตามปี "
    "ทุกรายการยังไม่ยืนยัน ให้ผู้ดูแลกรอบการประเมินแก้ไขตามคู่มือของปีนั้น"
)
# code: what happens to it (the item's unit is the demo staff member's)
PROGRESS = {
    "O1": "published",
    "O3": "submitted",
    "O4": "returned",
    "O11": "evidence",
    "O12": "out_of_period",
    "O13": "evidence",
}


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
        self._progress(assessment, today)
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
        return (
            office.memberships.filter(role=role, user__username__startswith="demo-")
            .select_related("user", "unit", "office")
            .first()
        )

    def _progress(self, assessment, today: datetime.date) -> None:
        """A few of the demo staff member's items part of the way through review."""
        office = assessment.office
        admin, committee, staff = (self._member(office, role) for role in (Role.ADMIN, Role.COMMITTEE, Role.STAFF))
        items = {
            item.definition.code: item
            for item in Item.objects.filter(assessment=assessment, definition__code__in=PROGRESS).select_related(
                "definition", "assessment__office"
            )
        }
        oit_services.items_assign(
            items=list(items.values()),
            membership=admin,
            unit=staff.unit,
            assignees=[staff.user],
            due_date=assessment.framework.milestone_end(oit_services.DUE_DATE_MILESTONE),
        )
        reviewers = list(office.memberships.filter(role__in=[Role.COMMITTEE, Role.ADMIN]).select_related("user"))
        for code, state in PROGRESS.items():
            item = items.get(code)
            if item is None:
                continue
            item.refresh_from_db()
            period = evidence_period(item.definition, assessment.fiscal_year)
            if state == "out_of_period" and period is not None:
                day = min(today, period.end + datetime.timedelta(days=20))  # a document of this year, not last year's
            elif period is not None:
                day = min(today, period.end) - datetime.timedelta(days=7)
            else:
                day = today - datetime.timedelta(days=7)
            oit_services.evidence_add_link(
                item=item,
                membership=staff,
                url=f"https://demo.example/ita/{assessment.fiscal_year}/{code}",
                title=f"{item.definition.name_th} (เว็บไซต์สำนักงาน)",
                document_date=day,
            )
            item.refresh_from_db()
            item = oit_services.item_update_contents(
                item=item,
                membership=staff,
                expected_version=item.version,
                description=f"ข้อมูล{item.definition.name_th} ปีงบประมาณ พ.ศ. {assessment.fiscal_year}",
                coverage={check.pk: None for check in item.checks.all()},
            )
            if state not in ("submitted", "returned", "published"):
                continue
            item = oit_services.item_submit(item=item, membership=staff, expected_version=item.version)
            if state == "returned":
                oit_services.item_return(
                    item=item,
                    membership=committee,
                    expected_version=item.version,
                    reason="ยังไม่มีลายมือชื่อผู้อำนวยการในเอกสาร กรุณาแนบฉบับที่ลงนามแล้ว",
                )
            elif state == "published":
                for reviewer in reviewers:
                    if item.status != Item.Status.SUBMITTED or reviewer.user_id == staff.user_id:
                        continue
                    item = oit_services.item_approve(item=item, membership=reviewer, expected_version=item.version)
                oit_services.item_publish(item=item, membership=admin)
