"""The application layer: each use case of the kiosk, once (docs/architecture.md).

The touch UI, the ``kiosk`` commands and the sync daemon call these plain, typed functions; they
hold no Kivy and start no threads (the UI moves calls onto its worker threads itself). Below them
are the domain rules, the store, the hardware seams, the crypto and the gateway client.
"""
