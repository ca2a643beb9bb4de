"""The tip pages for a resident who reads Spanish, chosen with the switch or by the browser.

Whatever the page's language, what the tipster types is theirs: it is stored and shown to staff
exactly as written, in any script.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfWriter

from portal.extensions import db
from portal.models import Tip, TipMessage, WorkItem
from tests.conftest import staff_browser
from tests.helpers import DATA, TipActions, missing_phrases, parse_page

PHOTO = (DATA / "photo_with_gps.jpg").read_bytes()
SPANISH_MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                  "octubre", "noviembre", "diciembre"]
# Free text in several scripts, with no character HTML escaping would change.
MANY_LANGUAGES = ("Vi a un señor con cámara en la esquina; ¿quizá era él? Ñandú, pingüino. "
                  "رأيت سيارة زرقاء قرب المدرسة. 我看见一辆蓝色的车停在学校旁边。 🚗💨 👍🏽")


def spanish_reader(app, chosen_by: str) -> TipActions:
    client = app.test_client()
    if chosen_by == "switch":
        response = client.get("/language/es?next=/tips/new")
        assert response.status_code == 303 and response.headers["Location"].endswith("/tips/new")
    else:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9,en;q=0.5"
    return TipActions(client)


@pytest.fixture(params=["switch", "browser"])
def tipster(request, tip_app) -> TipActions:
    return spanish_reader(tip_app, request.param)


def stored_tip(app) -> Tip:
    with app.app_context():
        [tip] = db.session.scalars(db.select(Tip))
        db.session.expunge_all()
        return tip


def errors_next_to(response, field: str) -> str:
    html = response.get_data(as_text=True)
    found = re.search(rf'<ul class="errors" id="{field}-errors">(.*?)</ul>', html, re.S)
    assert found, f"no error list next to {field}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_the_tip_form_is_in_spanish(tipster):
    response = tipster.client.get("/tips/new")
    html = response.get_data(as_text=True)
    text = parse_page(response).text
    assert '<html lang="es">' in html
    assert "<title>Enviar una pista anónima |" in html
    assert missing_phrases(text, [
        "Enviar una pista anónima", "Antes de empezar", "Esto no es para emergencias.", "llame al 911",
        "No tiene que dar su nombre.", "Los videos no se pueden limpiar",
        "condiciones de servicio, versión 1.1", "¿Ya envió una pista? Consúltela aquí.",
        "¿De qué trata su pista?", "Elija una opción", "Personas desaparecidas", "Actividad de pandillas",
        "¿Qué pasó?", "Quién, qué, dónde y cuándo, con sus propias palabras. Hasta 10,000 caracteres.",
        "¿Cuándo pasó? (opcional)", "¿Dónde pasó? (opcional)", "Ubicación exacta (opcional)",
        "Fotos, videos o documentos (opcional)", "Contáctenme (opcional: así deja de ser anónimo)",
        "Deje esto vacío para seguir en el anonimato.", "Su nombre", "Su número de teléfono",
        "Su correo electrónico", "Enviar pista",
    ]) == []
    assert "Send an anonymous tip" not in text and "What happened?" not in text
    assert re.search(r'<button type="submit">Enviar pista</button>', html)


def test_a_tip_in_any_language_is_kept_exactly_as_typed(tip_app, staff_app, tipster):
    response = tipster.submit(category="other", description=MANY_LANGUAGES, when_text="el sábado 🌙",
                              where_text="شارع الملك، 北京路 12")
    assert response.status_code == 200
    text = parse_page(response).text
    assert missing_phrases(text, [
        "Gracias: recibimos su pista", "Anótelos ahora o guárdelos en un lugar seguro.",
        "Se muestran una sola vez", "Número de pista", "Frase secreta", "consultar su pista",
    ]) == []
    tip_number, passphrase = tipster.credentials(response)
    tip = stored_tip(tip_app)
    assert (tip.description, tip.when_text, tip.where_text) == (MANY_LANGUAGES, "el sábado 🌙", "شارع الملك، 北京路 12")

    with staff_app.app_context():
        item_id = db.session.scalars(db.select(WorkItem.public_id)).one()
    staff = staff_browser(staff_app, "sup@example.org", "supervisor", "Triage")
    case_page = staff.get(f"/cases/{item_id}").get_data(as_text=True)
    assert MANY_LANGUAGES in case_page and "شارع الملك، 北京路 12" in case_page
    assert '<html lang="en">' in case_page

    status_page = tipster.check(tip_number, passphrase).get_data(as_text=True)
    assert MANY_LANGUAGES in status_page and "el sábado 🌙" in status_page


def test_a_missing_description_is_flagged_in_spanish_and_the_rest_is_kept(tip_app, tipster):
    response = tipster.submit(description="", where_text="Calle Ñandú 5, frente a la panadería",
                              when_text="ayer a las 11 p. m.")
    assert response.status_code == 400
    assert errors_next_to(response, "description") == "Cuéntenos qué pasó."
    assert "Corrija los campos marcados abajo. Su texto se conserva." in parse_page(response).text
    html = response.get_data(as_text=True)
    assert 'value="Calle Ñandú 5, frente a la panadería"' in html and 'value="ayer a las 11 p. m."' in html
    with tip_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Tip)) == 0


def test_the_forms_own_checks_speak_spanish_too(tipster):
    response = tipster.submit(description="ñ" * 10_001, latitude="91", longitude="-87.8", category="")
    assert response.status_code == 400
    assert errors_next_to(response, "description") == "El campo no puede tener más de 10000 caracteres."
    assert errors_next_to(response, "latitude") == "El número debe estar entre -90 y 90."
    assert errors_next_to(response, "category") == "Elija el tema de la pista."


def test_file_problems_are_explained_in_spanish_next_to_the_field(make_tip_app):
    app = make_tip_app(PORTAL_TIP_MAX_FILES=2, PORTAL_TIP_MAX_FILE_BYTES=len(PHOTO) + 10,
                       PORTAL_TIP_MAX_TOTAL_BYTES=2 * len(PHOTO) + 100)
    tipster = spanish_reader(app, "switch")
    cases = [
        ([(io.BytesIO(PHOTO), f"foto{n}.jpg") for n in range(3)], "Adjunte como máximo 2 archivos."),
        ([(io.BytesIO(PHOTO + b"\x00" * 100), "grande.jpg")], "El archivo 1 (grande.jpg) pesa más de 0 MB."),
        ([(io.BytesIO(b"solo texto"), "notas.txt")],
         "Archivo 1 (notas.txt): no es una foto (JPEG, PNG, WebP, GIF), un video (MP4, MOV, WebM) ni un PDF."),
        ([(io.BytesIO(b""), "vacio.jpg")], "Archivo 1 (vacio.jpg): está vacío."),
    ]
    for files, message in cases:
        response = tipster.submit(files=files, description="Lo que escribí con cuidado, señora.")
        assert response.status_code == 400
        assert message in errors_next_to(response, "attachments")
        assert ("Corrija los campos marcados abajo. Su texto se conserva; debe elegir los archivos otra vez."
                in parse_page(response).text)
        assert "Lo que escribí con cuidado, señora." in response.get_data(as_text=True)


def test_an_expired_form_says_so_in_spanish_and_keeps_the_text(make_tip_app):
    app = make_tip_app(WTF_CSRF_ENABLED=True)
    tipster = spanish_reader(app, "browser")
    stale = {**tipster.form_fields(), "csrf_token": "vencido"}
    response = tipster.client.post("/tips/new", data={**stale, "category": "drugs",
                                                      "description": "Horas de escribir con cuidado: ¡atención!"})
    assert response.status_code == 400
    assert ("Por su seguridad, este formulario había vencido. No se perdió nada"
            in parse_page(response).text)
    assert "Horas de escribir con cuidado: ¡atención!" in response.get_data(as_text=True)

    fresh = tipster.form_fields()
    tip_number, passphrase = tipster.credentials(tipster.client.post(
        "/tips/new", data={**fresh, "category": "drugs", "description": "Primera versión."}))
    reply = tipster.client.post("/tips/check/message", data={
        "tip_number": tip_number, "passphrase": passphrase, "body": "Otro dato: el coche es rojo.",
        "csrf_token": "vencido"})
    assert reply.status_code == 400
    assert errors_next_to(reply, "body").startswith("Por su seguridad, este formulario había vencido.")
    assert "Otro dato: el coche es rojo." in reply.get_data(as_text=True)


def test_checking_on_a_tip_and_replying_are_in_spanish(tip_app, staff_app, tipster):
    check_page = tipster.client.get("/tips/check")
    assert '<html lang="es">' in check_page.get_data(as_text=True)
    assert missing_phrases(parse_page(check_page).text, [
        "Consultar una pista", "Escriba el número de pista y la frase secreta", "Número de pista",
        "Frase secreta", "Abrir mi pista", "enviar una pista nueva",
    ]) == []
    wrong = tipster.check("0000-0000-0000", "nada que ver")
    assert wrong.status_code == 400
    assert errors_next_to(wrong, "passphrase").startswith("Ese número de pista y esa frase secreta no corresponden")

    tip_number, passphrase = tipster.credentials(tipster.submit(category="gang-activity"))
    with staff_app.app_context():
        item_id = db.session.scalars(db.select(WorkItem.public_id)).one()
    staff = staff_browser(staff_app, "sup@example.org", "supervisor", "Triage")
    staff.post(f"/cases/{item_id}/tipster", data={
        "body": "¿Puede decirnos qué coche era?", "status": "under_review", "public_message": "Lo estamos revisando."})

    status = tipster.check(tip_number, passphrase)
    text = parse_page(status).text
    assert missing_phrases(text, [
        f"Su pista {tip_number}", "Estado En revisión", "Mensaje del departamento Lo estamos revisando.",
        "Tema Actividad de pandillas", "Lo que usted envió", "Mensajes", "¿Puede decirnos qué coche era?",
        "Agregar información", "No escriba su frase secreta aquí.", "Adjuntar fotos, videos o documentos (opcional)",
        "Cuando termine, cierre esta ventana",
    ]) == []
    assert re.search(r'<button type="submit">Enviar</button>', status.get_data(as_text=True))
    with tip_app.app_context():
        sent_on = db.session.scalars(db.select(TipMessage.created_at)).one()
    spanish_day = f"{sent_on.day} de {SPANISH_MONTHS[sent_on.month - 1]} de {sent_on.year}"
    assert spanish_day in text

    added = tipster.send_message(tip_number, passphrase, "Era un sedán gris, matrícula 玉A·12345 😟",
                                 files=[(io.BytesIO(PHOTO), "calle.jpg")])
    assert added.status_code == 200
    text = parse_page(added).text
    assert missing_phrases(text, [
        "Se agregó su información.", "Sus archivos", "Archivo 1 (image/jpeg): se quitó:",
        "Era un sedán gris, matrícula 玉A·12345 😟", f"Usted, {spanish_day}", "1 archivo adjunto.",
    ]) == []
    with tip_app.app_context():
        bodies = list(db.session.scalars(db.select(TipMessage.body).order_by(TipMessage.id)))
    assert bodies[-1] == "Era un sedán gris, matrícula 玉A·12345 😟"


def test_a_message_giving_away_the_passphrase_is_refused_in_spanish(tipster):
    tip_number, passphrase = tipster.credentials(tipster.submit())
    response = tipster.send_message(tip_number, passphrase, f"Mi frase es {passphrase}, ¿sirve?")
    assert response.status_code == 400
    assert errors_next_to(response, "body").startswith("Su mensaje contiene su frase secreta.")
    assert f"Mi frase es {passphrase}, ¿sirve?" in response.get_data(as_text=True)
    empty = tipster.send_message(tip_number, passphrase, "")
    assert errors_next_to(empty, "body") == "Escriba un mensaje o adjunte un archivo."


def test_what_the_cleaning_removed_is_told_in_spanish(tip_app, tipster):
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": "Juana Pérez"})
    statement = io.BytesIO()
    writer.write(statement)
    response = tipster.submit(files=[(io.BytesIO(PHOTO), "foto.jpg"), (io.BytesIO(statement.getvalue()), "acta.pdf")])
    text = parse_page(response).text
    assert "ubicación GPS" in text and "GPS location" not in text
    assert "propiedades del documento (author, producer)" in text
    assert "Las imágenes y el texto dentro del PDF se conservan tal como están." in text
