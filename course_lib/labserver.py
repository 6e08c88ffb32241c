"""A Jupyter server extension that sends the kernel's small messages to the browser at once.

Why: every change of a widget makes the kernel send several small messages back (status busy,
the widget's new state, status idle). Jupyter Server's kernel websockets keep Nagle's algorithm
on, so once one small TCP segment is on its way, the next waits until the browser acknowledges
the first, and browsers delay acknowledgements by up to 40 ms. Measured on this workbook's
pointing explorers in JupyterLab (headless Chromium, localhost): the browser-to-kernel-and-back
time of one pointer move was 15 ms or 50-55 ms at random (median 53 ms); with TCP_NODELAY on the
kernel websocket it was 15-25 ms every time. The extension turns TCP_NODELAY on for every
kernel websocket the server opens; nothing else changes.

``./workbook lab`` enables it for its own server. On a JupyterHub, enable it for everyone with a
file ``etc/jupyter/jupyter_server_config.d/course_lib.json`` under the environment's prefix holding
``{"ServerApp": {"jpserver_extensions": {"course_lib.labserver": true}}}``, or pass
``--ServerApp.jpserver_extensions=course_lib.labserver=True`` to the single-user server. Colab and
VS Code run their own servers; the explorers work there without it, with the slower round trips.
"""

from __future__ import annotations

import functools
import inspect

__all__ = ["EXTENSION", "enable_nodelay"]

#: ``--ServerApp.jpserver_extensions`` value that loads this extension.
EXTENSION = "course_lib.labserver=True"


def _jupyter_server_extension_points():
    return [{"module": "course_lib.labserver"}]


def enable_nodelay(handler_class) -> bool:
    """Wrap ``handler_class.open`` so that each websocket it opens sets TCP_NODELAY first.

    Returns False if the class was already wrapped (loading the extension twice is harmless).
    """
    original = handler_class.open
    if getattr(original, "_course_lib_nodelay", False):
        return False

    @functools.wraps(original)
    async def open_without_delay(self, *args, **kwargs):
        self.set_nodelay(True)
        result = original(self, *args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result

    open_without_delay._course_lib_nodelay = True
    handler_class.open = open_without_delay
    return True


def _load_jupyter_server_extension(serverapp) -> None:
    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

    if enable_nodelay(KernelWebsocketHandler):
        serverapp.log.info("course_lib.labserver: kernel websockets send without delay "
                           "(TCP_NODELAY)")
