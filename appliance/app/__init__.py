"""The application layer: one module per use case, called by the UI, the commands and the daemon.

UI / commands / sync daemon → ``appliance.app`` → domain, store, hw, crypto (docs/decisions.md).
"""
