"""One module + one kv file per screen; each module loads its own kv when imported."""
