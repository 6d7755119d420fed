# ruff: noqa: E501  (citizen sentences are kept whole so they read as one thought)
"""Every word a citizen or field staff member reads on screen or hears, in Vietnamese (NFC).

One catalogue so a reviewer can read the whole voice of the kiosk in one place and a test can check
that every string is NFC with full diacritics. Screens and kv files refer to these names only.
Staff-facing English reasons (logs, stable codes) stay with the code that raises them.
"""

from __future__ import annotations

# --- everywhere
BACK = "Quay lại"
CANCEL = "Hủy"
NEXT = "Tiếp tục"
OK = "Đồng ý"
DONE_KEY = "Xong"
YES = "Có"
NO = "Không"
CLOSE = "Đóng"
STEP = "Bước {n}/{total}"
VOICE_ON = "Đọc hướng dẫn: bật"
VOICE_OFF = "Đọc hướng dẫn: tắt"
WAIT = "Xin chờ một chút…"
CANCEL_ASK = "Bạn muốn hủy? Mọi thông tin bạn đã nhập sẽ bị xóa."
CANCEL_YES = "Hủy, xóa hết"
CANCEL_NO = "Không, làm tiếp"

# --- journey steps (progress bar)
STEPS = ("Chọn thủ tục", "Giấy tờ tùy thân", "Điền tờ khai", "Quét giấy tờ", "Kiểm tra", "Xác nhận")

# --- inactivity
STILL_THERE = "Bạn còn ở đây không?"
COUNTDOWN = "Để bảo vệ thông tin của bạn, máy sẽ xóa những gì bạn đã làm sau {s} giây."
STILL_HERE = "Tôi vẫn ở đây"

# --- welcome / attract
APP_TITLE = "Nộp hồ sơ tự phục vụ"
WELCOME = "Xin chào! Bạn cần làm gì?"
WELCOME_SAY = "Xin chào. Hãy chạm vào việc bạn cần làm."
SUBMIT = "Nộp hồ sơ"
TRACK = "Tra cứu hồ sơ"
RATE = "Đánh giá"
HELP = "Gọi cán bộ"
ATTRACT = "Chạm vào màn hình để bắt đầu"
ATTRACT_SUB = "Nộp hồ sơ thủ tục hành chính — không cần xếp hàng"
DEMO_TRAY = "Thử nghiệm"
# ui-chrome
HOME = "Về màn hình đầu"
TIME_MORE = "Thời gian, chi tiết"
FEE_MORE = "Lệ phí, chi tiết"
PAGE_PREV = "Trước"
PAGE_NEXT = "Sau"
PAGE_OF = "{n}/{total}"

# --- catalogue
CATALOGUE_TITLE = "Chọn thủ tục bạn cần"
CATALOGUE_SAY = "Hãy chọn lĩnh vực, rồi chọn thủ tục bạn cần làm."
SEARCH = "Tìm thủ tục"
SEARCH_HINT = "Gõ vài chữ, ví dụ: khai sinh"
ALL_FIELDS = "Tất cả"
NO_MATCH = "Không tìm thấy thủ tục nào. Hãy gõ ít chữ hơn hoặc chọn lĩnh vực khác."
CATALOGUE_MISSING = "Danh mục thủ tục chưa sẵn sàng. Hãy gọi cán bộ để được giúp."

# --- procedure details
DETAIL_SAY = "Đây là các giấy tờ bạn cần có. Nếu đủ giấy tờ, chạm Bắt đầu."
COMPONENTS = "Giấy tờ cần có"
TIME_LIMIT = "Bao lâu có kết quả"
FEE = "Lệ phí"
START = "Bắt đầu"
ORIGINAL = "bản chính"
COPY = "bản sao"
OPTIONAL = "nếu có"

