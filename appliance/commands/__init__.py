"""Sub-commands of ``kiosk`` that belong to the appliance itself (see ``appliance.cli``)."""
