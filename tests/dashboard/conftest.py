import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The role-table world creates many users; a fast hasher keeps these view tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
