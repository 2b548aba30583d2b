# Everything static is in pyproject.toml. Here: the packages, found under each top-level
# folder and namespaced by the folder's import name (DESIGN.md: zskip.isa -> isa/, ...),
# subpackages included; and the C core, compiled by cffi at install time (API mode).
from setuptools import find_packages, setup

PACKAGE_DIRS = {"zskip": "zskip", "zskip.isa": "isa", "zskip.core_model": "core_model",
                "zskip.kernels": "kernels", "zskip.compiler": "compiler",
                "zskip.suite": "suite",
                "zskip.traces": "traces"}

setup(
    package_dir=PACKAGE_DIRS,
    packages=[sub for name, folder in PACKAGE_DIRS.items()
              for sub in (name, *(f"{name}.{p}" for p in find_packages(folder)))],
    cffi_modules=["core_model/build_core.py:ffibuilder"],
)
