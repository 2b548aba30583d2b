# The C core is compiled by cffi at install time (API mode); everything else is in
# pyproject.toml.
from setuptools import setup

setup(cffi_modules=["core_model/build_core.py:ffibuilder"])
