/**
 * Layout aid for processes/complaint.bpmn (政府采购投诉处理) and processes/staff-report.bpmn (投诉举报): element table →
 * semantics + BPMNDI through bpmn-layout.ts, as layout-procurement.ts does for the chain.
 *   npx tsx test/processes/tools/layout-complaint.ts [outDir]
 * Running it overwrites both files: port changes made in the modeller here first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelXml, Y, type Flow, type Node } from './bpmn-layout.ts';

const SUP = 'supervisor';
const n: Node[] = [];
const f: Flow[] = [];
const add = (x: Node) => n.push(x);
const flow = (x: Flow) => f.push(x);

add({ id: 'start_complaint', kind: 'start', name: '收到投诉', row: 0, col: 0,
  doc: '质疑供应商对质疑答复不满意或未在规定期限内得到答复的，在答复期满后15个工作日内（T15）向财政部门投诉（POST /api/complaints 核验投诉人与期限后启动本流程）。启动变量由服务端写入：complaintId、complainant（投诉人用户名）、respondentUsers（采购人经办与代理机构经办）、tenderKey、procurementInstanceId。' });
add({ id: 'prepare_complaint_letter', kind: 'service', name: '整理投诉书', row: 0, col: 1, type: 'prepare-complaint-letter', retries: 3,
  doc: '按投诉、质疑及答复记录整理投诉书数据 complaintLetterData（模板 complaint-decision，不含处理决定部分）。' });
add({ id: 'generate_complaint_letter', kind: 'service', name: '生成投诉书', row: 0, col: 2, type: 'generate-document', retries: 3,
  headers: [['templateId', 'complaint-decision'], ['dataVariable', 'complaintLetterData'], ['resultVariable', 'complaintLetterDocument']],
  doc: '按模板 complaint-decision（文书 17）以 complaintLetterData 生成投诉书并存档（第1版）；处理决定书为同一文书的新版本。' });
add({ id: 'gw_merge_review', kind: 'gw', row: 0, col: 3 });
add({ id: 'compute_review_deadline', kind: 'service', name: '计算审查期限', row: 0, col: 4, type: 'compute-deadline', retries: 3, headers: [['rule', 'T16a'], ['resultVariable', 'reviewDeadline']],
  doc: '法定时限 T16a：收到投诉书（或补正材料）后5个工作日内审查（财政部令第94号第21条）。' });
add({ id: 'review_complaint', kind: 'user', name: '受理审查', row: 0, col: 5, form: 'complaint-review', groups: SUP, due: '=reviewDeadlineAt',
  headers: [['legalBasis', '政府采购质疑和投诉办法（财政部令第94号）第19—21条']],
  doc: '财政部门（监督检查）审查投诉：符合条件的受理；投诉书内容不符合规定的，书面通知补正一次（逾期未补正视为放弃）；不符合投诉条件的，不予受理并说明理由。' });
add({ id: 'gw_review_result', kind: 'gw', name: '审查结论', row: 0, col: 6 });
add({ id: 'record_accepted', kind: 'service', name: '登记受理', row: 0, col: 7, type: 'record-complaint', retries: 3, headers: [['status', 'accepted']] });
add({ id: 'compute_decision_deadline', kind: 'service', name: '计算处理期限', row: 0, col: 8, type: 'compute-deadline', retries: 3, headers: [['rule', 'T17'], ['resultVariable', 'decisionDeadline']],
  doc: '法定时限 T17：受理之日起30个工作日内作出处理决定（政府采购法第56条；财政部令第94号第26条）。' });
add({ id: 'compute_explanation_deadline', kind: 'service', name: '计算说明期限', row: 0, col: 9, type: 'compute-deadline', retries: 3, headers: [['rule', 'T16c'], ['resultVariable', 'explanationDeadline']],
  doc: '法定时限 T16c：被投诉人和相关供应商收到投诉答复通知书后5个工作日内书面说明（财政部令第94号第22条）。' });
add({ id: 'respondent_explanation', kind: 'user', name: '被投诉人说明', row: 0, col: 10, form: 'complaint-explanation', users: '=respondentUsers', due: '=explanationDeadlineAt',
  headers: [['legalBasis', '政府采购质疑和投诉办法（财政部令第94号）第22条']],
  doc: '被投诉人（采购人、采购代理机构）以书面形式说明情况并提交相关证据、依据和其他有关材料。' });
add({ id: 'investigate_complaint', kind: 'user', name: '调查取证', row: 0, col: 11, form: 'complaint-investigation', groups: SUP, due: '=decisionDeadlineAt',
  headers: [['legalBasis', '政府采购质疑和投诉办法（财政部令第94号）第23—25条、第28条']],
  doc: '财政部门调查取证，并决定是否书面通知采购人和代理机构暂停采购活动（最长30日，T18）。' });
add({ id: 'gw_suspend', kind: 'gw', name: '是否暂停采购活动？', row: 0, col: 12 });
add({ id: 'compute_suspension_end', kind: 'service', name: '计算暂停期限', row: 0, col: 13, lane: -1, type: 'compute-deadline', retries: 3, headers: [['rule', 'T18'], ['resultVariable', 'suspensionEnd']],
  doc: '法定时限 T18：暂停采购活动时间最长不得超过30日（政府采购法第57条；财政部令第94号第28条）。' });
add({ id: 'suspend_procurement', kind: 'service', name: '暂停采购活动', row: 0, col: 14, lane: -1, type: 'suspend-procurement', retries: 3,
  doc: '登记暂停（至 suspensionEndAt），向采购流程发送消息 procurement-suspended（按 tenderKey 关联）；暂停期间服务端拒绝办理该项目的任务。' });
add({ id: 'gw_merge_decide', kind: 'gw', row: 0, col: 15 });
add({ id: 'decide_complaint', kind: 'user', name: '作出处理决定', row: 0, col: 16, form: 'complaint-decision', groups: SUP, due: '=decisionDeadlineAt',
  headers: [['legalBasis', '政府采购法第56条；政府采购法实施条例第58条；政府采购质疑和投诉办法（财政部令第94号）第29—33条']],
  doc: '投诉缺乏事实依据的驳回；投诉成立的，按影响决定：不影响采购结果的继续（continue），影响中标结果的重新评审（reevaluate），影响采购结果且无法补救的责令重新开展采购活动（cancel）。' });
add({ id: 'suspension_expired', kind: 'bTimer', name: '暂停期满', row: 0, col: 16, attachedTo: 'decide_complaint', interrupting: false,
  timeDate: '=if suspensionEndAt = null then decisionDeadlineAt else suspensionEndAt',
  doc: '非中断：暂停期满（suspensionEndAt；未暂停时为处理期限）仍未决定的，恢复采购活动，决定任务保持开放。' });
add({ id: 'resume_on_expiry', kind: 'service', name: '期满恢复采购活动', row: 0, col: 17, lane: 1, type: 'resume-procurement', retries: 3,
  doc: '结束仍在生效的暂停并发送 procurement-resumed；没有暂停时不做任何事。' });
add({ id: 'end_suspension_expired', kind: 'end', name: '暂停已结束', row: 0, col: 18, lane: 1 });
add({ id: 'resume_procurement', kind: 'service', name: '恢复采购活动', row: 0, col: 17, type: 'resume-procurement', retries: 3,
  doc: '作出决定时结束仍在生效的暂停并发送 procurement-resumed。' });
add({ id: 'record_decision', kind: 'service', name: '登记处理决定', row: 0, col: 18, type: 'record-complaint-decision', retries: 3,
  doc: '登记处理决定，驳回时 complaintEffect := continue；输出投诉处理决定书数据 complaintDecisionData。' });
add({ id: 'generate_decision', kind: 'service', name: '生成投诉处理决定书', row: 0, col: 19, type: 'generate-document', retries: 3,
  headers: [['templateId', 'complaint-decision'], ['dataVariable', 'complaintDecisionData'], ['resultVariable', 'complaintDecisionDocument']],
  doc: '按模板 complaint-decision（文书 17 投诉处理决定书）生成并存档（同一文书的新版本）。' });
add({ id: 'gw_effect', kind: 'gw', name: '是否影响采购结果？', row: 0, col: 20 });
add({ id: 'notify_procurement', kind: 'service', name: '通知采购流程', row: 0, col: 21, type: 'notify-procurement', retries: 3,
  doc: '向采购流程发送消息 complaint-decided（complaintEffect、complaintId、complaintDecisionNo、complaintTenderId），由采购流程转入重新评审或废标。' });
add({ id: 'end_decided', kind: 'end', name: '处理完毕', row: 0, col: 22 });
add({ id: 'end_decided_continue', kind: 'end', name: '处理完毕（采购继续）', row: 0, col: 21, lane: 1 });
add({ id: 'record_rejected', kind: 'service', name: '登记不予受理', row: 0, col: 7, lane: 1, type: 'record-complaint', retries: 3, headers: [['status', 'rejected']] });
add({ id: 'end_rejected', kind: 'end', name: '不予受理', row: 0, col: 8, lane: 1 });
add({ id: 'record_correction', kind: 'service', name: '登记补正通知', row: 0, col: 7, lane: -1, type: 'record-complaint', retries: 3, headers: [['status', 'correction']] });
add({ id: 'correct_complaint', kind: 'user', name: '补正投诉书', row: 0, col: 8, lane: -1, form: 'complaint-correction', assignee: '=complainant',
  outputs: [['=correctedFacts', 'correctedFacts'], ['=true', 'correctionRequested']],
  headers: [['legalBasis', '政府采购质疑和投诉办法（财政部令第94号）第21条第1项']],
  doc: '投诉人按补正通知补正投诉书（只补正一次：correctionRequested）。' });
add({ id: 'record_corrected', kind: 'service', name: '登记补正', row: 0, col: 9, lane: -1, type: 'record-complaint', retries: 3, headers: [['status', 'corrected']] });

flow({ id: 'flow_start', from: 'start_complaint', to: 'prepare_complaint_letter' });
flow({ id: 'flow_letter_ready', from: 'prepare_complaint_letter', to: 'generate_complaint_letter' });
flow({ id: 'flow_letter_filed', from: 'generate_complaint_letter', to: 'gw_merge_review' });
flow({ id: 'flow_to_review_deadline', from: 'gw_merge_review', to: 'compute_review_deadline' });
flow({ id: 'flow_to_review', from: 'compute_review_deadline', to: 'review_complaint' });
flow({ id: 'flow_reviewed', from: 'review_complaint', to: 'gw_review_result' });
flow({ id: 'flow_accept', from: 'gw_review_result', to: 'record_accepted', name: '受理', cond: '=reviewDecision = "accept"' });
flow({ id: 'flow_reject', from: 'gw_review_result', to: 'record_rejected', name: '不予受理', cond: '=reviewDecision = "reject" or (reviewDecision = "correct" and correctionRequested = true)', exit: 'bottom', enter: 'left' });
flow({ id: 'flow_correct', from: 'gw_review_result', to: 'record_correction', name: '补正', cond: '=reviewDecision = "correct" and not(correctionRequested = true)', exit: 'top', enter: 'left' });
flow({ id: 'flow_rejected', from: 'record_rejected', to: 'end_rejected' });
flow({ id: 'flow_correction_noted', from: 'record_correction', to: 'correct_complaint' });
flow({ id: 'flow_corrected', from: 'correct_complaint', to: 'record_corrected' });
flow({ id: 'flow_back_to_review', from: 'record_corrected', to: 'gw_merge_review', exit: 'top', via: [['y', Y(0) - 200]], enter: 'top' });
flow({ id: 'flow_accepted', from: 'record_accepted', to: 'compute_decision_deadline' });
flow({ id: 'flow_to_explanation_deadline', from: 'compute_decision_deadline', to: 'compute_explanation_deadline' });
flow({ id: 'flow_to_explanation', from: 'compute_explanation_deadline', to: 'respondent_explanation' });
flow({ id: 'flow_explained', from: 'respondent_explanation', to: 'investigate_complaint' });
flow({ id: 'flow_investigated', from: 'investigate_complaint', to: 'gw_suspend' });
flow({ id: 'flow_suspend_yes', from: 'gw_suspend', to: 'compute_suspension_end', name: '暂停', cond: '=suspendProcurement = "yes"', exit: 'top', enter: 'left' });
flow({ id: 'flow_suspend_no', from: 'gw_suspend', to: 'gw_merge_decide', name: '不暂停', cond: '=suspendProcurement = "no"' });
flow({ id: 'flow_to_suspend', from: 'compute_suspension_end', to: 'suspend_procurement' });
flow({ id: 'flow_suspended', from: 'suspend_procurement', to: 'gw_merge_decide', exit: 'right', enter: 'top' });
flow({ id: 'flow_to_decide', from: 'gw_merge_decide', to: 'decide_complaint' });
flow({ id: 'flow_suspension_expired', from: 'suspension_expired', to: 'resume_on_expiry', exit: 'bottom', enter: 'left' });
flow({ id: 'flow_resumed_on_expiry', from: 'resume_on_expiry', to: 'end_suspension_expired' });
flow({ id: 'flow_decided', from: 'decide_complaint', to: 'resume_procurement' });
flow({ id: 'flow_resumed', from: 'resume_procurement', to: 'record_decision' });
flow({ id: 'flow_decision_recorded', from: 'record_decision', to: 'generate_decision' });
flow({ id: 'flow_decision_filed', from: 'generate_decision', to: 'gw_effect' });
flow({ id: 'flow_effect_changes', from: 'gw_effect', to: 'notify_procurement', name: '重新评审或废标', cond: '=complaintEffect = "reevaluate" or complaintEffect = "cancel"' });
flow({ id: 'flow_effect_continue', from: 'gw_effect', to: 'end_decided_continue', name: '驳回或不影响采购结果', cond: '=complaintEffect = "continue"', exit: 'bottom', enter: 'left' });
flow({ id: 'flow_notified', from: 'notify_procurement', to: 'end_decided' });

const COMPLAINT_DOC = `政府采购投诉处理（政府采购法第55—58条；政府采购法实施条例第55—58条；政府采购质疑和投诉办法，财政部令第94号）。
收到投诉 → 生成投诉书 → 受理审查（5个工作日，T16a：受理、补正一次、不予受理）→ 被投诉人说明（5个工作日，T16c）→ 调查取证，可暂停采购活动（≤30日，T18：消息 procurement-suspended / procurement-resumed 发往采购流程）→ 处理决定（受理后30个工作日，T17）→ 投诉处理决定书（文书 17）→ 影响采购结果的决定以消息 complaint-decided（complaintEffect：reevaluate / cancel）通知采购流程。
期限一律由 compute-deadline 按 server/calendar/time-limits.json 计算，模型中不写死。`;

const STAFF: Node[] = [
  { id: 'start_report', kind: 'start', name: '收到举报', row: 0, col: 0,
    doc: '公众通过投诉举报渠道（POST /api/reports，无需登录）反映交易中心工作人员的问题；启动变量 trackingCode、category、subject、facts。' },
  { id: 'handle_report', kind: 'user', name: '办理举报', row: 0, col: 1, form: 'report-handling', groups: SUP,
    headers: [['legalBasis', '政府采购法第70条；政府采购法实施条例第75条']],
    doc: '监督部门核查举报事项并答复（举报人凭查询码查看办理状态和答复）。' },
  { id: 'record_report_reply', kind: 'service', name: '登记答复', row: 0, col: 2, type: 'record-report-reply', retries: 3 },
  { id: 'end_report', kind: 'end', name: '办结', row: 0, col: 3 },
];
const STAFF_FLOWS: Flow[] = [
  { id: 'flow_report_start', from: 'start_report', to: 'handle_report' },
  { id: 'flow_report_handled', from: 'handle_report', to: 'record_report_reply' },
  { id: 'flow_report_replied', from: 'record_report_reply', to: 'end_report' },
];

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? path.join(here, '..', '..', '..', 'processes');
fs.writeFileSync(path.join(dir, 'complaint.bpmn'), modelXml({
  definitionsId: 'definitions_complaint', processId: 'complaint', processName: '政府采购投诉处理', versionTag: '2026.1',
  doc: COMPLAINT_DOC, declarations: '', nodes: n, flows: f,
}));
fs.writeFileSync(path.join(dir, 'staff-report.bpmn'), modelXml({
  definitionsId: 'definitions_staff_report', processId: 'staff-report', processName: '投诉举报（交易中心工作人员）', versionTag: '2026.1',
  doc: '公众对交易中心工作人员的投诉举报：监督部门办理并答复，举报人凭查询码查看。', declarations: '', nodes: STAFF, flows: STAFF_FLOWS,
}));
console.log(`wrote ${dir}/complaint.bpmn (${n.length} elements, ${f.length} flows) and staff-report.bpmn`);
