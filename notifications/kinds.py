"""The kinds of event that notify people, with their texts in Thai and English.

Texts are `str.format` templates over the event's context (strings); a key the context lacks
stays empty. A message is written in the recipient's language (`recipient_language`), so all of
its text lives here, beside the event, rather than in the interface's translation catalogue.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import get_language

APP, EMAIL, LINE = "app", "email", "line"
ALL_CHANNELS = frozenset({APP, EMAIL, LINE})
QUIET = frozenset({APP, EMAIL})


@dataclass(frozen=True)
class EventKind:
    code: str
    label: dict  # {"th": ..., "en": ...}, for the preferences page
    subject: dict
    body: dict
    channels: frozenset = QUIET  # the defaults, until a person chooses
    urgent: bool = False  # LINE pushes it even in quiet hours
    audience: dict = field(default_factory=dict)  # who receives it, for the preferences page
    choosable: bool = True  # shown on the preferences page

    def text(self, which: str, language: str, context: dict) -> str:
        template = getattr(self, which)
        template = template.get(language) or template["th"]
        return template.format_map(defaultdict(str, context)).strip()

    def label_for(self, language: str | None = None) -> str:
        return _pick(self.label, language)

    def audience_for(self, language: str | None = None) -> str:
        return _pick(self.audience, language) if self.audience else ""


def _pick(texts: dict, language: str | None) -> str:
    language = (language or get_language() or "th")[:2]
    return texts.get(language) or texts["th"]


def recipient_language(user, office=None) -> str:
    """The language of a person's messages: the one they chose (on their profile or with the
    ไทย/EN switch), else the office's default (Thai)."""
    return getattr(user, "language", "") or settings.NOTIFICATIONS_DEFAULT_LANGUAGE


_ITEM = {"th": "รายการ {item} ({office})", "en": "Item {item} ({office})"}
_STAFF = {"th": "ผู้รับผิดชอบรายการ", "en": "the item's responsible staff"}
_ADMINS = {"th": "ผู้ดูแลระบบของหน่วยงาน", "en": "the office's administrators"}

