/**
 * Every stable error code of the service, once: its HTTP status and what a person reads — a short
 * title and a sentence saying what to do — in Vietnamese first and English second. The API answers
 * with the Vietnamese texts when the request says `Accept-Language: vi` (docs/api.md).
 * `DomainError` takes an `ErrorCode`, so a code missing here (or misspelt) is a type error.
 */
interface CodeText {
  status: number
  vi: string
  en: string
  /** What to do, in Vietnamese (the English detail of each error says what happened, with its figures). */
  hintVi: string
}

const c = (status: number, vi: string, en: string, hintVi: string): CodeText => ({ status, vi, en, hintVi })

export const ERROR_CODES = {
  // ── the request itself
  VALIDATION_ERROR: c(
    400,
    'Dữ liệu gửi lên không hợp lệ',
    'The request is not valid',
    'Kiểm tra lại các trường được nêu trong danh sách lỗi (errors) rồi gửi lại.',
  ),
  BAD_REQUEST: c(
    400,
    'Yêu cầu không đọc được',
    'Bad request',
    'Yêu cầu không đúng định dạng; kiểm tra nội dung JSON và đường dẫn rồi gửi lại.',
  ),
  IDEMPOTENCY_KEY_REQUIRED: c(
    400,
    'Thiếu khóa chống trùng (Idempotency-Key)',
    'Idempotency-Key required',
    'Thao tác chuyển tiền cần tiêu đề Idempotency-Key; gửi lại kèm một khóa duy nhất.',
  ),
  UNAUTHORIZED: c(401, 'Chưa xác thực', 'Unauthorized', 'Đăng nhập lại hoặc gửi khóa API hợp lệ.'),
  FORBIDDEN: c(
    403,
    'Không có quyền',
    'Forbidden',
    'Vai trò hoặc phạm vi của bạn không cho phép thao tác này; liên hệ quản trị viên nếu cần.',
  ),
  FOUR_EYES: c(
    403,
    'Cần một người thứ hai',
    'A second person must do this step',
    'Nguyên tắc bốn mắt: một người không được làm hai bước của cùng một việc (lập hoặc xác nhận rồi tự phê ' +
      'duyệt, đề nghị rồi tự duyệt, duyệt rồi tự chi); đề nghị một cán bộ khác thực hiện.',
  ),
  NOT_FOUND: c(
    404,
    'Không tìm thấy',
    'Not found',
    'Kiểm tra lại mã số; bản ghi không tồn tại hoặc nằm ngoài phạm vi của bạn.',
  ),
  REQUEST_TIMEOUT: c(408, 'Hết thời gian chờ yêu cầu', 'Request timeout', 'Yêu cầu gửi quá chậm; gửi lại.'),
  PAYLOAD_TOO_LARGE: c(
    413,
    'Dữ liệu gửi lên quá lớn',
    'Payload too large',
    'Chia nhỏ dữ liệu (tối đa 1 MiB mỗi yêu cầu).',
  ),
  URI_TOO_LONG: c(414, 'Đường dẫn quá dài', 'URI too long', 'Rút ngắn đường dẫn hoặc tham số.'),
  UNSUPPORTED_MEDIA_TYPE: c(
    415,
    'Định dạng dữ liệu không được hỗ trợ',
    'Unsupported media type',
    'Gửi JSON (application/json) hoặc CSV (text/csv) nếu thao tác cho phép.',
  ),
  TOO_MANY_REQUESTS: c(
    429,
    'Quá nhiều lần thử',
    'Too many requests',
    'Quá nhiều lần xác thực sai; chờ một lúc rồi thử lại.',
  ),
  HEADERS_TOO_LARGE: c(
    431,
    'Tiêu đề yêu cầu quá lớn',
    'Request header fields too large',
    'Rút ngắn dòng yêu cầu hoặc các tiêu đề.',
  ),
  // ── signing in (staff sessions, docs/operations.md "Signing in (staff)")
  INVALID_CREDENTIALS: c(
    401,
    'Sai tên đăng nhập hoặc mật khẩu',
    'Wrong username or password',
    'Kiểm tra tên đăng nhập và mật khẩu (phân biệt chữ hoa, chữ thường) rồi thử lại; quên mật khẩu thì nhờ ' +
      'quản trị viên đặt mật khẩu mới.',
  ),
  SESSION_EXPIRED: c(
    401,
    'Phiên đăng nhập đã hết hạn',
    'Session expired',
    'Phiên làm việc hết hạn (30 phút không thao tác hoặc quá 10 giờ); đăng nhập lại.',
  ),
  CSRF_TOKEN_INVALID: c(
    403,
    'Thiếu hoặc sai mã chống giả mạo (CSRF)',
    'Missing or wrong CSRF token',
    'Tải lại trang rồi thao tác lại; mỗi thao tác thay đổi dữ liệu phải kèm tiêu đề x-csrf-token của phiên.',
  ),
  PASSWORD_CHANGE_REQUIRED: c(
    403,
    'Cần đổi mật khẩu trước',
    'Password change required',
    'Mật khẩu hiện tại là mật khẩu dùng một lần; đổi mật khẩu mới trước khi làm việc khác.',
  ),
  PASSWORD_TOO_WEAK: c(
    422,
    'Mật khẩu mới không được chấp nhận',
    'New password not accepted',
    'Chọn mật khẩu từ 10 ký tự trở lên, khác tên đăng nhập và khác mật khẩu hiện tại.',
  ),
  CURRENT_PASSWORD_INVALID: c(
    422,
    'Mật khẩu hiện tại không đúng',
    'Current password is wrong',
    'Nhập đúng mật khẩu đang dùng (hoặc mật khẩu dùng một lần được cấp).',
  ),
  // ── idempotency and concurrency
  IDEMPOTENCY_IN_FLIGHT: c(
    409,
    'Yêu cầu cùng khóa đang được xử lý',
    'A request with this key is in flight',
    'Chờ giây lát rồi gửi lại với cùng khóa để nhận kết quả.',
  ),
  IDEMPOTENCY_KEY_REUSED: c(
    422,
    'Khóa chống trùng đã dùng cho yêu cầu khác',
    'Idempotency-Key reused with another request',
    'Mỗi giao dịch mới cần một khóa mới; không dùng lại khóa cũ cho nội dung khác.',
  ),
  SERVICE_BUSY: c(503, 'Hệ thống đang bận', 'Service unavailable', 'Chưa có gì được ghi; thử lại sau vài giây.'),
  NOT_READY: c(
    503,
    'Hệ thống chưa sẵn sàng',
    'Service not ready',
    'Cơ sở dữ liệu chưa được cập nhật; liên hệ bộ phận vận hành.',
  ),
  INTERNAL: c(
    500,
    'Lỗi hệ thống',
    'Internal server error',
    'Lỗi đã được ghi lại; báo cho bộ phận vận hành kèm mã yêu cầu (x-request-id).',
  ),
  OUT_OF_RANGE: c(
    422,
    'Số liệu vượt giới hạn tính toán',
    'Value out of range',
    'Số tiền hoặc lãi suất quá lớn để tính; kiểm tra lại số liệu.',
  ),
  // ── state and references
  INVALID_STATE: c(
    409,
    'Trạng thái không cho phép thao tác này',
    'Invalid state for this action',
    'Xem trạng thái hiện tại của hồ sơ; thao tác này chỉ làm được ở trạng thái khác.',
  ),
  DUPLICATE: c(409, 'Đã tồn tại', 'Already exists', 'Bản ghi với cùng thông tin đã có; tìm và dùng bản ghi đó.'),
  REFERENCE_NOT_FOUND: c(
    422,
    'Tham chiếu không tồn tại',
    'Referenced record not found',
    'Một mã số được nêu (tổ, hộ, khoản vay…) không tồn tại hoặc ngoài phạm vi của bạn.',
  ),
  NO_CHANGE: c(422, 'Không có gì thay đổi', 'Nothing to change', 'Các giá trị gửi lên trùng với giá trị hiện tại.'),
  CHANGE_BEFORE_LATER_CHANGE: c(
    409,
    'Thay đổi lùi ngày trước một thay đổi sau',
    'Change dated before a later change',
    'Trường này đã có thay đổi hiệu lực muộn hơn; chọn ngày hiệu lực sau ngày đó.',
  ),
  GROUP_TRANSFER_OUT_OF_BRANCH: c(
    422,
    'Không chuyển tổ sang chi nhánh khác',
    'Group transfer outside the branch',
    'Chỉ chuyển hộ sang tổ thuộc cùng chi nhánh.',
  ),
  SELF_DEACTIVATION: c(
    422,
    'Không tự khóa tài khoản của mình',
    'You cannot deactivate yourself',
    'Đề nghị một quản trị viên khác thực hiện.',
  ),
  LAST_ADMIN: c(
    422,
    'Không khóa quản trị viên cuối cùng',
    'The last active administrator',
    'Tạo hoặc kích hoạt một quản trị viên khác trước.',
  ),
  // ── dates and the business day
  DATE_IN_FUTURE: c(
    422,
    'Ngày sau ngày làm việc hiện tại',
    'Date after the business date',
    'Chỉ hạch toán nghiệp vụ đã xảy ra; chọn ngày không sau ngày làm việc, hoặc chờ khóa sổ cuối ngày.',
  ),
  DATE_ORDER: c(
    422,
    'Thứ tự ngày không hợp lệ',
    'Dates out of order',
    'Kiểm tra ngày bắt đầu, ngày kết thúc và ngày giá trị.',
  ),
  INVALID_DATE: c(422, 'Ngày không hợp lệ', 'Invalid date', 'Ghi ngày theo dạng YYYY-MM-DD và là ngày có thật.'),
  CLOSE_IN_PROGRESS: c(
    409,
    'Đang khóa sổ cuối ngày',
    'The daily close is running',
    'Chờ lần khóa sổ đang chạy kết thúc rồi thử lại.',
  ),
  CLOSE_TOO_FAR: c(
    422,
    'Khóa sổ quá nhiều ngày một lần',
    'Close spans too many days',
    'Khóa sổ từng đợt, tối đa 400 ngày mỗi lần.',
  ),
  CLOSE_AHEAD_OF_CALENDAR: c(
    409,
    'Không khóa sổ vượt ngày hôm nay',
    'Close ahead of the calendar',
    'Ngày làm việc không được vượt ngày hôm nay theo giờ Việt Nam.',
  ),
  MONTH_NOT_ENDED: c(
    422,
    'Tháng chưa kết thúc',
    'Month not ended',
    'Chỉ tính phí cho tháng đã kết thúc (ngày cuối tháng không sau ngày làm việc).',
  ),
  SHEET_DATE_OUT_OF_RANGE: c(
    422,
    'Ngày bảng kê thu ngoài khoảng cho phép',
    'Sheet date out of range',
    'Chọn ngày từ một năm trước đến ngày giao dịch kế tiếp của điểm giao dịch.',
  ),
  RATE_DATE_NOT_FUTURE: c(
    422,
    'Lãi suất mới phải có hiệu lực từ ngày sau',
    'Rate version must start later',
    'Phiên bản lãi suất mới chỉ áp dụng từ sau ngày làm việc hiện tại.',
  ),
  // ── eligibility (docs/rules.md §5)
  AMOUNT_NOT_POSITIVE: c(422, 'Số tiền vay phải lớn hơn 0', 'Amount must be positive', 'Nhập số tiền vay lớn hơn 0.'),
  TERM_NOT_POSITIVE: c(
    422,
    'Thời hạn vay phải lớn hơn 0',
    'Term must be positive',
    'Nhập thời hạn vay (tháng) lớn hơn 0.',
  ),
  TERM_ABOVE_MAX: c(
    422,
    'Thời hạn vượt mức tối đa của chương trình',
    'Term above the programme maximum',
    'Giảm thời hạn vay về mức tối đa của chương trình.',
  ),
  GRACE_NOT_BELOW_TERM: c(
    422,
    'Thời gian ân hạn phải ngắn hơn thời hạn vay',
    'Grace period not below the term',
    'Giảm số tháng ân hạn.',
  ),
  ELIGIBILITY_STATUS: c(
    422,
    'Hộ không thuộc đối tượng của chương trình',
    'Household status not eligible',
    'Kiểm tra tình trạng hộ (nghèo, cận nghèo, mới thoát nghèo) vào ngày đề nghị vay, hoặc chọn chương ' +
      'trình phù hợp.',
  ),
  ESCAPED_WINDOW_EXPIRED: c(
    422,
    'Hộ đã thoát nghèo quá 3 năm',
    'Escaped more than 3 years ago',
    'Chương trình hộ mới thoát nghèo chỉ áp dụng trong 3 năm kể từ ngày thoát nghèo.',
  ),
  AREA_NOT_ELIGIBLE: c(
    422,
    'Địa bàn không thuộc chương trình',
    'Area not eligible',
    'Chương trình này chỉ cho vay hộ ở địa bàn được quy định (ví dụ nông thôn).',
  ),
  AMOUNT_ABOVE_CAP: c(
    422,
    'Số tiền vượt mức cho vay tối đa',
    'Amount above the cap',
    'Giảm số tiền: mức tối đa trừ dư nợ hộ đang vay trong cùng chương trình.',
  ),
  DUPLICATE_ACTIVE_LOAN: c(
    422,
    'Hộ đã có hồ sơ hoặc khoản vay đang mở',
    'An open application or loan exists',
    'Hộ đã có hồ sơ chờ duyệt hoặc khoản vay chưa giải ngân trong chương trình này; xử lý hồ sơ đó trước.',
  ),
  // ── borrower facts and loan purposes (docs/rules.md §15)
  BORROWER_FACT_UNKNOWN: c(
    422,
    'Thông tin người vay không thuộc chương trình',
    'Borrower fact not defined by the programme',
    'Bỏ các thông tin mà chương trình không quy định (xem borrowerFacts của chương trình), rồi gửi lại.',
  ),
  BORROWER_FACT_MISSING: c(
    422,
    'Thiếu thông tin bắt buộc về người vay',
    'Required borrower fact missing',
    'Bổ sung các thông tin bắt buộc được nêu (ví dụ ngày ra trường, ngày chấp hành xong án phạt tù, số lao động).',
  ),
  BORROWER_FACT_INVALID: c(
    422,
    'Thông tin người vay sai kiểu',
    'Borrower fact of the wrong type',
    'Ngày ghi theo dạng YYYY-MM-DD, số là số nguyên không âm, chữ không để trống; sửa thông tin được nêu.',
  ),
  BORROWER_HOUSEHOLD_STATUS: c(
    422,
    'Hộ gia đình của người vay không thuộc đối tượng',
    "Borrower's household status not eligible",
    'Hộ của người vay phải thuộc diện nêu trong chương trình (ví dụ hộ nghèo, cận nghèo) hoặc có giấy xác ' +
      'nhận hoàn cảnh khó khăn của UBND xã.',
  ),
  FACT_DATE_OUTSIDE_WINDOW: c(
    422,
    'Ngày nêu trong hồ sơ ngoài thời hạn cho vay',
    'Date fact outside the programme window',
    'Chương trình chỉ cho vay trong một số tháng kể từ ngày được nêu (ví dụ ngày chấp hành xong án phạt tù); ' +
      'kiểm tra lại ngày.',
  ),
  FACT_OUT_OF_RANGE: c(
    422,
    'Số liệu trong hồ sơ ngoài giới hạn',
    'Fact outside its allowed range',
    'Kiểm tra số liệu được nêu (ví dụ số tháng ngừng việc, số lao động, số tháng học) theo giới hạn của chương ' +
      'trình.',
  ),
  TERM_BEYOND_FACT_DATE: c(
    422,
    'Thời hạn vay vượt quá mức cho phép theo hồ sơ',
    'Term ends after the date the facts allow',
    'Thời hạn vay phải kết thúc trước ngày được nêu cộng thời gian ân hạn (ví dụ ngày ra trường cộng 12 ' +
      'tháng); giảm thời hạn vay.',
  ),
  AMOUNT_ABOVE_PER_UNIT_CAP: c(
    422,
    'Số tiền vay vượt mức theo định mức',
    'Amount above the per-unit cap',
    'Số tiền vay không vượt định mức nhân số đơn vị (ví dụ số tháng học × mức mỗi tháng, số lao động × mức ' +
      'hỗ trợ × số tháng); giảm số tiền.',
  ),
  PURPOSE_NOT_IN_PROGRAMME: c(
    422,
    'Mục đích vay không thuộc chương trình',
    'Purpose not offered by the programme',
    'Chọn một mục đích vay đang áp dụng của chương trình (GET /v1/purposes?programmeCode=).',
  ),
  PURPOSE_REQUIRED: c(
    422,
    'Thiếu mã mục đích vay',
    'Purpose code required',
    'Chương trình này yêu cầu chọn mục đích vay (purposeCode) trong danh mục của chương trình.',
  ),
  LOCAL_POLICY_NOT_APPLICABLE: c(
    422,
    'Chính sách địa phương không áp dụng',
    'Local policy not applicable',
    'Chính sách địa phương này không áp dụng cho chương trình hoặc chi nhánh của hộ.',
  ),
  // ── the loan contract and its events (docs/rules.md §6, §7)
  INVALID_AMOUNT: c(422, 'Số tiền không hợp lệ', 'Invalid amount', 'Số tiền phải là số nguyên đồng lớn hơn 0.'),
  INVALID_TERM: c(422, 'Thời hạn không hợp lệ', 'Invalid term', 'Kiểm tra thời hạn vay.'),
  INVALID_RATE: c(
    422,
    'Lãi suất không hợp lệ',
    'Invalid rate',
    'Kiểm tra lãi suất (phần triệu mỗi tháng) và ngày hiệu lực.',
  ),
  INVALID_PRINCIPAL_PLAN: c(
    422,
    'Kế hoạch trả gốc không hợp lệ',
    'Invalid principal plan',
    'Kỳ trả gốc 1, 3, 6 hoặc 12 tháng và thời gian ân hạn ngắn hơn thời hạn vay.',
  ),
  INVALID_SESSION_DAY: c(
    422,
    'Ngày giao dịch không hợp lệ',
    'Invalid session day',
    'Ngày giao dịch hằng tháng từ 1 đến 28.',
  ),
  INVALID_CONTRACT: c(
    422,
    'Hợp đồng vay không hợp lệ',
    'Invalid contract',
    'Kiểm tra số tiền, ngày giao dịch và lãi suất của hợp đồng.',
  ),
  INVALID_EVENT: c(
    422,
    'Nghiệp vụ không hợp lệ',
    'Invalid loan event',
    'Nghiệp vụ không áp dụng được cho khoản vay này.',
  ),
  DUPLICATE_EVENT: c(422, 'Nghiệp vụ bị trùng', 'Duplicate loan event', 'Nghiệp vụ này đã được ghi.'),
  INVALID_DISBURSEMENT: c(
    422,
    'Giải ngân không hợp lệ',
    'Invalid disbursement',
    'Giải ngân phải trước hạn trả gốc cuối cùng.',
  ),
  DISBURSEMENT_ABOVE_APPROVED: c(
    422,
    'Giải ngân vượt số tiền được duyệt',
    'Disbursement above the approved amount',
    'Tổng số tiền giải ngân không được vượt số tiền đã duyệt.',
  ),
  NOT_DISBURSED: c(422, 'Khoản vay chưa giải ngân', 'Loan not disbursed', 'Giải ngân khoản vay trước khi thu nợ.'),
  OVERPAYMENT: c(
    422,
    'Số tiền vượt số phải trả',
    'Payment above what is owed',
    'Giảm số tiền về mức tất toán được nêu trong thông báo.',
  ),
  LOAN_CLOSED: c(
    422,
    'Khoản vay đã tất toán hoặc đã xử lý',
    'Loan already closed',
    'Khoản vay đã tất toán, bị xóa nợ hoặc nghiệp vụ có ngày sau ngày đó.',
  ),
  LOAN_RECALLED: c(
    422,
    'Khoản vay đã bị thu hồi trước hạn',
    'Loan recalled',
    'Khoản vay đã có quyết định thu hồi nợ trước hạn: không giải ngân thêm, gia hạn hay khoanh nợ sau ngày đó.',
  ),
  RECALL_NOT_ALLOWED: c(
    422,
    'Không thể thu hồi nợ trước hạn',
    'Recall not allowed',
    'Thu hồi trước hạn cần một biên bản kiểm tra của khoản vay kết luận sử dụng vốn sai mục đích.',
  ),
  INSTALMENT_PAID: c(422, 'Kỳ hạn đã trả xong', 'Instalment already paid', 'Chỉ gia hạn kỳ hạn còn nợ.'),
  EXTENSION_TOO_LONG: c(
    422,
    'Gia hạn vượt thời gian cho phép',
    'Extension too long',
    'Gia hạn tối đa 12 tháng với vay ngắn hạn, hoặc một nửa thời hạn vay với vay trung, dài hạn.',
  ),
  INVALID_EXTENSION: c(
    422,
    'Gia hạn nợ không hợp lệ',
    'Invalid extension',
    'Ngày đến hạn mới phải sau ngày đến hạn hiện tại của kỳ hạn.',
  ),
  FREEZE_TOO_LONG: c(
    422,
    'Khoanh nợ vượt thời gian cho phép',
    'Freeze too long',
    'Khoanh nợ tối đa theo quy định (3 hoặc 5 năm).',
  ),
  INVALID_FREEZE: c(422, 'Khoanh nợ không hợp lệ', 'Invalid freeze', 'Kiểm tra ngày bắt đầu và kết thúc khoanh nợ.'),
  WRITE_OFF_NOT_ALLOWED: c(
    422,
    'Không đủ điều kiện xóa nợ',
    'Write-off not allowed',
    'Chỉ xóa nợ khoản vay đang vay có nợ gốc quá hạn, do nguyên nhân khách quan, sau ngày giải ngân.',
  ),
  // ── collections, savings, reconciliation, fees
  GROUP_NOT_AT_POINT: c(
    422,
    'Tổ không giao dịch tại điểm này',
    'Group not at this transaction point',
    'Chọn đúng điểm giao dịch của tổ.',
  ),
  LOAN_NOT_IN_GROUP: c(
    422,
    'Khoản vay không thuộc tổ',
    'Loan not in this group',
    'Bỏ dòng này hoặc lập phiên giao dịch cho đúng tổ của khoản vay.',
  ),
  LOAN_NOT_AT_POINT: c(
    422,
    'Khoản vay không thuộc điểm giao dịch',
    'Loan not at this transaction point',
    'Bỏ dòng này khỏi bảng kê của điểm giao dịch.',
  ),
  DUPLICATE_LOAN_LINE: c(
    422,
    'Một khoản vay xuất hiện hai lần',
    'Loan twice in the session',
    'Gộp hai dòng của cùng khoản vay thành một.',
  ),
  EMPTY_LINE: c(422, 'Dòng không có số tiền', 'Empty line', 'Bỏ dòng không thu tiền nào.'),
  LINE_REJECTED: c(422, 'Một dòng bị từ chối', 'A line was rejected', 'Sửa dòng được nêu; cả phiên chưa được ghi.'),
  INSUFFICIENT_SAVINGS: c(
    422,
    'Số dư tiết kiệm không đủ',
    'Insufficient savings',
    'Số tiền rút không được vượt số dư khả dụng (trừ các khoản rút đang chờ duyệt).',
  ),
  FUNDING_EXHAUSTED: c(
    422,
    'Nguồn vốn không đủ',
    'Funding source exhausted',
    'Số tiền giải ngân vượt số vốn còn lại của nguồn vốn; chờ nguồn vốn nhận thêm vốn hoặc giải ngân ít hơn.',
  ),
  CAPITAL_BELOW_LENT: c(
    422,
    'Vốn ban đầu thấp hơn số đã cho vay',
    'Opening capital below what is lent',
    'Lần nhận vốn đầu tiên của nguồn vốn phải đủ bù dư nợ và nợ đã xử lý của nguồn; ghi đủ số vốn đã nhận.',
  ),
  SAVINGS_ACCOUNT_EXISTS: c(
    409,
    'Hộ đã có tài khoản tiết kiệm',
    'Savings account exists',
    'Dùng tài khoản tiết kiệm hiện có của hộ.',
  ),
  RECONCILIATION_CLOSED: c(
    409,
    'Ngày đã đối chiếu và khóa',
    'Reconciliation closed',
    'Ngày này của điểm giao dịch đã đối chiếu xong; ghi nghiệp vụ vào ngày khác hoặc liên hệ bộ phận tài chính.',
  ),
  FEE_RATE_MISSING: c(
    422,
    'Chưa có mức phí',
    'Fee rate missing',
    'Khai báo mức phí ủy thác và hoa hồng áp dụng cho tháng này.',
  ),
  PARTNER_FEE_ABOVE_PAYABLE: c(
    422,
    'Số tiền trả vượt số phí còn phải trả',
    'Payment above the fee payable',
    'Chỉ trả tối đa số phí đã trích còn phải trả cho hội đoàn thể trong tháng này; xem danh sách phí phải trả.',
  ),
  PARTNER_FEE_OVERPAID: c(
    409,
    'Phí đã trả nhiều hơn số phí tính lại',
    'Fee already paid above the recomputed fee',
    'Số phí của tháng giảm xuống dưới số đã trả cho hội đoàn thể; thu hồi phần trả thừa ngoài hệ thống rồi ' +
      'liên hệ bộ phận vận hành trước khi trích lại.',
  ),
  DESIGNATION_OVERLAP: c(
    409,
    'Địa bàn đã được công nhận trong thời gian này',
    'Area designation overlaps',
    'Xã hoặc thôn này đã có quyết định công nhận cùng loại còn hiệu lực; kết thúc quyết định cũ trước.',
  ),
  // ── supervision findings (docs/rules.md §22)
  AREA_HAS_NO_BRANCH: c(
    422,
    'Địa bàn giám sát chưa có chi nhánh nào',
    'The supervised area has no branch under it',
    'Chọn một đơn vị hoặc xã, thôn đã có phòng giao dịch phục vụ; phát hiện giám sát được gửi cho chi nhánh của ' +
      'địa bàn.',
  ),
  OUTSIDE_AREA: c(
    422,
    'Không thuộc địa bàn giám sát',
    'Not in the supervised area',
    'Khoản vay, hồ sơ vay hoặc chi nhánh trả lời phải thuộc địa bàn của phát hiện giám sát; kiểm tra lại mã số.',
  ),
  TREE_LEVEL_INVALID: c(
    422,
    'Cấp đơn vị không đúng chỗ trong cây tổ chức',
    'Level does not fit the organisation tree',
    'Tỉnh nằm dưới Hội sở chính, huyện (chi nhánh) dưới tỉnh, xã dưới phòng giao dịch huyện, thôn dưới xã; ' +
      'chọn đúng đơn vị cấp trên.',
  ),
  PLACE_IMPORT_CONFLICTS: c(
    422,
    'Danh mục địa bàn còn dòng lỗi',
    'Place list has conflicting lines',
    'Chạy thử (dry run) để xem các dòng lỗi, sửa tệp rồi gửi lại; chưa có địa bàn nào được nhập.',
  ),
  CONTRACT_OVERLAP: c(
    409,
    'Hội đoàn thể đã có hợp đồng ủy thác trong thời gian này',
    'Entrustment contract overlaps',
    'Hội đoàn thể này đã có hợp đồng ủy thác còn hiệu lực trong thời gian đó; kết thúc hợp đồng cũ trước hoặc chọn ' +
      'ngày hiệu lực sau ngày kết thúc của nó.',
  ),
  LEDGER_UNBALANCED: c(
    422,
    'Bút toán không cân',
    'Unbalanced journal entry',
    'Tổng nợ phải bằng tổng có; báo bộ phận vận hành.',
  ),
} satisfies Record<string, CodeText>

export type ErrorCode = keyof typeof ERROR_CODES

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code)
}
