"""The respondent report (IIT and EIT targets, counts and their timeline), rendered by the reports app."""

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.pdf import render_pdf
from core.report_kinds import register
from ita.selectors import eit_counts_with_running_total, eit_instruments, respondent_progress


def build_respondent_report(job, progress) -> bytes:
    assessment = job.assessment
    entries = eit_counts_with_running_total(assessment)
    progress(50)
    with translation.override("th"):  # official documents are in Thai whatever the requester's language
        return render_pdf(
            "pdf/respondents.html",
            {
                "assessment": assessment,
                "office": assessment.office,
                "progress": respondent_progress(assessment),
                "confirmations": assessment.iit_confirmations.select_related("staff_member", "recorded_by"),
                "eit_counts": entries,
                "eit_split": len(eit_instruments(assessment)) > 1,
                "today": timezone.localdate(),
            },
            thai_digits=assessment.office.pdf_thai_digits,
        )


register("respondents", label=_("IIT and EIT respondent report"), build=build_respondent_report, order=40)
