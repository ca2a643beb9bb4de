"""Online reports: screening questions first, then the report, the receipt and the status page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Flask, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from wtforms.fields.choices import SelectChoice

from portal.exceptions import InvalidInput
from portal.form_tokens import sign, unsign
from portal.language_choice import current_language
from portal.languages import N_
from portal.local_time import local_to_utc
from portal.public.form_support import (
    EXPIRED_NOTICE,
    csrf_expired,
    files_not_stored,
    in_words,
    limit_form_posts,
    non_emergency_phone,
    routing_settings,
    show_error,
    upload_limits,
    uploads_from,
)
from portal.public.forms import (
    SECTION_FIELDS,
    ReportAnswerForm,
    ReportForm,
    ReportLookupForm,
    ReportScreeningForm,
)
from portal.security import no_store
from portal.services import reports, terms
from portal.services.reports import OUTSIDE_JURISDICTION, ItemInput, ReportInput, ScreeningAnswers
from portal.services.storage import StorageError

bp = Blueprint("reports", __name__, url_prefix="/reports")

SCREENING_SALT = "report-screening"
LOOKUP_FAILED = _l("That reference and e-mail address do not match a report. Check both and try again.")
LIMITED_NOTICE = N_("Too many attempts in a short time, so this was not sent. What you typed is kept below: "
                    "please try again later, or call us on %(phone)s.")


def report_types() -> dict:
    return current_app.config["PORTAL_REPORT_TYPES"]


def worded(text: str) -> str:
    # gettext("") would answer with the catalog's header.
    return _(text) if text else text


def described_type(info: dict) -> dict:
    """A report type as the reader sees it: ours are translated, a department's own show as configured."""
    return {**info, "name": worded(info.get("name", "")), "description": worded(info.get("description", ""))}


def site_url() -> str:
    return current_app.config["PORTAL_SITE_URL"].rstrip("/")


def screening_passed(token: str) -> bool:
    return unsign(SCREENING_SALT, token or "") == {"eligible": True}


@bp.route("/screening", methods=["GET", "POST"])
@no_store
def screening():
    form = ReportScreeningForm()
    places = current_app.config["PORTAL_JURISDICTION_PLACES"]
    form.place.choices = [SelectChoice("", _("Choose one"))] + [SelectChoice(place) for place in places] + [
        SelectChoice(OUTSIDE_JURISDICTION, _("Somewhere else, or not sure"))]
    limit = current_app.config["PORTAL_REPORT_LOSS_LIMIT"]
    if not form.validate_on_submit():
        return render_template("public/reports/screening.html", form=form, loss_limit=limit), (
            400 if request.method == "POST" else 200)
    answers = ScreeningAnswers(
        emergency=form.emergency.data == "yes", place=form.place.data, zip_code=form.zip_code.data or "",
        known_suspect=form.known_suspect.data == "yes",
        evidence=form.evidence.data == "yes", injury=form.injury.data == "yes", weapon=form.weapon.data == "yes",
        loss_over_limit=form.loss_over_limit.data == "yes", adult=form.adult.data == "yes")
    refusal = reports.screen(answers, places, current_app.config["PORTAL_JURISDICTION_ZIP_CODES"], limit)
    if refusal:
        return render_template("public/reports/ineligible.html", refusal=refusal,
                               reason=_(refusal.reason, **refusal.values))
    types = {slug: described_type(info) for slug, info in report_types().items()}
    return render_template("public/reports/types.html", types=types,
                           screening=sign(SCREENING_SALT, {"eligible": True}))


def render_report_form(form: ReportForm, report_type: str, notice: str | None = None, status: int = 200):
    current = terms.current_terms(date.today())
    form.terms_version.data = current.version if current else ""
    return render_template("public/reports/new.html", form=form, report_type=report_type,
                           type_info=described_type(report_types()[report_type]), terms=current, notice=notice,
                           limits=upload_limits(), loss_limit=current_app.config["PORTAL_REPORT_LOSS_LIMIT"]), status


def report_input(form: ReportForm, report_type: str) -> ReportInput:
    sections = report_types()[report_type]["sections"]
    details = {name: str(form[name].data or "") for section in sections for name in SECTION_FIELDS.get(section, [])}
    rows = [entry.form for entry in form.items] if "items" in sections else []
    items = [ItemInput(row.description.data or "", row.brand.data or "", row.serial_number.data or "", row.value.data)
             for row in rows]
    return ReportInput(
        report_type=report_type, occurred_from=local_to_utc(form.occurred_from.data),
        occurred_to=local_to_utc(form.occurred_to.data), location=form.location.data, narrative=form.narrative.data,
        details=details, items=items, reporter_name=form.reporter_name.data, reporter_email=form.reporter_email.data,
        reporter_phone=form.reporter_phone.data, reporter_address=form.reporter_address.data,
        terms_version=form.terms_version.data or "")


