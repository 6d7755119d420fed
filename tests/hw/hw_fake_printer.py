"""A loopback TCP "printer" on 127.0.0.1 that records ESC/POS bytes and answers DLE EOT queries.

It walks the byte stream the way a printer does (skipping ``GS v 0`` raster data by its declared
size), so raster bytes that happen to look like a status query are not answered.
"""

from __future__ import annotations

import socket
import threading


class LoopbackPrinter:
    def __init__(self, online: bytes | None = b"\x12", paper: bytes | None = b"\x12") -> None:
        self.answers = {1: online, 4: paper}
        self.received = bytearray()
        self.queries: list[int] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.done = threading.Event()
        self.connections = 0
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def spec(self) -> str:
        return f"network:127.0.0.1:{self.port}"

    def _serve(self) -> None:
        """Connections one after another, as a printer's single raw port takes them."""
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:  # closed by the test
                break
            pos = len(self.received)
            with conn:
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    with self._cond:
                        self.received += chunk
                    pos = self._walk(conn, pos)
            with self._cond:
                self.connections += 1
                self._cond.notify_all()
        self.done.set()

    def wait_connections(self, count: int, timeout: float = 10) -> bool:
        """True once ``count`` client connections have been closed by the client."""
        with self._cond:
            return self._cond.wait_for(lambda: self.connections >= count, timeout)

    def _walk(self, conn: socket.socket, pos: int) -> int:
        data = self.received
        while pos < len(data):
            if data[pos : pos + 3] == b"\x1dv0":
                if len(data) < pos + 8:
                    return pos
                size = (data[pos + 4] | data[pos + 5] << 8) * (data[pos + 6] | data[pos + 7] << 8)
                if len(data) < pos + 8 + size:
                    return pos
                pos += 8 + size
            elif data[pos : pos + 2] == b"\x10\x04":
                if len(data) < pos + 3:
                    return pos
                n = data[pos + 2]
                self.queries.append(n)
                answer = self.answers.get(n)
                if answer is not None:
                    conn.sendall(answer)
                pos += 3
            else:
                pos += 1
        return pos

    def close(self) -> None:
        self._server.close()
