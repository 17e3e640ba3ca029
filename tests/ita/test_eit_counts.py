"""EIT counts that are right: bounded, dated inside the survey window, counted once however often
the form is posted, and kept per EIT instrument where a year splits EIT (FY 2569 here) as well as
in a year with one EIT (FY 2566). Respondent targets refuse a stale save."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Office
from core import report_kinds as registry
from core.versions import StaleVersionError
from ita import selectors
from ita.models import EITCount, Framework, Instrument, RespondentRule
from ita.services import respondents
from ita.services.assessments import assessment_open
from reports.models import ReportJob
from tests.reports.test_reports import pdf_text

pytestmark = pytest.mark.django_db

IN_2566 = datetime.date(2023, 6, 1)  # FY 2566's survey window is 1 Apr – 30 Jun 2566 (2023)
IN_2569 = datetime.date(2026, 5, 15)  # FY 2569's is 1 Apr – 30 Jun 2569 (2026)


def url(assessment, name="ita:respondents", *extra):
    return reverse(name, args=[assessment.office.slug, assessment.fiscal_year, *extra])


def add(assessment, membership, **kwargs):
    kwargs.setdefault("date", IN_2566)
    kwargs.setdefault("channel", "กลุ่ม LINE ผู้บริหารสถานศึกษา")
    kwargs.setdefault("count", 10)
    return respondents.eit_count_add(assessment=assessment, membership=membership, **kwargs)


def eit_target(assessment, code="EIT"):
    return assessment.respondent_targets.select_related("rule__instrument").get(rule__instrument__code=code)


@pytest.fixture
def split_assessment(office, admin_member):
    """FY 2569 as OBEC's ITA Online may give it: EIT split into EIT(1) and EIT(2), each with its rule."""
    framework = Framework.objects.get(fiscal_year=2569)
    first = framework.instruments.get(code="EIT")
    first.code, first.name_th, first.weight = "EIT(1)", "แบบวัด EIT ส่วนที่ 1 ผู้รับบริการ", Decimal(15)
    first.save()
    second = Instrument.objects.create(
        framework=framework,
        code="EIT(2)",
        kind=Instrument.Kind.EIT,
        name_th="แบบวัด EIT ส่วนที่ 2 ผู้มีส่วนได้ส่วนเสียภายนอกอื่น",
        weight=Decimal(15),
        order=first.order,
    )
    rule = framework.respondent_rules.get(instrument=first)
    RespondentRule.objects.create(
        framework=framework,
        instrument=second,
        population_th="ผู้มีส่วนได้ส่วนเสียภายนอกอื่น",
        min_count=20,
    )
    assert rule.min_count == 30
    return assessment_open(office=office, framework=framework, user=admin_member.user)


# --- bounds --------------------------------------------------------------------------------


def test_a_count_is_positive_and_bounded(assessment, committee_member):
    for count in (0, -3):
        with pytest.raises(ValidationError) as error:
            add(assessment, committee_member, count=count)
        assert error.value.code == "count"
    with pytest.raises(ValidationError) as error:
        add(assessment, committee_member, count=999_999_999_999)
    assert error.value.code == "too_many"
    assert add(assessment, committee_member, count=EITCount.MAX_COUNT).count == EITCount.MAX_COUNT
    assert EITCount.objects.count() == 1


def test_a_total_above_the_population_needs_a_second_look(assessment, admin_member, committee_member):
    respondents.target_update(
        target=eit_target(assessment), membership=admin_member, population=100, required_override=None
    )
    add(assessment, committee_member, count=90)
    with pytest.raises(ValidationError) as error:
        add(assessment, committee_member, count=20)
    assert error.value.code == "over_population"
    assert EITCount.objects.count() == 1
    add(assessment, committee_member, count=20, over_population_checked=True)
    assert sum(EITCount.objects.values_list("count", flat=True)) == 110


# --- the survey window ---------------------------------------------------------------------