KINDS = [
    EventKind(
        "item_assigned",
        label={"th": "ได้รับมอบหมายรายการ OIT", "en": "An OIT item is assigned to you"},
        subject={"th": "คุณได้รับมอบหมายให้รับผิดชอบ {item}", "en": "You are responsible for {item}"},
        body={
            "th": "{actor} มอบหมายรายการ {item} ของ {office} ให้คุณรับผิดชอบ{due}",
            "en": "{actor} made you responsible for {item} of {office}.{due}",
        },
        audience=_STAFF,
    ),
    EventKind(
        "item_returned",
        label={"th": "รายการถูกส่งกลับให้แก้ไข", "en": "An item is returned to you"},
        subject={"th": "{item} ถูกส่งกลับให้แก้ไข", "en": "{item} was returned"},
        body={
            "th": "{actor} ส่งรายการ {item} กลับให้แก้ไข\nเหตุผล: {reason}",
            "en": "{actor} returned {item} to be fixed.\nReason: {reason}",
        },
        channels=ALL_CHANNELS,
        audience=_STAFF,
    ),
    EventKind(
        "item_submitted",
        label={"th": "รายการรอการตรวจ (คณะกรรมการ)", "en": "An item waits for review (committee)"},
        subject={"th": "{item} รอการตรวจ", "en": "{item} is waiting for review"},
        body={
            "th": "{actor} ส่งรายการ {item} ของ {office} ให้คณะกรรมการตรวจ",
            "en": "{actor} sent {item} of {office} to the committee for review.",
        },
        channels=ALL_CHANNELS,
        audience={"th": "คณะกรรมการ", "en": "the committee"},
    ),
    EventKind(
        "item_approved",
        label={"th": "รายการผ่านการตรวจ", "en": "An item is approved"},
        subject={"th": "{item} ผ่านการตรวจแล้ว", "en": "{item} was approved"},
        body={"th": "{actor} อนุมัติรายการ {item}", "en": "{actor} approved {item}."},
        audience=_STAFF,
    ),
    EventKind(
        "item_published",
        label={"th": "รายการเผยแพร่แล้ว", "en": "An item is published"},
        subject={"th": "{item} เผยแพร่บนหน้าสาธารณะแล้ว", "en": "{item} was published"},
        body={
            "th": "{actor} เผยแพร่รายการ {item} บนหน้าสาธารณะของ {office}",
            "en": "{actor} published {item} on the public page of {office}.",
        },
        audience=_STAFF,
    ),
    EventKind(
        "item_unpublished",
        label={"th": "รายการถูกนำออกจากหน้าสาธารณะ", "en": "An item is taken off the public page"},
        subject={"th": "{item} ถูกนำออกจากหน้าสาธารณะ", "en": "{item} was taken off the public page"},
        body={
            "th": "{actor} นำรายการ {item} ออกจากหน้าสาธารณะและส่งกลับให้แก้ไข\nเหตุผล: {reason}",
            "en": "{actor} took {item} off the public page and returned it.\nReason: {reason}",
        },
        channels=ALL_CHANNELS,
        # Assessors may be scoring the public page now: worth a message at night.
        urgent=True,
        audience=_STAFF,
    ),
    EventKind(
        "item_commented",
        label={"th": "มีความเห็นในรายการของคุณ", "en": "A comment on your item"},
        subject={"th": "{actor} แสดงความเห็นใน {item}", "en": "{actor} commented on {item}"},
        body={"th": "{comment}", "en": "{comment}"},
        channels=frozenset({APP}),
        audience=_STAFF,
    ),
    EventKind(
        "report_ready",
        label={"th": "รายงานที่ขอพร้อมแล้ว", "en": "A report you asked for is ready"},
        subject={"th": "รายงานพร้อมแล้ว: {report}", "en": "Your report is ready: {report}"},
        body={"th": "รายงาน {report} ของ {office} พร้อมให้ดาวน์โหลด", "en": "{report} of {office} is ready."},
        channels=frozenset({APP}),
        audience={"th": "ผู้ขอรายงาน", "en": "who asked for it"},
    ),
    EventKind(
        "report_failed",
        label={"th": "รายงานที่ขอสร้างไม่สำเร็จ", "en": "A report you asked for failed"},
        subject={"th": "สร้างรายงานไม่สำเร็จ: {report}", "en": "Your report could not be made: {report}"},
        body={"th": "{error}", "en": "{error}"},
        audience={"th": "ผู้ขอรายงาน", "en": "who asked for it"},
    ),
    EventKind(
        "stage_due",
        label={"th": "ขั้นตอน SPDCA ใกล้ครบกำหนด", "en": "An SPDCA stage is due"},
        subject={"th": "ขั้นตอน {stage} ครบกำหนด {date}", "en": "Stage {stage} is due on {date}"},
        body={
            "th": "ขั้นตอน {stage} ของ {assessment} ครบกำหนด {date} และยังไม่เสร็จ",
            "en": "Stage {stage} of {assessment} is due on {date} and is not done yet.",
        },
        audience=_ADMINS,
    ),
    EventKind(
        "stage_late",
        label={"th": "ขั้นตอน SPDCA เลยกำหนด", "en": "An SPDCA stage is late"},
        subject={"th": "ขั้นตอน {stage} เลยกำหนดแล้ว", "en": "Stage {stage} is late"},
        body={
            "th": "ขั้นตอน {stage} ของ {assessment} ครบกำหนดเมื่อ {date} แต่ยังไม่เสร็จ",
            "en": "Stage {stage} of {assessment} was due on {date} and is not done.",
        },
        audience=_ADMINS,
    ),
    EventKind(
        "gate_blocking",
        label={"th": "เงื่อนไขของขั้นตอนยังไม่ครบ", "en": "A stage's gate is not met"},
        subject={"th": "ขั้นตอน {stage} ยังปิดไม่ได้", "en": "Stage {stage} cannot be closed yet"},
        body={"th": "สิ่งที่ยังขาด:\n{problems}", "en": "What is missing:\n{problems}"},
        audience=_ADMINS,
    ),
    EventKind(
        "respondent_pace",
        label={"th": "ผู้ตอบแบบสำรวจต่ำกว่าเป้า", "en": "Respondents behind target"},
        subject={"th": "ผู้ตอบ {instrument} ต่ำกว่าเป้า", "en": "{instrument} respondents are behind target"},
        body={
            "th": "{assessment}: ตอบแล้ว {done} จากที่ต้องการ {required} คน "
            "ถ้าเป็นเช่นนี้ต่อไปจะได้ประมาณ {projected} คนเมื่อครบกำหนด {deadline}",
            "en": "{assessment}: {done} of the {required} respondents needed; at this pace about "
            "{projected} by the deadline, {deadline}.",
        },
        audience={"th": "ผู้ดูแลระบบและคณะกรรมการ", "en": "administrators and the committee"},
    ),
    EventKind(
        "link_broken",
        label={"th": "ลิงก์หลักฐานที่เผยแพร่แล้วเปิดไม่ได้", "en": "A published evidence link is broken"},
        subject={"th": "ลิงก์ของ {item} เปิดไม่ได้", "en": "A link of {item} is broken"},
        body={
            "th": "ลิงก์หลักฐานบนหน้าสาธารณะของรายการ {item} ({office}) เปิดไม่ได้ "
            "ผู้ประเมินจึงเปิดดูเอกสารไม่ได้:\n{links}\nโปรดตรวจสอบและแก้ไขลิงก์",
            "en": "Evidence links on the public page of {item} ({office}) do not open, so assessors "
            "cannot see the documents:\n{links}\nPlease check and fix them.",
        },
        channels=ALL_CHANNELS,
        audience={"th": "ผู้รับผิดชอบรายการและผู้ดูแลระบบ", "en": "the item's staff and the administrators"},
    ),
    EventKind(
        "link_recovered",
        label={"th": "ลิงก์ที่เคยเปิดไม่ได้กลับมาใช้ได้", "en": "A broken link works again"},
        subject={"th": "ลิงก์ของ {item} เปิดได้แล้ว", "en": "The links of {item} work again"},
        body={
            "th": "ลิงก์เหล่านี้ของรายการ {item} ({office}) กลับมาเปิดได้แล้ว:\n{links}",
            "en": "These links of {item} ({office}) open again:\n{links}",
        },
        channels=frozenset({APP}),
        audience={"th": "ผู้รับผิดชอบรายการและผู้ดูแลระบบ", "en": "the item's staff and the administrators"},
    ),
    EventKind(
        "digest",
        label={
            "th": "สรุปรายวัน: รายการใกล้ครบกำหนดและเลยกำหนด",
            "en": "Daily digest: items due soon and overdue",
        },
        subject={"th": "รายการ OIT ของคุณที่ใกล้ครบกำหนด ({count})", "en": "Your OIT items due soon ({count})"},
        body={"th": "{sections}", "en": "{sections}"},
        channels=frozenset({EMAIL}),
        audience=_STAFF,
    ),
    EventKind(
        "test",
        label={"th": "ข้อความทดสอบ", "en": "Test message"},
        subject={"th": "ข้อความทดสอบจาก ITA-SPDCA", "en": "A test message from ITA-SPDCA"},
        body={
            "th": "ถ้าคุณเห็นข้อความนี้ การแจ้งเตือนทาง{channel}ใช้งานได้",
            "en": "If you can read this, notifications by {channel} work.",
        },
        channels=ALL_CHANNELS,
        urgent=True,
        choosable=False,
    ),
]

# The digest's sections: how many days until the due date (0 for overdue).
DIGEST_SECTIONS = {
    0: {"th": "เลยกำหนดแล้ว", "en": "Overdue"},
    1: {"th": "ครบกำหนดพรุ่งนี้", "en": "Due tomorrow"},
    3: {"th": "ครบกำหนดใน 3 วัน", "en": "Due in 3 days"},
    7: {"th": "ครบกำหนดใน 7 วัน", "en": "Due in 7 days"},
}
DIGEST_DAYS = (7, 3, 1)
CHANNEL_NAMES = {
    APP: {"th": "ในระบบ", "en": "the app"},
    EMAIL: {"th": "อีเมล", "en": "e-mail"},
    LINE: {"th": "LINE", "en": "LINE"},
}

_registry = {kind.code: kind for kind in KINDS}


def get(code: str) -> EventKind | None:
    return _registry.get(code)


def choosable() -> list[EventKind]:
    return [kind for kind in KINDS if kind.choosable]