# --- identity
ID_TITLE = "Đưa mã QR trên thẻ căn cước vào trước máy ảnh"
ID_SAY = "Hãy đưa mã QR trên thẻ căn cước của bạn lại gần máy ảnh và giữ yên."
ID_GUIDE = "Giữ thẻ cách máy ảnh một gang tay, mã QR hướng vào máy ảnh. Có thể dùng mã QR trong ứng dụng VNeID."
ID_MANUAL = "Nhập số thẻ"
ID_FOUND = "Đã đọc được thẻ của: {name}"
ID_CAMERA_FAIL = "Máy ảnh đang không dùng được. Hãy chạm \"Nhập số thẻ\" để nhập số thẻ căn cước, hoặc gọi cán bộ."
ID_READ_FAIL = "Không đọc được mã QR này. Hãy lau sạch thẻ và giữ yên hơn, hoặc chạm \"Nhập số thẻ\"."
# ui-chrome: card screen feedback
ID_NO_DECODE = "Máy chưa đọc được mã QR. Hãy giữ yên thẻ, cách máy ảnh một gang tay. Nếu thẻ bị mờ hoặc cũ, chạm \"Nhập số thẻ\"."
ID_NOT_ALLOWED = "Bạn dùng thẻ nào cũng được, nhưng thẻ này không phải thẻ căn cước."

# --- chip card reader (owner: chip)
CHIP_TITLE = "Đặt thẻ lên đầu đọc"
CHIP_SAY = "Hãy đặt thẻ căn cước lên đầu đọc thẻ và giữ yên cho đến khi đọc xong."
CHIP_GUIDE = ("Đặt thẻ căn cước nằm phẳng lên ô đầu đọc có biểu tượng sóng, mặt nào cũng được, "
              "và giữ yên cho đến khi đọc xong.")
CHIP_READING = "Đang đọc chip trên thẻ… Xin giữ yên thẻ."
CHIP_CANT = "Thẻ không đọc được"
CHIP_RETRY = "Đọc lại"
CHIP_QR_ONLY = "Tiếp tục chỉ với mã QR"
CHIP_QR_ONLY_NOTE = ("Không đọc được chip trên thẻ. Bạn có thể tiếp tục với thông tin từ mã QR; "
                     "hồ sơ sẽ được ghi là chưa xác thực bằng chip và cán bộ sẽ đối chiếu thẻ "
                     "khi bạn đến nhận kết quả.")
CHIP_NEED_STAFF = ("Không đọc được chip trên thẻ, và nơi này cần xác thực bằng chip. "
                   "Xin vui lòng gọi cán bộ để được giúp.")
CHIP_CALL_STAFF = "Gọi cán bộ"
STAFF_CARD_READER = "Đầu đọc chip"

MANUAL_TITLE = "Nhập 12 số trên thẻ căn cước"
MANUAL_SAY = "Hãy nhập mười hai số trên thẻ căn cước của bạn."
MANUAL_NAME = "Họ và tên (như trên thẻ)"
MANUAL_BAD = "Số thẻ căn cước phải có đủ 12 chữ số. Hãy kiểm tra lại trên thẻ."
MANUAL_NOTE = "Cán bộ sẽ đối chiếu giấy tờ gốc khi bạn đến nhận kết quả."
DELETE = "Xóa"

# --- form
FORM_TITLE = "Điền tờ khai"
FORM_SAY = "Hãy trả lời từng câu hỏi. Thông tin trên thẻ đã được điền sẵn, bạn xem lại ở bước Kiểm tra."
FORM_KEYBOARD_HELP = "Gõ chữ, rồi chạm dấu (sắc, huyền…) để thêm dấu vào chữ vừa gõ."
FORM_REQUIRED = "Ô \"{label}\" chưa được điền. Hãy chạm vào ô đó để điền."
FORM_INVALID = "Ô \"{label}\": {reason}"
FORM_PREFILLED = "Đã điền sẵn từ thẻ"
FIELD_PHONE = "Số điện thoại (để nhận tin về hồ sơ)"
SPACE = "Dấu cách"
SHIFT = "Chữ hoa"
DIGITS = "123"
LETTERS = "ABC"
TONE_NAMES = {"acute": "sắc", "grave": "huyền", "hook": "hỏi", "tilde": "ngã", "dot": "nặng"}

