"""The kiosk appliance: domain rules, store, configuration, sealing and the ``kiosk`` command."""

__version__ = "0.1.0"
