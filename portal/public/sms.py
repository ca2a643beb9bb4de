"""Text-a-tip's webhook: the SMS provider posts each incoming text here and texts back our answer.

Only HTTP lives here: the request's signature (checked with Twilio's own library), its bounds,
the per-phone limit and the TwiML answer. What a text does is services/sms.py. The route exists
only when ``PORTAL_SMS_PROVIDER`` is set; it is not a browser form, so it has no CSRF token: the
provider's signature over the URL and every parameter takes that token's place.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from flask_limiter import Limiter
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from portal.extensions import csrf
from portal.public.form_support import routing_settings, upload_limits
from portal.services import sms, sms_delivery, sms_media, sms_numbers

bp = Blueprint("sms", __name__, url_prefix="/sms")

# A signed Twilio request is a few kilobytes; anything far larger is refused before it is parsed.
MAX_REQUEST_BYTES = 64 * 1024
MAX_MEDIA = 10
UNSIGNED = "unsigned"


def sms_settings() -> sms.SmsSettings:
    config = current_app.config
    department = config["PORTAL_DEPARTMENT"]
    return sms.SmsSettings(
        keyword=config["PORTAL_SMS_KEYWORD"], alias_key=config["PORTAL_SMS_ALIAS_KEY"],
        number_key=config["PORTAL_SMS_NUMBER_KEY"], department=department["short_name"],
        non_emergency_phone=department["non_emergency_phone"], upload_folder=config["PORTAL_UPLOAD_FOLDER"],
        limits=upload_limits(), routing=routing_settings(),
        media=sms_media.MediaSettings(tuple(origin.lower() for origin in config["PORTAL_SMS_MEDIA_ORIGINS"]),
                                      float(config["PORTAL_SMS_TIMEOUT"]), config["PORTAL_SMS_ACCOUNT_SID"],
                                      config["PORTAL_SMS_AUTH_TOKEN"]))


def signed_url() -> str:
    """The URL as the provider called it: from the configured site address, never the Host header."""
    query = request.query_string.decode("latin-1")
    return current_app.config["PORTAL_SITE_URL"].rstrip("/") + request.path + (f"?{query}" if query else "")


def unsigned_reason() -> str | None:
    """Why the request is not signed by the provider for this URL, or None."""
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return "no signature"
    if not RequestValidator(current_app.config["PORTAL_SMS_AUTH_TOKEN"]).validate(
            signed_url(), request.form.to_dict(), signature):
        return "wrong signature"
    return None


def signature_problem() -> str | None:
    """Why the request is not an incoming text from the provider, or None; worked out once per request."""
    if "sms_signature_problem" not in g:
        g.sms_signature_problem = unsigned_reason() or (
            None if sms_numbers.is_phone_number(request.form.get("From", "")) else "no sender number")
    return g.sms_signature_problem


def refuse_unless_signed(problem: str | None) -> None:
    if problem:
        sms.record_refused_request(problem)
        abort(403)


def provider_message_id() -> str:
    message_id = request.form.get("MessageSid", "")
    if not message_id or len(message_id) > 64:
        abort(400)
    return message_id


def sender_limit_key() -> str:
    """Signed texts are limited per phone (by alias); everything unsigned shares one bucket, so a
    forged sender cannot use up a real tipster's allowance and a flood adds few audit rows."""
    request.max_content_length = MAX_REQUEST_BYTES
    if signature_problem():
        return UNSIGNED
    return "sms:" + sms_numbers.alias_for(request.form["From"], current_app.config["PORTAL_SMS_ALIAS_KEY"])


def twiml(reply: str) -> Response:
    answer = MessagingResponse()
    if reply:
        answer.message(reply)
    return Response(str(answer), mimetype="text/xml")


def too_many_texts(_limit) -> Response:
    if signature_problem():
        return Response("Refused.", status=403, mimetype="text/plain")
    phone = current_app.config["PORTAL_DEPARTMENT"]["non_emergency_phone"]
    return twiml(f"You sent many texts in a short time. Please wait an hour, or call {phone}. "
                 "Emergency: call 911.")


def media_urls() -> tuple[str, ...]:
    try:
        count = min(int(request.form.get("NumMedia", "0")), MAX_MEDIA)
    except ValueError:
        count = 0
    return tuple(url for url in (request.form.get(f"MediaUrl{index}", "") for index in range(count)) if url)


@bp.post("/twilio")
def twilio_webhook():
    request.max_content_length = MAX_REQUEST_BYTES
    refuse_unless_signed(signature_problem())
    text = sms.IncomingText(sender=request.form["From"], body=request.form.get("Body", ""),
                            message_id=provider_message_id(), media_urls=media_urls())
    return twiml(sms.answer_text(text, sms_settings()))


@bp.post("/twilio/status")
def delivery_report():
    """Twilio's report on a reply it was given to text (the StatusCallback of each one we post)."""
    request.max_content_length = MAX_REQUEST_BYTES
    refuse_unless_signed(unsigned_reason())
    sms_delivery.record_delivery_report(provider_message_id(), request.form.get("MessageStatus", "")[:20],
                                        request.form.get("ErrorCode", ""), current_app.config["PORTAL_SMS_ALIAS_KEY"])
    return Response(status=204)


def register(app: Flask, limiter: Limiter) -> None:
    """Only when text-a-tip is configured: otherwise /sms/ does not exist at all."""
    if not app.config["PORTAL_SMS_PROVIDER"]:
        return
    app.register_blueprint(bp)
    csrf.exempt(app.view_functions["sms.delivery_report"])
    view = csrf.exempt(app.view_functions["sms.twilio_webhook"])
    app.view_functions["sms.twilio_webhook"] = limiter.limit(
        app.config["PORTAL_SMS_LIMIT"], key_func=sender_limit_key, on_breach=too_many_texts)(view)
