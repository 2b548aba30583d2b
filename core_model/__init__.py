"""The core model: a C interpreter of RV32IM + Xzs with pipeline timing, caches and an
action-count energy model, behind a small Python facade."""
from .config import ConfigError, CoreConfig, load_config
from .faults import (AccessFault, Fault, FetchFault, IllegalInstruction, InstructionLimit,
                     Interrupted, MisalignedAccess, UnsafeSkip, UnsupportedEcall)
from .machine import AddressError, Machine, TraceError, TraceWindow
from .stats import Stats

__all__ = ["AccessFault", "AddressError", "ConfigError", "CoreConfig", "Fault", "FetchFault",
           "IllegalInstruction", "InstructionLimit", "Interrupted", "Machine",
           "MisalignedAccess", "Stats", "TraceError", "TraceWindow", "UnsafeSkip",
           "UnsupportedEcall", "load_config"]
