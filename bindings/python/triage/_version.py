"""Versions of the Python package and of the C ABI it was written against."""

__version__ = "0.4.0"

#: The C ABI generation this package speaks (``TRIAGE_ABI_VERSION`` in ``triage/version.h``);
#: the loaded library's ``triage_abi_version()`` must equal it.
ABI_VERSION = 1

#: The oldest library this package works with (``triage_version_number()``, major * 10000 +
#: minor * 100 + patch): it calls functions added in 0.3.
MIN_VERSION_NUMBER = 300
