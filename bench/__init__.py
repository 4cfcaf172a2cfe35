"""Benchmarks: reported numbers, never tests. ``make bench`` or ``python -m bench``."""

import os

from service.demo import DEMO_CONTROLLER

# Every installation names the controller of the debtors' data (GDPR Art. 13/14) to start: the
# benchmarks' processes (and the servers and commands they start) use the demo's unless set.
for _name, _value in DEMO_CONTROLLER.items():
    os.environ.setdefault(f"FAIRDUN_{_name}", _value)