def test_a_count_outside_the_survey_window_is_refused(assessment, committee_member):
    for day in (datetime.date(2023, 3, 31), datetime.date(2023, 7, 1), datetime.date(2020, 1, 1)):
        with pytest.raises(ValidationError) as error:
            add(assessment, committee_member, date=day)
        assert error.value.code == "outside_window"
    with pytest.raises(ValidationError) as error:
        add(assessment, committee_member, date=timezone.localdate() + datetime.timedelta(days=1))
    assert error.value.code == "future"
    for day in (datetime.date(2023, 4, 1), datetime.date(2023, 6, 30)):  # both ends are inside
        add(assessment, committee_member, date=day)
    assert EITCount.objects.count() == 2


def test_only_an_administrator_goes_outside_the_window_and_says_why(assessment, admin_member, committee_member):
    late = datetime.date(2023, 7, 3)
    with pytest.raises(PermissionDenied):
        add(assessment, committee_member, date=late, outside_window_reason="ส่งแบบฟอร์มกระดาษล่าช้า")
    entry = add(assessment, admin_member, date=late, outside_window_reason="  ส่งแบบฟอร์มกระดาษล่าช้า ")
    assert entry.outside_window_reason == "ส่งแบบฟอร์มกระดาษล่าช้า"
    event = AuditEvent.objects.get(action="respondents.eit_counted")
    assert "ส่งแบบฟอร์มกระดาษล่าช้า" in event.summary  # the reason, in the log
    # The office's log reads in Thai, with a Buddhist-Era date (3 July 2566).
    assert "นอกช่วงเก็บข้อมูลแบบวัด" in event.summary and "2566" in event.summary
    inside = add(assessment, admin_member, outside_window_reason="ไม่จำเป็น")
    assert inside.outside_window_reason == ""  # nothing to explain


# --- once per form -------------------------------------------------------------------------


def test_the_same_form_posted_twice_counts_once(assessment, committee_member):
    token = uuid.uuid4()
    first = add(assessment, committee_member, token=token)
    again = add(assessment, committee_member, token=token)
    assert again.pk == first.pk and again.repeated
    assert EITCount.objects.count() == 1
    assert AuditEvent.objects.filter(action="respondents.eit_counted").count() == 1
    add(assessment, committee_member, token=uuid.uuid4())
    assert EITCount.objects.count() == 2


def test_a_token_belongs_to_its_assessment(assessment, committee_member, split_assessment):
    token = uuid.uuid4()
    add(assessment, committee_member, token=token)
    add(
        split_assessment,
        committee_member,
        token=token,
        date=IN_2569,
        instrument=split_assessment.framework.instruments.get(code="EIT(1)"),
    )
    assert EITCount.objects.count() == 2


# --- per instrument ------------------------------------------------------------------------


def test_a_year_with_one_eit_gives_it_every_count(assessment, committee_member):
    (eit,) = selectors.eit_instruments(assessment)
    assert add(assessment, committee_member).instrument == eit
    other_year = Instrument.objects.get(framework__fiscal_year=2565, code="EIT")
    with pytest.raises(ValidationError) as error:
        add(assessment, committee_member, instrument=other_year)
    assert error.value.code == "instrument"
    progress = {p.code: p.done for p in selectors.respondent_progress(assessment)}
    assert progress == {"IIT": 0, "EIT": 10}


def test_a_split_year_counts_each_eit_instrument_against_its_own_target(split_assessment, committee_member):
    first, second = selectors.eit_instruments(split_assessment)
    assert (first.code, second.code) == ("EIT(1)", "EIT(2)")
    with pytest.raises(ValidationError) as error:
        add(split_assessment, committee_member, date=IN_2569)
    assert error.value.code == "instrument"
    add(split_assessment, committee_member, date=IN_2569, instrument=first, count=12)
    add(split_assessment, committee_member, date=IN_2569, instrument=second, count=5)
    add(split_assessment, committee_member, date=IN_2569, instrument=first, count=3)
    progress = {p.code: p for p in selectors.respondent_progress(split_assessment)}
    assert {code: p.done for code, p in progress.items()} == {"IIT": 0, "EIT(1)": 15, "EIT(2)": 5}
    assert progress["EIT(2)"].target.rule.min_count == 20
    totals = [(e.instrument.code, e.running_total) for e in selectors.eit_counts_with_running_total(split_assessment)]
    assert totals == [("EIT(1)", 12), ("EIT(2)", 5), ("EIT(1)", 15)]


