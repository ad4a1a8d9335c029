"""Hypothesis profiles for the property tests.

- ``dev`` (default): quick local runs.
- ``ci``: extends Hypothesis's own CI profile (derandomized, no database, no
  deadline, failure blobs printed); chosen automatically when ``CI`` is set.
  The whole suite stays well under two minutes on two cores.
- ``nightly``: thousands of examples per property (``make nightly``).
- ``mutants``: the ``ci`` examples without shrinking (``property_tests/mutate.py``).

``HYPOTHESIS_PROFILE`` overrides the choice.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "dev",
    max_examples=60,
    stateful_step_count=30,
    deadline=None,
    print_blob=True,
)
settings.register_profile(
    "ci",
    settings.get_profile("ci"),
    max_examples=60,
    stateful_step_count=30,
)
# For property_tests/mutate.py: the ci examples, not shrunk (only *whether* fails).
settings.register_profile(
    "mutants",
    settings.get_profile("ci"),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
settings.register_profile(
    "nightly",
    max_examples=3000,
    stateful_step_count=80,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)

settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
