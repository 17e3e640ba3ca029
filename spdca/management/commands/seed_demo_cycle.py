"""The demo office's FY 2566 cycle as the source document tells it, so that the annual report of a
fresh install reads like the real one. The FY 2565 scores are illustrative (the document does not
give them); they make indicators 5, 6 and 9 the weakest, as its analysis found."""

from datetime import date, datetime
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Office, Role, StaffMember
from ita.models import IITConfirmation
from ita.services.iit import iit_roster_record
from ita.services.respondents import eit_count_add, iit_confirm
from ita.services.results import result_enter
from oit import services as oit_services
from oit.models import Approval, EvidenceRevision, Item, ItemEvent, Publication
from spdca import services
from spdca.management.commands.seed_demo import COLLEAGUES
from spdca.models import Activity, Improvement, Lesson, Meeting, Outcome, Stage

OFFICE_SLUG = "spm-chanthaburi-trat"
SCORES_2565 = {
    1: "98.12",
    2: "97.45",
    3: "96.80",
    4: "97.02",
    5: "92.35",
    6: "91.20",
    7: "94.66",
    8: "95.10",
    9: "93.75",
    10: "100.00",
}

STAGE_NOTES = {
    "P": "จัดทำแผนปฏิบัติการป้องกันการทุจริต โดยนำผลจากการประชุมวิเคราะห์จุดแข็ง จุดที่ต้องพัฒนา และการศึกษาข้อมูลจากคู่มือ"
    "การประเมินคุณธรรมและความโปร่งใสฯ ปีงบประมาณ พ.ศ. 2566 เนื่องจากมีกระบวนการประเมินและตัวชี้วัดที่ได้ปรับเปลี่ยน เช่น "
    "การประเมิน EIT และตัวชี้วัดที่เพิ่มขึ้นในเรื่อง No Gift Policy และจริยธรรมข้าราชการ ทำให้ต้องกำหนดกิจกรรมให้สอดคล้องกับ"
    "ตัวชี้วัดที่เปลี่ยนแปลง",
    "D": "กำหนดระยะการดำเนินกิจกรรมต่าง ๆ ให้สอดคล้องกับปฏิทินการประเมินคุณธรรมและความโปร่งใสฯ ตามที่สำนักงานคณะกรรมการ"
    "การศึกษาขั้นพื้นฐานกำหนด และศึกษาหาความรู้เรื่องการประเมินคุณธรรมและความโปร่งใสฯ จากเว็บไซต์ https://ita2023.pracharath.ac.th/",
    "C": "เมื่อบุคลากรทำแบบวัด IIT เรียบร้อยแล้ว ขอความร่วมมือบันทึกหน้าสุดท้ายส่งให้ผู้รับผิดชอบเพื่อนับจำนวน ผู้ตอบแบบวัด EIT "
    "ส่งข้อความในไลน์กลุ่มที่กำหนด และคณะกรรมการเผยแพร่และจัดเก็บข้อมูลบนเว็บไซต์ตรวจสอบความถูกต้องของข้อมูล OIT "
    "เมื่อพบข้อผิดพลาด กลุ่ม/หน่วยแก้ไขรายงานของตนเองได้",
}
FINDINGS = [
    (5, "ต้องสร้างความเชื่อมั่นให้บุคลากรภายใน ในการร้องเรียนเมื่อพบเห็นการทุจริตภายในหน่วยงาน"),
    (
        6,
        "ต้องเน้นการปฏิบัติหน้าที่ของเจ้าหน้าที่โดยยึดหลักตามมาตรฐาน ขั้นตอน และระยะเวลาที่กำหนดไว้อย่างเคร่งครัด "
        "และเป็นไปอย่างเท่าเทียมกันไม่เลือกปฏิบัติ",
    ),
    (
        9,
        "ต้องปรับปรุงการรายงานความก้าวหน้าการดำเนินการแต่ละโครงการ/กิจกรรม และรายละเอียดงบประมาณที่ใช้ดำเนินงาน "
        "ให้ครบถ้วนตามรายละเอียดที่กำหนด",
    ),
]
# title, objective, indicator numbers, start, end, publicity, progress narrative
ACTIVITIES = [
    (
        "ประชุมเชิงปฏิบัติการส่งเสริมนโยบาย No Gift Policy",
        "สร้างภาพลักษณ์ที่ดีขององค์กรและถ่ายทอดแนวปฏิบัติให้โรงเรียนในสังกัด",
        [5, 6],
        date(2023, 1, 16),
        date(2023, 3, 31),
        True,
        "จัดประชุมเชิงปฏิบัติการและประกาศเจตนารมณ์ No Gift Policy",
    ),
    (
        "พัฒนาความรู้เกี่ยวกับประมวลจริยธรรมในการป้องกันและปราบปรามการทุจริต",
        "บุคลากรเข้าใจประมวลจริยธรรมข้าราชการ",
        [1, 5],
        date(2023, 2, 1),
        date(2023, 4, 30),
        False,
        "อบรมบุคลากรทุกกลุ่ม/หน่วย",
    ),
    (
        "แต่งตั้งคณะกรรมการเผยแพร่และจัดเก็บข้อมูลบนเว็บไซต์ (OIT)",
        "รวบรวม ตรวจสอบ และเผยแพร่ข้อมูล O1–O43 ให้ครบถ้วน",
        [9, 10],
        date(2023, 3, 1),
        date(2023, 4, 30),
        False,
        "มีคำสั่งแต่งตั้งคณะกรรมการ ตรวจสอบข้อมูลครบทุกข้อ",
    ),
    (
        "รายงานความก้าวหน้าโครงการและการใช้งบประมาณรายไตรมาส",
        "แก้จุดที่ต้องพัฒนาของตัวชี้วัดที่ 9",
        [9],
        date(2023, 1, 1),
        date(2023, 9, 30),
        False,
        "รายงานไตรมาสที่ 1–3 บนเว็บไซต์",
    ),
    (
        "ประชาสัมพันธ์การดำเนินงานและนโยบาย No Gift Policy ให้โรงเรียนในสังกัด",
        "เผยแพร่รูปแบบการดำเนินงานของสำนักงาน",
        [6],
        date(2023, 3, 1),
        date(2023, 8, 31),
        True,
        "เผยแพร่ทางเว็บไซต์และเพจของสำนักงาน",
    ),
]
IMPROVEMENTS = [
    (
        Improvement.Phase.DURING_OIT,
        "รายงานบางข้อไม่ตรงกับองค์ประกอบที่กำหนด",
        "ปรับปรุงรายงานให้ตรงกับตัวชี้วัดตั้งแต่ O1–O43 ให้ถูกต้อง สมบูรณ์ ตรงตามกำหนดเวลา",
        True,
    ),
    (
        Improvement.Phase.AFTER_RESULTS,
        "รอผลการประเมินประจำปี",
        "ค้นหาจุดบกพร่อง จุดที่ต้องพัฒนา เพื่อปรับปรุงขั้นตอนการดำเนินงานในปีต่อไป",
        False,
    ),
]
# The source document's quantitative results (IIT and EIT complete, OIT complete) are what the
# report now states from the records; the demo records make them true.
REPORT_TEXT = {
    "preface": (
        "รายงานผลการดำเนินงานการยกระดับผลการประเมินคุณธรรมและความโปร่งใสในการดำเนินงาน (ITA) โดยใช้กระบวนการ SPDCA "
        "ปีงบประมาณ พ.ศ. 2566 ฉบับนี้ จัดทำขึ้นเพื่อสรุปผลการดำเนินงานของสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาจันทบุรี ตราด "
        "ตั้งแต่การวิเคราะห์ผลการประเมินปีที่ผ่านมา การวางแผน การดำเนินการ การตรวจสอบ และการปรับปรุงพัฒนา\n"
        "ขอขอบคุณคณะกรรมการ บุคลากรทุกกลุ่ม/หน่วย และผู้มีส่วนได้ส่วนเสียทุกท่านที่ให้ความร่วมมือ "
        "หวังเป็นอย่างยิ่งว่ารายงานฉบับนี้จะเป็นประโยชน์ต่อการพัฒนาการดำเนินงานด้านคุณธรรมและความโปร่งใสต่อไป"
    ),
    "introduction": (
        "ในปีงบประมาณ พ.ศ. 2566 สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาจันทบุรี ตราด ได้จัดการประชุมเชิงปฏิบัติการของ"
        "คณะกรรมการในการจัดทำแผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2566 เพื่อให้มีแผนการปฏิบัติงานสอดคล้องเชื่อมโยงกับ"
        "ยุทธศาสตร์ชาติ แผนแม่บทภายใต้ยุทธศาสตร์ชาติ แผนพัฒนาเศรษฐกิจและสังคมแห่งชาติ และแผนการศึกษาแห่งชาติ "
        "โดยคณะกรรมการได้นำกระบวนการ SPDCA เป็นกลไกในการดำเนินงาน มุ่งสู่เป้าหมายการเป็นองค์กรคุณภาพแห่งอนาคต\n"
        "กระบวนการ SPDCA สอดคล้องกับกระบวนการ PDCA ที่ใช้ในการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของ"
        "สำนักงานเขตพื้นที่การศึกษาออนไลน์ (ITA Online) ในปีงบประมาณที่ผ่านมา"
    ),
    "project": "โครงการเสริมสร้างคุณธรรม จริยธรรมและธรรมาภิบาลในสำนักงานเขตพื้นที่การศึกษา",
    "coach": "วิทยากร ITA Coach ของ สพฐ. นิติกรชำนาญการพิเศษ สำนักงานเขตพื้นที่การศึกษาประถมศึกษาชลบุรี เขต 2 "
    "ซึ่งให้คำปรึกษาตอบปัญหาและข้อสงสัย",
}
DIRECTOR = {
    "director_honorific": "นาย",
    "director_name": "ตัวอย่าง ผู้อำนวยการ",
    "director_position": "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษามัธยมศึกษาจันทบุรี ตราด",
}
# The committee of the source document's Check stage, with its duties as the document gives them.
# The document names neither the order's number nor its date: these are made up, like the names.
COMMITTEE = {
    "name": "คณะกรรมการเผยแพร่และจัดเก็บข้อมูลจากเว็บไซต์สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาจันทบุรี ตราด เพื่อตอบแบบการประเมิน OIT",
    "duties": "รวบรวมเอกสาร ตรวจสอบความถูกต้อง เผยแพร่ข้อมูลให้ตรงกับรายละเอียดที่สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐานกำหนด",
    "order_number": "45/2566",
    "order_date": date(2023, 4, 28),  # before the activity that reports the order (30 April)
}
COMMITTEE_COLLEAGUES = 3  # the first demo colleagues sit on it for their units, as the document says
QUALITATIVE = [
    "บุคลากรมีความรู้ความเข้าใจในการดำเนินงานด้านคุณธรรมและความโปร่งใส เกิดเป็นวัฒนธรรมองค์กร ปลูกจิตสำนึกในการ"
    "ปฏิบัติงาน และในปีงบประมาณ พ.ศ. 2566 ยังไม่มีเรื่องร้องเรียนการกระทำการทุจริตและประพฤติมิชอบ",
]


