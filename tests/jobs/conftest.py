from tests.dashboard.conftest import fast_password_hashing  # noqa: F401
