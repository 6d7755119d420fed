"""Exit statuses of the ``kiosk`` command. Scripts and systemd depend on them: never renumber."""

OK = 0
"""Success (for ``sync --once``: the queue is empty; for ``doctor``: every check passed)."""
FAILURE = 1
"""The command ran but the answer is "no": checks failed, work left, nothing decoded."""
USAGE = 2
"""Bad arguments or a bad ``kiosk.toml``: one line on stderr names the problem."""
STORE_UNAVAILABLE = 3
"""The store is corrupt or set aside: the kiosk refuses new submissions until staff act."""
REFUSED = 4
"""The request was understood and refused for a stated reason (e.g. disk reserve reached)."""
SHUTDOWN_REQUESTED = 5
"""``kiosk run`` only: staff chose "Tắt máy an toàn" (or the power-fail input fired). The UI has
stopped cleanly; the service manager should power the device off rather than restart the UI."""
