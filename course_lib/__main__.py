"""``python -m course_lib``: the workbook's one way in, on Linux, macOS and Windows.

Kept parseable by old interpreters on purpose: the Python version is checked before anything
else is imported, so Python 3.9 (or even 2.7) gets one clear line instead of a traceback or a
pip error. The %-format below is there because it parses on Python 2 too.
"""

import sys

if sys.version_info < (3, 11):  # noqa: UP036 - the point: old interpreters run this file
    found = "%d.%d.%d" % tuple(sys.version_info[:3])  # noqa: UP031
    sys.stderr.write(
        "course_lib needs Python 3.11 or newer; this is Python " + found + " (" + sys.executable
        + "). Run it with a newer interpreter: PYTHON=python3.11 ./workbook setup, or "
        "py -3.11 -m course_lib setup.\n")
    sys.exit(2)

from course_lib.cli import main  # noqa: E402

sys.exit(main())
