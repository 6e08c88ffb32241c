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
