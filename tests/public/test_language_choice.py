"""English or Spanish: a visible switch that works without JavaScript, the browser's language as
the default, error pages and form messages in the chosen language, and a back office in English."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from werkzeug.http import parse_cookie

from tests.conftest import create_staff
from tests.helpers import TipActions, parse_page, sign_in
from tests.public.test_pages import PUBLIC_PAGES

SPANISH = {"Accept-Language": "es"}
BANNER_ES = "¿Emergencia? Llame al 911."
NON_EMERGENCY = "(847) 945-8636"


def resident_pages(app) -> list[str]:
    """Every page a resident can open: each route that needs no value, and the sample pages of
    the routes that do (a new route is covered without anyone remembering to list it)."""
    plain = sorted(rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/api/"))
    client = app.test_client()
    pages = []
    for path in dict.fromkeys(plain + PUBLIC_PAGES):
        response = client.get(path)
        if response.status_code == 200 and response.mimetype == "text/html":
            pages.append(path)
    return pages


def switch_links(response) -> dict[str, dict[str, str]]:
    page = parse_page(response)
    assert page.find_all("nav", aria_label=page_language_label(response), **{"class": "language-switch"})
    return {attributes["hreflang"]: attributes for tag, attributes in page.elements
            if tag == "a" and attributes.get("href", "").startswith("/language/")}


def page_language_label(response) -> str:
    return {"en": "Language", "es": "Idioma"}[html_lang(response)]


def html_lang(response) -> str:
    return parse_page(response).find_all("html")[0]["lang"]


def language_cookie(response) -> str:
    [header] = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("portal_language=")]
    return header


def test_every_public_page_offers_the_other_language_as_a_plain_link(seeded_public_app, client):
    pages = resident_pages(seeded_public_app)
    assert {"/", "/terms", "/notices/", "/crime-map/", "/tips/new", "/reports/status"} <= set(pages)
    for path in pages + ["/no-such-page"]:
        english = client.get(path)
        links = switch_links(english)
        assert set(links) == {"es"}, path
        assert links["es"]["lang"] == "es" and "Español" in parse_page(english).text, path
        current = parse_page(english).find_all("span", lang="en", aria_current="true")
        assert current, f"{path}: the language in use is marked"
        spanish = client.get(path, headers=SPANISH)
        assert set(switch_links(spanish)) == {"en"}, path
        assert switch_links(spanish)["en"]["lang"] == "en"


@pytest.mark.parametrize("path", ["/terms", "/prevention/vehicle/lock-take-hide",
                                  "/crime-map/table?from=2026-01-01&to=2026-01-31"])
def test_the_switch_leads_back_to_the_same_page_in_spanish(client, path):
    link = switch_links(client.get(path))["es"]["href"]
    response = client.get(link)
    assert response.status_code == 303
    assert response.headers["Location"] == path
    page = client.get(response.headers["Location"])
    assert html_lang(page) == "es"
    assert BANNER_ES in parse_page(page).text
    back = client.get(switch_links(page)["en"]["href"])
    assert back.headers["Location"] == path
    assert html_lang(client.get(path)) == "en"


def test_the_cookie_holds_the_language_code_and_nothing_else(client):
    response = client.get("/language/es?next=/terms")
    header = language_cookie(response)
    assert parse_cookie(header.split(";")[0])["portal_language"] == "es"
    attributes = [part.strip() for part in header.split(";")[1:]]
    assert "HttpOnly" in attributes and "SameSite=Lax" in attributes and "Path=/" in attributes
    max_age = int(next(part for part in attributes if part.startswith("Max-Age=")).split("=")[1])
    assert max_age >= timedelta(days=180).total_seconds()
    assert response.headers.getlist("Set-Cookie") == [header], "no session or other cookie either"
    assert response.cache_control.no_store, "a shared cache must not pass the choice on"
    other = client.application.test_client().get("/language/es?next=/")
    assert language_cookie(other).split(";")[0] == header.split(";")[0], "everyone's cookie is the same"


def test_an_unknown_language_changes_nothing(client):
    response = client.get("/language/fr?next=/terms")
    assert response.status_code == 303 and response.headers["Location"] == "/terms"
    assert not response.headers.getlist("Set-Cookie")
    assert html_lang(client.get("/terms")) == "en"
    client.get("/language/es")
    assert not client.get("/language/xx-<script>?next=/").headers.getlist("Set-Cookie")
    assert html_lang(client.get("/terms")) == "es"


@pytest.mark.parametrize("target", [
    "//evil.example", "https://evil.example", "https://evil.example/terms", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", " //evil.example", "/\t/evil.example", "http:/evil.example", "",
])
def test_the_switch_never_leads_off_the_site(client, target):
    response = client.get("/language/es", query_string={"next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert language_cookie(response).startswith("portal_language=es;")


@pytest.mark.parametrize(("accept", "language"), [
    ("es", "es"), ("es-MX", "es"), ("es-US,es;q=0.9,en;q=0.5", "es"), ("en-US,en;q=0.9,es;q=0.5", "en"),
    ("fr-FR", "en"), ("", "en"),
])
def test_the_browser_language_is_the_default(client, accept, language):
    response = client.get("/", headers={"Accept-Language": accept})
    assert html_lang(response) == language
    assert parse_page(response).meta["og:locale"] == {"en": "en_US", "es": "es_US"}[language]
    assert not response.headers.getlist("Set-Cookie"), "nothing is remembered without a choice"
    assert {"Accept-Language", "Cookie"} <= set(response.vary)


def test_a_page_kept_for_everyone_is_kept_once_per_language(client):
    english = client.get("/")
    assert client.get("/").get_data() == english.get_data(), "kept and answered from memory"
    spanish = client.get("/", headers=SPANISH)
    assert html_lang(spanish) == "es"
    assert spanish.headers["ETag"] != english.headers["ETag"]
    revalidated = client.get("/", headers={**SPANISH, "If-None-Match": english.headers["ETag"]})
    assert revalidated.status_code == 200 and html_lang(revalidated) == "es"


def test_the_choice_beats_the_browser_language(client):
    client.get("/language/en")
    assert html_lang(client.get("/tell-us", headers=SPANISH)) == "en"
    client.get("/language/es")
    response = client.get("/tell-us", headers={"Accept-Language": "en-US"})
    assert html_lang(response) == "es"
    assert "Cuéntenos algo" in parse_page(response).text


def test_spanish_pages_keep_the_department_details_and_english_legal_text(client):
    text = parse_page(client.get("/", headers=SPANISH)).text
    assert "Portal comunitario del Deerfield Police Department" in text
    assert "850 Waukegan Road" in text and NON_EMERGENCY in text and "police@deerfield.il.us" in text
    terms = client.get("/terms", headers=SPANISH)
    page = parse_page(terms)
    assert "Versión 1.1, vigente desde el 1 de junio de 2026." in page.text
    assert "Estas condiciones se publican solo en inglés." in page.text
    assert "contains obscenities, profanity or sexual content" in page.text, "the binding text stays as published"
    assert page.find_all("div", lang="en")
    assert "Estas condiciones se publican solo en inglés." not in parse_page(client.get("/terms")).text
    accounts = parse_page(client.get("/official-accounts", headers=SPANISH)).text
    assert "Facebook Deerfield Police Department https://www.facebook.com/DeerfieldPolice 1 de marzo de 2024" \
        in accounts


def assert_spanish_error_page(response, status: int, title: str) -> None:
    assert response.status_code == status
    assert html_lang(response) == "es"
    text = parse_page(response).text
    assert title in text
    assert f"Error {status}." in text
    assert BANNER_ES in text and NON_EMERGENCY in text
    assert "Si no, llame a la línea que no es de emergencia" in text


def test_not_found_and_wrong_method_pages_are_in_spanish(client):
    assert_spanish_error_page(client.get("/no-such-page", headers=SPANISH), 404, "Página no encontrada")
    assert_spanish_error_page(client.post("/terms", headers=SPANISH), 405, "Esa acción no está permitida aquí")


def test_an_oversized_upload_page_is_in_spanish(make_app):
    app = make_app("public", MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/reports/status", data={"reference": "x" * 4000}, headers=SPANISH)
    assert_spanish_error_page(response, 413, "Lo que adjuntó es demasiado grande")


def test_the_rate_limit_page_is_in_spanish(make_app):
    app = make_app("public", RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="1 per minute")
    client = app.test_client()
    client.get("/terms", headers=SPANISH)
    response = client.get("/terms", headers=SPANISH)
    assert_spanish_error_page(response, 429, "Demasiadas solicitudes")
    assert "Espere un minuto" in parse_page(response).text


def test_an_expired_form_page_is_in_spanish(make_app):
    app = make_app("public", WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/reports/screening", data={"emergency": "no"}, headers=SPANISH)
    assert_spanish_error_page(response, 400, "Este formulario venció")


def test_the_database_outage_page_is_in_spanish(make_app, tmp_path):
    app = make_app("public", create_schema=False, PORTAL_DATABASE_URL=f"sqlite:///{tmp_path}/no-such-folder/portal.db")
    response = app.test_client().get("/terms", headers=SPANISH)
    assert_spanish_error_page(response, 503, "Este servicio no está disponible por el momento")
    assert "no se puede recibir nada de lo que envíe" in parse_page(response).text


def test_api_errors_stay_in_english_for_programs(client):
    response = client.get("/api/v1/no-such-endpoint", headers=SPANISH)
    assert response.status_code == 404
    assert response.get_json()["error"] == "Page not found"


def test_form_messages_are_in_spanish_including_the_built_in_ones(make_tip_app):
    tipster = TipActions(make_tip_app().test_client())
    tipster.client.get("/language/es")
    text = parse_page(tipster.submit(latitude="95", longitude="nan", description="Un coche\x00 raro")).text
    assert "El número debe estar entre -90 y 90." in text, "WTForms' own message"
    assert "Escriba un número." in text
    assert "Esto contiene un carácter NUL, que no se puede guardar." in text
    assert "Number must be between" not in text and "Please enter a number." not in text


def test_the_back_office_stays_english_whatever_the_resident_site_chose(staff_app):
    client = staff_app.test_client()
    client.set_cookie("portal_language", "es")
    login = client.get("/login", headers=SPANISH)
    assert html_lang(login) == "en"
    text = parse_page(login).text
    assert "Skip to main content" in text and "Emergency? Call 911." in text
    assert not re.search(r"/language/", login.get_data(as_text=True)), "no switch in the back office"
    sign_in(client, create_staff(staff_app))
    missing = client.get("/no-such-page", headers=SPANISH)
    assert html_lang(missing) == "en" and "Page not found" in parse_page(missing).text
    assert client.get("/language/es", headers=SPANISH).status_code == 404


def test_the_departments_own_phrases_read_in_spanish_where_configuration_words_them(make_app):
    app = make_app("public", PORTAL_DEPARTMENT_WORDING={"es": {"maintained_by": "la Unidad de Comunicaciones"}})
    client = app.test_client()
    spanish = parse_page(client.get("/", headers=SPANISH)).text
    assert "Este sitio está a cargo de la Unidad de Comunicaciones." in spanish
    # No Spanish wording for the jurisdiction: it reads as configured.
    assert "Sitio web oficial de Village of Deerfield, Illinois" in spanish
    english = parse_page(client.get("/")).text
    assert "This site is maintained by the Deerfield Police Department's Communications Unit." in english
