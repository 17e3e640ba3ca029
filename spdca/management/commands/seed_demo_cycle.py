"""The demo office's FY 2566 cycle as the source document tells it, so that the annual report of a
fresh install reads like the real one. The FY 2565 scores are illustrative (the document does not
give them); they make indicators 5, 6 and 9 the weakest, as its analysis found."""

from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Membership, Office, Role
from ita.respondents import eit_count_add, iit_confirm
from ita.results import result_enter
from oit import services as oit_services
from oit.models import Item
from spdca import services
from spdca.models import Activity, Improvement, Lesson, Meeting, Outcome, Stage

OFFICE_SLUG = "spm-chanthaburi-trat"
SCORES_2565 = {1: "98.12", 2: "97.45", 3: "96.80", 4: "97.02", 5: "92.35",
               6: "91.20", 7: "94.66", 8: "95.10", 9: "93.75", 10: "100.00"}  # fmt: skip

STAGE_NOTES = {
    "P": "จัดทำแผนปฏิบัติการป้องกันการทุจริต โดยนำผลจากการประชุมวิเคราะห์จุดแข็ง จุดที่ต้องพัฒนา และการศึกษาข้อมูลจากคู่มือ"
    "การประเมินคุณธรรมและความโปร่งใสฯ ปีงบประมาณ พ.ศ. 2566 เนื่องจากมีกระบวนการประเมินและตัวชี้วัดที่ได้ปรับเปลี่ยน เช่น "
    "การประเมิน EIT และตัวชี้วัดที่เพิ่มขึ้นในเรื่อง No Gift Policy และจริยธรรมข้าราชการ ทำให้ต้องกำหนดกิจกรรมให้สอดคล้องกับ"
    "ตัวชี้วัดที่เปลี่ยนแปลง",
    "D": "กำหนดระยะการดำเนินกิจกรรมต่าง ๆ ให้สอดคล้องกับปฏิทินการประเมินคุณธรรมและความโปร่งใสฯ ตามที่สำนักงานคณะกรรมการ"
    "การศึกษาขั้นพื้นฐานกำหนด ศึกษาหาความรู้จากเว็บไซต์ https://ita2023.pracharath.ac.th/ และจากวิทยากร ITA Coach ของ สพฐ.",
    "C": "เมื่อบุคลากรทำแบบวัด IIT เรียบร้อยแล้ว ขอความร่วมมือบันทึกหน้าสุดท้ายส่งให้ผู้รับผิดชอบเพื่อนับจำนวน ผู้ตอบแบบวัด EIT "
    "ส่งข้อความในไลน์กลุ่มที่กำหนด และคณะกรรมการเผยแพร่และจัดเก็บข้อมูลบนเว็บไซต์ตรวจสอบความถูกต้องของข้อมูล OIT "
    "เมื่อพบข้อผิดพลาด กลุ่ม/หน่วยแก้ไขรายงานของตนเองได้",
}
FINDINGS = [
    (5, "ต้องสร้างความเชื่อมั่นให้บุคลากรภายใน ในการร้องเรียนเมื่อพบเห็นการทุจริตภายในหน่วยงาน"),
    (6, "ต้องเน้นการปฏิบัติหน้าที่ของเจ้าหน้าที่โดยยึดหลักตามมาตรฐาน ขั้นตอน และระยะเวลาที่กำหนดไว้อย่างเคร่งครัด "
        "และเป็นไปอย่างเท่าเทียมกันไม่เลือกปฏิบัติ"),
    (9, "ต้องปรับปรุงการรายงานความก้าวหน้าการดำเนินการแต่ละโครงการ/กิจกรรม และรายละเอียดงบประมาณที่ใช้ดำเนินงาน "
        "ให้ครบถ้วนตามรายละเอียดที่กำหนด"),
]  # fmt: skip
# title, objective, indicator numbers, start, end, publicity, progress narrative
ACTIVITIES = [
    ("ประชุมเชิงปฏิบัติการส่งเสริมนโยบาย No Gift Policy", "สร้างภาพลักษณ์ที่ดีขององค์กรและถ่ายทอดแนวปฏิบัติให้โรงเรียนในสังกัด",
     [5, 6], date(2023, 1, 16), date(2023, 3, 31), True, "จัดประชุมเชิงปฏิบัติการและประกาศเจตนารมณ์ No Gift Policy"),
    ("พัฒนาความรู้เกี่ยวกับประมวลจริยธรรมในการป้องกันและปราบปรามการทุจริต", "บุคลากรเข้าใจประมวลจริยธรรมข้าราชการ",
     [1, 5], date(2023, 2, 1), date(2023, 4, 30), False, "อบรมบุคลากรทุกกลุ่ม/หน่วย"),
    ("แต่งตั้งคณะกรรมการเผยแพร่และจัดเก็บข้อมูลบนเว็บไซต์ (OIT)", "รวบรวม ตรวจสอบ และเผยแพร่ข้อมูล O1–O43 ให้ครบถ้วน",
     [9, 10], date(2023, 3, 1), date(2023, 4, 30), False, "มีคำสั่งแต่งตั้งคณะกรรมการ ตรวจสอบข้อมูลครบทุกข้อ"),
    ("รายงานความก้าวหน้าโครงการและการใช้งบประมาณรายไตรมาส", "แก้จุดที่ต้องพัฒนาของตัวชี้วัดที่ 9",
     [9], date(2023, 1, 1), date(2023, 9, 30), False, "รายงานไตรมาสที่ 1–3 บนเว็บไซต์"),
    ("ประชาสัมพันธ์การดำเนินงานและนโยบาย No Gift Policy ให้โรงเรียนในสังกัด", "เผยแพร่รูปแบบการดำเนินงานของสำนักงาน",
     [6], date(2023, 3, 1), date(2023, 8, 31), True, "เผยแพร่ทางเว็บไซต์และเพจของสำนักงาน"),
]  # fmt: skip
IMPROVEMENTS = [
    (Improvement.Phase.DURING_OIT, "รายงานบางข้อไม่ตรงกับองค์ประกอบที่กำหนด",
     "ปรับปรุงรายงานให้ตรงกับตัวชี้วัดตั้งแต่ O1–O43 ให้ถูกต้อง สมบูรณ์ ตรงตามกำหนดเวลา", True),
    (Improvement.Phase.AFTER_RESULTS, "รอผลการประเมินประจำปี",
     "ค้นหาจุดบกพร่อง จุดที่ต้องพัฒนา เพื่อปรับปรุงขั้นตอนการดำเนินงานในปีต่อไป", False),
]  # fmt: skip
QUANTITATIVE = [
    "การตอบแบบวัดการรับรู้ IIT ดำเนินการครบตามจำนวนและกำหนดเวลาที่ สพฐ. กำหนด",
    "การตอบแบบวัดการรับรู้ EIT ดำเนินการครบตามจำนวนและกำหนดเวลาที่ สพฐ. กำหนด",
    "การตอบแบบวัด OIT รายงานข้อมูลครบถ้วนตามกำหนดเวลาที่ สพฐ. กำหนด",
]
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
        if staff is not None and committee is not None:
            self._oit(assessment, admin, committee, staff)
        self.stdout.write(self.style.SUCCESS("The demo office's FY 2566 cycle is ready."))

    def _cycle(self, assessment, admin) -> None:
        framework = assessment.framework
        assessment.target_band = framework.rating_bands.get(code="excellent")  # the document aims to "keep AA"
        assessment.save(update_fields=["target_band", "updated_at"])
        Meeting.objects.create(
            assessment=assessment, date=date(2023, 5, 10), place="ห้องประชุมปันสุข",
            attendees="ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา\nรองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา\nผู้อำนวยการกลุ่มทุกกลุ่ม",
            minutes="ประชุมวิเคราะห์จุดแข็ง จุดที่ต้องพัฒนา จากผลการประเมิน ITA Online ปีงบประมาณ พ.ศ. 2565",
        )  # fmt: skip
        indicators = {indicator.number: indicator for indicator in framework.indicators.all()}
        for number, text in FINDINGS:
            services.finding_add(
                assessment=assessment, membership=admin, kind="develop", indicator=indicators[number], text=text
            )
        for title, objective, numbers, start, end, publicity, narrative in ACTIVITIES:
            activity = Activity.objects.create(
                assessment=assessment, title=title, objective=objective, unit=admin.unit, responsible=admin.user,
                start=start, end=end, is_publicity=publicity, budget=Decimal("5000") if publicity else None,
            )  # fmt: skip
            activity.indicators.set([indicators[number] for number in numbers])
            services.progress_add(activity=activity, membership=admin, date=end, percent=100, narrative=narrative)
        for phase, cause, action, done in IMPROVEMENTS:
            Improvement.objects.create(
                assessment=assessment, phase=phase, cause=cause, action=action, owner=admin.user, done=done
            )
        Lesson.objects.create(assessment=assessment, text="เริ่มรวบรวมข้อมูล OIT ตั้งแต่ต้นปีงบประมาณ ทำให้ส่งทันกำหนด")
        for order, text in enumerate(QUANTITATIVE):
            Outcome.objects.create(assessment=assessment, kind=Outcome.Kind.QUANTITATIVE, text=text, order=order)
        for order, text in enumerate(QUALITATIVE):
            Outcome.objects.create(assessment=assessment, kind=Outcome.Kind.QUALITATIVE, text=text, order=order)
        for stage in assessment.stages.all():
            if stage.code in STAGE_NOTES:
                stage.notes = STAGE_NOTES[stage.code]
                stage.save(update_fields=["notes", "updated_at"])
        stage = assessment.stages.get(code=Stage.Code.S)
        stage.status = Stage.Status.DONE
        stage.save(update_fields=["status", "updated_at"])

    def _respondents(self, assessment, admin, committee) -> None:
        for membership in (admin, committee):
            if membership is not None:
                iit_confirm(assessment=assessment, membership=membership)
        channels = [
            (date(2023, 6, 5), "ไลน์กลุ่มผู้อำนวยการโรงเรียนในสังกัด", 120),
            (date(2023, 6, 12), "ไลน์กลุ่มครูและบุคลากร", 160),
            (date(2023, 6, 20), "ผู้มาติดต่อราชการ", 80),
        ]
        for day, channel, count in channels:
            eit_count_add(assessment=assessment, membership=committee or admin, date=day, channel=channel, count=count)

    def _oit(self, assessment, admin, committee, staff) -> None:
        """The basic-information items O1–O8 in the staff member's unit: five published, three in review."""
        items = list(
            Item.objects.filter(assessment=assessment, definition__number__lte=8)
            .select_related("definition", "assessment__office")
            .order_by("definition__number")
        )
        oit_services.items_assign(
            items=items, membership=admin, unit=staff.unit, assignees=[staff.user], due_date=date(2023, 4, 30)
        )
        for item in items:
            code = item.definition.code
            oit_services.evidence_add_link(
                item=item, membership=staff, url=f"https://demo.example/ita/2566/{code}",
                title=f"{item.definition.name_th} (เว็บไซต์สำนักงาน)", document_date=date(2023, 3, 15),
            )  # fmt: skip
            item.refresh_from_db()
            item = oit_services.item_update_contents(
                item=item, membership=staff, expected_version=item.version, coverage={},
                description=f"ข้อมูล{item.definition.name_th}ของสำนักงาน ปีงบประมาณ พ.ศ. 2566 เผยแพร่บนเว็บไซต์ของสำนักงาน",
            )  # fmt: skip
            item = oit_services.item_submit(item=item, membership=staff, expected_version=item.version)
            if item.definition.number <= 5:
                item = oit_services.item_approve(item=item, membership=committee, expected_version=item.version)
                oit_services.item_publish(item=item, membership=admin, expected_version=item.version)