# --- scanning
SCAN_TITLE = "Quét giấy tờ"
SCAN_SAY = "Hãy đặt từng tờ giấy vào khe quét, mặt chữ úp xuống, rồi chạm Quét."
SCAN_BUTTON = "Quét"
SCAN_MORE = "Quét thêm trang"
SCANNING = "Đang quét trang {n}…"
SCANNED = "Đã quét {n} trang"
SCAN_ORIGINAL_BACK = "Bản gốc của bạn đã được trả ra ở khe dưới. Hãy cầm lại giấy tờ."
SCAN_RETAKE = "Quét lại"
SCAN_DELETE = "Xóa"
SCAN_FAIL = "Máy quét chưa quét được. Hãy đặt giấy thẳng vào khe rồi thử lại, hoặc gọi cán bộ."
SCAN_NEED = "Giấy tờ này là bắt buộc. Hãy đặt giấy vào khe rồi chạm \"Quét\" trước khi tiếp tục."
SCAN_TOO_MANY = "Giấy tờ này chỉ được tối đa {n} trang."
SCAN_DONE = "Xong"
SCAN_TODO = "Chưa quét"
SCAN_NONE_YET = "Chưa quét trang nào. Đặt tờ đầu tiên vào khe, mặt chữ úp xuống, rồi chạm Quét."
OPTIONAL_TODO = "Không bắt buộc, chưa quét"
# ui-chrome: plain words
OPTIONAL_SKIPPED = "Không có (không bắt buộc)"
"""A skipped optional paper on the review: not a mistake, so not "Chưa quét"."""
SCAN_FORM_NOTE = "Thông tin bạn vừa điền trên màn hình đã được lưu. Tờ khai giấy vẫn cần quét vì có chữ ký của bạn. Chưa có tờ khai giấy? Hãy gọi cán bộ."

# --- review
REVIEW_TITLE = "Kiểm tra lại hồ sơ"
REVIEW_SAY = "Hãy đọc lại thông tin. Nếu đúng, chạm Tiếp tục. Nếu sai, chạm Sửa ở dòng đó."
REVIEW_PROCEDURE = "Thủ tục"
REVIEW_PERSON = "Người nộp"
REVIEW_PAGES = "{n} trang"

# --- confirmation code
CONFIRM_TITLE = "Xác nhận nộp hồ sơ"
CONFIRM_SAY = "Hãy nhập bốn số trên màn hình để xác nhận nộp hồ sơ."
CONFIRM_WRONG = "Mã chưa đúng. Hãy nhìn bốn số ở trên và nhập lại."
CONFIRM_SUBMIT = "Nộp hồ sơ"
SUBMITTING = "Đang lưu hồ sơ, xin chờ…"
SUBMIT_FAIL = "Chưa lưu được hồ sơ: {reason} Hãy gọi cán bộ. Thông tin của bạn chưa bị xóa."

# --- success
SUCCESS_TITLE = "Đã nộp hồ sơ thành công"
SUCCESS_SAY = "Hồ sơ của bạn đã được nhận. Hãy cầm giấy hẹn ở khe in."
SUCCESS_CODE = "Mã hồ sơ"
SUCCESS_DUE = "Ngày hẹn trả kết quả"
SUCCESS_NO_DUE = "Không có ngày hẹn trả cụ thể theo quy định"
SUCCESS_DUE_PENDING = "Cán bộ sẽ báo ngày hẹn trả (đồng hồ máy chưa được xác nhận)"
PRINTING = "Đang in giấy hẹn…"
PRINTED = "Đã in giấy hẹn. Hãy cầm giấy ở khe in."
PRINT_FAIL = "Máy in đang hết giấy hoặc bị lỗi, nhưng hồ sơ của bạn ĐÃ ĐƯỢC LƯU. Hãy ghi lại mã hồ sơ ở trên, rồi chạm \"In lại\" hoặc gọi cán bộ."
REPRINT = "In lại giấy hẹn"
RATE_NOW = "Đánh giá dịch vụ"
FINISH = "Kết thúc"

