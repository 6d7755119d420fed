"""The few definitions every package shares: the bilingual error and the font look-up.

It sits below ``appliance``, ``hw`` and ``sync`` and imports none of them, so the device seams
(which may not import the appliance) and the domain (which may not import the seams) can use the
same error base and find the same fonts (docs/decisions.md, "One base below every package").
"""
