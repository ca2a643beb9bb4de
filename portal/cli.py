"""``flask --app portal <command>``: thin wrappers over services, for operators."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta, timezone

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from portal.exceptions import InvalidInput
from portal.models import StaffRole
from portal.services import audit, casework, outbox, reports, retention, sms, sms_delivery
from portal.services.crime_privacy import PrivacyRules
from portal.services.demo_incidents import seed_demo_incidents
from portal.services.incident_import import ImportReport, import_incidents
from portal.services.incident_sources import PROFILES, load_mapping
from portal.services.department import store_profile
from portal.services.instance_secrets import write_missing_secrets
from portal.services.seeding import seed_demo
from portal.services.staff_accounts import create_staff_account


@click.command("init-secrets")
@with_appcontext
def init_secrets_command() -> None:
    """Write random secrets for both zones into the instance folder, keeping existing ones."""
    written = write_missing_secrets(current_app.instance_path)
    if written:
        click.echo(f"Wrote {', '.join(written)} in {current_app.instance_path}")
    else:
        click.echo("Every secret is already set; nothing written.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Seed the department profile, accounts, terms and prevention tips where none exist."""
    seeded = seed_demo(current_app.config["PORTAL_DEPARTMENT"], current_app.config["PORTAL_OFFICIAL_ACCOUNTS"])
    click.echo(f"Seeded: {', '.join(seeded)}." if seeded else "The database already has content; nothing seeded.")


@click.group("department", cls=AppGroup)
def department_group() -> None:
    """The department profile shown on every page."""


@department_group.command("load-config")
def load_department_command() -> None:
    """Overwrite the stored profile with PORTAL_DEPARTMENT from configuration."""
    profile = store_profile(current_app.config["PORTAL_DEPARTMENT"])
    click.echo(f"Stored the profile of the {profile.name}.")


@click.group("outbox", cls=AppGroup)
def outbox_group() -> None:
    """E-mail and text messages waiting in the transactional outbox."""


@outbox_group.command("send")
@click.option("--every", type=float, default=0, help="Keep running, sending every N seconds (0: once).")
def send_outbox_command(every: float) -> None:
    """Send every message that is due; failures stay queued and are retried later.

    Texts to tipsters go too when text-a-tip is on; they need the public zone's number key.
    """
    settings = outbox.mail_settings_from(current_app.config)
    text_settings = sms_delivery.text_settings_from(current_app.config)
    while True:
        result = outbox.deliver_due(settings)
        click.echo(f"Sent {result.sent}, failed {result.failed}, {result.pending} waiting.")
        if text_settings is not None:
            texts = sms_delivery.deliver_due_texts(text_settings)
            click.echo(f"Texts: sent {texts.sent}, failed {texts.failed}, {texts.pending} waiting.")
        if not every:
            return
        time.sleep(every)


@click.group("reports", cls=AppGroup)
def reports_group() -> None:
    """Online reports."""


@reports_group.command("expire")
def expire_reports_command() -> None:
    """Delete reports left waiting for the reporter's answer past PORTAL_REPORT_INFO_DAYS."""
    config = current_app.config
    count = reports.expire_unanswered_reports(timedelta(days=config["PORTAL_REPORT_INFO_DAYS"]),
                                              config["PORTAL_UPLOAD_FOLDER"], config["PORTAL_SITE_URL"].rstrip("/"))
    click.echo(f"Expired and deleted {count} report(s).")


@click.group("casework", cls=AppGroup)
def casework_group() -> None:
    """Deadlines and digests for the back office (run from cron)."""


@casework_group.command("escalate")
def escalate_command() -> None:
    """E-mail the unit supervisors of every newly overdue item (run every few minutes)."""
    count = casework.escalate_overdue(current_app.config["PORTAL_BACK_OFFICE_URL"])
    click.echo(f"Escalated {count} overdue item(s).")


@casework_group.command("digest")
def digest_command() -> None:
    """E-mail each supervisor the counts of their unit's queue (run daily)."""
    count = casework.send_daily_digest(current_app.config["PORTAL_BACK_OFFICE_URL"])
    click.echo(f"Queued the digest for {count} supervisor(s).")


@click.group("staff", cls=AppGroup)
def staff_group() -> None:
    """Manage staff accounts."""


