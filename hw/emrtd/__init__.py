"""Read and verify the ICAO 9303 chip of a citizen ID card (CCCD gắn chip) or passport.

A self-contained protocol package: no Kivy, no store, nothing of ``appliance`` or ``sync``. All
cryptographic primitives come from ``cryptography`` (block ciphers, CMAC, hashes, ECDH, signature
checks) and ``asn1crypto`` (DER structures of the SOD); this package only glues them into the
protocol of ICAO Doc 9303 parts 10 and 11 (docs/identity.md).

Layers, lowest first: :mod:`~hw.emrtd.tlv` (BER-TLV), :mod:`~hw.emrtd.apdu` (commands and the
transport interface), :mod:`~hw.emrtd.sm` (secure messaging), :mod:`~hw.emrtd.bac` and
:mod:`~hw.emrtd.pace` (access control), :mod:`~hw.emrtd.files` (reading files in chunks),
:mod:`~hw.emrtd.lds` (EF.COM, DG1, DG13), :mod:`~hw.emrtd.sod` and :mod:`~hw.emrtd.passive`
(passive authentication), :mod:`~hw.emrtd.session` (a whole read), :mod:`~hw.emrtd.simcard`
(a card emulator speaking the same protocol, for tests, bench and demo).
"""