@bp.route("/new/<slug:report_type>", methods=["GET", "POST"])
@no_store
def new(report_type: str):
    if report_type not in report_types():
        abort(404)
    form = ReportForm()
    if request.method == "GET":
        form.screening.data = request.args.get("screening", "")
    if not screening_passed(form.screening.data):
        return redirect(url_for("reports.screening"))
    if request.method == "GET":
        return render_report_form(form, report_type)
    if not form.validate():
        return render_report_form(form, report_type, EXPIRED_NOTICE if csrf_expired(form) else None, 400)
    try:
        receipt = reports.file_report(
            report_input(form, report_type), report_types(), current_app.config["PORTAL_REPORT_LOSS_LIMIT"],
            uploads_from(form.attachments.data), current_app.config["PORTAL_UPLOAD_FOLDER"], upload_limits(),
            site_url(), current_app.config["PORTAL_TIMEZONE"], routing_settings(), current_language())
    except InvalidInput as error:
        return render_report_form(form, report_type, show_error(form, error), 400)
    except StorageError:
        raise files_not_stored(lambda notice: render_report_form(form, report_type, notice, 503)) from None
    report = reports.get_report(receipt.report_public_id)
    return render_template("public/reports/receipt.html", report=report, receipt=receipt,
                           type_info=described_type(report_types()[report_type]), detail_name=reports.detail_name)


def render_status(report, answer_form: ReportAnswerForm | None = None, status: int = 200, answered: bool = False,
                  notice: str | None = None):
    answer_form = answer_form or ReportAnswerForm(formdata=None)
    answer_form.reference.data = report.reference
    answer_form.email.data = report.reporter_email
    return render_template("public/reports/status.html", report=report, status_words=reports.STATUS_WORDS,
                           answer_form=answer_form, answered=answered, notice=notice, detail_name=reports.detail_name,
                           type_info=described_type(report_types().get(report.report_type,
                                                                       {"name": report.report_type}))), status


@bp.route("/status", methods=["GET", "POST"])
@no_store
def status():
    form = ReportLookupForm()
    if request.method == "GET":
        return render_template("public/reports/lookup.html", form=form)
    if not form.validate():
        notice = EXPIRED_NOTICE if csrf_expired(form) else None
        return render_template("public/reports/lookup.html", form=form, notice=notice), 400
    report = reports.find_report_for_reporter(form.reference.data, form.email.data)
    if report is None:
        form.email.errors.append(LOOKUP_FAILED)
        return render_template("public/reports/lookup.html", form=form), 400
    return render_status(report)


@bp.post("/status/answer")
@no_store
def answer():
    form = ReportAnswerForm()
    valid = form.validate()
    report = reports.find_report_for_reporter(form.reference.data or "", form.email.data or "")
    if report is None:
        lookup = ReportLookupForm(formdata=None, reference=(form.reference.data or "")[:40])
        lookup.email.errors = [LOOKUP_FAILED]
        return render_template("public/reports/lookup.html", form=lookup), 400
    if not valid:
        if csrf_expired(form):
            form.answer.errors.append(EXPIRED_NOTICE)
        return render_status(report, form, 400)
    try:
        reports.answer_information_request(report, form.answer.data, site_url())
    except InvalidInput as error:
        return render_status(report, form, 400, notice=in_words(error))
    return render_status(report, answered=True)


def submitted_reference() -> str:
    return reports.normalize_reference(request.form.get("reference", ""))


def limited_report_form(_limit):
    form = ReportForm()
    report_type = request.view_args.get("report_type", "other")
    notice = _(LIMITED_NOTICE, phone=non_emergency_phone())
    return make_response(render_report_form(form, report_type if report_type in report_types() else "other",
                                            notice, 429))


def limited_lookup(_limit):
    form = ReportLookupForm(formdata=None, reference=request.form.get("reference", "")[:40])
    notice = _(LIMITED_NOTICE, phone=non_emergency_phone())
    return make_response((render_template("public/reports/lookup.html", form=form, notice=notice), 429))


def limit_report_requests(app: Flask, limiter: Limiter) -> None:
    """Per client key, and for look-ups per reference too; a limited person keeps what they typed."""
    config = app.config
    rules = {
        "reports.new": ([(config["PORTAL_REPORT_LIMIT"], None)], limited_report_form),
        "reports.status": ([(config["PORTAL_REPORT_STATUS_LIMIT"], None),
                            (config["PORTAL_REPORT_STATUS_LIMIT"], submitted_reference)], limited_lookup),
        "reports.answer": ([(config["PORTAL_REPORT_STATUS_LIMIT"], None),
                            (config["PORTAL_REPORT_STATUS_LIMIT"], submitted_reference)], limited_lookup),
    }
    limit_form_posts(app, limiter, rules)
