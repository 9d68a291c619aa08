/**
 * Texts of the supervision screen (supervision.tsx), kept beside it so they load with its chunk, not with the
 * first screen; the same language switch picks vi or en. `en` must have exactly the keys of `vi` (the type says
 * so). The supervising bodies are named as the organisations name themselves.
 */
import { useI18n } from '../i18n'

export const supervisionVi = {
  supTitleSupervisor: 'Giám sát',
  supTitleBranch: 'Kiến nghị giám sát',
  supIntroSupervisor:
    'Ghi nhận kết quả giám sát trong địa bàn của bạn và theo dõi trả lời của chi nhánh. Chi nhánh thuộc địa bàn ' +
    'nhận kiến nghị và trả lời.',
  supIntroBranch:
    'Kiến nghị của Mặt trận Tổ quốc và các tổ chức chính trị - xã hội về chi nhánh của bạn, kiến nghị chưa trả ' +
    'lời ở trên. Mở một kiến nghị để xem và trả lời.',
  supIntroReader: 'Kiến nghị giám sát và trả lời của các chi nhánh (chỉ xem).',
  supListHeading: 'Danh sách kiến nghị',
  supStatus: 'Trạng thái',
  supAll: 'Tất cả',
  status_open: 'Chưa trả lời',
  status_answered: 'Đã trả lời',
  supFrom: 'Từ ngày',
  supTo: 'Đến ngày',
  supOfficeFilter: 'Đơn vị',
  supAllOffices: 'Toàn địa bàn',
  supNo: 'Số',
  supDate: 'Ngày giám sát',
  supArea: 'Địa bàn',
  supBody: 'Tổ chức giám sát',
  supFinding: 'Nội dung phát hiện',
  supFollowUp: 'Kiến nghị',
  supOpen: 'Xem',
  supEmpty: 'Chưa có kiến nghị nào.',
  body_fatherland_front: 'Mặt trận Tổ quốc',
  body_womens_union: 'Hội Liên hiệp Phụ nữ',
  body_farmers_association: 'Hội Nông dân',
  body_veterans_association: 'Hội Cựu chiến binh',
  body_youth_union: 'Đoàn Thanh niên',
  area_head_office: 'Hội sở chính',
  area_province: 'Tỉnh',
  area_district: 'Huyện',
  area_commune: 'Xã',
  area_village: 'Thôn',
  supNewHeading: 'Ghi nhận kết quả giám sát',
  supChooseArea: '— Chọn địa bàn —',
  supChooseBody: '— Chọn tổ chức —',
  supFindingHint: 'Những gì đoàn giám sát nhận thấy.',
  supFollowUpHint: 'Việc đề nghị chi nhánh làm.',
  supRecord: 'Ghi nhận',
  supRecorded: 'Đã ghi nhận kiến nghị số',
  supDetailHeading: 'Kiến nghị số',
  supBack: 'Quay lại danh sách',
  supRecordedBy: 'Người ghi nhận',
  supRecordedOn: 'Ngày ghi nhận',
  supBranches: 'Chi nhánh nhận kiến nghị',
  supLoan: 'Khoản vay',
  supApplication: 'Hồ sơ vay',
  supAnswers: 'Trả lời của chi nhánh',
  supNoAnswer: 'Chưa có trả lời.',
  supAnswer: 'Nội dung trả lời',
  supActionTaken: 'Biện pháp đã thực hiện',
  supAnsweredBy: 'Người trả lời',
  supAnsweredOn: 'Ngày trả lời',
  supBranch: 'Chi nhánh',
  supChooseBranch: '— Chọn chi nhánh —',
  supAnswerHeading: 'Trả lời kiến nghị',
  supSendAnswer: 'Gửi trả lời',
  supAnswerSent: 'Đã gửi trả lời kiến nghị số',
}

export type SupervisionText = { readonly [K in keyof typeof supervisionVi]: string }

export const supervisionEn: SupervisionText = {
  supTitleSupervisor: 'Supervision',
  supTitleBranch: 'Supervision findings',
  supIntroSupervisor:
    "Record what a supervision found in your area and follow the branches' answers. The branches under the area " +
    'receive the finding and answer it.',
  supIntroBranch:
    'Findings of the Fatherland Front and the mass organisations about your branch, unanswered ones first. Open a ' +
    'finding to read and answer it.',
  supIntroReader: "Supervision findings and the branches' answers (read only).",
  supListHeading: 'Findings',
  supStatus: 'Status',
  supAll: 'All',
  status_open: 'Not answered',
  status_answered: 'Answered',
  supFrom: 'From',
  supTo: 'To',
  supOfficeFilter: 'Office',
  supAllOffices: 'Whole area',
  supNo: 'No.',
  supDate: 'Supervision date',
  supArea: 'Area',
  supBody: 'Supervising body',
  supFinding: 'Finding',
  supFollowUp: 'Follow-up asked',
  supOpen: 'Open',
  supEmpty: 'No finding yet.',
  body_fatherland_front: 'Fatherland Front',
  body_womens_union: "Women's Union",
  body_farmers_association: "Farmers' Association",
  body_veterans_association: "Veterans' Association",
  body_youth_union: 'Youth Union',
  area_head_office: 'Head office',
  area_province: 'Province',
  area_district: 'District',
  area_commune: 'Commune',
  area_village: 'Village',
  supNewHeading: 'Record a supervision finding',
  supChooseArea: '— Choose the area —',
  supChooseBody: '— Choose the body —',
  supFindingHint: 'What the supervision found.',
  supFollowUpHint: 'What the branch is asked to do.',
  supRecord: 'Record',
  supRecorded: 'Recorded finding no.',
  supDetailHeading: 'Finding no.',
  supBack: 'Back to the list',
  supRecordedBy: 'Recorded by',
  supRecordedOn: 'Recorded on',
  supBranches: 'Branches it goes to',
  supLoan: 'Loan',
  supApplication: 'Application',
  supAnswers: "Branches' answers",
  supNoAnswer: 'No answer yet.',
  supAnswer: 'Answer',
  supActionTaken: 'Action taken',
  supAnsweredBy: 'Answered by',
  supAnsweredOn: 'Answered on',
  supBranch: 'Branch',
  supChooseBranch: '— Choose the branch —',
  supAnswerHeading: 'Answer the finding',
  supSendAnswer: 'Send the answer',
  supAnswerSent: 'Answer sent to finding no.',
}

/** The supervision texts in the console's current language, with the shared dictionary's. */
export function useSupervisionText() {
  const i18n = useI18n()
  return { ...i18n, s: i18n.lang === 'en' ? supervisionEn : (supervisionVi as SupervisionText) }
}
