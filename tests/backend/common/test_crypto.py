"""Field encryption with a list of keys (the first encrypts, all decrypt) and a stable index key."""

import base64
import hashlib
import hmac
import logging

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from backend.common import crypto

NUMBER = "11010519491231002X"
OLD = "the-old-field-key-0123456789abcdefghijklmnop"
NEW = "the-new-field-key-0123456789abcdefghijklmnop"


def _legacy_encrypt(material: str, value: str) -> str:
    """What the single-key version wrote: a Fernet key derived by sha256 from one secret."""
    digest = hashlib.sha256(b"skillbridge-fernet:" + material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest)).encrypt(value.encode()).decode()


def _legacy_blind_index(material: str, value: str) -> str:
    return hmac.new(b"skillbridge-index:" + material.encode(), value.encode(), hashlib.sha256).hexdigest()


def test_rotating_the_field_encryption_key_keeps_old_values_readable(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    old_token = crypto.encrypt(NUMBER)

    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]  # a new key first: it encrypts, both decrypt
    assert crypto.decrypt(old_token) == NUMBER
    new_token = crypto.encrypt(NUMBER)
    assert not crypto.is_under_newest_key(old_token)
    assert crypto.is_under_newest_key(new_token)

    rotated = crypto.rotate(old_token)
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key removed once every row moved
    assert crypto.decrypt(rotated) == crypto.decrypt(new_token) == NUMBER
    with pytest.raises(crypto.InvalidToken):
        crypto.decrypt(old_token)


def test_data_encrypted_with_the_single_key_still_reads(settings):
    """The legacy FIELD_ENCRYPTION_KEY keeps working, alone or after a new list."""
    token = _legacy_encrypt(OLD, NUMBER)
    settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_ENCRYPTION_KEY = [], OLD
    assert crypto.decrypt(token) == NUMBER
    assert crypto.is_under_newest_key(crypto.encrypt(NUMBER))

    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the list first, the single key still decrypts
    assert crypto.decrypt(token) == NUMBER
    assert not crypto.is_under_newest_key(token)
    assert crypto.decrypt(crypto.encrypt(NUMBER)) == NUMBER


def test_data_encrypted_under_the_secret_key_derivation_still_reads_in_local(settings):
    """`local` derived the key from SECRET_KEY; it keeps SECRET_KEY as its last, decrypt-only key."""
    secret = "dev-only-insecure-key-change-me-0123456789abcdefghij"
    token = _legacy_encrypt(secret, NUMBER)
    settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_ENCRYPTION_KEY = [NEW, secret], ""
    assert crypto.decrypt(token) == NUMBER
    assert crypto.is_under_newest_key(crypto.rotate(token))


def test_the_blind_index_does_not_change_when_the_encryption_keys_rotate(settings):
    settings.FIELD_INDEX_KEY = "an-index-key-of-its-own-0123456789abcdef"
    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    before = crypto.blind_index(NUMBER)
    settings.FIELD_ENCRYPTION_KEYS = [NEW, OLD]
    assert crypto.blind_index(NUMBER) == before
    settings.FIELD_ENCRYPTION_KEYS = [NEW]
    assert crypto.blind_index(NUMBER) == before != crypto.blind_index("440101199001011234")


def test_the_index_key_defaults_to_the_legacy_key_so_existing_hashes_stay_valid(settings):
    settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_ENCRYPTION_KEY, settings.FIELD_INDEX_KEY = [NEW], OLD, ""
    assert crypto.blind_index(NUMBER) == _legacy_blind_index(OLD, NUMBER)


def test_no_configured_key_is_a_configuration_error_not_a_silent_default(settings):
    settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_ENCRYPTION_KEY, settings.FIELD_INDEX_KEY = [], "", ""
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt(NUMBER)
    with pytest.raises(ImproperlyConfigured):
        crypto.blind_index(NUMBER)


@pytest.mark.django_db
def test_an_id_number_no_key_opens_shows_masked_and_logs_without_the_value(settings, caplog):
    from tests.factories import WorkerProfileFactory

    settings.FIELD_ENCRYPTION_KEYS = [OLD]
    worker = WorkerProfileFactory(id_number=NUMBER)
    settings.FIELD_ENCRYPTION_KEYS = [NEW]  # the old key removed too early
    with caplog.at_level(logging.WARNING):
        assert worker.reveal_id_number() == worker.id_number_masked == "1101**********002X"
    assert f"worker profile {worker.pk}" in caplog.text
    assert NUMBER not in caplog.text
    assert worker.id_number_encrypted not in caplog.text
