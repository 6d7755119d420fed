"""Hardware seams (DESIGN §8): one narrow interface per device kind, real and simulated backends.

Nothing here imports ``appliance`` or ``sync``: the appliance side reads ``kiosk.toml`` and passes
plain strings, ints and paths to :mod:`hw.factory`. Hardware libraries (picamera2, pyusb, pyserial,
pycups, lgpio, scanimage, nmcli) are imported or executed only inside the backend that needs them,
so the package imports and tests on any machine.
"""
