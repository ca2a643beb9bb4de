"""Anonymous tips: the form, the receipt, checking on a tip and adding to it.

Every failure path shows the form again with what the person typed: a validation error, an
expired security token, a rate limit or the flood checks. Only files must be chosen again.
These views never read the client address, user agent or cookies for anything but CSRF.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import Blueprint, Flask, current_app, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from wtforms.fields.choices import SelectChoice

from portal.exceptions import InvalidInput
from portal.form_tokens import issue_form_token, read_form_token
from portal.languages import N_, reworded
from portal.public.form_support import (
    EXPIRED_NOTICE,
    csrf_expired,
    files_not_stored,
    limit_form_posts,
    non_emergency_phone,
    routing_settings,
    show_error,
    upload_limits,
    uploads_from,
)
from portal.public.forms import TipCheckForm, TipForm, TipMessageForm
from portal.security import no_store
from portal.services import notices, terms, tips
from portal.services.attachments import AttachmentReceipt
from portal.services.passphrases import normalize_tip_number
from portal.services.storage import StorageError
from portal.services.tips import STATUS_WORDS, DuplicateSubmission

bp = Blueprint("tips", __name__, url_prefix="/tips")

NOT_SENT_NOTICE = _l("Your tip could not be sent. Please check the form and press Send again.")
TOO_FAST_NOTICE = _l("Please take a moment to read your tip over, then press Send again.")
LIMITED_NOTICE = N_(
    "Too many tips have been sent from this connection in a short time, so this one was not sent. "
    "Your text is kept below: please try again later, or call us on %(phone)s."
)
CHECK_LIMITED_NOTICE = N_("Too many attempts to open this tip. Please wait an hour and try again, or call us on "
                          "%(phone)s.")
CHECK_FAILED = _l("That tip number and passphrase do not match a tip. Check both and try again.")


def category_choices() -> list[SelectChoice]:
    return [SelectChoice(category.slug, _(category.name)) for category in tips.list_categories()]


def receipts_in_words(receipts: list[AttachmentReceipt] | None) -> list[AttachmentReceipt] | None:
    """What the cleaning found, in the resident's language; the file's own type stays as it is."""
    if receipts is None:
        return None
    return [replace(receipt, removed=[reworded(detail, _) for detail in receipt.removed],
                    warning=_(receipt.warning) if receipt.warning else "") for receipt in receipts]


def appeal_number(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) <= 9 else None


def render_tip_form(form: TipForm, notice: str | None = None, status: int = 200):
    form.category.choices = [SelectChoice("", _("Choose one"))] + category_choices()
    current = terms.current_terms(date.today())
    form.terms_version.data = current.version if current else ""
    if read_form_token(form.form_token.data or "") is None:
        form.form_token.data = issue_form_token()
    return render_template("public/tips/new.html", form=form, notice=notice, terms=current,
                           appeal=notices.appeal_for_tip(appeal_number(form.notice.data)),
                           limits=upload_limits()), status


def flood_notice(form: TipForm) -> str | None:
    """Why this submission looks automated or stale, in words for a person; None when it does not."""
    if csrf_expired(form):
        return EXPIRED_NOTICE
    token = read_form_token(form.form_token.data or "")
    if form.website.data or token is None:
        return NOT_SENT_NOTICE
    if token.age_seconds() < current_app.config["PORTAL_TIP_MIN_FILL_SECONDS"]:
        return TOO_FAST_NOTICE
    return None


@bp.route("/new", methods=["GET", "POST"])
@no_store
def new():
    form = TipForm()
    if request.method == "GET":
        appeal = notices.appeal_for_tip(appeal_number(request.args.get("notice")))
        if appeal is not None:
            form.notice.data = str(appeal.id)
            form.category.data = notices.APPEAL_TIP_CATEGORIES[appeal.notice_type]
        return render_tip_form(form)
    form.category.choices = category_choices()
    valid = form.validate()
    notice = flood_notice(form)
    if not valid or notice:
        return render_tip_form(form, notice, 400)
    try:
        receipt = tips.submit_tip(
            category_slug=form.category.data, description=form.description.data,
            when_text=form.when_text.data or "", where_text=form.where_text.data or "",
            latitude=form.latitude.data, longitude=form.longitude.data,
            contact_name=form.contact_name.data or "", contact_phone=form.contact_phone.data or "",
            contact_email=form.contact_email.data or "", terms_version=form.terms_version.data or "",
            uploads=uploads_from(form.attachments.data), form_nonce=read_form_token(form.form_token.data).nonce,
            upload_folder=current_app.config["PORTAL_UPLOAD_FOLDER"], limits=upload_limits(),
            routing_settings=routing_settings(), notice_id=appeal_number(form.notice.data),
        )
    except InvalidInput as error:
        return render_tip_form(form, show_error(form, error), 400)
    except StorageError:
        raise files_not_stored(lambda notice: render_tip_form(form, notice, 503)) from None
    except DuplicateSubmission as duplicate:
        return render_template("public/tips/receipt.html", receipt=None, tip_number=duplicate.tip_number)
    return render_template("public/tips/receipt.html", receipt=receipt, tip_number=receipt.tip_number,
                           receipts=receipts_in_words(receipt.attachments))


def render_check_form(form: TipCheckForm, notice: str | None = None, status: int = 200):
    return render_template("public/tips/check.html", form=form, notice=notice), status


def render_status(tip, passphrase: str, message_form: TipMessageForm | None = None, receipts=None,
                  status: int = 200):
    message_form = message_form or TipMessageForm(formdata=None)
    message_form.tip_number.data = tip.tip_number
    message_form.passphrase.data = passphrase
    return render_template("public/tips/status.html", tip=tip, status_word=_(STATUS_WORDS[tip.status]),
                           category_name=_(tip.category.name), message_form=message_form,
                           receipts=receipts_in_words(receipts), limits=upload_limits()), status


@bp.route("/check", methods=["GET", "POST"])
@no_store
def check():
    form = TipCheckForm()
    if request.method == "GET":
        return render_check_form(form)
    if not form.validate():
        return render_check_form(form, EXPIRED_NOTICE if csrf_expired(form) else None, 400)
    tip = tips.find_tip_for_tipster(form.tip_number.data, form.passphrase.data)
    if tip is None:
        form.passphrase.errors.append(CHECK_FAILED)
        form.passphrase.data = ""
        return render_check_form(form, None, 400)
    return render_status(tip, form.passphrase.data)


@bp.post("/check/message")
@no_store
def message():
    form = TipMessageForm()
    valid = form.validate()
    tip = tips.find_tip_for_tipster(form.tip_number.data or "", form.passphrase.data or "")
    if tip is None:
        check_form = TipCheckForm(formdata=None, tip_number=(form.tip_number.data or "")[:40])
        check_form.passphrase.errors = [CHECK_FAILED]
        return render_check_form(check_form, None, 400)
    if not valid:
        if csrf_expired(form):
            form.body.errors.append(EXPIRED_NOTICE)
        return render_status(tip, form.passphrase.data, form, status=400)
    try:
        receipts = tips.add_tipster_message(tip, form.passphrase.data, form.body.data or "",
                                            uploads_from(form.attachments.data),
                                            current_app.config["PORTAL_UPLOAD_FOLDER"], upload_limits())
    except InvalidInput as error:
        notice = show_error(form, error)
        if notice:
            form.body.errors.append(notice)
        return render_status(tip, form.passphrase.data, form, status=400)
    return render_status(tip, form.passphrase.data, receipts=receipts)


def submitted_form_nonce() -> str:
    token = read_form_token(request.form.get("form_token", ""))
    return token.nonce if token else "unsigned"


def submitted_tip_number() -> str:
    return normalize_tip_number(request.form.get("tip_number", ""))[:20] or "none"


def limited_tip_form(_limit) -> object:
    form = TipForm()
    return make_response(render_tip_form(form, _(LIMITED_NOTICE, phone=non_emergency_phone()), 429))


def limited_check_form(_limit) -> object:
    form = TipCheckForm(formdata=None, tip_number=request.form.get("tip_number", "")[:40])
    return make_response(render_check_form(form, _(CHECK_LIMITED_NOTICE, phone=non_emergency_phone()), 429))


def limited_message_form(_limit) -> object:
    """The message is kept for a later try; nothing of the tip is shown, as nothing was checked."""
    form = TipMessageForm()
    return make_response((render_template("public/tips/message_limited.html", message_form=form,
                                          notice=_(CHECK_LIMITED_NOTICE, phone=non_emergency_phone())), 429))


def limit_tip_requests(app: Flask, limiter: Limiter) -> None:
    """Per client key, per form and per tip number; a limited person keeps what they typed."""
    config = app.config
    limit_form_posts(app, limiter, {
        "tips.new": ([(config["PORTAL_TIP_LIMIT"], None), (config["PORTAL_TIP_FORM_LIMIT"], submitted_form_nonce)],
                     limited_tip_form),
        "tips.check": ([(config["PORTAL_TIP_CHECK_LIMIT"], None), (config["PORTAL_TIP_CHECK_LIMIT"], submitted_tip_number)],
                       limited_check_form),
        "tips.message": ([(config["PORTAL_TIP_CHECK_LIMIT"], None),
                          (config["PORTAL_TIP_CHECK_LIMIT"], submitted_tip_number)], limited_message_form),
    })