class Command(BaseCommand):
    help = "Fill the demo office's FY 2566 SPDCA cycle from the source document (once; later runs change nothing)."

    @transaction.atomic
    def handle(self, *args, **options):
        office = Office.objects.filter(slug=OFFICE_SLUG).first()
        if office is None:
            raise CommandError("Create the demo office first: manage.py seed_demo")
        admin = Membership.objects.filter(office=office, role=Role.ADMIN).select_related("user").first()
        committee = Membership.objects.filter(office=office, role=Role.COMMITTEE).select_related("user").first()
        staff = Membership.objects.filter(office=office, role=Role.STAFF).select_related("user", "unit").first()
        previous = office.assessments.get(fiscal_year=2565)
        assessment = office.assessments.select_related("framework").get(fiscal_year=2566)
        if not previous.official_results.exists():
            scores = {number: Decimal(score) for number, score in SCORES_2565.items()}
            result_enter(assessment=previous, membership=admin, scores=scores, source="ตัวอย่าง (demo)")
        if Meeting.objects.filter(assessment=assessment).exists():
            self.stdout.write("The demo cycle is already there.")
            return
        self._cycle(assessment, admin)
        self._respondents(assessment, admin, committee)
        self._committee(assessment, admin)
        if staff is not None and committee is not None:
            self._oit(assessment, admin, committee, staff)
            self._stages(assessment, admin)
        self._date_history(assessment)
        self.stdout.write(self.style.SUCCESS("The demo office's FY 2566 cycle is ready."))

    def _cycle(self, assessment, admin) -> None:
        framework = assessment.framework
        assessment.target_band = framework.rating_bands.get(code="excellent")  # the document aims to "keep AA"
        assessment.save(update_fields=["target_band", "updated_at"])
        Meeting.objects.create(
            assessment=assessment,
            date=date(2023, 5, 10),
            place="ห้องประชุมปันสุข",
            attendees="ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา\nรองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา\nผู้อำนวยการกลุ่มทุกกลุ่ม",
            minutes="ที่ประชุมพิจารณาคะแนนรายตัวชี้วัดและรายข้อของปีที่ผ่านมา และเห็นชอบให้นำจุดที่ต้องพัฒนาไปกำหนดกิจกรรมในแผน",
        )
        indicators = {indicator.number: indicator for indicator in framework.indicators.all()}
        for number, text in FINDINGS:
            services.finding_add(
                assessment=assessment, membership=admin, kind="develop", indicator=indicators[number], text=text
            )
        for title, objective, numbers, start, end, publicity, narrative in ACTIVITIES:
            activity = Activity.objects.create(
                assessment=assessment,
                title=title,
                objective=objective,
                unit=admin.unit,
                responsible=admin.user,
                start=start,
                end=end,
                is_publicity=publicity,
                budget=Decimal("5000") if publicity else None,
            )
            activity.indicators.set([indicators[number] for number in numbers])
            services.progress_add(activity=activity, membership=admin, date=end, percent=100, narrative=narrative)
        for phase, cause, action, done in IMPROVEMENTS:
            Improvement.objects.create(
                assessment=assessment, phase=phase, cause=cause, action=action, owner=admin.user, done=done
            )
        Lesson.objects.create(assessment=assessment, text="เริ่มรวบรวมข้อมูล OIT ตั้งแต่ต้นปีงบประมาณ ทำให้ส่งทันกำหนด")
        for order, text in enumerate(QUALITATIVE):
            Outcome.objects.create(assessment=assessment, kind=Outcome.Kind.QUALITATIVE, text=text, order=order)
        services.annual_report_text_update(assessment=assessment, membership=admin, expected_version=1, **REPORT_TEXT)
        office = assessment.office
        for name, value in DIRECTOR.items():
            setattr(office, name, getattr(office, name) or value)
        office.save(update_fields=[*DIRECTOR, "updated_at"])

    def _stages(self, assessment, admin) -> None:
        """Close the five stages through their gates, dated inside the fiscal year as the work was."""
        periods = {
            "S": (date(2023, 5, 1), date(2023, 5, 31)),
            "P": (date(2022, 12, 1), date(2023, 1, 31)),
            "D": (date(2023, 1, 1), date(2023, 9, 30)),
            "C": (date(2023, 4, 1), date(2023, 7, 31)),
            "A": (date(2023, 4, 1), date(2023, 9, 30)),
        }
        for stage in assessment.stages.order_by("order"):
            start, end = periods[stage.code]
            services.stage_update(
                stage=stage,
                membership=admin,
                status=Stage.Status.DONE,
                start=start,
                end=end,
                notes=STAGE_NOTES.get(stage.code, ""),
                responsible=[admin.user],
            )

    def _committee(self, assessment, admin) -> None:
        """The OIT committee: the director chairs it (without an account), staff of each unit sit
        on it, and the ITA lead is its secretary."""
        services.committee_save(assessment=assessment, membership=admin, expected_version=1, **COMMITTEE)
        office = assessment.office
        services.committee_member_add(
            assessment=assessment,
            membership=admin,
            role="chair",
            honorific=DIRECTOR["director_honorific"],
            name=DIRECTOR["director_name"],
            position=DIRECTOR["director_position"],
        )
        members = (
            Membership.objects.filter(office=office)
            .exclude(role=Role.ADMIN)
            .select_related("user", "unit")
            .order_by("role", "user__username")
        )
        people = [m for m in members if not m.user.username.startswith("demo-colleague-")]
        people += [m for m in members if m.user.username.startswith("demo-colleague-")][:COMMITTEE_COLLEAGUES]
        for member in people:
            position = "" if member.user.position else f"ผู้แทน{member.unit.name}" if member.unit else ""
            services.committee_member_add(
                assessment=assessment, membership=admin, role="member", user=member.user, position=position
            )
        services.committee_member_add(assessment=assessment, membership=admin, role="secretary", user=admin.user)

    def _respondents(self, assessment, admin, committee) -> None:
        """The demo users confirm in the app; the committee ticks the colleagues whose screenshots
        it received, so that the year reaches its target as the source document's office did."""
        recorder = committee or admin
        for membership in Membership.objects.filter(office=assessment.office).select_related("user"):
            iit_confirm(assessment=assessment, membership=membership)
        names = {(first, last) for _honorific, first, last in COLLEAGUES}
        ticked = [
            entry
            for entry in StaffMember.objects.filter(office=assessment.office, user=None)
            if (entry.first_name, entry.last_name) in names
        ]
        iit_roster_record(assessment=assessment, membership=recorder, staff_members=ticked)
        channels = [
            (date(2023, 6, 5), "ไลน์กลุ่มผู้อำนวยการโรงเรียนในสังกัด", 120),
            (date(2023, 6, 12), "ไลน์กลุ่มครูและบุคลากร", 160),
            (date(2023, 6, 20), "ผู้มาติดต่อราชการ", 80),
        ]
        for day, channel, count in channels:
            eit_count_add(assessment=assessment, membership=committee or admin, date=day, channel=channel, count=count)

    def _date_history(self, assessment) -> None:
        """The demo's work happened in FY 2566; date its records so, as if they had been made then,
        so that forms and reports made today still speak of that year.

        Item events and evidence revisions are append-only: only seeding rewrites them, through
        `rewrite_for_seeding`, and only to move the seeded history back to the year it tells of."""
        tz = timezone.get_current_timezone()

        def at(month: int, day: int) -> datetime:
            return datetime(2023, month, day, 10, 0, tzinfo=tz)

        events = ItemEvent.objects.filter(item__assessment=assessment)
        days = {
            ItemEvent.Kind.ASSIGNED: at(3, 1),
            ItemEvent.Kind.UPLOADED: at(3, 15),
            ItemEvent.Kind.EDITED: at(3, 15),
            ItemEvent.Kind.SUBMITTED: at(3, 20),
            ItemEvent.Kind.APPROVAL: at(3, 27),
            ItemEvent.Kind.APPROVED: at(3, 27),
            ItemEvent.Kind.PUBLISHED: at(3, 31),
        }
        for kind, moment in days.items():
            events.filter(kind=kind).rewrite_for_seeding(created_at=moment)
        Item.objects.filter(assessment=assessment, submitted_at__isnull=False).update(submitted_at=at(3, 20))
        EvidenceRevision.objects.filter(evidence__item__assessment=assessment).rewrite_for_seeding(created_at=at(3, 15))
        Approval.objects.filter(item__assessment=assessment).update(created_at=at(3, 27))
        Publication.objects.filter(item__assessment=assessment).update(published_at=at(3, 31))
        IITConfirmation.objects.filter(assessment=assessment).update(created_at=at(6, 15))

    def _oit(self, assessment, admin, committee, staff) -> None:
        """Every item given, reviewed and published, as the source document's office did."""
        items = list(
            Item.objects.filter(assessment=assessment)
            .select_related("definition", "assessment__office")
            .order_by("definition__number")
        )
        oit_services.items_assign(
            items=items, membership=admin, unit=staff.unit, assignees=[staff.user], due_date=date(2023, 4, 30)
        )
        for item in items:
            code = item.definition.code
            oit_services.evidence_add_link(
                item=item,
                membership=staff,
                url=f"https://demo.example/ita/2566/{code}",
                title=f"{item.definition.name_th} (เว็บไซต์สำนักงาน)",
                document_date=date(2023, 3, 15),
            )
            item.refresh_from_db()
            item = oit_services.item_update_contents(
                item=item,
                membership=staff,
                expected_version=item.version,
                coverage={check.pk: None for check in item.checks.all()},  # every required content is there
                description=f"{item.definition.name_th} ของสำนักงาน ปีงบประมาณ พ.ศ. 2566 เผยแพร่บนเว็บไซต์ของสำนักงาน",
            )
            item = oit_services.item_submit(item=item, membership=staff, expected_version=item.version)
            item = oit_services.item_review_checks(
                item=item,
                membership=committee,
                expected_version=item.version,
                ok_ids=set(item.checks.values_list("pk", flat=True)),
            )
            item = oit_services.item_approve(item=item, membership=committee, expected_version=item.version)
            oit_services.item_publish(item=item, membership=admin, expected_version=item.version)
