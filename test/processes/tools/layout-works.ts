/**
 * Layout aid for processes/works-tender.bpmn (工程建设项目招标全流程, 招标投标法): element table → semantics + BPMNDI
 * through bpmn-layout.ts, as layout-procurement.ts does for government procurement. The works chain reuses the
 * procurement chain's task types (its workers read `regime = 'works'`, set at start) and adds its own: 招标备案 by the
 * industry supervisor, 异议 to the documents and to the evaluation result, 中标候选人公示, the written report.
 *   npx tsx test/processes/tools/layout-works.ts [out.bpmn]
 * Running it overwrites the file: port changes made in the modeller here first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LM, messageDeclaration, modelXml, RM, X, Y, type Flow, type Node } from './bpmn-layout.ts';

const n: Node[] = [];
const f: Flow[] = [];
const add = (x: Node) => n.push(x);
const flow = (x: Flow) => f.push(x);
const AGENCY = '=agencyUsers';
const LB_APPLY = '招标投标法第三条、第九条；必须招标的工程项目规定（国家发展改革委令第16号）';

// ---------------------------------------------------------------- A 招标申请与备案
add({ id: 'start_application', kind: 'start', name: '招标申请', row: 0, col: 0 });
add({ id: 'fill_application', kind: 'user', name: '填报招标申请', row: 0, col: 1, form: 'works-application', assignee: '=initiator', headers: [['legalBasis', LB_APPLY]],
  doc: '招标人（发起人 initiator）填报工程建设项目招标申请：项目名称、项目审批（核准、备案）文号、工程类品目编码（B）、招标方式（公开/邀请招标）、估算价、最高投标限价、资金来源、是否国有资金控股或主导、招标代理机构、计划工期、计划竣工日期、建设地点、资质要求、招标范围、工程量清单主要项目。金额以“元”填写，随后换算为整数“分”。' });
add({ id: 'assign_project_number', kind: 'service', name: '生成项目编号', row: 0, col: 2, type: 'assign-project-number', retries: 3, headers: [['prefix', 'FCGC']],
  doc: '分配工程招标项目编号（如 FCGC-2026-0001，前缀取自任务头 prefix），按上海时区自然年编号。' });
add({ id: 'gw_merge_before_check', kind: 'gw', row: 0, col: 3 });
add({ id: 'amounts_to_fen', kind: 'throw', name: '金额换算为分', row: 0, col: 4,
  outputs: [['=if budgetYuan = null then null else decimal(budgetYuan * 100, 0)', 'budgetFen'], ['=if maxPriceYuan = null then null else decimal(maxPriceYuan * 100, 0)', 'maxPriceFen']],
  doc: '估算价与最高投标限价由“元”舍入为整数“分”（budgetFen、maxPriceFen）。' });
add({ id: 'check_application', kind: 'service', name: '校验招标申请', row: 0, col: 5, type: 'check-application', retries: 3,
  doc: '与政府采购申请相同的校验（品目、工程量清单项目在商品库中、合计不超过估算价、最高投标限价不超过估算价、代理机构在册且有经办人员），输出 itemsFen、agencyName、agencyUsers；不合规时 APPLICATION_INVALID 退回。' });
add({ id: 'check_application_invalid', kind: 'bError', name: '申请不合规', row: 0, col: 5, attachedTo: 'check_application', error: 'error_application_invalid' });
add({ id: 'tender_registration', kind: 'user', name: '招标备案', row: 0, col: 6, form: 'works-registration', groups: 'works_supervisor',
  outputs: [['=decision', 'registrationDecision'], ['=comment', 'registrationComment'], ['=completedBy', 'registrationOfficer'], ['=completedByName', 'registrationOfficerName']],
  headers: [['legalBasis', '招标投标法第七条、第十二条；招标投标法实施条例第四条、第七条'], ['approvalStage', 'works_registration']],
  doc: '行业主管部门（住建局，works_supervisor）对招标方案备案：项目审批（核准）文号、招标范围、招标方式和组织形式。发起人不得办理。' });
add({ id: 'gw_registration_result', kind: 'gw', name: '是否备案？', row: 0, col: 7 });
add({ id: 'gw_merge_return', kind: 'gw', row: 0, col: 7, lane: 1 });
add({ id: 'revise_or_withdraw', kind: 'user', name: '修改或撤回招标申请', row: 0, col: 8, lane: 1, form: 'works-revise', assignee: '=initiator', headers: [['legalBasis', LB_APPLY]],
  doc: '被退回或校验未通过后，招标人修改申请并重新提交，或撤回。' });
add({ id: 'gw_revise_result', kind: 'gw', name: '重新提交还是撤回？', row: 0, col: 9, lane: 1 });
add({ id: 'end_withdrawn', kind: 'end', name: '申请撤回', row: 0, col: 10, lane: 1, outputs: [['="withdrawn"', 'outcome']] });

flow({ id: 'flow_start', from: 'start_application', to: 'fill_application' });
flow({ id: 'flow_filled', from: 'fill_application', to: 'assign_project_number' });
flow({ id: 'flow_numbered', from: 'assign_project_number', to: 'gw_merge_before_check' });
flow({ id: 'flow_to_fen', from: 'gw_merge_before_check', to: 'amounts_to_fen' });
flow({ id: 'flow_to_check', from: 'amounts_to_fen', to: 'check_application' });
flow({ id: 'flow_checked', from: 'check_application', to: 'tender_registration' });
flow({ id: 'flow_application_invalid', from: 'check_application_invalid', to: 'gw_merge_return', exit: 'bottom', via: [['y', Y(0) + 60]], enter: 'top' });
flow({ id: 'flow_registration_done', from: 'tender_registration', to: 'gw_registration_result' });
flow({ id: 'flow_registered', from: 'gw_registration_result', to: 'gw_merge_tender', name: '予以备案', cond: '=registrationDecision = "approve"', exit: 'right', via: [['x', X(11)], ['y', Y(0) + 260]], enter: 'top' });
flow({ id: 'flow_registration_return', from: 'gw_registration_result', to: 'gw_merge_return', name: '退回', cond: '=registrationDecision = "return"', exit: 'bottom', enter: 'top' });
flow({ id: 'flow_to_revise', from: 'gw_merge_return', to: 'revise_or_withdraw' });
flow({ id: 'flow_revised', from: 'revise_or_withdraw', to: 'gw_revise_result' });
flow({ id: 'flow_resubmit', from: 'gw_revise_result', to: 'gw_merge_before_check', name: '重新提交', cond: '=applicantAction = "resubmit"', exit: 'bottom', via: [['y', Y(0) + 220]], enter: 'bottom' });
flow({ id: 'flow_withdraw', from: 'gw_revise_result', to: 'end_withdrawn', name: '撤回', cond: '=applicantAction = "withdraw"' });

// ---------------------------------------------------------------- B 招标（文件发售、澄清修改、对招标文件的异议）
add({ id: 'gw_merge_tender', kind: 'gw', row: 1, col: 1 });
add({ id: 'prepare_tender', kind: 'user', name: '编制招标文件', row: 1, col: 2, form: 'works-tender-preparation', users: AGENCY,
  headers: [['legalBasis', '招标投标法第十九条、第二十四条；招标投标法实施条例第十五条、第二十六条；《标准施工招标文件》（2007）']],
  doc: '招标代理机构编制招标文件：评标方法（综合评估法/经评审的最低投标价法）、权重、资格条件、投标截止时间、开标地点、投标保证金（不超过估算价的2%）。' });
add({ id: 'check_tender_settings', kind: 'service', name: '检查评标设置', row: 1, col: 3, type: 'check-evaluation-settings', retries: 3,
  doc: '工程招标（regime = works）：评标方法为综合评估法或经评审的最低投标价法，综合评估法的各项权重之和为100；不适用政府采购的价格分区间与中小企业价格扣除区间。' });
add({ id: 'check_tender_settings_invalid', kind: 'bError', name: '设置不合规', row: 1, col: 3, attachedTo: 'check_tender_settings', error: 'error_tender_invalid' });
add({ id: 'publish_tender', kind: 'service', name: '发布招标公告', row: 1, col: 4, type: 'publish-tender', retries: 3,
  doc: '工程招标：招标文件自发出之日起至投标截止不少于20日（W6，招标投标法第二十四条），发售期不少于5日（W1，实施条例第十六条），投标保证金不超过估算价的2%（实施条例第二十六条）。输出 tenderId、tenderKey、bidDeadlineAt、minBids（3）及公告、招标文件数据（regime = works，引用招标投标法）。' });
add({ id: 'publish_tender_invalid', kind: 'bError', name: '发布条件不满足', row: 1, col: 4, attachedTo: 'publish_tender', error: 'error_tender_invalid' });
add({ id: 'generate_tender_notice', kind: 'service', name: '生成招标公告', row: 1, col: 5, type: 'generate-document', retries: 3, headers: [['templateId', 'tender-notice'], ['dataVariable', 'tenderNoticeData']] });
add({ id: 'generate_tender_documents', kind: 'service', name: '生成招标文件', row: 1, col: 6, type: 'generate-document', retries: 3, headers: [['templateId', 'tender-documents'], ['dataVariable', 'tenderDocumentsData']] });
add({ id: 'gw_merge_window', kind: 'gw', row: 1, col: 7 });
add({ id: 'gw_bid_window', kind: 'evgw', name: '投标期间', row: 1, col: 8,
  doc: '等待投标截止、澄清修改或对招标文件的异议。处理异议期间流程停在答复任务，不在此等待（“作出答复前，应当暂停招标投标活动”）；答复后回到等待，截止时间已过的立即开标。' });
add({ id: 'bid_deadline_reached', kind: 'timer', name: '投标截止', row: 1, col: 9, timeDate: '=bidDeadlineAt' });
add({ id: 'tender_amended', kind: 'message', name: '澄清或修改', row: 1, col: 9, lane: -1, message: 'msg_tender_amended' });
add({ id: 'apply_amendment', kind: 'service', name: '处理澄清修改', row: 1, col: 10, lane: -1, type: 'apply-amendment', retries: 3,
  doc: '澄清或修改可能影响投标文件编制且距截止不足15日的，顺延投标截止时间（招标投标法第二十三条；实施条例第二十一条，与政府采购同为15日）。' });
add({ id: 'generate_clarification_notice', kind: 'service', name: '生成澄清公告', row: 1, col: 11, lane: -1, type: 'generate-document', retries: 3, headers: [['templateId', 'clarification-notice'], ['dataVariable', 'clarificationNoticeData']], inputs: [['=context put(clarificationNoticeData, "regime", "works")', 'clarificationNoticeData']] });
add({ id: 'documents_objection_filed', kind: 'message', name: '收到对招标文件的异议', row: 1, col: 9, lane: 1, message: 'msg_documents_objection',
  doc: '潜在投标人在投标截止时间10日前（W2）提出异议（POST /api/tenders/:id/objections，stage=documents），消息变量 objectionId、objectionReplyDueAt（收到后3日，W2a）。' });
add({ id: 'answer_documents_objection', kind: 'user', name: '答复对招标文件的异议', row: 1, col: 10, lane: 1, form: 'objection-reply', users: AGENCY, due: '=objectionReplyDueAt',
  headers: [['legalBasis', '招标投标法实施条例第二十二条']],
  doc: '招标人（代理机构）自收到异议之日起3日内答复：不成立；成立须修改招标文件（答复后另行发布澄清或修改）；成立须终止本次招标并重新招标。' });
add({ id: 'record_documents_objection_reply', kind: 'service', name: '登记异议答复', row: 1, col: 11, lane: 1, type: 'record-objection-reply', retries: 3 });
add({ id: 'generate_documents_objection_reply', kind: 'service', name: '生成异议答复函', row: 1, col: 12, lane: 1, type: 'generate-document', retries: 3, headers: [['templateId', 'works-objection-reply'], ['dataVariable', 'objectionReplyData']] });
add({ id: 'gw_documents_objection_outcome', kind: 'gw', name: '异议处理结果', row: 1, col: 13, lane: 1, defaultFlow: 'flow_documents_objection_continue' });

flow({ id: 'flow_to_prepare', from: 'gw_merge_tender', to: 'prepare_tender' });
flow({ id: 'flow_prepared', from: 'prepare_tender', to: 'check_tender_settings' });
flow({ id: 'flow_settings_ok', from: 'check_tender_settings', to: 'publish_tender' });
flow({ id: 'flow_settings_invalid', from: 'check_tender_settings_invalid', to: 'gw_merge_tender', name: '退回修改', exit: 'bottom', via: [['y', Y(1) + 60]], enter: 'bottom' });
flow({ id: 'flow_published', from: 'publish_tender', to: 'generate_tender_notice' });
flow({ id: 'flow_publish_invalid', from: 'publish_tender_invalid', to: 'gw_merge_tender', exit: 'bottom', via: [['y', Y(1) + 60]], enter: 'bottom' });
flow({ id: 'flow_notice_done', from: 'generate_tender_notice', to: 'generate_tender_documents' });
flow({ id: 'flow_documents_done', from: 'generate_tender_documents', to: 'gw_merge_window' });
flow({ id: 'flow_to_bid_window', from: 'gw_merge_window', to: 'gw_bid_window' });
flow({ id: 'flow_wait_deadline', from: 'gw_bid_window', to: 'bid_deadline_reached' });
flow({ id: 'flow_wait_amendment', from: 'gw_bid_window', to: 'tender_amended', exit: 'top', enter: 'left' });
flow({ id: 'flow_amendment_received', from: 'tender_amended', to: 'apply_amendment' });
flow({ id: 'flow_amendment_applied', from: 'apply_amendment', to: 'generate_clarification_notice' });
flow({ id: 'flow_back_to_window', from: 'generate_clarification_notice', to: 'gw_merge_window', exit: 'top', via: [['y', Y(1) - 210]], enter: 'top' });
flow({ id: 'flow_wait_documents_objection', from: 'gw_bid_window', to: 'documents_objection_filed', exit: 'bottom', enter: 'left' });
flow({ id: 'flow_documents_objection_received', from: 'documents_objection_filed', to: 'answer_documents_objection' });
flow({ id: 'flow_documents_objection_answered', from: 'answer_documents_objection', to: 'record_documents_objection_reply' });
flow({ id: 'flow_documents_objection_recorded', from: 'record_documents_objection_reply', to: 'generate_documents_objection_reply' });
flow({ id: 'flow_documents_objection_letter', from: 'generate_documents_objection_reply', to: 'gw_documents_objection_outcome' });
flow({ id: 'flow_documents_objection_continue', from: 'gw_documents_objection_outcome', to: 'gw_merge_window', name: '不成立或修改后继续', exit: 'bottom', via: [['y', Y(1) + 230], ['x', X(7)]], enter: 'bottom' });
flow({ id: 'flow_documents_objection_cancel', from: 'gw_documents_objection_outcome', to: 'gw_merge_failed', name: '成立，重新招标', cond: '=objectionOutcome = "upheld_cancel"', exit: 'right', via: [['x', RM(3)], ['y', Y(5) + 290]], enter: 'bottom' });
flow({ id: 'flow_to_opening', from: 'bid_deadline_reached', to: 'open_bids', exit: 'right', via: [['x', X(9) + 60], ['y', Y(1) + 280], ['x', X(1)]], enter: 'top' });

// ---------------------------------------------------------------- C 开标与资格审查
add({ id: 'open_bids', kind: 'service', name: '开标', row: 2, col: 1, type: 'open-bids', retries: 3,
  doc: '投标截止时间同一时间公开开标（招标投标法第三十四条）；此时才解密投标文件。' });
add({ id: 'generate_bid_opening_record', kind: 'service', name: '生成开标记录', row: 2, col: 2, type: 'generate-document', retries: 3, headers: [['templateId', 'bid-opening-record'], ['dataVariable', 'bidOpeningRecordData']], inputs: [['=context put(bidOpeningRecordData, "regime", "works")', 'bidOpeningRecordData']] });
add({ id: 'gw_enough_bids', kind: 'gw', name: '投标人是否足够？', row: 2, col: 3,
  doc: '投标人少于3个的，不得开标，招标人应当重新招标（招标投标法第二十八条；实施条例第四十四条）。' });
add({ id: 'qualify_bidders', kind: 'service', name: '资格审查与信用查询', row: 2, col: 4, type: 'qualify-bidders', retries: 3 });
add({ id: 'generate_credit_check_record', kind: 'service', name: '生成信用查询记录', row: 2, col: 5, type: 'generate-document', retries: 3, headers: [['templateId', 'credit-check-record'], ['dataVariable', 'creditCheckRecordData']], inputs: [['=context put(creditCheckRecordData, "regime", "works")', 'creditCheckRecordData']] });
add({ id: 'gw_merge_qualification', kind: 'gw', row: 2, col: 6 });
add({ id: 'qualification_review', kind: 'user', name: '资格审查确认', row: 2, col: 7, form: 'qualification-review', users: AGENCY,
  headers: [['legalBasis', '招标投标法第十八条、第二十六条；招标投标法实施条例第五十一条']] });
add({ id: 'confirm_qualification', kind: 'service', name: '确认资格审查结果', row: 2, col: 8, type: 'confirm-qualification', retries: 3,
  outputs: [['=qualifiedBids', 'qualifiedBids'], ['=qualifiedCount', 'qualifiedCount'], ['=excludedBids', 'excludedBids'], ['=[]', 'qualificationProblems']] });
add({ id: 'confirm_qualification_invalid', kind: 'bError', name: '审查结论有误', row: 2, col: 8, attachedTo: 'confirm_qualification', error: 'error_qualification_invalid' });
add({ id: 'gw_enough_qualified', kind: 'gw', name: '合格投标人是否足够？', row: 2, col: 9,
  doc: '合格投标人少于3个、明显缺乏竞争的，评标委员会可以否决全部投标，招标人应当重新招标（招标投标法第四十二条）。' });

flow({ id: 'flow_opened', from: 'open_bids', to: 'generate_bid_opening_record' });
flow({ id: 'flow_opening_recorded', from: 'generate_bid_opening_record', to: 'gw_enough_bids' });
flow({ id: 'flow_enough_bids', from: 'gw_enough_bids', to: 'qualify_bidders', name: '足够', cond: '=bidCount >= minBids' });
flow({ id: 'flow_too_few_bids', from: 'gw_enough_bids', to: 'gw_merge_failed', name: '不足3个，重新招标', cond: '=bidCount < minBids', exit: 'top', via: [['y', Y(2) - 80], ['x', RM(2)], ['y', Y(5) + 260]], enter: 'bottom' });
flow({ id: 'flow_qualified_checked', from: 'qualify_bidders', to: 'generate_credit_check_record' });
flow({ id: 'flow_credit_recorded', from: 'generate_credit_check_record', to: 'gw_merge_qualification' });
flow({ id: 'flow_to_qualification_review', from: 'gw_merge_qualification', to: 'qualification_review' });
flow({ id: 'flow_reviewed', from: 'qualification_review', to: 'confirm_qualification' });
flow({ id: 'flow_qualification_confirmed', from: 'confirm_qualification', to: 'gw_enough_qualified' });
flow({ id: 'flow_qualification_invalid', from: 'confirm_qualification_invalid', to: 'gw_merge_qualification', name: '重新审查', exit: 'bottom', via: [['y', Y(2) + 75]], enter: 'bottom' });
flow({ id: 'flow_enough_qualified', from: 'gw_enough_qualified', to: 'draw_experts', name: '足够', cond: '=qualifiedCount >= minBids', exit: 'bottom', via: [['y', Y(2) + 250]], enter: 'top' });
flow({ id: 'flow_too_few_qualified', from: 'gw_enough_qualified', to: 'gw_merge_failed', name: '不足，重新招标', cond: '=qualifiedCount < minBids', exit: 'right', via: [['x', RM(1)], ['y', Y(5) + 230]], enter: 'bottom' });

// ---------------------------------------------------------------- D 评标、中标候选人公示、定标
add({ id: 'draw_experts', kind: 'service', name: '抽取评标专家', row: 3, col: 1, type: 'draw-experts', retries: 3, headers: [['expertPool', 'works']],
  doc: '从综合评标专家库（任务头 expertPool = works）随机抽取评标专家：5人以上单数（招标投标法第三十七条；实施条例第四十六条），回避规则同政府采购。' });
add({ id: 'generate_expert_selection_record', kind: 'service', name: '生成专家抽取记录', row: 3, col: 2, type: 'generate-document', retries: 3, headers: [['templateId', 'expert-selection-record'], ['dataVariable', 'expertSelectionRecordData']], inputs: [['=context put(expertSelectionRecordData, "regime", "works")', 'expertSelectionRecordData']] });
add({ id: 'gw_merge_evaluation', kind: 'gw', row: 3, col: 3 });
add({ id: 'prepare_evaluation', kind: 'service', name: '准备评分表', row: 3, col: 4, type: 'prepare-evaluation', retries: 3,
  outputs: [['=scoreSheet', 'scoreSheet'], ['=expertScores', 'expertScores'], ['=scoreSheet', 'scores']] });
add({ id: 'expert_evaluation', kind: 'user', name: '专家独立评标', row: 3, col: 5, form: 'expert-evaluation', assignee: '=panelMember.username',
  mi: { coll: '=panel', el: 'panelMember', outColl: 'expertScores', outEl: '={expertCode: panelMember.code, scores: scores, opinion: evaluationOpinion}' },
  inputs: [['=scoreSheet', 'scores'], ['=null', 'evaluationOpinion']],
  headers: [['legalBasis', '招标投标法第四十条、第四十四条；《评标委员会和评标方法暂行规定》']] });
add({ id: 'score_bids', kind: 'service', name: '汇总评分与排序', row: 3, col: 6, type: 'score-bids', retries: 3,
  doc: '汇总评分并推荐不超过3名有排序的中标候选人（招标投标法实施条例第五十三条）。' });
add({ id: 'generate_evaluation_report', kind: 'service', name: '生成评标报告', row: 3, col: 7, type: 'generate-document', retries: 3, headers: [['templateId', 'evaluation-report'], ['dataVariable', 'evaluationReportData']], inputs: [['=context put(evaluationReportData, "regime", "works")', 'evaluationReportData']] });
add({ id: 'publish_candidates', kind: 'service', name: '公示中标候选人', row: 3, col: 8, type: 'publish-candidates', retries: 3,
  doc: '收到评标报告之日起3日内（W3a）公示中标候选人，公示期不少于3日（W3b）；输出 publicityStartAt、publicityEndsAt、publicityBasis 和公示数据 candidatePublicityData。' });
add({ id: 'generate_candidate_publicity', kind: 'service', name: '生成中标候选人公示', row: 3, col: 9, type: 'generate-document', retries: 3, headers: [['templateId', 'works-candidate-publicity'], ['dataVariable', 'candidatePublicityData']] });
add({ id: 'gw_merge_publicity', kind: 'gw', row: 3, col: 10 });
add({ id: 'gw_publicity_window', kind: 'evgw', name: '公示期间', row: 3, col: 11,
  doc: '公示期内收到异议（candidates-objection-filed）即暂停，答复后回到等待；公示期满（publicityEndsAt）确定中标人。' });
add({ id: 'publicity_ended', kind: 'timer', name: '公示期满', row: 3, col: 12, timeDate: '=publicityEndsAt' });
add({ id: 'candidates_objection_filed', kind: 'message', name: '收到对评标结果的异议', row: 3, col: 12, lane: -1, message: 'msg_candidates_objection',
  doc: '投标人在公示期间对评标结果提出异议（POST /api/tenders/:id/objections，stage=candidates），消息变量 objectionId、objectionReplyDueAt（收到后3日，W3c）。' });
add({ id: 'answer_candidates_objection', kind: 'user', name: '答复对评标结果的异议', row: 3, col: 13, lane: -1, form: 'candidate-objection-reply', users: AGENCY, due: '=objectionReplyDueAt',
  headers: [['legalBasis', '招标投标法实施条例第五十四条']] });
add({ id: 'record_candidates_objection_reply', kind: 'service', name: '登记异议答复', row: 3, col: 14, lane: -1, type: 'record-objection-reply', retries: 3 });
add({ id: 'generate_candidates_objection_reply', kind: 'service', name: '生成异议答复函', row: 3, col: 15, lane: -1, type: 'generate-document', retries: 3, headers: [['templateId', 'works-objection-reply'], ['dataVariable', 'objectionReplyData']] });
add({ id: 'gw_candidates_objection_outcome', kind: 'gw', name: '异议处理结果', row: 3, col: 16, lane: -1 });
add({ id: 'gw_merge_confirm', kind: 'gw', row: 3, col: 13 });
add({ id: 'confirm_winner', kind: 'user', name: '确定中标人', row: 3, col: 14, form: 'works-winner-confirmation', assignee: '=initiator',
  outputs: [['=winnerBidId', 'winnerBidId'], ['=confirmationNote', 'confirmationNote'], ['=false', 'winnerDeemed']],
  headers: [['legalBasis', '招标投标法第四十条；招标投标法实施条例第五十五条']],
  doc: '招标人根据评标报告和推荐的中标候选人确定中标人。国有资金占控股或者主导地位的项目，应当确定排名第一的中标候选人；确定其他候选人须在说明中写明理由（登记中标结果核对）。' });
add({ id: 'record_award', kind: 'service', name: '登记中标结果', row: 3, col: 15, type: 'record-award', retries: 3,
  doc: '登记中标（regime = works：无质疑期；订立合同期限 W8 30日，书面报告期限 W4 15日），输出中标结果公告与中标通知书数据。违反条例第五十五条时 AWARD_INVALID（awardProblems）退回确定中标人。' });
add({ id: 'record_award_invalid', kind: 'bError', name: '定标不合规', row: 3, col: 15, attachedTo: 'record_award', error: 'error_award_invalid' });
add({ id: 'generate_award_notice', kind: 'service', name: '生成中标结果公告', row: 3, col: 16, type: 'generate-document', retries: 3, headers: [['templateId', 'award-notice'], ['dataVariable', 'awardNoticeData']] });
add({ id: 'generate_notice_of_award', kind: 'service', name: '生成中标通知书', row: 3, col: 17, type: 'generate-document', retries: 3, headers: [['templateId', 'notice-of-award'], ['dataVariable', 'noticeOfAwardData']] });
add({ id: 'prepare_written_report', kind: 'service', name: '整理招标投标情况书面报告', row: 3, col: 18, type: 'prepare-written-report', retries: 3,
  doc: '自确定中标人之日起15日内（W4）向行业主管部门提交招标投标情况的书面报告（招标投标法第四十七条）：由系统整理并生成，行业主管部门在系统中查阅。' });
add({ id: 'generate_written_report', kind: 'service', name: '生成书面报告', row: 3, col: 19, type: 'generate-document', retries: 3, headers: [['templateId', 'works-tender-report'], ['dataVariable', 'writtenReportData']] });

flow({ id: 'flow_experts_drawn', from: 'draw_experts', to: 'generate_expert_selection_record' });
flow({ id: 'flow_draw_recorded', from: 'generate_expert_selection_record', to: 'gw_merge_evaluation' });
flow({ id: 'flow_to_prepare_evaluation', from: 'gw_merge_evaluation', to: 'prepare_evaluation' });
flow({ id: 'flow_sheet_ready', from: 'prepare_evaluation', to: 'expert_evaluation' });
flow({ id: 'flow_evaluated', from: 'expert_evaluation', to: 'score_bids' });
flow({ id: 'flow_scored', from: 'score_bids', to: 'generate_evaluation_report' });
flow({ id: 'flow_report_done', from: 'generate_evaluation_report', to: 'publish_candidates' });
flow({ id: 'flow_candidates_published', from: 'publish_candidates', to: 'generate_candidate_publicity' });
flow({ id: 'flow_publicity_generated', from: 'generate_candidate_publicity', to: 'gw_merge_publicity' });
flow({ id: 'flow_to_publicity_window', from: 'gw_merge_publicity', to: 'gw_publicity_window' });
flow({ id: 'flow_wait_publicity_end', from: 'gw_publicity_window', to: 'publicity_ended' });
flow({ id: 'flow_wait_candidates_objection', from: 'gw_publicity_window', to: 'candidates_objection_filed', exit: 'top', enter: 'left' });
flow({ id: 'flow_candidates_objection_received', from: 'candidates_objection_filed', to: 'answer_candidates_objection' });
flow({ id: 'flow_candidates_objection_answered', from: 'answer_candidates_objection', to: 'record_candidates_objection_reply' });
flow({ id: 'flow_candidates_objection_recorded', from: 'record_candidates_objection_reply', to: 'generate_candidates_objection_reply' });
flow({ id: 'flow_candidates_objection_letter', from: 'generate_candidates_objection_reply', to: 'gw_candidates_objection_outcome' });
flow({ id: 'flow_candidates_objection_rejected', from: 'gw_candidates_objection_outcome', to: 'gw_merge_publicity', name: '不成立', cond: '=objectionOutcome = "rejected"', exit: 'top', via: [['y', Y(3) - 200]], enter: 'top' });
flow({ id: 'flow_candidates_objection_reevaluate', from: 'gw_candidates_objection_outcome', to: 'gw_merge_evaluation', name: '成立，重新评标', cond: '=objectionOutcome = "upheld_reevaluate"', exit: 'top', via: [['y', Y(3) - 230]], enter: 'top' });
flow({ id: 'flow_candidates_objection_cancel', from: 'gw_candidates_objection_outcome', to: 'gw_merge_failed', name: '成立，重新招标', cond: '=objectionOutcome = "upheld_cancel"', exit: 'right', via: [['x', RM(0)], ['y', Y(5) + 200]], enter: 'bottom' });
add({ id: 'complaint_decided_in_publicity', kind: 'message', name: '收到投诉处理决定', row: 3, col: 12, lane: 1, message: 'msg_complaint_decided',
  doc: '公示期间行业主管部门作出影响中标结果的投诉处理决定（流程 works_complaint 发送 complaint-decided，complaintEffect 为 reevaluate 或 cancel）。' });
flow({ id: 'flow_wait_complaint_decision', from: 'gw_publicity_window', to: 'complaint_decided_in_publicity', exit: 'bottom', enter: 'left' });
flow({ id: 'flow_complaint_decided_in_publicity', from: 'complaint_decided_in_publicity', to: 'gw_merge_complaint_effect', exit: 'bottom', via: [['y', Y(4) - 150], ['x', LM(3)]], enter: 'left' });
add({ id: 'complaint_decided_on_confirm', kind: 'bMessage', name: '投诉处理决定', row: 3, col: 14, attachedTo: 'confirm_winner', message: 'msg_complaint_decided', dx: -40,
  doc: '中断：定标前行业主管部门作出影响中标结果的投诉处理决定，中止“确定中标人”，按决定重新评标或重新招标。' });
flow({ id: 'flow_complaint_decided_on_confirm', from: 'complaint_decided_on_confirm', to: 'gw_merge_complaint_effect', exit: 'bottom', via: [['y', Y(4) - 120], ['x', LM(4)]], enter: 'left' });
flow({ id: 'flow_publicity_over', from: 'publicity_ended', to: 'gw_merge_confirm' });
flow({ id: 'flow_to_confirm', from: 'gw_merge_confirm', to: 'confirm_winner' });
flow({ id: 'flow_confirmed', from: 'confirm_winner', to: 'record_award' });
flow({ id: 'flow_award_invalid', from: 'record_award_invalid', to: 'gw_merge_confirm', name: '退回重新确定', exit: 'bottom', via: [['y', Y(3) + 75]], enter: 'bottom' });
flow({ id: 'flow_awarded', from: 'record_award', to: 'generate_award_notice' });
flow({ id: 'flow_award_notice_done', from: 'generate_award_notice', to: 'generate_notice_of_award' });
flow({ id: 'flow_notice_of_award_done', from: 'generate_notice_of_award', to: 'prepare_written_report' });
flow({ id: 'flow_report_prepared', from: 'prepare_written_report', to: 'generate_written_report' });
flow({ id: 'flow_to_contract', from: 'generate_written_report', to: 'gw_merge_contract', exit: 'bottom', via: [['y', Y(3) + 250], ['x', X(0)]], enter: 'top' });

// ---------------------------------------------------------------- E 合同、竣工验收、归档
add({ id: 'gw_merge_contract', kind: 'gw', row: 4, col: 0 });
add({ id: 'sign_contract', kind: 'user', name: '签订施工合同', row: 4, col: 1, form: 'contract-signing', assignee: '=initiator', due: '=contractDeadlineAt',
  headers: [['legalBasis', '招标投标法第四十六条；招标投标法实施条例第五十七条、第五十八条']],
  doc: '自中标通知书发出之日起30日内（W8）按招标文件和中标人的投标文件订立书面合同；履约保证金不超过中标合同金额的10%。' });
add({ id: 'contract_deadline_passed', kind: 'bTimer', name: '签约期限届满', row: 4, col: 1, attachedTo: 'sign_contract', interrupting: false, timeDate: '=contractDeadlineAt' });
add({ id: 'gw_contract_escalated', kind: 'gw', name: '是否已督办？', row: 4, col: 2, lane: 1, defaultFlow: 'flow_escalate_now' });
add({ id: 'mark_contract_escalated', kind: 'throw', name: '记录已督办', row: 4, col: 3, lane: 1, outputs: [['=true', 'contractEscalated']] });
add({ id: 'end_already_escalated', kind: 'end', name: '已督办，不再重复', row: 4, col: 2, lane: 2 });
add({ id: 'escalate_contract', kind: 'user', name: '合同逾期督办', row: 4, col: 4, lane: 1, form: 'contract-escalation', groups: 'works_supervisor',
  headers: [['legalBasis', '招标投标法第四十六条、第五十九条；招标投标法实施条例第七十三条']] });
add({ id: 'end_escalation_handled', kind: 'end', name: '督办完成', row: 4, col: 5, lane: 1 });
add({ id: 'record_contract', kind: 'service', name: '登记合同', row: 4, col: 2, type: 'record-contract', retries: 3 });
add({ id: 'record_contract_invalid', kind: 'bError', name: '合同信息不合规', row: 4, col: 2, attachedTo: 'record_contract', error: 'error_contract_invalid' });
add({ id: 'generate_contract', kind: 'service', name: '生成施工合同', row: 4, col: 3, type: 'generate-document', retries: 3, headers: [['templateId', 'procurement-contract'], ['dataVariable', 'contractData']],
  inputs: [['=context put(contractData, "regime", "works")', 'contractData']] });
add({ id: 'gw_merge_acceptance', kind: 'gw', row: 4, col: 4 });
add({ id: 'acceptance', kind: 'user', name: '竣工验收', row: 4, col: 5, form: 'acceptance', assignee: '=initiator',
  headers: [['legalBasis', '建设工程质量管理条例第十六条；房屋建筑和市政基础设施工程竣工验收规定']] });
add({ id: 'gw_acceptance_result', kind: 'gw', name: '验收是否合格？', row: 4, col: 6 });
add({ id: 'record_acceptance', kind: 'service', name: '登记验收结果', row: 4, col: 7, type: 'record-acceptance', retries: 3 });
add({ id: 'generate_acceptance_report', kind: 'service', name: '生成竣工验收报告', row: 4, col: 8, type: 'generate-document', retries: 3, headers: [['templateId', 'acceptance-report'], ['dataVariable', 'acceptanceReportData']],
  inputs: [['=context put(acceptanceReportData, "regime", "works")', 'acceptanceReportData']] });
add({ id: 'archive_project', kind: 'service', name: '项目归档', row: 4, col: 9, type: 'archive-project', retries: 3 });
add({ id: 'end_archived', kind: 'end', name: '项目完成归档', row: 4, col: 10, outputs: [['="archived"', 'outcome']] });

add({ id: 'complaint_decided_on_contract', kind: 'bMessage', name: '投诉处理决定', row: 4, col: 1, attachedTo: 'sign_contract', message: 'msg_complaint_decided', dx: -40,
  doc: '中断：签约前行业主管部门作出影响中标结果的投诉处理决定（complaint-decided），中止“签订施工合同”，按决定重新评标或重新招标（招标投标法实施条例第八十一条）。' });
add({ id: 'procurement_suspended', kind: 'bMessage', name: '暂停招标投标活动', row: 4, col: 1, attachedTo: 'sign_contract', message: 'msg_procurement_suspended', interrupting: false, dx: -10, top: true,
  doc: '非中断：行业主管部门处理投诉期间责令暂停招标投标活动（实施条例第六十二条）：记下 procurementSuspended，服务端拒绝办理本项目的任务（409 PROCUREMENT_SUSPENDED）。' });
add({ id: 'mark_procurement_suspended', kind: 'throw', name: '记录暂停', row: 4, col: 2, lane: -1, outputs: [['=true', 'procurementSuspended'], ['=suspendedUntil', 'suspendedUntil']] });
add({ id: 'end_suspension_noted', kind: 'end', name: '暂停已记录', row: 4, col: 3, lane: -1 });
add({ id: 'procurement_resumed', kind: 'bMessage', name: '恢复招标投标活动', row: 4, col: 1, attachedTo: 'sign_contract', message: 'msg_procurement_resumed', interrupting: false, dx: 30, top: true });
add({ id: 'mark_procurement_resumed', kind: 'throw', name: '记录恢复', row: 4, col: 4, lane: -1, outputs: [['=false', 'procurementSuspended']] });
add({ id: 'end_resumption_noted', kind: 'end', name: '恢复已记录', row: 4, col: 5, lane: -1 });
add({ id: 'gw_merge_complaint_effect', kind: 'gw', row: 4, col: 0, lane: 2 });
add({ id: 'gw_complaint_effect', kind: 'gw', name: '投诉处理决定的效力', row: 5, col: 0, lane: -1,
  doc: 'reevaluate（责令重新评标）回到评标；cancel（中标无效，依法重新招标）转入招标失败处理。' });
flow({ id: 'flow_suspended', from: 'procurement_suspended', to: 'mark_procurement_suspended', exit: 'top', enter: 'left' });
flow({ id: 'flow_suspension_noted', from: 'mark_procurement_suspended', to: 'end_suspension_noted' });
flow({ id: 'flow_resumed', from: 'procurement_resumed', to: 'mark_procurement_resumed', exit: 'top', via: [['y', Y(4) - 170]], enter: 'top' });
flow({ id: 'flow_resumption_noted', from: 'mark_procurement_resumed', to: 'end_resumption_noted' });
flow({ id: 'flow_complaint_decided_on_contract', from: 'complaint_decided_on_contract', to: 'gw_merge_complaint_effect', exit: 'bottom', enter: 'right' });
flow({ id: 'flow_to_complaint_effect', from: 'gw_merge_complaint_effect', to: 'gw_complaint_effect', exit: 'bottom', enter: 'top' });
flow({ id: 'flow_complaint_reevaluate', from: 'gw_complaint_effect', to: 'gw_merge_evaluation', name: '投诉成立，重新评标', cond: '=complaintEffect = "reevaluate"', exit: 'left', via: [['x', LM(2)], ['y', Y(3) + 210]], enter: 'bottom' });
flow({ id: 'flow_complaint_cancel', from: 'gw_complaint_effect', to: 'gw_merge_failed', name: '投诉成立，重新招标', cond: '=complaintEffect = "cancel"', exit: 'right', enter: 'top' });
flow({ id: 'flow_to_sign_contract', from: 'gw_merge_contract', to: 'sign_contract' });
flow({ id: 'flow_contract_late', from: 'contract_deadline_passed', to: 'gw_contract_escalated', exit: 'bottom', enter: 'left' });
flow({ id: 'flow_escalate_now', from: 'gw_contract_escalated', to: 'mark_contract_escalated', name: '未督办' });
flow({ id: 'flow_already_escalated', from: 'gw_contract_escalated', to: 'end_already_escalated', name: '已督办', cond: '=contractEscalated = true', exit: 'bottom', enter: 'top' });
flow({ id: 'flow_escalation_marked', from: 'mark_contract_escalated', to: 'escalate_contract' });
flow({ id: 'flow_escalation_done', from: 'escalate_contract', to: 'end_escalation_handled' });
flow({ id: 'flow_contract_invalid', from: 'record_contract_invalid', to: 'gw_merge_contract', name: '退回重签', exit: 'bottom', via: [['y', Y(4) + 75]], enter: 'bottom' });
flow({ id: 'flow_signed', from: 'sign_contract', to: 'record_contract' });
flow({ id: 'flow_contract_recorded', from: 'record_contract', to: 'generate_contract' });
flow({ id: 'flow_contract_generated', from: 'generate_contract', to: 'gw_merge_acceptance' });
flow({ id: 'flow_to_acceptance', from: 'gw_merge_acceptance', to: 'acceptance' });
flow({ id: 'flow_accepted_check', from: 'acceptance', to: 'gw_acceptance_result' });
flow({ id: 'flow_acceptance_pass', from: 'gw_acceptance_result', to: 'record_acceptance', name: '合格', cond: '=acceptanceOverall = "pass"' });
flow({ id: 'flow_acceptance_fail', from: 'gw_acceptance_result', to: 'gw_merge_acceptance', name: '不合格，整改后重验', cond: '=acceptanceOverall = "fail"', exit: 'bottom', via: [['y', Y(4) + 70]], enter: 'bottom' });
flow({ id: 'flow_acceptance_recorded', from: 'record_acceptance', to: 'generate_acceptance_report' });
flow({ id: 'flow_report_generated', from: 'generate_acceptance_report', to: 'archive_project' });
flow({ id: 'flow_archived', from: 'archive_project', to: 'end_archived' });

// ---------------------------------------------------------------- F 招标失败、重新招标
add({ id: 'gw_merge_failed', kind: 'gw', row: 5, col: 1 });
add({ id: 'record_failed_tender', kind: 'service', name: '登记招标失败', row: 5, col: 2, type: 'record-failed-tender', retries: 3 });
add({ id: 'generate_cancellation_notice', kind: 'service', name: '生成招标失败（终止）公告', row: 5, col: 3, type: 'generate-document', retries: 3, headers: [['templateId', 'cancellation-notice'], ['dataVariable', 'cancellationNoticeData']] });
add({ id: 'decide_after_failure', kind: 'user', name: '招标失败后处理', row: 5, col: 4, form: 'works-failed-decision', assignee: '=initiator',
  headers: [['legalBasis', '招标投标法第二十八条、第四十二条；招标投标法实施条例第十九条、第四十四条']] });
add({ id: 'gw_failure_decision', kind: 'gw', name: '下一步？', row: 5, col: 5 });
add({ id: 'end_terminated', kind: 'end', name: '招标终止', row: 5, col: 6, outputs: [['="terminated"', 'outcome']] });

flow({ id: 'flow_to_record_failure', from: 'gw_merge_failed', to: 'record_failed_tender' });
flow({ id: 'flow_failure_recorded', from: 'record_failed_tender', to: 'generate_cancellation_notice' });
flow({ id: 'flow_cancellation_done', from: 'generate_cancellation_notice', to: 'decide_after_failure' });
flow({ id: 'flow_decided', from: 'decide_after_failure', to: 'gw_failure_decision' });
flow({ id: 'flow_retender', from: 'gw_failure_decision', to: 'gw_merge_tender', name: '重新招标', cond: '=nextAction = "retender"', exit: 'top', via: [['y', Y(5) - 230], ['x', LM(1)], ['y', Y(1) - 90]], enter: 'top' });
flow({ id: 'flow_terminate', from: 'gw_failure_decision', to: 'end_terminated', name: '终止', cond: '=nextAction = "terminate"' });

const PROCESS_DOC = `工程建设项目招标全流程（招标投标法、招标投标法实施条例）：招标申请与备案 → 招标（文件发售不少于5日，发出至截止不少于20日，对招标文件的异议在截止10日前提出、3日内答复）→ 开标（投标人少于3个重新招标）与资格审查 → 从综合评标专家库抽取专家评标 → 中标候选人公示（收到评标报告3日内公示，不少于3日；公示期内的异议3日内答复，答复前暂停）→ 定标（国有资金控股或主导的项目确定第一名）→ 中标结果公告与中标通知书 → 招标投标情况书面报告（15日内）→ 30日内订立合同 → 竣工验收 → 归档。
与政府采购链（procurement.bpmn）共用任务类型：启动时服务端写入 regime = "works"，工作者据此适用招标投标法的时限（time-limits.json W1–W9）、评标规则（rules.json regime works）与文书措辞（模板字段 regime）。投诉：对异议答复不满意的，自知道或应当知道之日起10日内向行业主管部门投诉（W5，实施条例第六十条）。
启动时由服务端写入的变量：initiator、regime、agencyOptions、purchaserOrgId、purchaserName。模型中不写死任何期限或数额。`;

const DECLARATIONS = `  <bpmn:error id="error_application_invalid" name="申请不合规" errorCode="APPLICATION_INVALID" />
  <bpmn:error id="error_tender_invalid" name="招标设置不合规" errorCode="TENDER_INVALID" />
  <bpmn:error id="error_qualification_invalid" name="资格审查结论有误" errorCode="QUALIFICATION_INVALID" />
  <bpmn:error id="error_award_invalid" name="定标不合规" errorCode="AWARD_INVALID" />
  <bpmn:error id="error_contract_invalid" name="合同信息不合规" errorCode="CONTRACT_INVALID" />
` + [
  ['msg_tender_amended', 'tender-amended'], ['msg_documents_objection', 'documents-objection-filed'], ['msg_candidates_objection', 'candidates-objection-filed'],
  ['msg_complaint_decided', 'complaint-decided'], ['msg_procurement_suspended', 'procurement-suspended'], ['msg_procurement_resumed', 'procurement-resumed'],
].map(([id, name]) => messageDeclaration(id!, name!, '=tenderKey')).join('');

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? path.join(here, '..', '..', '..', 'processes', 'works-tender.bpmn');
fs.writeFileSync(out, modelXml({
  definitionsId: 'definitions_works_tender', processId: 'works_tender', processName: '工程建设项目招标全流程', versionTag: '2026.1',
  doc: PROCESS_DOC, declarations: DECLARATIONS, nodes: n, flows: f,
}));
console.log(`wrote ${out}: ${n.length} elements, ${f.length} flows`);
