"""The General Order's required pages: home, terms and takedown policy, official accounts."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, request

from portal.language_choice import page_back, remember_language
from portal.public.page_cache import shared_page
from portal.services import department, terms

bp = Blueprint("pages", __name__)


@bp.get("/")
@shared_page
def home():
    return render_template("public/pages/home.html")


@bp.get("/language/<language>")
def choose_language(language: str):
    """A plain link, so the switch works without JavaScript; it leads back to the page it was on."""
    return remember_language(redirect(page_back(request.args.get("next")), 303), language)


@bp.get("/tell-us")
def tell_us():
    return render_template("public/pages/tell_us.html")


@bp.get("/terms")
def terms_current():
    return render_template("public/pages/terms_current.html", history=terms.terms_history(date.today()))


@bp.get("/terms/<version:version>")
def terms_version(version: str):
    return render_template("public/pages/terms_version.html", terms=terms.get_terms_version(version))


@bp.get("/official-accounts")
def official_accounts():
    return render_template("public/pages/official_accounts.html", accounts=department.list_official_accounts())