# --- rating
RATING_TITLE = "Bạn có hài lòng không?"
RATING_SAY = "Hãy chọn mức độ hài lòng của bạn."
RATING_LEVELS = ("Rất hài lòng", "Hài lòng", "Không hài lòng")
RATING_REASON = "Vì sao bạn không hài lòng?"
RATING_REASONS = ("Phải chờ lâu", "Khó sử dụng", "Thái độ cán bộ", "Lý do khác")
RATING_THANKS = "Cảm ơn bạn đã đánh giá!"
RATING_CODE = "Quét mã QR trên giấy hẹn, hoặc nhập mã hồ sơ để đánh giá"
RATING_FAIL = "Chưa lưu được đánh giá. Hãy thử lại hoặc gọi cán bộ."

# --- tracking
TRACK_TITLE = "Tra cứu hồ sơ"
TRACK_SAY = "Hãy đưa mã QR trên giấy hẹn vào máy ảnh. Hoặc nhập mã tra cứu in dưới mã QR."
TRACK_QR = "Đưa mã QR trên giấy hẹn vào máy ảnh"
TRACK_TYPE = "Hoặc nhập mã:"
TRACK_FIND = "Tìm"
TRACK_AGAIN = "Tra mã khác"
TRACK_NOT_FOUND = "Không tìm thấy hồ sơ có mã này ở máy này. Hãy kiểm tra lại mã trên giấy hẹn, hoặc hỏi cán bộ."
TRACK_NOT_SLIP = "Đây không phải mã QR của giấy hẹn. Hãy đưa mã QR ở cuối giấy hẹn."
TRACK_STATUS = "Tình trạng"
TRACK_AS_OF = "Cập nhật lúc {when}"
TRACK_OLD = "Thông tin này có thể đã cũ (cập nhật lần cuối {when}). Máy chưa kết nối được tới cơ quan giải quyết."
TRACK_WAITING = "Hồ sơ đã được máy nhận và đang chờ gửi tới cơ quan giải quyết."
TRACK_SENT = "Hồ sơ đã được gửi tới cơ quan giải quyết."
TRACK_CHECKING = "Cơ quan giải quyết đang kiểm tra hồ sơ trước khi nhận. Cán bộ sẽ liên hệ nếu cần."
PORTAL_STATUS = {
    1: "Mới đăng ký", 2: "Được tiếp nhận", 3: "Không được tiếp nhận", 4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ", 6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ", 8: "Dừng xử lý", 9: "Đã xử lý xong", 10: "Đã trả kết quả",
}

