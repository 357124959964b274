"""Hypothesis profiles: 'quick' by default, 'thorough' with MINIGRAD_HYPOTHESIS=thorough."""
import os

from hypothesis import HealthCheck, settings

settings.register_profile("quick", max_examples=15, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=300, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("MINIGRAD_HYPOTHESIS", "quick"))