def test_the_population_check_is_per_instrument(split_assessment, admin_member, committee_member):
    first, second = selectors.eit_instruments(split_assessment)
    respondents.target_update(
        target=eit_target(split_assessment, "EIT(2)"), membership=admin_member, population=10, required_override=None
    )
    add(split_assessment, committee_member, date=IN_2569, instrument=first, count=50)  # EIT(1) has no population
    with pytest.raises(ValidationError) as error:
        add(split_assessment, committee_member, date=IN_2569, instrument=second, count=11)
    assert error.value.code == "over_population"


# --- targets -------------------------------------------------------------------------------


def test_a_stale_target_save_is_refused(assessment, admin_member):
    target = eit_target(assessment)
    respondents.target_update(
        target=target, membership=admin_member, population=300, required_override=None, expected_version=1
    )
    assert target.version == 2
    with pytest.raises(StaleVersionError):
        respondents.target_update(
            target=eit_target(assessment),
            membership=admin_member,
            population=999,
            required_override=None,
            expected_version=1,
        )
    assert eit_target(assessment).population == 300


# --- views ---------------------------------------------------------------------------------


def form_data(page, **data):
    """What the page's EIT form would post: its token and the only instrument, plus `data`."""
    form = page.context["eit_form"]
    base = {"token": form.initial["token"], "date": "2023-06-01", "channel": "กลุ่ม LINE", "count": 10}
    if "instrument" in form.initial:
        base["instrument"] = form.initial["instrument"]
    return {**base, **data}


def test_a_double_post_of_the_page_form_counts_once(client, assessment, committee_member):
    client.force_login(committee_member.user)
    data = form_data(client.get(url(assessment)))
    assert client.post(url(assessment, "ita:eit-add"), data).status_code == 302
    response = client.post(url(assessment, "ita:eit-add"), data, follow=True)
    assert "แบบฟอร์มนี้บันทึกไปแล้ว" in response.content.decode()
    assert EITCount.objects.count() == 1
    fresh = form_data(client.get(url(assessment)))
    assert fresh["token"] != data["token"]  # a new form counts anew
    assert client.post(url(assessment, "ita:eit-add"), fresh).status_code == 302
    assert EITCount.objects.count() == 2


def test_the_page_refuses_a_huge_count_in_thai(client, assessment, committee_member):
    client.force_login(committee_member.user)
    data = form_data(client.get(url(assessment)), count=999_999_999_999)
    response = client.post(url(assessment, "ita:eit-add"), data)
    assert response.status_code == 400
    assert "บันทึกได้ไม่เกิน" in response.content.decode()
    assert not EITCount.objects.exists()


