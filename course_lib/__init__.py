"""course_lib: the tested helper library behind the RNN and CNN workbook.

The numeric modules (conv, kernels, activations, pooling, rnn, lstm, vgg, data, exercises) use
NumPy only and import no plotting or widget library, so assignments and tests can use them in
plain Python. ``course_lib.plotting`` draws matplotlib figures and ``course_lib.widgets`` holds
the ipywidgets explorers; import them explicitly.
"""

__version__ = "0.1.0"

import os as _os

# Keras 3 must run on PyTorch in this course; setting it here (before any keras import) makes
# `import course_lib` first enough. A backend chosen explicitly by the user is left alone.
_os.environ.setdefault("KERAS_BACKEND", "torch")


def __getattr__(name):
    # course_lib.set_size_budget(nbytes) / course_lib.size_budget(): the guard that refuses to
    # allocate arrays larger than the budget lives in _args (NumPy), imported only when asked
    if name in ("set_size_budget", "size_budget"):
        from . import _args

        return getattr(_args, name)
    raise AttributeError(f"module 'course_lib' has no attribute {name!r}")
