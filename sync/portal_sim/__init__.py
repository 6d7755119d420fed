"""The reference gateway (DESIGN §7): a real HTTP server implementing docs/gateway-api.yaml, with
its own SQLite database, the portal key pair, seeded fault injection and an admin API."""
