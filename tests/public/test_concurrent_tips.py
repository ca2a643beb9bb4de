"""Tips arriving together: the first ones of a new site all need the fallback unit, and one form sent twice at once."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Tip, Unit, WorkItem
from tests.helpers import TipActions


def test_a_tip_racing_another_request_to_create_the_fallback_unit_is_received(tip_app, database_url):
    """Found by the reliability suite: on PostgreSQL the loser of that race answered 500."""
    tipster = TipActions(tip_app.test_client())
    engine = sa.create_engine(database_url)
    try:
        with sa.orm.Session(engine) as other_request:
            other_request.add(Unit(name=tip_app.config["PORTAL_FALLBACK_UNIT"]))
            other_request.flush()
            with ThreadPoolExecutor(1) as pool:
                sending = pool.submit(tipster.submit)
                # The tip's insert of the same unit now waits on this uncommitted one.
                time.sleep(1)
                other_request.commit()
                response = sending.result(timeout=30)
    finally:
        engine.dispose()
    assert response.status_code == 200
    tip_number, _passphrase = tipster.credentials(response)
    with tip_app.app_context():
        units = db.session.scalars(db.select(Unit.name)).all()
        routed_to = db.session.scalars(db.select(Unit.name).join(WorkItem.unit)).all()
    assert units == [tip_app.config["PORTAL_FALLBACK_UNIT"]] == routed_to
    assert tip_number


def test_one_form_sent_twice_at_once_is_one_tip_and_both_answers_are_receipts(tip_app):
    """A double click whose two sends pass the duplicate check together: the loser's insert fails in
    routing's flush, before the commit, and must still be answered "already received", not 500."""
    tipster = TipActions(tip_app.test_client())
    assert tipster.submit().status_code == 200, "the fallback unit exists, so only the tip races"
    fields = {**tipster.form_fields(), "category": "drugs", "description": "One form, two sends."}
    together = threading.Barrier(2)

    def send():
        client = tip_app.test_client()
        together.wait()
        return client.post("/tips/new", data=fields, content_type="multipart/form-data")

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _send: send(), range(2)))
    assert [answer.status_code for answer in answers] == [200, 200]
    # One is the receipt with the passphrase, the other "already received" with the same number.
    assert sorted(b'data-receipt="passphrase"' in answer.data for answer in answers) == [False, True]
    numbers = {re.search(r'data-receipt="tip-number">([^<]+)<', answer.get_data(as_text=True)).group(1)
               for answer in answers}
    with tip_app.app_context():
        stored = db.session.scalars(db.select(Tip.tip_number).where(Tip.description == fields["description"])).all()
    assert len(numbers) == 1 and stored == list(numbers)
