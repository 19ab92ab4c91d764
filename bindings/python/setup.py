"""Packaging for the triage Python binding (ctypes over libtriage's C ABI).

A plain setup.py on purpose: with no pyproject.toml, pip builds with the setuptools already
installed (Debian's python3-setuptools) instead of downloading one into an isolated build
environment, so `pip install ./bindings/python` works offline."""
from setuptools import setup

setup(
    name="triage",
    version="0.4.0",
    description="Python binding (ctypes) of libtriage, which diagnoses customer-service tickets",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.8",
    packages=["triage"],
    # A packager may place the shared library next to the package (the second place looked at).
    package_data={"triage": ["libtriage.so*"]},
    classifiers=["Programming Language :: Python :: 3", "Operating System :: POSIX :: Linux"],
)
