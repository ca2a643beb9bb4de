"""Importing crime data exports in the back office (records staff and admins).

The same import as the ``incidents import`` command: the layout is recognised from the header
or read from a mapping file, and the report lists what changed and every row skipped, with why.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, request, session
from werkzeug.utils import secure_filename

from portal.exceptions import InvalidInput
from portal.models import StaffRole
from portal.services import incident_import
from portal.services.crime_privacy import PrivacyRules
from portal.services.incident_sources import BUILT_IN, MAPPING_HELP, SourceProfile, load_mapping
from portal.staff.decorators import role_required
from portal.staff.forms import IncidentImportForm, show_service_error

bp = Blueprint("incident_imports", __name__, url_prefix="/incidents")

importers_only = role_required(StaffRole.ADMIN, StaffRole.RECORDS)


@bp.url_value_preprocessor
def allow_large_exports(endpoint: str | None, values: dict | None) -> None:
    """Exports outgrow MAX_CONTENT_LENGTH, so the upload has its own limit. It must be set before
    the CSRF check, a before_request hook, reads the body: URL value preprocessors run earlier.
    Only a request with a signed staff session gets it; the view then checks the role."""
    if endpoint == "incident_imports.upload" and "session_token" in session:
        request.max_content_length = current_app.config["PORTAL_INCIDENT_UPLOAD_MAX_BYTES"]


def render_index(form: IncidentImportForm):
    config = current_app.config
    return render_template(
        "staff/incident_imports/index.html", form=form, imports=incident_import.recent_imports(),
        profiles=BUILT_IN, mapping_help=MAPPING_HELP, grid_metres=config["PORTAL_CRIME_GRID_METRES"],
        limit_mib=config["PORTAL_INCIDENT_UPLOAD_MAX_BYTES"] // (1024 * 1024),
    ), 400 if form.errors else 200


def chosen_mapping(form: IncidentImportForm) -> SourceProfile | None:
    mapping = form.mapping.data
    if not (mapping and mapping.filename):
        return None
    return load_mapping(mapping.read(), mapping.filename, current_app.config["PORTAL_TIMEZONE"])


@bp.get("/")
@importers_only
def index():
    return render_index(IncidentImportForm())


@bp.post("/upload")
@importers_only
def upload():
    form = IncidentImportForm()
    if form.validate_on_submit():
        export = form.file.data
        file_name = secure_filename(export.filename or "") or "export.csv"
        try:
            report = incident_import.import_incidents(
                export.stream, file_name, PrivacyRules.from_config(current_app.config),
                profile=chosen_mapping(form), dry_run=form.dry_run.data, imported_by=g.staff)
        except InvalidInput as error:
            show_service_error(form, error, "file")
        else:
            return render_template("staff/incident_imports/upload.html", report=report, file_name=file_name)
    return render_index(form)
