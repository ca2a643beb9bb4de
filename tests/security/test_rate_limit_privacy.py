"""Rate-limit storage (memory or Redis) never holds a client's raw address."""

from __future__ import annotations

import redis

from tests.conftest import TEST_RATELIMIT_STORAGE_URI

ADDRESS = "198.51.100.77"


def stored_keys(app) -> list[str]:
    storage = app.extensions["portal.limiter"].storage
    if TEST_RATELIMIT_STORAGE_URI.startswith("redis"):
        client = redis.Redis.from_url(TEST_RATELIMIT_STORAGE_URI)
        keys = [key.decode() for key in client.scan_iter(f"*{app.config['RATELIMIT_KEY_PREFIX']}*")]
        client.close()
        return keys
    return list(storage.storage)


def test_limiter_keys_are_keyed_hashes_not_addresses(make_app):
    app = make_app("public", RATELIMIT_ENABLED=True)
    client = app.test_client()
    for path in ("/", "/terms", "/official-accounts"):
        assert client.get(path, environ_base={"REMOTE_ADDR": ADDRESS}).status_code == 200
    keys = stored_keys(app)
    assert len(keys) >= 3, "the test must see the stored counters to mean anything"
    assert not [key for key in keys if ADDRESS in key or ADDRESS.replace(".", "") in key]


def test_the_key_changes_with_the_secret_so_it_cannot_be_reversed_by_lookup(make_app):
    first = make_app("public", RATELIMIT_ENABLED=True, PORTAL_CLIENT_KEY_SECRET="a" * 40)
    second = make_app("public", RATELIMIT_ENABLED=True, PORTAL_CLIENT_KEY_SECRET="b" * 40)
    for app in (first, second):
        app.test_client().get("/", environ_base={"REMOTE_ADDR": ADDRESS})
    keys = [{key.replace(app.config["RATELIMIT_KEY_PREFIX"], "") for key in stored_keys(app)} for app in (first, second)]
    assert keys[0] and keys[0].isdisjoint(keys[1])


def test_the_client_key_rotates_every_day():
    from datetime import date

    from portal.security import client_key_for

    monday = client_key_for(ADDRESS, date(2026, 11, 23), "s" * 40)
    assert monday == client_key_for(ADDRESS, date(2026, 11, 23), "s" * 40)
    assert monday != client_key_for(ADDRESS, date(2026, 11, 24), "s" * 40)
    assert monday != client_key_for("198.51.100.78", date(2026, 11, 23), "s" * 40)
    assert ADDRESS not in monday