def read_password() -> str:
    """One line from standard input when it is piped, otherwise a hidden prompt asked twice."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@staff_group.command("create")
@click.option("--email", required=True, help="Sign-in e-mail address.")
@click.option("--name", "display_name", required=True, help="Name shown on everything this person does.")
@click.option("--role", required=True, type=click.Choice([role.value for role in StaffRole]))
@click.option("--unit", default="", help="Unit the person belongs to; created if new.")
def create_staff_command(email: str, display_name: str, role: str, unit: str) -> None:
    """Create a named, enrolled staff account; the password is read from standard input or a prompt.

    Prints the otpauth:// URI to load into the person's authenticator app: show it to them only.
    """
    try:
        created = create_staff_account(email, display_name, role, read_password(), unit_name=unit, enroll=True,
                                       issuer=current_app.config["PORTAL_DEPARTMENT"]["short_name"])
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    user = created.user
    click.echo(f"Created {user.role.value} account for {user.display_name} <{user.email}>.")
    click.echo(f"Authenticator app URI (keep it secret): {created.otpauth_uri}")


@click.group("audit", cls=AppGroup)
def audit_group() -> None:
    """The audit log."""


@audit_group.command("verify")
def verify_audit_command() -> None:
    """Check that no audit entry was changed or removed; exits 1 if one was."""
    check = audit.verify_chain()
    if not check.intact:
        raise click.ClickException(f"The audit chain is broken at entry {check.first_broken_id}.")
    click.echo(f"The audit chain of {check.entries} entries is intact.")


@click.group("incidents", cls=AppGroup)
def incidents_group() -> None:
    """Crime incidents for the public map and open data."""


def echo_import_report(report: ImportReport) -> None:
    verb = "Would import" if report.dry_run else "Imported"
    click.echo(f"{verb} {report.incidents} incident(s) from {report.rows_read} row(s) with the {report.profile} "
               f"layout (source {report.source}): {report.inserted} new, {report.updated} updated, "
               f"{report.unchanged} unchanged.")
    click.echo(f"{report.merged_rows} row(s) merged into an incident listed earlier in the file; "
               f"{report.without_point} incident(s) without a usable point; {report.area_only} sensitive one(s) "
               f"shown by area only, {report.withheld} withheld.")
    if report.skipped:
        click.echo(f"Skipped {report.skipped} row(s):")
        for reason, count in report.skip_reasons.most_common():
            click.echo(f"  {count} x {reason}")
        for line, reason in report.skipped_rows:
            click.echo(f"  line {line}: {reason}")
        if report.skipped > len(report.skipped_rows):
            click.echo(f"  ... and {report.skipped - len(report.skipped_rows)} more")


@incidents_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False),
              help="JSON or TOML file naming the columns of a layout with no built-in profile.")
@click.option("--profile", type=click.Choice(sorted(PROFILES)), help="Use this layout instead of detecting it.")
@click.option("--dry-run", is_flag=True, help="Report what would change and change nothing.")
def import_incidents_command(file: str, mapping: str | None, profile: str | None, dry_run: bool) -> None:
    """Import a records-system export (CSV) into the public crime data, generalized; safe to repeat."""
    config = current_app.config
    try:
        layout = PROFILES[profile] if profile else None
        if mapping:
            with open(mapping, "rb") as mapping_file:
                layout = load_mapping(mapping_file.read(), mapping, config["PORTAL_TIMEZONE"])
        with open(file, "rb") as stream, click.progressbar(length=os.path.getsize(file), label="Reading",
                                                           file=sys.stderr) as bar:
            report = import_incidents(stream, os.path.basename(file), PrivacyRules.from_config(config),
                                      profile=layout, dry_run=dry_run,
                                      progress=lambda position: bar.update(position - bar.pos))
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    echo_import_report(report)


@incidents_group.command("demo")
def demo_incidents_command() -> None:
    """Import made-up incidents around the map's centre, for trying the portal; only into an empty table.
    Never on a live site: its public map would show them."""
    config = current_app.config
    report = seed_demo_incidents(PrivacyRules.from_config(config), tuple(config["PORTAL_MAP_CENTER"]),
                                 datetime.now(timezone.utc))
    if report is None:
        click.echo("The database already has incidents; no demo incidents added.")
        return
    echo_import_report(report)


@click.group("retention", cls=AppGroup)
def retention_group() -> None:
    """Records retention schedule and purge."""


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="List what is due and delete nothing.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Apply the schedule as of this day (UTC midnight) instead of now.")
@click.option("--batch-size", default=100, show_default=True, type=click.IntRange(min=1),
              help="Records deleted per transaction.")
def retention_run_command(dry_run: bool, as_of: datetime | None, batch_size: int) -> None:
    """Purge what the retention schedule says is due, never a record on legal hold (run daily)."""
    config = current_app.config
    now = as_of.replace(tzinfo=timezone.utc) if as_of else datetime.now(timezone.utc)
    report = retention.purge_due(now, dry_run, batch_size, upload_folder=config["PORTAL_UPLOAD_FOLDER"],
                                 media_folder=config["PORTAL_MEDIA_FOLDER"])
    verb = "Would delete" if dry_run else "Deleted"
    if not dry_run:
        closed = sms.close_idle_conversations(config["PORTAL_SMS_IDLE_DAYS"], now)
        click.echo(f"Closed {closed} idle text conversation(s); their numbers are deleted.")
    for purged in report.purged:
        click.echo(f"{verb} {purged.kind} {purged.label} ({purged.rule})")
    for purged in report.audit_purged:
        click.echo(f"{verb} audit {purged.label} ({purged.rule}); a checkpoint entry names the last one.")
    for kept in report.kept:
        click.echo(f"Kept: {kept}")
    click.echo(f"Legal holds in force: {retention.holds_in_force()} (held submissions are never purged).")
    click.echo(f"{verb} {len(report.purged)} record(s)" + ("." if dry_run else f" in {report.batches} batch(es)."))


def init_app(app: Flask) -> None:
    app.cli.add_command(init_secrets_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(department_group)
    app.cli.add_command(outbox_group)
    app.cli.add_command(reports_group)
    app.cli.add_command(staff_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(casework_group)
    app.cli.add_command(incidents_group)
    app.cli.add_command(retention_group)
