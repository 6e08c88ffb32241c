"""``python -m course_lib``: the workbook's one way in, on Linux, macOS and Windows.

Kept parseable by old interpreters on purpose: the Python version is checked before anything
else is imported, so Python 3.9 gets one clear line instead of a traceback or a pip error.
"""

import sys

if sys.version_info < (3, 11):  # noqa: UP036 - the point: old interpreters run this file
    sys.stderr.write(
        "course_lib needs Python 3.11 or newer; this is Python %d.%d.%d (%s). Run it with a newer "
        "interpreter, e.g. PYTHON=python3.11 ./workbook setup or py -3.11 -m course_lib setup.\n"
        % (sys.version_info[0]  # noqa: UP031 - %-format parses on Python 2 too, sys.version_info[1], sys.version_info[2], sys.executable))
    sys.exit(2)

from course_lib.cli import main  # noqa: E402

sys.exit(main())
