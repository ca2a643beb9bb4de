"""Online reports for a resident who chose Spanish: every page of the journey, the messages next
to the fields, and the e-mails, which keep the language the report was filed in."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from portal.extensions import db
from portal.models import Report, WorkItem
from tests.conftest import staff_browser
from tests.helpers import ReporterActions, missing_phrases, parse_page
from tests.mail import send_outbox

TYPED_IN_SPANISH = {
    "narrative": "Me robaron la bicicleta anoche: ¿quién fue? Cañón, pingüino — 自転車を盗まれた — سرقت دراجتي",
    "location": "Estación de tren, junto al café «La Española»",
    "items-0-description": "Bicicleta azul, cerradura rota",
    "reporter_name": "José Núñez",
}


def html_lang(response) -> str:
    return parse_page(response).find_all("html")[0]["lang"]


def spanish_page(response, phrases: list[str]) -> None:
    assert html_lang(response) == "es"
    assert missing_phrases(parse_page(response).text, phrases) == []


@pytest.fixture
def spanish_reporter(report_app):
    """A resident who picked Español in the header switch (the cookie it sets)."""
    client = report_app.test_client()
    assert client.get("/language/es?next=/reports/screening").status_code == 303
    return ReporterActions(client)


@pytest.fixture
def browser_reporter(report_app):
    """A resident whose browser asks for Spanish and who never touched the switch."""
    client = report_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    return ReporterActions(client)


@pytest.mark.parametrize("resident", ["spanish_reporter", "browser_reporter"])
def test_screening_types_form_receipt_lookup_and_status_read_in_spanish(request, resident):
    reporter = request.getfixturevalue(resident)
    screening = reporter.client.get("/reports/screening")
    spanish_page(screening, ["¿Puede reportar esto en línea?", "¿Hay alguien en peligro ahora mismo", "Sí",
                             "En otro lugar, o no estoy seguro", "El límite para los reportes en línea es de $1,000",
                             "Continuar"])
    assert "Can you report this online?" not in parse_page(screening).text
    spanish_page(reporter.screen(), ["¿Qué quiere reportar?", "Robo de un vehículo",
                                     "Le robaron algo (no de un vehículo).", "Fraude o estafa"])
    spanish_page(reporter.form_page("theft-from-vehicle"), [
        "Reporte: Robo de un vehículo", "no es anónimo", "condiciones de servicio, versión 1.1", "El vehículo",
        "Placa", "Objeto 1", "Su nombre completo", "Enviar reporte", "Hasta 5 fotos o PDF, de 10 MB cada uno"])
    receipt = reporter.file("theft")
    reference = reporter.reference(receipt)
    spanish_page(receipt, ["Su reporte fue recibido", f"Su referencia es {reference}.", "Enviamos una copia a",
                           "Reportado por", "20 de noviembre de 2026, 10:15 p.m.", "Robo", "comando Imprimir"])
    spanish_page(reporter.client.get("/reports/status"), ["Consultar el estado de un reporte", "Empieza con R-",
                                                          "Consultar estado"])
    spanish_page(reporter.lookup(reference), [f"Reporte {reference}", "Estado", "Enviado, en espera de revisión",
                                              "Su reporte", "Qué pasó", "My locked bike was taken overnight."])


def test_a_report_typed_in_spanish_and_other_scripts_is_stored_exactly_as_typed(report_app, spanish_reporter):
    reference = spanish_reporter.reference(spanish_reporter.file("theft", **TYPED_IN_SPANISH))
    with report_app.app_context():
        report = db.session.scalars(db.select(Report)).one()
        assert (report.reference, report.narrative, report.location, report.reporter_name,
                report.items[0].description, report.language) == (
            reference, TYPED_IN_SPANISH["narrative"], TYPED_IN_SPANISH["location"], TYPED_IN_SPANISH["reporter_name"],
            TYPED_IN_SPANISH["items-0-description"], "es")
    status = spanish_reporter.lookup(reference)
    assert missing_phrases(parse_page(status).text, [TYPED_IN_SPANISH["narrative"], "José Núñez"]) == []


NEXT_TO = '<ul class="errors" id="{}-errors">(.*?)</ul>'
PAGE_NOTICE = '<div class="notice notice-warning" role="alert">(.*?)</div>'


@pytest.mark.parametrize(
    ("typed", "where", "message"),
    [
        ({"narrative": ""}, NEXT_TO.format("narrative"), "Describa qué pasó."),
        ({"reporter_email": "no-es-un-correo"}, NEXT_TO.format("reporter_email"), "Escriba un correo electrónico como"),
        ({"occurred_from": "2099-01-01T10:00"}, NEXT_TO.format("occurred_from"),
         "La fecha y la hora no pueden estar en el futuro."),
        # A rule about all the rows together is the page's notice.
        ({"items-0-value": "900", "items-1-description": "Casco", "items-1-value": "200"}, PAGE_NOTICE,
         "La pérdida total es de más de $1,000, así que un agente debe tomar este reporte."),
    ],
)
def test_a_refused_report_says_why_in_spanish_where_it_applies_and_keeps_everything(report_app, spanish_reporter,
                                                                                     typed, where, message):
    response = spanish_reporter.file("theft", **{**TYPED_IN_SPANISH, "reporter_phone": "847-555-9999", **typed})
    assert response.status_code == 400 and html_lang(response) == "es"
    html = response.get_data(as_text=True)
    shown = re.search(where, html, re.S)
    assert shown and message in shown.group(1), parse_page(response).text[:600]
    assert 'value="847-555-9999"' in html and "José Núñez" in html
    assert "Estación de tren, junto al café «La Española»" in html and "Bicicleta azul, cerradura rota" in html
    with report_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 0


def test_an_ineligible_answer_and_a_refused_answer_are_explained_in_spanish(spanish_reporter):
    refusal = spanish_reporter.screen(loss_over_limit="yes")
    spanish_page(refusal, ["Esto no se puede reportar en línea",
                           "Un agente debe tomar este reporte porque la pérdida es de más de $1,000.",
                           "enviar una pista anónima", "Volver a las preguntas"])
    reference = spanish_reporter.reference(spanish_reporter.file())
    not_asked = spanish_reporter.answer(reference, "Era azul.")
    assert not_asked.status_code == 400
    spanish_page(not_asked, ["Este reporte no está esperando información de usted."])


def test_the_reporters_copy_is_e_mailed_in_spanish_with_a_spanish_date(report_app, spanish_reporter, mail_server):
    reference = spanish_reporter.reference(spanish_reporter.file(
        "theft", occurred_to="2026-11-21T06:30", **TYPED_IN_SPANISH))
    assert "Sent 1, failed 0, 0 waiting." in send_outbox(report_app)
    [message] = mail_server.messages
    assert message["Subject"] == f"Su reporte {reference} fue recibido"
    body = mail_server.bodies()[0]
    assert missing_phrases(body, [
        "Hola, José Núñez:", f"Recibimos su reporte en línea. Su referencia es {reference}.", "Tipo: Robo",
        "Cuándo: 20 de noviembre de 2026, 10:15 p.m. hasta 21 de noviembre de 2026, 6:30 a.m.",
        f"Dónde: {TYPED_IN_SPANISH['location']}", TYPED_IN_SPANISH["narrative"],
        "Objeto: Bicicleta azul, cerradura rota; marca -; número de serie -; valor 450",
        "/reports/status", "Nadie revisa este buzón. En una emergencia llame al 911."]) == []
    assert "Hello" not in body and "November" not in body


def decide_in_back_office(staff_app, records, reference: str, **decision: str) -> None:
    with staff_app.app_context():
        item = db.session.scalars(db.select(WorkItem).join(Report).where(Report.reference == reference)).one()
        public_id = item.public_id
    response = records.post(f"/cases/{public_id}/decision", data=decision)
    assert response.status_code in (302, 303), parse_page(response).text[:300]


def test_staff_approval_e_mails_each_reporter_in_the_language_of_their_report(report_app, staff_app, mail_server):
    spanish, english = ReporterActions(report_app.test_client()), ReporterActions(report_app.test_client())
    spanish.client.get("/language/es")
    spanish_reference = spanish.reference(spanish.file("theft", **TYPED_IN_SPANISH))
    english_reference = english.reference(english.file("theft"))
    records = staff_browser(staff_app, "rec@example.org", "records", "Triage")
    # Staff work in English; the reporter still hears back in the language they filed in.
    decide_in_back_office(staff_app, records, spanish_reference, decision="approved", case_number="26-000777")
    decide_in_back_office(staff_app, records, english_reference, decision="approved", case_number="26-000778")
    assert "Sent 4, failed 0, 0 waiting." in send_outbox(report_app)
    mail = {message["Subject"]: message.get_content() for message in mail_server.messages}
    spanish_status = mail[f"Su reporte {spanish_reference}: Aprobado: se abrió un caso oficial"]
    assert missing_phrases(spanish_status, [
        "Hola, José Núñez:", f"El estado de su reporte en línea {spanish_reference} ahora es: Aprobado: se abrió un "
        "caso oficial.", "Número de caso oficial: 26-000777", "Consulte su reporte en"]) == []
    english_copy = mail[f"Your report {english_reference} was received"]
    english_status = mail[f"Your report {english_reference}: Approved: an official case was opened"]
    assert "Hello Ann Lee," in english_copy and "When: November 20, 2026, 10:15 PM" in english_copy
    assert "Official case number: 26-000778" in english_status and "Hola" not in english_status
    status_page = spanish.lookup(spanish_reference)
    spanish_page(status_page, ["Aprobado: se abrió un caso oficial", "Número de caso oficial", "26-000777"])
    assert 'data-report="case-number">26-000777<' in status_page.get_data(as_text=True)


def test_a_spanish_report_closed_for_want_of_an_answer_is_announced_in_spanish(report_app, staff_app,
                                                                               spanish_reporter, mail_server):
    reference = spanish_reporter.reference(spanish_reporter.file(**TYPED_IN_SPANISH))
    records = staff_browser(staff_app, "rec@example.org", "records", "Triage")
    decide_in_back_office(staff_app, records, reference, decision="more_info_needed", message="¿De qué color era?")
    status = spanish_reporter.lookup(reference)
    spanish_page(status, ["Necesitamos más información de usted", "Nuestra pregunta", "¿De qué color era?",
                          "Su respuesta", "Enviar respuesta"])
    with report_app.app_context():
        db.session.execute(db.update(Report).values(status_changed_at=datetime.now(timezone.utc) - timedelta(days=15)))
        db.session.commit()
    assert "Expired and deleted 1 report(s)." in report_app.test_cli_runner().invoke(args=["reports", "expire"]).output
    send_outbox(report_app)
    closed = mail_server.messages[-1]
    assert closed["Subject"] == f"Su reporte {reference} se cerró"
    assert missing_phrases(closed.get_content(), [
        "Hola, José Núñez:", f"Le pedimos más información sobre su reporte en línea {reference}",
        "/reports/screening o llámenos."]) == []
    assert "Necesitamos más información de usted" in mail_server.messages[-2]["Subject"]
