"""The base of every error zskip reports to a user (bad input, a faulting program).

The command line prints these as one clear message and exits with the error's
`exit_status` (README.md, "Exit status"); anything else reaching the top is a bug in
zskip and keeps its traceback.
"""


class ZskipError(Exception):
    """An error caused by the user's input, reported without a traceback.

    `located` errors already begin with `file:line:col: error:` (compiler style) and
    are printed as they are; the others get a `zskip CMD: error:` prefix."""

    located = False
    exit_status = 125   # zskip could not do what was asked (bad usage, input or config)
