"""Notices, prevention tips and the crime map as a Spanish reader meets them: chosen with the
language switch (a cookie) or by the browser (Accept-Language), with Spanish dates and numbers,
and never mixed up with the English pages by the page cache."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from portal.extensions import db
from portal.models import Notice
from tests.helpers import parse_page
from tests.public.test_crime_map import ROWS, export_row, import_export
from tests.public.test_notices import EMERGENCY, publish

SPANISH = {"Accept-Language": "es"}
ENGLISH = {"Accept-Language": "en"}
TIP = "/prevention/home/lock-up-and-light-up"
CRIME_TABS = ("/crime-map/", "/crime-map/table", "/crime-map/trends", "/crime-map/about")


def language_of(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True))
    assert match, "the page names its language"
    return match.group(1)


def spanish_page(client, path: str):
    response = client.get(path, headers=SPANISH)
    assert response.status_code == 200, path
    assert language_of(response) == "es", path
    return parse_page(response)


def dated_notice(site, sergeant) -> int:
    """A notice posted on December 5, 2025 that runs to the end of 2099, so its dates are known."""
    notice_id = publish(sergeant, notice_type="road-closure", title="Deerfield Road closed",
                        summary="Closed between Waukegan Road and Wilmot Road.")
    with site.app_context():
        notice = db.session.get(Notice, notice_id)
        notice.published_at = datetime(2025, 12, 5, 18, 0, tzinfo=timezone.utc)
        notice.expires_at = datetime(2099, 12, 31, 18, 0, tzinfo=timezone.utc)
        db.session.commit()
    return notice_id


def test_the_notices_speak_spanish_with_spanish_dates(site, sergeant):
    notice_id = dated_notice(site, sergeant)
    visitor = site.test_client()
    listed = spanish_page(visitor, "/notices/")
    assert "Avisos y alertas" in listed.text and "Notices and alerts" not in listed.text
    assert "Cierre de calle" in listed.text and "Road closure" not in listed.text
    assert "Publicado el 5 de diciembre de 2025" in listed.text
    assert "Deerfield Road closed" in listed.text, "what staff wrote is shown as written"
    detail = spanish_page(visitor, f"/notices/{notice_id}")
    assert "31 de diciembre de 2099" in detail.text and "December" not in detail.text
    assert "Publicado por" in detail.text and "supervisor" in detail.text
    assert "Compartir este aviso" in detail.text and "Share this notice" not in detail.text
    share = detail.find_all("textarea", id="share-text")
    assert share, "the text to share is there"
    assert "Cierre de calle: Deerfield Road closed." in visitor.get(
        f"/notices/{notice_id}", headers=SPANISH).get_data(as_text=True)
    archive = spanish_page(visitor, "/notices/archive")
    assert "Avisos anteriores" in archive.text and "Todavía no hay avisos anteriores." in archive.text


def test_a_cancelled_notice_says_so_in_spanish(site, sergeant):
    notice_id = publish(sergeant, notice_type="general", title="Leaf collection starts",
                        summary="Crews work on Elm Street.")
    sergeant.post(f"/notices/{notice_id}/cancel", data={"note": "Postponed"})
    page = spanish_page(site.test_client(), f"/notices/{notice_id}")
    assert "Cancelado: Postponed" in page.text and "Cancelled" not in page.text
    assert "Actualizaciones" in page.text and "Publicado" in page.text


def test_the_missing_person_banner_names_its_kind_in_spanish(site, sergeant):
    publish(sergeant, notice_type="missing-person", title="Missing: Ana, 11", summary="Last seen near the library.",
            **EMERGENCY)
    home = site.test_client().get("/", headers=SPANISH)
    assert language_of(home) == "es"
    banner = re.search(r'<aside class="alert-banner".*?</aside>', home.get_data(as_text=True), re.S).group(0)
    assert "Persona desaparecida o en peligro:" in banner and "Missing or endangered person" not in banner
    assert "Missing: Ana, 11" in banner


def test_the_prevention_tips_speak_spanish_around_what_staff_wrote(site):
    visitor = site.test_client()
    index = spanish_page(visitor, "/prevention/")
    assert "Consejos de prevención del delito" in index.text and "Crime prevention tips" not in index.text
    assert "Buscar en los consejos de prevención" in index.text
    category = spanish_page(visitor, "/prevention/home/")
    assert "Consejos de prevención" in category.text and "Prevention tips" not in category.text
    tip = spanish_page(visitor, TIP)
    assert re.search(r"(Escrito por .+|Del .+)\.", tip.text) and "Written by" not in tip.text
    found = spanish_page(visitor, "/prevention/search?q=lock")
    assert re.search(r"\d+ consejo\(s\) para «lock»", found.text)
    none = spanish_page(visitor, "/prevention/search?q=zzzqqq")
    assert "Ningún consejo de prevención contiene todas esas palabras." in none.text


@pytest.fixture
def crime_site(site, tmp_path):
    import_export(site, tmp_path, ROWS)
    return site


def test_every_crime_map_tab_speaks_spanish(crime_site):
    visitor = crime_site.test_client()
    pages = {path: spanish_page(visitor, path) for path in CRIME_TABS}
    for path, page in pages.items():
        assert "Mapa" in page.text and "Tabla" in page.text and "Tendencias" in page.text, path
    crime_map = pages["/crime-map/"]
    assert "4 incidentes, del 6 de octubre de 2025 al 2 de noviembre de 2025" in crime_map.text
    assert "Robo en inmueble" in crime_map.text and "Burglary" not in crime_map.text
    assert "Categorías: todas" in crime_map.text and "Primer día" in crime_map.text
    table = visitor.get("/crime-map/table", headers=SPANISH).get_data(as_text=True)
    assert "Fecha y hora" in table and "Date and time" not in table
    assert "20 oct 2025," in table and "10:00 a.m.<" in table and "AM" not in table
    trends = pages["/crime-map/trends"]
    assert "Todas las categorías" in trends.text and "Inicio de semana" in trends.text
    assert "Incidentes por semana y categoría" in trends.text and "incidents per week" not in trends.text
    assert "de la semana del 6 de octubre de 2025" in trends.text, "the chart's description is Spanish"
    about = pages["/crime-map/about"]
    assert "Acerca de los datos de delitos" in about.text and "Advertencias" in about.text
    assert "Caveats" not in about.text


def test_a_mistyped_filter_is_explained_in_spanish(crime_site):
    page = crime_site.test_client().get("/crime-map/table?from=2025-13-40", headers=SPANISH)
    assert page.status_code == 400 and language_of(page) == "es"
    text = parse_page(page).text
    assert "Corrija el filtro marcado abajo." in text
    assert "Escriba la fecha como AAAA-MM-DD" in text and "Give the date" not in text


def test_counts_of_a_thousand_and_more_are_grouped_as_spanish_in_the_united_states_writes_them(site, tmp_path):
    thefts = [export_row(f"JC{number:06d}", f"2025-10-{7 + number % 20:02d}T{number % 24:02d}:05:00.000", "THEFT",
                         "RETAIL THEFT", "012XX N WAUKEGAN RD") for number in range(1200)]
    import_export(site, tmp_path, ROWS + thefts)
    visitor = site.test_client()
    assert "1,204 incidentes" in spanish_page(visitor, "/crime-map/").text
    assert "1,204 incidents" in parse_page(visitor.get("/crime-map/", headers=ENGLISH)).text
    totals = visitor.get("/crime-map/trends", headers=SPANISH).get_data(as_text=True)
    assert re.search(r'<th scope="row">Total</th><td>1,204</td>', totals), "every category, sensitive ones too"


@pytest.mark.parametrize("path", ("/", "/notices/", "/prevention/", TIP))
def test_the_page_cache_keeps_english_and_spanish_apart_by_browser_language(site, path):
    asked = []
    for headers, language in ((ENGLISH, "en"), (ENGLISH, "en"), (SPANISH, "es"), (SPANISH, "es"), (ENGLISH, "en"),
                              ({}, "en")):
        response = site.test_client().get(path, headers=headers)
        assert response.status_code == 200
        assert "Accept-Language" in response.headers.get("Vary", ""), path
        asked.append(language_of(response))
    assert asked == ["en", "en", "es", "es", "en", "en"]


@pytest.mark.parametrize("path", ("/notices/", TIP))
def test_the_page_cache_keeps_english_and_spanish_apart_by_chosen_language(site, path):
    visitor = site.test_client()
    assert language_of(visitor.get(path)) == "en"
    seen = []
    for language in ("es", "en", "es"):
        assert visitor.get(f"/language/{language}?next={path}").status_code == 303
        # The browser still asks for English: the choice made on the site wins.
        response = visitor.get(path, headers=ENGLISH)
        assert "Accept-Language" in response.headers.get("Vary", "")
        seen.append(language_of(response))
    assert seen == ["es", "en", "es"]


def test_an_english_copy_is_not_revalidated_for_a_spanish_reader(site):
    english = site.test_client().get("/notices/", headers=ENGLISH)
    again = site.test_client().get("/notices/", headers={**SPANISH, "If-None-Match": english.headers["ETag"]})
    assert again.status_code == 200 and language_of(again) == "es"