# --- tracking: the short code and the province's answer (owner: tracking)
SUCCESS_TRACKING = "Mã tra cứu"
SUCCESS_DUE_ESTIMATE = "Ngày hẹn trả dự kiến"
SUCCESS_TRACKING_NOTE = "Dùng mã này hoặc mã QR để tra cứu hồ sơ tại máy."
TRACK_BAD_CODE = "Mã chưa đúng. Hãy xem lại từng ký tự của mã tra cứu trên giấy hẹn."
TRACK_AMBIGUOUS = "Có hai hồ sơ trùng mã tra cứu này. Hãy đưa mã QR trên giấy hẹn vào máy ảnh, hoặc hỏi cán bộ."
TRACK_OFFLINE = "Không tìm thấy hồ sơ ở máy này, và máy chưa kết nối được tới cơ quan giải quyết để hỏi. Hãy thử lại sau, hoặc hỏi cán bộ."
TRACK_PROCEDURE = "Thủ tục"
TRACK_SUBMITTED = "Đã gửi, đang chờ cán bộ kiểm tra hồ sơ"
TRACK_ACCEPTED = "Đã tiếp nhận"
TRACK_MORE_PAPERS = "Cần bổ sung: {reason}"
TRACK_MORE_PAPERS_COME = "Hãy mang giấy tờ cần bổ sung tới bộ phận một cửa."
TRACK_REFUSED = "Không được tiếp nhận: {reason}"
TRACK_REFUSED_COME = "Hãy hỏi cán bộ tại bộ phận một cửa nếu cần giải thích thêm."
TRACK_RESULT_READY = "Đã có kết quả"
TRACK_RESULT_COME = "Mời bạn tới bộ phận một cửa nhận kết quả, nhớ mang theo căn cước."
TRACK_NO_REASON = "cán bộ sẽ liên hệ với bạn"
TRACK_DUE_OFFICIAL = "Mời bạn tới nhận kết quả: {when}."
TRACK_DUE_ESTIMATE = "Ngày hẹn trả dự kiến: {when}. Cán bộ sẽ xác nhận ngày chính thức khi tiếp nhận hồ sơ."
TRACK_DUE_CHANGED = "Đây là ngày chính thức, khác ngày in trên giấy hẹn ({printed})."
TRACK_REPRINT = "In lại giấy hẹn"
PRINT_FAIL_TRACK = "Máy in đang hết giấy hoặc bị lỗi nên chưa in lại được. Hãy gọi cán bộ."
TRACK_REPRINTED = "Đã in lại giấy hẹn với ngày hẹn chính thức. Hãy cầm giấy ở khe in."

# --- help
HELP_TITLE = "Gọi cán bộ"
HELP_CALLED = "Đã báo cán bộ. Cán bộ sẽ tới giúp bạn, xin vui lòng chờ."
HELP_FAILED = "Chưa báo được cán bộ tự động. Hãy tới quầy một cửa để được giúp."
HELP_SAY = "Đã báo cán bộ. Xin vui lòng chờ."
# ui-chrome: help from every screen (an overlay; the countdown waits while it is open)
HELP_KEPT = "Những gì bạn đã làm vẫn được giữ nguyên trong lúc chờ."
HELP_CLOSE = "Đã được giúp, làm tiếp"

# --- refusals and notices
REFUSED_TITLE = "Máy tạm thời chưa nhận hồ sơ"
REFUSED_NEXT = "Bạn vẫn có thể tra cứu hồ sơ, hoặc nộp hồ sơ tại quầy một cửa."
UNCONFIGURED_TITLE = "Máy chưa cấu hình"
UNCONFIGURED_BODY = "Máy này chưa được cài đặt xong. Hãy báo cán bộ kỹ thuật."
GENERIC_ERROR = "Có lỗi xảy ra. Hãy chạm Quay lại để thử lại, hoặc gọi cán bộ."

# --- staff
STAFF_PIN_TITLE = "Chế độ cán bộ: nhập mã PIN"
STAFF_PIN_WRONG = "Mã PIN sai. Còn {n} lần thử."
STAFF_LOCKED = "Nhập sai quá nhiều lần. Hãy thử lại sau {s} giây."
STAFF_LOCKED_LONG = "Nhập sai quá nhiều lần. Hãy thử lại sau {m} phút."
"""Lockouts double in a row (up to 24 hours): from two minutes on, said in minutes."""
STAFF_TITLE = "Chế độ cán bộ"
STAFF_EXIT = "Thoát chế độ cán bộ"
STAFF_QUEUE = "Hàng đợi"
STAFF_DEVICES = "Thiết bị"
STAFF_SITE = "Địa điểm"
STAFF_CLOCK = "Ngày giờ"
STAFF_WIFI = "Wi-Fi"
STAFF_TRANSPORT = "Di chuyển"
STAFF_REPORT = "In báo cáo cuối ngày"
STAFF_SEND_NOW = "Gửi ngay"
STAFF_SEND_REQUESTED = "Đã yêu cầu gửi ngay."
STAFF_RESTORE = "Khôi phục"
STAFF_LAST_SUCCESS = "Gửi thành công lần cuối: {when}"
STAFF_NEVER = "chưa lần nào"
STAFF_OLDEST = "Hồ sơ chờ lâu nhất: {age}"
STAFF_NO_ALERTS = "Không có cảnh báo."
STAFF_NO_QUARANTINE = "Không có hồ sơ bị giữ lại."
STAFF_QUARANTINED = "Hồ sơ bị cổng dịch vụ từ chối"
STAFF_STATE_NAMES = {"queued": "Chờ gửi", "sending": "Đang gửi", "sent": "Đã gửi",
                     "purged": "Đã gửi, đã dọn", "quarantined": "Bị giữ lại"}
