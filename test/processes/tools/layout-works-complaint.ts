/**
 * Layout aid for processes/works-complaint.bpmn (工程建设项目招标投标投诉处理, 招标投标法实施条例第60—62条): element
 * table → semantics + BPMNDI through bpmn-layout.ts. The steps reuse the GP complaint's task types (the complaint
 * records, letters and messages are the same); who handles it (the works supervisor), the time limits (W5a/W5b)
 * and the legal basis are the Bidding Law's.
 *   npx tsx test/processes/tools/layout-works-complaint.ts [outDir]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelXml, Y, type Flow, type Node } from './bpmn-layout.ts';

const SUP = 'works_supervisor';
const n: Node[] = [];
const f: Flow[] = [];
const add = (x: Node) => n.push(x);
const flow = (x: Flow) => f.push(x);
const WORKS = (variable: string) => [[`=context put(${variable}, "regime", "works")`, variable]] as Array<[string, string]>;

add({ id: 'start_complaint', kind: 'start', name: '收到投诉', row: 0, col: 0,
  doc: '投标人或者其他利害关系人对异议答复不满意的，自知道或者应当知道之日起10日内（W5）向行业主管部门投诉（POST /api/complaints 核验投诉人与期限后启动本流程；先异议后投诉，实施条例第六十条）。启动变量：complaintId、complainant、respondentUsers、tenderKey、procurementInstanceId、regime = works。' });
add({ id: 'prepare_complaint_letter', kind: 'service', name: '整理投诉书', row: 0, col: 1, type: 'prepare-complaint-letter', retries: 3 });
add({ id: 'generate_complaint_letter', kind: 'service', name: '生成投诉书', row: 0, col: 2, type: 'generate-document', retries: 3, inputs: WORKS('complaintLetterData'),
  headers: [['templateId', 'complaint-decision'], ['dataVariable', 'complaintLetterData'], ['resultVariable', 'complaintLetterDocument']] });
add({ id: 'gw_merge_review', kind: 'gw', row: 0, col: 3 });
add({ id: 'compute_review_deadline', kind: 'service', name: '计算受理期限', row: 0, col: 4, type: 'compute-deadline', retries: 3, headers: [['rule', 'W5a'], ['resultVariable', 'reviewDeadline']],
  doc: 'W5a：收到投诉之日起3个工作日内决定是否受理（实施条例第六十一条）。' });
add({ id: 'review_complaint', kind: 'user', name: '受理审查', row: 0, col: 5, form: 'complaint-review', groups: SUP, due: '=reviewDeadlineAt',
  headers: [['legalBasis', '招标投标法实施条例第六十条、第六十一条']],
  doc: '行业主管部门审查投诉：符合条件的受理；材料不全的通知补正一次；就条例22、44、54规定事项投诉而未先提出异议的、超过投诉期限的，不予受理。' });
add({ id: 'gw_review_result', kind: 'gw', name: '审查结论', row: 0, col: 6 });
add({ id: 'record_accepted', kind: 'service', name: '登记受理', row: 0, col: 7, type: 'record-complaint', retries: 3, headers: [['status', 'accepted']] });
add({ id: 'compute_decision_deadline', kind: 'service', name: '计算处理期限', row: 0, col: 8, type: 'compute-deadline', retries: 3, headers: [['rule', 'W5b'], ['resultVariable', 'decisionDeadline']],
  doc: 'W5b：受理之日起30个工作日内作出书面处理决定；需要检验、检测、鉴定、专家评审的，所需时间不计算在内（实施条例第六十一条）。' });
add({ id: 'respondent_explanation', kind: 'user', name: '被投诉人说明', row: 0, col: 9, form: 'complaint-explanation', users: '=respondentUsers', due: '=decisionDeadlineAt',
  headers: [['legalBasis', '招标投标法实施条例第六十二条（行政监督部门有权查阅、复制有关文件、资料，调查有关情况，相关单位和人员应当予以配合）']] });
add({ id: 'investigate_complaint', kind: 'user', name: '调查取证', row: 0, col: 10, form: 'complaint-investigation', groups: SUP, due: '=decisionDeadlineAt',
  headers: [['legalBasis', '招标投标法实施条例第六十二条']],
  doc: '调查取证；必要时责令暂停招标投标活动（实施条例第六十二条，法律未规定最长期限：暂停至处理决定作出，最迟至处理期限届满）。' });
add({ id: 'gw_suspend', kind: 'gw', name: '是否暂停招标投标活动？', row: 0, col: 11 });
add({ id: 'suspension_until_decision', kind: 'throw', name: '暂停至处理决定', row: 0, col: 12, lane: -1, outputs: [['=decisionDeadlineAt', 'suspensionEndAt']] });
add({ id: 'suspend_procurement', kind: 'service', name: '暂停招标投标活动', row: 0, col: 13, lane: -1, type: 'suspend-procurement', retries: 3 });
add({ id: 'gw_merge_decide', kind: 'gw', row: 0, col: 14 });
add({ id: 'decide_complaint', kind: 'user', name: '作出处理决定', row: 0, col: 15, form: 'complaint-decision', groups: SUP, due: '=decisionDeadlineAt',
  headers: [['legalBasis', '招标投标法实施条例第六十一条、第七十条至第八十一条']] });
add({ id: 'suspension_expired', kind: 'bTimer', name: '处理期限届满', row: 0, col: 15, attachedTo: 'decide_complaint', interrupting: false,
  timeDate: '=if suspensionEndAt = null then decisionDeadlineAt else suspensionEndAt' });
add({ id: 'resume_on_expiry', kind: 'service', name: '期满恢复招标投标活动', row: 0, col: 16, lane: 1, type: 'resume-procurement', retries: 3 });
add({ id: 'end_suspension_expired', kind: 'end', name: '暂停已结束', row: 0, col: 17, lane: 1 });
add({ id: 'resume_procurement', kind: 'service', name: '恢复招标投标活动', row: 0, col: 16, type: 'resume-procurement', retries: 3 });
add({ id: 'record_decision', kind: 'service', name: '登记处理决定', row: 0, col: 17, type: 'record-complaint-decision', retries: 3 });
add({ id: 'generate_decision', kind: 'service', name: '生成投诉处理决定书', row: 0, col: 18, type: 'generate-document', retries: 3, inputs: WORKS('complaintDecisionData'),
  headers: [['templateId', 'complaint-decision'], ['dataVariable', 'complaintDecisionData'], ['resultVariable', 'complaintDecisionDocument']] });
add({ id: 'gw_effect', kind: 'gw', name: '是否影响中标结果？', row: 0, col: 19 });
add({ id: 'notify_procurement', kind: 'service', name: '通知招标流程', row: 0, col: 20, type: 'notify-procurement', retries: 3,
  doc: '向招标流程（works_tender）发送消息 complaint-decided：reevaluate（责令重新评标）或 cancel（中标无效，依法重新招标）。' });
add({ id: 'end_decided', kind: 'end', name: '处理完毕', row: 0, col: 21 });
add({ id: 'end_decided_continue', kind: 'end', name: '处理完毕（招标继续）', row: 0, col: 20, lane: 1 });
add({ id: 'record_rejected', kind: 'service', name: '登记不予受理', row: 0, col: 7, lane: 1, type: 'record-complaint', retries: 3, headers: [['status', 'rejected']] });
add({ id: 'end_rejected', kind: 'end', name: '不予受理', row: 0, col: 8, lane: 1 });
add({ id: 'record_correction', kind: 'service', name: '登记补正通知', row: 0, col: 7, lane: -1, type: 'record-complaint', retries: 3, headers: [['status', 'correction']] });
add({ id: 'correct_complaint', kind: 'user', name: '补正投诉书', row: 0, col: 8, lane: -1, form: 'complaint-correction', assignee: '=complainant',
  outputs: [['=correctedFacts', 'correctedFacts'], ['=true', 'correctionRequested']], headers: [['legalBasis', '工程建设项目招标投标活动投诉处理办法（七部委令第11号）第七条']] });
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
flow({ id: 'flow_to_explanation', from: 'compute_decision_deadline', to: 'respondent_explanation' });
flow({ id: 'flow_explained', from: 'respondent_explanation', to: 'investigate_complaint' });
flow({ id: 'flow_investigated', from: 'investigate_complaint', to: 'gw_suspend' });
flow({ id: 'flow_suspend_yes', from: 'gw_suspend', to: 'suspension_until_decision', name: '暂停', cond: '=suspendProcurement = "yes"', exit: 'top', enter: 'left' });
flow({ id: 'flow_suspend_no', from: 'gw_suspend', to: 'gw_merge_decide', name: '不暂停', cond: '=suspendProcurement = "no"' });
flow({ id: 'flow_to_suspend', from: 'suspension_until_decision', to: 'suspend_procurement' });
flow({ id: 'flow_suspended', from: 'suspend_procurement', to: 'gw_merge_decide', exit: 'right', enter: 'top' });
flow({ id: 'flow_to_decide', from: 'gw_merge_decide', to: 'decide_complaint' });
flow({ id: 'flow_suspension_expired', from: 'suspension_expired', to: 'resume_on_expiry', exit: 'bottom', enter: 'left' });
flow({ id: 'flow_resumed_on_expiry', from: 'resume_on_expiry', to: 'end_suspension_expired' });
flow({ id: 'flow_decided', from: 'decide_complaint', to: 'resume_procurement' });
flow({ id: 'flow_resumed', from: 'resume_procurement', to: 'record_decision' });
flow({ id: 'flow_decision_recorded', from: 'record_decision', to: 'generate_decision' });
flow({ id: 'flow_decision_filed', from: 'generate_decision', to: 'gw_effect' });
flow({ id: 'flow_effect_changes', from: 'gw_effect', to: 'notify_procurement', name: '重新评标或重新招标', cond: '=complaintEffect = "reevaluate" or complaintEffect = "cancel"' });
flow({ id: 'flow_effect_continue', from: 'gw_effect', to: 'end_decided_continue', name: '驳回或不影响中标结果', cond: '=complaintEffect = "continue"', exit: 'bottom', enter: 'left' });
flow({ id: 'flow_notified', from: 'notify_procurement', to: 'end_decided' });

const DOC = `工程建设项目招标投标投诉处理（招标投标法第六十五条；招标投标法实施条例第六十条至第六十二条；工程建设项目招标投标活动投诉处理办法，七部委令第11号）。
行业主管部门（works_supervisor，住建局）处理：收到投诉 → 投诉书 → 受理审查（3个工作日，W5a；补正一次）→ 被投诉人说明 → 调查取证，必要时责令暂停招标投标活动（消息 procurement-suspended / procurement-resumed，暂停至处理决定）→ 处理决定（受理后30个工作日，W5b）→ 投诉处理决定书（文书 17，regime = works）→ 影响中标结果的决定以消息 complaint-decided 通知招标流程（works_tender）：重新评标或重新招标。
期限一律由 compute-deadline 按 server/calendar/time-limits.json 计算，模型中不写死。`;

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? path.join(here, '..', '..', '..', 'processes');
fs.writeFileSync(path.join(dir, 'works-complaint.bpmn'), modelXml({
  definitionsId: 'definitions_works_complaint', processId: 'works_complaint', processName: '工程建设项目招标投标投诉处理', versionTag: '2026.1',
  doc: DOC, declarations: '', nodes: n, flows: f,
}));
console.log(`wrote ${dir}/works-complaint.bpmn (${n.length} elements, ${f.length} flows)`);
