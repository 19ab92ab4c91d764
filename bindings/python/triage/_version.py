"""Versions of the Python package and of the C ABI it was written against."""

__version__ = "0.2.0"

#: The C ABI generation this package speaks (``TRIAGE_ABI_VERSION`` in ``triage/version.h``);
#: the loaded library's ``triage_abi_version()`` must equal it.
ABI_VERSION = 1