STAFF_TEST_PAGE = "In trang thử"
STAFF_PAPER = "Giấy in"
STAFF_CAMERA = "Máy ảnh"
STAFF_SCANNER = "Máy quét"
STAFF_PRINTER = "Máy in"
STAFF_STORE = "Bộ nhớ"
STAFF_CLOCK_OK = "Đồng hồ máy đáng tin cậy."
STAFF_CLOCK_ASK = "Đồng hồ máy chưa được xác nhận. Ngày giờ hiện tại trên máy là:"
STAFF_CLOCK_CONFIRM = "Ngày giờ này đúng"
STAFF_CLOCK_WRONG = "Nếu ngày giờ sai, hãy kết nối mạng để máy tự chỉnh, hoặc báo kỹ thuật viên."
STAFF_CLOCK_DONE = "Đã xác nhận ngày giờ."
STAFF_SITE_NOW = "Địa điểm hiện tại: {site}"
STAFF_SITE_SAVED = "Đã lưu địa điểm."
STAFF_WIFI_SCAN = "Tìm mạng"
STAFF_WIFI_CONNECT = "Kết nối"
STAFF_WIFI_PASSWORD = "Mật khẩu Wi-Fi"
STAFF_WIFI_STATE = "Trạng thái: {state}"
STAFF_TRANSPORT_ON = "Bật chế độ di chuyển (ngừng nhận hồ sơ mới)"
STAFF_TRANSPORT_OFF = "Tắt chế độ di chuyển (nhận hồ sơ trở lại)"
STAFF_TRANSPORT_PENDING = "Còn {n} hồ sơ chưa gửi."
STAFF_TRANSPORT_CLEAR = "Mọi hồ sơ đã được gửi. Có thể tắt máy an toàn."
STAFF_SHUTDOWN = "Tắt máy an toàn"
STAFF_SHUTDOWN_DONE = "Đã lưu mọi dữ liệu. Máy đang tắt."
STAFF_REPORT_PRINTED = "Đã in báo cáo."
STAFF_REPORT_FAIL = "Chưa in được báo cáo: {reason}"
STAFF_NOT_AVAILABLE = "Chức năng này chưa có trên máy này."
STATUS_NAMES = {"ok": "tốt", "degraded": "cần chú ý", "failed": "hỏng", "unknown": "không rõ"}

# --- ui-input: fields that fit their content, the review that edits in place
FORM_HINT_SHORT = "Gõ chữ, rồi chọn dấu."
FORM_DATE_HINT = "Ngày/tháng/năm, ví dụ 05/03/2025 hoặc 5/3/2025."
FORM_YEAR_ONLY = "Thẻ chỉ ghi năm sinh. Có thể để nguyên."
FORM_DIGITS_HINT = "Chỉ gõ chữ số."
FORM_CHOOSE = "Chạm vào một ô để chọn."
EDIT_DONE = "Xong, về kiểm tra"
REVIEW_EDIT = "Sửa"
REVIEW_GROUP_PERSON = "Người nộp"
REVIEW_GROUP_CONTENT = "Nội dung"
REVIEW_GROUP_PAPERS = "Giấy tờ"
REVIEW_PAGE = "Trang {n}/{total}"
REVIEW_PREV = "‹ Trang trước"
REVIEW_NEXT_PAGE = "Trang sau ›"
CONFIRM_HOW = "Gõ bốn số này để nộp hồ sơ:"
