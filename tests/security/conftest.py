# The authorization matrix's world (every app's objects, files included) serves these tests too.
import os

from hypothesis import HealthCheck, settings

from tests.csa_portal.test_authorization_matrix import _module_world, world  # noqa: F401

# Fuzzing stays cheap enough for every run; CI replays the same examples (derandomize) so a
# failure there is reproducible. HYPOTHESIS_PROFILE=thorough digs deeper on demand.
_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    "derandomize": bool(os.environ.get("CI")),
    "database": None,
}
settings.register_profile("portal", max_examples=25, **_COMMON)
settings.register_profile("thorough", max_examples=500, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "portal"))
