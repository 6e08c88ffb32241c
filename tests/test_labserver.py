"""The server extension that turns TCP_NODELAY on for kernel websockets (course_lib.labserver)."""

import asyncio

from course_lib import cli, labserver


def make_handler(is_async: bool):
    calls = []

    class Handler:
        def set_nodelay(self, value):
            calls.append(("nodelay", value))

        if is_async:
            async def open(self, kernel_id):
                calls.append(("open", kernel_id))
                return "opened"
        else:
            def open(self, kernel_id):
                calls.append(("open", kernel_id))
                return "opened"

    return Handler, calls


def test_every_websocket_sets_nodelay_before_it_opens():
    for is_async in (True, False):
        handler, calls = make_handler(is_async)
        assert labserver.enable_nodelay(handler) is True
        assert asyncio.run(handler().open("k1")) == "opened"
        assert calls == [("nodelay", True), ("open", "k1")]


def test_loading_twice_wraps_once():
    handler, calls = make_handler(True)
    assert labserver.enable_nodelay(handler) and not labserver.enable_nodelay(handler)
    asyncio.run(handler().open("k"))
    assert calls == [("nodelay", True), ("open", "k")]


def test_the_real_kernel_websocket_handler_is_wrapped_by_the_extension():
    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

    class Log:
        lines = []

        def info(self, text):
            self.lines.append(text)

    class App:
        log = Log()

    original = KernelWebsocketHandler.open
    try:
        labserver._load_jupyter_server_extension(App())
        assert KernelWebsocketHandler.open._course_lib_nodelay
        assert KernelWebsocketHandler.open.__wrapped__ is original
        assert any("TCP_NODELAY" in line for line in App.log.lines)
    finally:
        KernelWebsocketHandler.open = original
    assert labserver._jupyter_server_extension_points() == [{"module": "course_lib.labserver"}]


def test_workbook_lab_starts_jupyterlab_with_the_extension(tmp_path):
    cmd = cli.lab_command(tmp_path / "python", tmp_path, 8888, ["--foo"])
    assert "--ServerApp.jpserver_extensions=course_lib.labserver=True" in cmd
    assert cmd[-1] == "--foo"
