"""The demo tray (``kiosk demo`` only): hold a sample ID card in front of the simulated camera,
put sample pages in the simulated scanner, take the printer's paper out. Every person is invented.

It is how a newcomer plays the citizen without any hardware; it never exists on a real kiosk.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView
from kivy.uix.scrollview import ScrollView

from appliance.ui.widgets import BigButton, Body

SAMPLE_CARDS = (
    "001088012345||Nguyễn Thị Mẫu|15031988|Nữ|Thôn Thử, xã Mẫu, tỉnh Mẫu|01012022",
    "079190001234|025123456|Trần Văn Thử|02091990|Nam|Số 12 đường Mẫu, phường Thử, thành phố Mẫu|"
    "15082021",
)
SAMPLE_BHYT = "DN4010120000001|4E677579E1BB856E|01/01/1980|2|4869|79-123|01/01/2024|-|0|"
SAMPLE_SLIP_HINT = "Mã QR của giấy hẹn vừa in"


class DemoTray(ModalView):
    def __init__(self, services: Any, **kwargs: Any) -> None:
        super().__init__(size_hint=(0.95, 0.95), **kwargs)
        self.services = services
        box = BoxLayout(orientation="vertical", size_hint_y=None, spacing=6, padding=6)
        box.bind(minimum_height=box.setter("height"))
        box.add_widget(Body(text="Máy ảnh mô phỏng — đưa thẻ vào:"))
        samples = self._camera().samples() if hasattr(self._camera(), "samples") else []
        for path in samples:  # the demo's sample folder (kiosk demo fills it)
            self._add(box, f"Mẫu: {path.stem}", lambda p=path: self._show_file(p))
        if not samples:
            for payload in SAMPLE_CARDS:
                name = payload.split("|")[2]
                self._add(box, f"Thẻ căn cước: {name}", lambda p=payload: self._show(p))
            self._add(box, "Thẻ bảo hiểm y tế (sai thẻ)", lambda: self._show(SAMPLE_BHYT))
        self._add(box, SAMPLE_SLIP_HINT, self._show_last_slip)
        self._add(box, "Bỏ thẻ ra", self._clear)
        if hasattr(self.services.devices.card_reader, "put"):  # the simulated chip reader
            box.add_widget(Body(text="Đầu đọc chip mô phỏng:"))
            self._add(box, "Đặt thẻ lên đầu đọc (người của mã QR vừa quét)", self._put_card)
            self._add(box, "Nhấc thẻ khỏi đầu đọc", self._lift_card)
        box.add_widget(Body(text="Máy quét mô phỏng:"))
        self._add(box, "Đặt 2 trang giấy vào khe quét", lambda: self._feed(2))
        box.add_widget(Body(text="Máy in mô phỏng:"))
        self._add(box, "Hết giấy", lambda: self._paper("out"))
        self._add(box, "Đã thay giấy", lambda: self._paper("ok"))
        self._add(box, "Đóng", self.dismiss, kind="primary")
        scroll = ScrollView(do_scroll_x=False)
        scroll.add_widget(box)
        self.add_widget(scroll)

    def _add(self, box: BoxLayout, text: str, action: Any, kind: str = "secondary") -> None:
        from kivy.app import App

        button = BigButton(text=text, kind=kind, size_hint_y=None,
                           height=App.get_running_app().ui.target)
        button.bind(on_release=lambda *_: action())
        box.add_widget(button)

    def _camera(self) -> Any:
        return self.services.devices.camera

    def _show(self, payload: str) -> None:
        self._camera().inject(payload)
        self.dismiss()

    def _show_file(self, path: Any) -> None:
        camera = self._camera()
        camera.show_sample(camera.samples().index(path))
        self.dismiss()

    def _clear(self) -> None:
        self._camera().clear()
        self.dismiss()

    def _show_last_slip(self) -> None:
        from appliance.domain.codes import slip_qr_url

        def show(records: list[Any]) -> None:
            if records:
                self._show(slip_qr_url(self.services.config.gateway.lookup_url, records[-1].code))

        self.services.on_store(self.services.store.all_dossiers, show, what="demo_last_slip")

    def _put_card(self) -> None:
        from kivy.app import App

        from appliance.app import chipcard

        person = App.get_running_app().session.identity
        if person is None:  # no QR scanned yet: the first sample card's person
            person = self.services.parse_card(SAMPLE_CARDS[0])
        config, reader = self.services.config, self.services.devices.card_reader
        self.services.on_devices(lambda: chipcard.put_demo_card(
            reader, person, config.sim_dir, config.trust_store_dir), what="demo_card")
        self.dismiss()

    def _lift_card(self) -> None:
        from appliance.app import chipcard

        chipcard.lift_demo_card(self.services.devices.card_reader)
        self.dismiss()

    def _feed(self, pages: int) -> None:
        self.services.devices.scanner.feed_samples(pages, seed=len(self.services._thumbs))
        self.dismiss()

    def _paper(self, state: str) -> None:
        from appliance.app.samples import set_paper

        set_paper(self.services.opened_devices, state)
        self.dismiss()
