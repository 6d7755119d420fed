"""Pure rules of the kiosk: catalogue, ID-card QR, calendar and due dates, dossier codes, the slip,
ratings (docs/domain.md). No Kivy, hardware, network, store or UI import: see
tests/domain/test_purity.py."""