def test_the_page_asks_to_confirm_a_total_above_the_population(client, assessment, admin_member, committee_member):
    respondents.target_update(
        target=eit_target(assessment), membership=admin_member, population=5, required_override=None
    )
    client.force_login(committee_member.user)
    page = client.get(url(assessment))
    assert 'name="over_population_checked"' in page.content.decode()
    assert 'type="checkbox" name="over_population_checked"' not in page.content.decode()
    data = form_data(page, count=8)
    response = client.post(url(assessment, "ita:eit-add"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "มากกว่าจำนวนประชากร 5 คน" in html
    assert 'type="checkbox" name="over_population_checked"' in html
    assert not EITCount.objects.exists()
    assert client.post(url(assessment, "ita:eit-add"), {**data, "over_population_checked": "on"}).status_code == 302
    assert EITCount.objects.get().count == 8


def test_the_page_refuses_a_date_outside_the_window_and_lets_the_admin_give_a_reason(
    client, assessment, admin_member, committee_member
):
    client.force_login(committee_member.user)
    data = form_data(client.get(url(assessment)), date="2023-08-15")
    response = client.post(url(assessment, "ita:eit-add"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "อยู่นอกช่วงเก็บข้อมูล" in html and "15 ส.ค. 2566" in html and "1 เม.ย. 2566" in html
    assert 'name="outside_window_reason"' in html and "<textarea" not in html.split("outside_window_reason")[0][-200:]
    client.force_login(admin_member.user)
    data = form_data(client.get(url(assessment)), date="2023-08-15")
    response = client.post(url(assessment, "ita:eit-add"), data)
    assert response.status_code == 400
    assert '<textarea name="outside_window_reason"' in response.content.decode()
    data["outside_window_reason"] = "แบบสอบถามกระดาษส่งมาถึงช้า"
    assert client.post(url(assessment, "ita:eit-add"), data).status_code == 302
    entry = EITCount.objects.get()
    assert entry.outside_window_reason == "แบบสอบถามกระดาษส่งมาถึงช้า"
    assert "นอกช่วงเก็บข้อมูล: แบบสอบถามกระดาษส่งมาถึงช้า" in client.get(url(assessment)).content.decode()


@pytest.mark.parametrize(
    ("today", "offered"),
    [
        (datetime.date(2023, 5, 10), datetime.date(2023, 5, 10)),  # in the window: today
        (datetime.date(2024, 2, 1), datetime.date(2023, 6, 30)),  # a closed year: the window's last day
        (datetime.date(2023, 1, 5), datetime.date(2023, 4, 1)),  # before the window: its first day
    ],
)
def test_the_count_form_offers_a_date_inside_the_survey_window(
    client, assessment, committee_member, monkeypatch, today, offered
):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
    client.force_login(committee_member.user)
    page = client.get(url(assessment))
    shown = f"{offered.day:02}/{offered.month:02}/{offered.year + 543}"  # Buddhist Era
    assert f'name="date" value="{shown}"' in page.content.decode()
    if offered > today:
        return  # the window has not opened: nothing can be counted yet
    # The first save takes the offered date, by the committee, who may not go outside the window.
    assert client.post(url(assessment, "ita:eit-add"), form_data(page, date=shown)).status_code == 302
    assert EITCount.objects.get().date == offered


def test_a_year_with_one_eit_shows_no_survey_select(client, assessment, committee_member):
    client.force_login(committee_member.user)
    page = client.get(url(assessment))
    html = page.content.decode()
    assert '<input type="hidden" name="instrument"' in html
    assert '<select name="instrument"' not in html
    assert not page.context["eit_split"]


def test_a_split_year_shows_each_eit_and_asks_which(client, split_assessment, committee_member):
    client.force_login(committee_member.user)
    page = client.get(url(split_assessment))
    html = page.content.decode()
    assert '<select name="instrument"' in html
    assert "แบบวัด EIT ส่วนที่ 2" in html
    assert [p.code for p in page.context["progress"]] == ["IIT", "EIT(1)", "EIT(2)"]
    second = selectors.eit_instruments(split_assessment)[1]
    data = form_data(page, date=IN_2569.isoformat())
    missing = client.post(url(split_assessment, "ita:eit-add"), data)
    assert missing.status_code == 400
    assert client.post(url(split_assessment, "ita:eit-add"), {**data, "instrument": second.pk}).status_code == 302
    assert EITCount.objects.get().instrument == second
    progress = {p.code: p.done for p in client.get(url(split_assessment)).context["progress"]}
    assert progress == {"IIT": 0, "EIT(1)": 0, "EIT(2)": 10}


def test_a_stale_target_save_keeps_what_was_typed(client, assessment, admin_member):
    target = eit_target(assessment)
    client.force_login(admin_member.user)
    prefix = f"target-{target.pk}"
    post = {f"{prefix}-population": "4321", f"{prefix}-required_override": "", f"{prefix}-version": "1"}
    respondents.target_update(target=target, membership=admin_member, population=500, required_override=None)
    response = client.post(url(assessment, "ita:target-update", target.pk), post)
    assert response.status_code == 409
    html = response.content.decode()
    assert "มีผู้อื่นแก้ไข" in html
    assert "ค่าที่บันทึกอยู่ขณะนี้: ประชากร 500 คน" in html
    assert 'value="4321"' in html
    assert f'name="{prefix}-version" value="2"' in html
    assert eit_target(assessment).population == 500
    post[f"{prefix}-version"] = "2"
    assert client.post(url(assessment, "ita:target-update", target.pk), post).status_code == 302
    assert eit_target(assessment).population == 4321


def test_a_target_is_bounded(client, assessment, admin_member):
    target = eit_target(assessment)
    client.force_login(admin_member.user)
    prefix = f"target-{target.pk}"
    post = {f"{prefix}-population": "999999999999", f"{prefix}-version": "1"}
    assert client.post(url(assessment, "ita:target-update", target.pk), post).status_code == 400
    assert eit_target(assessment).population is None


# --- reports -------------------------------------------------------------------------------


def build(assessment, membership, kind):
    job = ReportJob(assessment=assessment, kind=kind, parameters={}, requested_by=membership.user)
    return registry.get(kind).build(job, lambda percent: None)


def test_the_respondent_report_splits_eit(split_assessment, admin_member, committee_member):
    first, second = selectors.eit_instruments(split_assessment)
    for target, population in (
        (eit_target(split_assessment, "EIT(1)"), 500),
        (eit_target(split_assessment, "EIT(2)"), 80),
    ):
        respondents.target_update(target=target, membership=admin_member, population=population, required_override=None)
    add(split_assessment, committee_member, date=IN_2569, instrument=first, count=37, channel="ไลน์กลุ่มผู้ปกครอง")
    add(split_assessment, committee_member, date=IN_2569, instrument=second, count=14, channel="ผู้มาติดต่อราชการ")
    Office.objects.filter(pk=split_assessment.office_id).update(pdf_thai_digits=False)
    split_assessment.office.refresh_from_db()
    text = pdf_text(build(split_assessment, admin_member, "respondents"))
    assert "ยอดสะสมนับแยกตามแบบวัด" in text
    # each EIT instrument in its own row of the targets: population, required number, count
    eit1, eit2 = text.index("EIT(1) ประชาชน"), text.index("EIT(2) ผู้มีส่วนได้ส่วนเสียภายนอก")
    assert "500 50 37 " in text[eit1:eit2]
    assert "80 20 14 " in text[eit2:]
    assert "15 พ.ค. 2569 EIT(1) ไลน์กลุ่มผู้ปกครอง 37 37" in text
    assert "15 พ.ค. 2569 EIT(2) ผู้มาติดต่อราชการ 14 14" in text


def test_the_respondent_report_of_a_single_eit_year_has_no_survey_column(assessment, admin_member, committee_member):
    add(assessment, committee_member, count=12)
    text = pdf_text(build(assessment, admin_member, "respondents"))
    assert "ยอดสะสมนับแยกตามแบบวัด" not in text and "EIT" in text


def test_the_annual_report_gives_each_eit_its_own_line(split_assessment, admin_member, committee_member):
    first, second = selectors.eit_instruments(split_assessment)
    respondents.target_update(
        target=eit_target(split_assessment, "EIT(2)"), membership=admin_member, population=80, required_override=None
    )
    add(split_assessment, committee_member, date=IN_2569, instrument=first, count=37)
    add(split_assessment, committee_member, date=IN_2569, instrument=second, count=14)
    Office.objects.filter(pk=split_assessment.office_id).update(pdf_thai_digits=False)
    split_assessment.office.refresh_from_db()
    text = pdf_text(build(split_assessment, admin_member, "annual")).replace("\n", "")
    assert "การตอบแบบวัด EIT(1) ตอบแล้ว 37 คน" in text
    assert "การตอบแบบวัด EIT(2) ตอบแล้ว 14 คน จากที่ต้องตอบอย่างน้อย 20 คน" in text
    assert "สะสมตามแบบวัด" in text
