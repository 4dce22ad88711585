/**
 * Layout aid for the procurement chain: writes processes/procurement.bpmn (semantics + BPMNDI)
 * from the element table below. The BPMN file is the program; this script only saved hand-placing ~130 shapes
 * and waypoints. Rows per stage (A–F), left to right; the message branch of an event-based gateway runs above its
 * row, returns and boundary paths below; flows to 废标 (F) run down the right margin, loops back to A/B up the left.
 *   npx tsx test/processes/tools/layout-procurement.ts [out.bpmn]
 * Once the model has been changed in the modeller, edit it there (or port the change here first): running this
 * script overwrites processes/procurement.bpmn.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LM, messageDeclaration, modelXml, RM, X, Y, type Flow, type Node } from './bpmn-layout.ts';


const n: Node[] = [];
const f: Flow[] = [];
const add = (x: Node) => n.push(x);
const flow = (x: Flow) => f.push(x);

const LB_APPLY = '政府采购法第6条；政府采购法实施条例第29条';
// ---------------------------------------------------------------- A 申报与审批
add({ id: 'start_application', kind: 'start', name: '采购申请', row: 0, col: 0 });
add({ id: 'fill_application', kind: 'user', name: '填报采购申请', row: 0, col: 1, form: 'procurement-application', assignee: '=initiator', headers: [['legalBasis', LB_APPLY]],
  doc: '采购人（发起人 initiator）填报采购申请：项目名称、品目编码、采购类别（货物/服务）、采购方式、预算金额、最高限价、资金来源、组织形式、是否采购进口产品、中小企业预留、交付日期与地点、需求说明、采购代理机构（agencyId，选项 agencyOptions 由服务端启动时写入）以及采购明细 items（品目编码、名称、数量、单位、单价（元））。金额以“元”填写，随后换算为整数“分”。' });
add({ id: 'assign_project_number', kind: 'service', name: '生成项目编号', row: 0, col: 2, type: 'assign-project-number', retries: 3, headers: [['prefix', 'FCZC']],
  doc: '分配项目编号（如 FCZC-2026-0001），按上海时区的自然年编号，年内唯一；同一作业重复投递返回同一编号。前缀取自任务头 prefix。输出变量 projectNumber。' });
add({ id: 'gw_merge_before_city', kind: 'gw', row: 0, col: 3 });
add({ id: 'amounts_to_fen', kind: 'throw', name: '金额换算为分', row: 0, col: 4,
  outputs: [['=if budgetYuan = null then null else decimal(budgetYuan * 100, 0)', 'budgetFen'], ['=if maxPriceYuan = null then null else decimal(maxPriceYuan * 100, 0)', 'maxPriceFen']],
  doc: '表单以“元”填写金额（两位小数）；此处用 FEEL decimal 舍入为整数“分”（budgetFen、maxPriceFen），此后的判断与单据只用整数分，避免浮点误差。每次提交、重新提交或变更采购方式后都经过这里。明细单价由“校验采购申请”换算（itemsFen）。' });
add({ id: 'check_application', kind: 'service', name: '校验采购申请', row: 0, col: 5, type: 'check-application', retries: 3,
  doc: '按申请表单的规则及业务规则校验申请（代理机构在册且有效、明细合计不超预算、最高限价不超预算、进口产品与组织形式等），把明细单价换算为分（itemsFen：单价、行合计均为整数分），写入代理机构名称 agencyName 与其经办人员 agencyUsers（此后代理机构各任务的候选人）。发现问题时抛出 BPMN 错误 APPLICATION_INVALID，变量 applicationProblems 列出问题（[{path, reason}]），退回发起人修改；通过时 applicationProblems 为空列表。' });
add({ id: 'check_application_invalid', kind: 'bError', name: '申请不合规', row: 0, col: 5, attachedTo: 'check_application', error: 'error_application_invalid',
  doc: '校验未通过（APPLICATION_INVALID）：交发起人修改或撤回，表单显示 applicationProblems。' });
add({ id: 'gw_need_city', kind: 'gw', name: '是否需市财政审批？', row: 0, col: 6, defaultFlow: 'flow_need_city_no',
  doc: '采购方式不是公开招标、且预算达到公开招标数额标准（cityApprovalThresholdFen，启动时由配置写入）时，须先报设区的市财政部门批准；已获市财政同意且方式未变、预算未增加的重新提交不再重复报批。数额标准或预算金额缺失时，非公开招标方式一律报市财政审批（宁严勿宽）。' });
add({ id: 'city_finance_approval', kind: 'user', name: '市财政审批', row: 0, col: 7, form: 'approval-city-finance', groups: 'city_finance',
  outputs: [['=decision', 'cityDecision'], ['=comment', 'cityComment'], ['=method', 'cityReviewedMethod'], ['=budgetFen', 'cityReviewedBudgetFen'], ['=completedBy', 'cityApprover'], ['=completedByName', 'cityApproverName']],
  headers: [['legalBasis', '政府采购法第27条；政府采购法实施条例第23条；财政部令第74号第4—5条'], ['approvingBody', '绵阳市财政局'], ['approvalStage', 'city']],
  doc: '变更采购方式的外部审批（阻断性关口）：绵阳市财政局。职责分离：发起人不得办理；同一实例中办理过其他审批环节的人不得办理本环节。办理人记入 cityApprover、cityApproverName（输出映射 completedBy、completedByName）。' });
add({ id: 'gw_city_result', kind: 'gw', name: '市财政审批结果', row: 0, col: 8 });
add({ id: 'gw_merge_before_dept', kind: 'gw', row: 0, col: 9 });
add({ id: 'dept_approval', kind: 'user', name: '主管部门审批', row: 0, col: 10, form: 'approval-dept', groups: 'dept_approver',
  outputs: [['=decision', 'deptDecision'], ['=comment', 'deptComment'], ['=completedBy', 'deptApprover'], ['=completedByName', 'deptApproverName']],
  headers: [['legalBasis', '财政部令第74号第4条；财库〔2020〕46号第6条'], ['approvalStage', 'dept']],
  doc: '行政主管部门（主管预算单位）审批：需求是否真实、配置标准、中小企业预留。职责分离同上。办理人记入 deptApprover、deptApproverName。' });
add({ id: 'gw_dept_result', kind: 'gw', name: '主管部门审批结果', row: 0, col: 11 });
add({ id: 'finance_approval', kind: 'user', name: '财政采购股审核', row: 0, col: 12, form: 'approval-finance', groups: 'finance_section',
  outputs: [['=decision', 'financeDecision'], ['=comment', 'financeComment'], ['=completedBy', 'financeApprover'], ['=completedByName', 'financeApproverName']],
  headers: [['legalBasis', '政府采购法第6条'], ['approvalStage', 'finance']],
  doc: '财政相关业务股室审核：预算指标或资金是否落实、金额。职责分离同上。办理人记入 financeApprover、financeApproverName。' });
add({ id: 'gw_finance_result', kind: 'gw', name: '财政采购股审核结果', row: 0, col: 13 });
add({ id: 'supervisor_approval', kind: 'user', name: '监督审批', row: 0, col: 14, form: 'approval-supervisor', groups: 'supervisor',
  outputs: [['=decision', 'supervisorDecision'], ['=comment', 'supervisorComment'], ['=completedBy', 'supervisorApprover'], ['=completedByName', 'supervisorApproverName']],
  headers: [['legalBasis', '政府采购法第13条；政府采购法实施条例第29条'], ['approvalStage', 'supervisor']],
  doc: '监管部门审批：确认采购方式与组织形式、程序合规，转入交易中心。职责分离同上。办理人记入 supervisorApprover、supervisorApproverName。' });
add({ id: 'gw_supervisor_result', kind: 'gw', name: '监督审批结果', row: 0, col: 15 });
add({ id: 'generate_approval_form', kind: 'service', name: '生成政府采购项目审批表', row: 0, col: 16, type: 'generate-document', retries: 3,
  inputs: [
    ['={projectNumber: projectNumber, projectName: projectName, method: method, categoryCode: categoryCode, budgetFen: budgetFen, maxPriceFen: maxPriceFen}', 'project'],
    ['=concatenate(if cityDecision = null then [] else [{level: "市财政审批（采购方式）", body: "绵阳市财政局", elementId: "city_finance_approval", person: cityApproverName, decision: if cityDecision = "approve" then "同意" else "退回修改", opinion: cityComment}], [{level: "主管部门审批", body: "主管部门（主管预算单位）", elementId: "dept_approval", person: deptApproverName, decision: if deptDecision = "approve" then "同意" else "退回修改", opinion: deptComment}, {level: "财政采购股审核", body: "涪城区财政局政府采购股", elementId: "finance_approval", person: financeApproverName, decision: if financeDecision = "approve" then "同意" else "退回修改", opinion: financeComment}, {level: "监督审批", body: "涪城区财政局监督检查股", elementId: "supervisor_approval", person: supervisorApproverName, decision: if supervisorDecision = "approve" then "同意" else "退回修改", opinion: supervisorComment}])', 'approvals'],
    ['=budgetFen', 'approvedBudgetFen'], ['=method', 'approvedMethod'], ['=smeReserved = true', 'smeReserved'], ['=["政府采购项目申报书"]', 'attachments'], ['="审批通过"', 'finalDecision'],
  ],
  headers: [['templateId', 'approval-form']],
  doc: '监督审批通过后，按模板 approval-form（文书 03 政府采购项目审批表）生成审批表并存档，关联本实例及项目编号；重复投递同一作业不产生新版本，重新提交后再次通过则生成同一文书的新版本。审批人取各审批任务输出的 cityApproverName/deptApproverName/financeApproverName/supervisorApproverName（由收件箱在办理时写入的服务端变量 completedBy、completedByName 映射而来，客户端不能提交）；缺少时及审批日期由系统从任务记录补全。输出变量 approvalFormDocument（id、version、sha256）。随后转入招标阶段。' });
add({ id: 'gw_merge_return', kind: 'gw', row: 0, col: 8, lane: 1 });
add({ id: 'revise_or_withdraw', kind: 'user', name: '修改或撤回申请', row: 0, col: 9, lane: 1, form: 'procurement-revise', assignee: '=initiator', headers: [['legalBasis', LB_APPLY]],
  doc: '被退回或校验未通过后，发起人按退回意见和 applicationProblems 修改申请（全部申请字段可改）并重新提交，或撤回申请。' });
add({ id: 'gw_revise_result', kind: 'gw', name: '重新提交还是撤回？', row: 0, col: 10, lane: 1 });
add({ id: 'end_withdrawn', kind: 'end', name: '申请撤回', row: 0, col: 11, lane: 1, outputs: [['="withdrawn"', 'outcome']] });

flow({ id: 'flow_start', from: 'start_application', to: 'fill_application' });
flow({ id: 'flow_filled', from: 'fill_application', to: 'assign_project_number' });
flow({ id: 'flow_numbered', from: 'assign_project_number', to: 'gw_merge_before_city' });
flow({ id: 'flow_to_fen', from: 'gw_merge_before_city', to: 'amounts_to_fen' });
flow({ id: 'flow_to_check', from: 'amounts_to_fen', to: 'check_application' });
flow({ id: 'flow_checked', from: 'check_application', to: 'gw_need_city' });
flow({ id: 'flow_application_invalid', from: 'check_application_invalid', to: 'gw_merge_return', exit: 'bottom', via: [['y', Y(0) + 60]], enter: 'top' });
flow({ id: 'flow_need_city_yes', from: 'gw_need_city', to: 'city_finance_approval', name: '是',
  cond: '=method != "公开招标" and (budgetFen = null or cityApprovalThresholdFen = null or budgetFen >= cityApprovalThresholdFen) and (if cityDecision = "approve" and cityReviewedMethod = method and cityReviewedBudgetFen >= budgetFen then false else true)' });
flow({ id: 'flow_need_city_no', from: 'gw_need_city', to: 'gw_merge_before_dept', name: '否（无需市级审批）', exit: 'top', via: [['y', Y(0) - 70]], enter: 'top' });
flow({ id: 'flow_city_done', from: 'city_finance_approval', to: 'gw_city_result' });
flow({ id: 'flow_city_approve', from: 'gw_city_result', to: 'gw_merge_before_dept', name: '同意', cond: '=cityDecision = "approve"' });
flow({ id: 'flow_city_return', from: 'gw_city_result', to: 'gw_merge_return', name: '退回', cond: '=cityDecision = "return"', exit: 'bottom', enter: 'top' });
flow({ id: 'flow_to_dept', from: 'gw_merge_before_dept', to: 'dept_approval' });
flow({ id: 'flow_dept_done', from: 'dept_approval', to: 'gw_dept_result' });
flow({ id: 'flow_dept_approve', from: 'gw_dept_result', to: 'finance_approval', name: '同意', cond: '=deptDecision = "approve"' });
flow({ id: 'flow_dept_return', from: 'gw_dept_result', to: 'gw_merge_return', name: '退回', cond: '=deptDecision = "return"', exit: 'bottom', via: [['y', Y(0) + 45]], enter: 'top' });
flow({ id: 'flow_finance_done', from: 'finance_approval', to: 'gw_finance_result' });
flow({ id: 'flow_finance_approve', from: 'gw_finance_result', to: 'supervisor_approval', name: '同意', cond: '=financeDecision = "approve"' });
flow({ id: 'flow_finance_return', from: 'gw_finance_result', to: 'gw_merge_return', name: '退回', cond: '=financeDecision = "return"', exit: 'bottom', via: [['y', Y(0) + 60]], enter: 'top' });
flow({ id: 'flow_supervisor_done', from: 'supervisor_approval', to: 'gw_supervisor_result' });
flow({ id: 'flow_supervisor_approve', from: 'gw_supervisor_result', to: 'generate_approval_form', name: '同意', cond: '=supervisorDecision = "approve"' });
flow({ id: 'flow_supervisor_return', from: 'gw_supervisor_result', to: 'gw_merge_return', name: '退回', cond: '=supervisorDecision = "return"', exit: 'bottom', via: [['y', Y(0) + 75]], enter: 'top' });
flow({ id: 'flow_to_revise', from: 'gw_merge_return', to: 'revise_or_withdraw' });
flow({ id: 'flow_revised', from: 'revise_or_withdraw', to: 'gw_revise_result' });
flow({ id: 'flow_resubmit', from: 'gw_revise_result', to: 'gw_merge_before_city', name: '重新提交', cond: '=applicantAction = "resubmit"', exit: 'bottom', via: [['y', Y(0) + 220]], enter: 'bottom' });
flow({ id: 'flow_withdraw', from: 'gw_revise_result', to: 'end_withdrawn', name: '撤回', cond: '=applicantAction = "withdraw"' });
flow({ id: 'flow_approved', from: 'generate_approval_form', to: 'gw_merge_tender', name: '审批通过', exit: 'right', via: [['x', X(16) + 75], ['y', Y(0) + 260]], enter: 'top' });

// ---------------------------------------------------------------- B 招标
const AGENCY = '=agencyUsers';
add({ id: 'gw_merge_tender', kind: 'gw', row: 1, col: 1 });
add({ id: 'prepare_tender', kind: 'user', name: '编制招标文件', row: 1, col: 2, form: 'tender-preparation', users: AGENCY,
  headers: [['legalBasis', '政府采购法第34条；政府采购法实施条例第32条；财政部令第87号第20条、第55条；财库〔2020〕46号第9条']],
  doc: '采购代理机构（agencyUsers，候选人）编制招标文件：评标方法（综合评分法/最低评标价法）、价格/技术/商务权重、中小企业价格扣除比例、资格条件、评分标准、投标截止时间（上海时间）、开标地点、投标保证金（元）。被“检查评审设置”或“发布招标公告”退回时表单显示 tenderProblems。' });
add({ id: 'check_tender_settings', kind: 'service', name: '检查评审设置', row: 1, col: 3, type: 'check-evaluation-settings', retries: 3,
  doc: '检查评审设置：价格分权重按采购类别（货物/服务）和评标方法的法定区间，中小企业价格扣除比例按采购日期适用的区间，权重之和为 100，专门面向中小企业的项目不再扣除价格。有问题时抛出 TENDER_INVALID（tenderProblems），退回代理机构修改。' });
add({ id: 'check_tender_settings_invalid', kind: 'bError', name: '设置不合规', row: 1, col: 3, attachedTo: 'check_tender_settings', error: 'error_tender_invalid' });
add({ id: 'publish_tender', kind: 'service', name: '发布招标公告', row: 1, col: 4, type: 'publish-tender', retries: 3,
  doc: '按工作日历核验法定最短等标期（公开/邀请招标自招标文件发出之日起不少于20日，公告期5个工作日；竞争性谈判、询价3个工作日；竞争性磋商10日；单一来源公示5个工作日），投标保证金不超过预算的2%。通过后建立本轮招标（tenderId、tenderKey、tenderRound）并输出投标截止时间 bidDeadlineAt 及其法律依据、最少投标人数 minBids、公告和招标文件数据；不合规时抛出 TENDER_INVALID（tenderProblems）。' });
add({ id: 'publish_tender_invalid', kind: 'bError', name: '发布条件不满足', row: 1, col: 4, attachedTo: 'publish_tender', error: 'error_tender_invalid' });
add({ id: 'generate_tender_notice', kind: 'service', name: '生成招标公告', row: 1, col: 5, type: 'generate-document', retries: 3, headers: [['templateId', 'tender-notice'], ['dataVariable', 'tenderNoticeData']],
  doc: '按模板 tender-notice（文书 05 招标公告）以 tenderNoticeData 生成并存档。' });
add({ id: 'generate_tender_documents', kind: 'service', name: '生成招标文件', row: 1, col: 6, type: 'generate-document', retries: 3, headers: [['templateId', 'tender-documents'], ['dataVariable', 'tenderDocumentsData']],
  doc: '按模板 tender-documents（文书 06 招标文件）以 tenderDocumentsData 生成并存档。' });
add({ id: 'gw_merge_window', kind: 'gw', row: 1, col: 7 });
add({ id: 'gw_bid_window', kind: 'evgw', name: '投标期间', row: 1, col: 8,
  doc: '等待投标截止或澄清/修改：截止时间到则开标；期间发布的澄清或修改（消息 tender-amended，按 tenderKey 关联）先处理，必要时顺延截止时间，再回到等待。' });
add({ id: 'bid_deadline_reached', kind: 'timer', name: '投标截止', row: 1, col: 9, timeDate: '=bidDeadlineAt',
  doc: '到投标截止时间（bidDeadlineAt，ISO 8601，由“发布招标公告”或“处理澄清修改”写入）即开标。' });
add({ id: 'tender_amended', kind: 'message', name: '澄清或修改', row: 1, col: 9, lane: -1, message: 'msg_tender_amended',
  doc: '代理机构发布澄清或修改（POST /api/tenders/:id/amendments）后收到消息 tender-amended，变量 amendmentId。' });
add({ id: 'apply_amendment', kind: 'service', name: '处理澄清修改', row: 1, col: 10, lane: -1, type: 'apply-amendment', retries: 3,
  doc: '澄清或修改可能影响投标文件编制且距截止不足15日的，截止时间顺延至发布之日起不少于15日（财政部令第87号第27条）；输出新的 bidDeadlineAt、bidDeadlineBasis 与澄清公告数据。' });
add({ id: 'generate_clarification_notice', kind: 'service', name: '生成澄清公告', row: 1, col: 11, lane: -1, type: 'generate-document', retries: 3, headers: [['templateId', 'clarification-notice'], ['dataVariable', 'clarificationNoticeData']],
  doc: '按模板 clarification-notice（文书 07 澄清或修改公告）生成并存档。' });

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
flow({ id: 'flow_to_opening', from: 'bid_deadline_reached', to: 'open_bids', exit: 'right', via: [['x', X(9) + 60], ['y', Y(1) + 250]], enter: 'top' });

// ---------------------------------------------------------------- C 开标与资格审查
add({ id: 'open_bids', kind: 'service', name: '开标', row: 2, col: 1, type: 'open-bids', retries: 3,
  doc: '投标截止后开标：此时才解密投标文件（截止前拒绝执行），输出投标数 bidCount、开标结果 openedBids 与开标记录数据。' });
add({ id: 'generate_bid_opening_record', kind: 'service', name: '生成开标记录', row: 2, col: 2, type: 'generate-document', retries: 3, headers: [['templateId', 'bid-opening-record'], ['dataVariable', 'bidOpeningRecordData']],
  doc: '按模板 bid-opening-record（文书 09 开标记录）生成并存档。' });
add({ id: 'gw_enough_bids', kind: 'gw', name: '投标人是否足够？', row: 2, col: 3,
  doc: '投标人少于 minBids（公开招标等为3家，单一来源为1家；由“发布招标公告”写入，不写死在模型中）的，予以废标（政府采购法第36条）。' });
add({ id: 'qualify_bidders', kind: 'service', name: '资格审查与信用查询', row: 2, col: 4, type: 'qualify-bidders', retries: 3,
  doc: '对每个投标人及联合体各成员查询信用记录（失信被执行人、重大税收违法、政府采购严重违法失信名单），报价超过最高限价或预算的投标无效；输出建议的资格审查结论 qualificationDecisions、被排除的投标 excludedBids（附查询记录）及信用查询记录数据。' });
add({ id: 'generate_credit_check_record', kind: 'service', name: '生成信用查询记录', row: 2, col: 5, type: 'generate-document', retries: 3, headers: [['templateId', 'credit-check-record'], ['dataVariable', 'creditCheckRecordData']],
  doc: '按模板 credit-check-record（文书 11 信用记录查询结果）生成并存档。' });
add({ id: 'gw_merge_qualification', kind: 'gw', row: 2, col: 6 });
add({ id: 'qualification_review', kind: 'user', name: '资格审查确认', row: 2, col: 7, form: 'qualification-review', users: AGENCY,
  headers: [['legalBasis', '政府采购法第22条；政府采购法实施条例第19条；财政部令第87号第44条；财库〔2016〕125号']],
  doc: '采购代理机构逐一确认投标人资格（qualificationDecisions：是否合格及理由）。因信用记录被排除的投标只读显示，不得恢复。“确认资格审查结果”退回（QUALIFICATION_INVALID）时表单只读显示 qualificationProblems。' });
add({ id: 'confirm_qualification', kind: 'service', name: '确认资格审查结果', row: 2, col: 8, type: 'confirm-qualification', retries: 3,
  outputs: [['=qualifiedBids', 'qualifiedBids'], ['=qualifiedCount', 'qualifiedCount'], ['=excludedBids', 'excludedBids'], ['=[]', 'qualificationProblems']],
  doc: '核对资格审查结论（信用排除不可推翻；认定不合格须写明理由），输出合格投标 qualifiedBids、合格数 qualifiedCount 与最终的 excludedBids，并清空 qualificationProblems（下一轮招标的资格审查不再显示本轮的问题）。结论有误时抛出 QUALIFICATION_INVALID（qualificationProblems：[{path, reason}]），退回代理机构重新审查。' });
add({ id: 'confirm_qualification_invalid', kind: 'bError', name: '审查结论有误', row: 2, col: 8, attachedTo: 'confirm_qualification', error: 'error_qualification_invalid',
  doc: '资格审查结论有误（QUALIFICATION_INVALID，如认定不合格未写理由）：退回“资格审查确认”，表单显示 qualificationProblems。' });
add({ id: 'gw_enough_qualified', kind: 'gw', name: '合格投标人是否足够？', row: 2, col: 9,
  doc: '资格审查合格的投标人少于 minBids 的，予以废标。' });

flow({ id: 'flow_opened', from: 'open_bids', to: 'generate_bid_opening_record' });
flow({ id: 'flow_opening_recorded', from: 'generate_bid_opening_record', to: 'gw_enough_bids' });
flow({ id: 'flow_enough_bids', from: 'gw_enough_bids', to: 'qualify_bidders', name: '足够', cond: '=bidCount >= minBids' });
flow({ id: 'flow_too_few_bids', from: 'gw_enough_bids', to: 'gw_merge_failed', name: '不足，废标', cond: '=bidCount < minBids', exit: 'top', via: [['y', Y(2) - 80], ['x', RM(2)], ['y', Y(5) + 260]], enter: 'bottom' });
flow({ id: 'flow_qualified_checked', from: 'qualify_bidders', to: 'generate_credit_check_record' });
flow({ id: 'flow_credit_recorded', from: 'generate_credit_check_record', to: 'gw_merge_qualification' });
flow({ id: 'flow_to_qualification_review', from: 'gw_merge_qualification', to: 'qualification_review' });
flow({ id: 'flow_reviewed', from: 'qualification_review', to: 'confirm_qualification' });
flow({ id: 'flow_qualification_confirmed', from: 'confirm_qualification', to: 'gw_enough_qualified' });
flow({ id: 'flow_qualification_invalid', from: 'confirm_qualification_invalid', to: 'gw_merge_qualification', name: '重新审查', exit: 'bottom', via: [['y', Y(2) + 75]], enter: 'bottom' });
flow({ id: 'flow_enough_qualified', from: 'gw_enough_qualified', to: 'draw_experts', name: '足够', cond: '=qualifiedCount >= minBids', exit: 'bottom', via: [['y', Y(2) + 250]], enter: 'top' });
flow({ id: 'flow_too_few_qualified', from: 'gw_enough_qualified', to: 'gw_merge_failed', name: '不足，废标', cond: '=qualifiedCount < minBids', exit: 'right', via: [['x', RM(1)], ['y', Y(5) + 230]], enter: 'bottom' });

// ---------------------------------------------------------------- D 评标与定标
add({ id: 'draw_experts', kind: 'service', name: '抽取评审专家', row: 3, col: 1, type: 'draw-experts', retries: 3,
  doc: '按专业从专家库随机抽取评审专家（单数，不少于5人；预算达到配置的标准时不少于7人），回避与采购人或投标人同单位及申报利害关系的专家；记录随机种子以便复核。输出 panel（[{expertId, code, username}]）、panelSize、expertDrawId。' });
add({ id: 'generate_expert_selection_record', kind: 'service', name: '生成专家抽取记录', row: 3, col: 2, type: 'generate-document', retries: 3, headers: [['templateId', 'expert-selection-record'], ['dataVariable', 'expertSelectionRecordData']],
  doc: '按模板 expert-selection-record（文书 10 评审专家抽取记录）生成并存档。' });
add({ id: 'gw_merge_evaluation', kind: 'gw', row: 3, col: 3 });
add({ id: 'prepare_evaluation', kind: 'service', name: '准备评分表', row: 3, col: 4, type: 'prepare-evaluation', retries: 3,
  outputs: [['=scoreSheet', 'scoreSheet'], ['=expertScores', 'expertScores'], ['=scoreSheet', 'scores']],
  doc: '按合格投标生成评分表 scoreSheet（技术分、商务分待填；最低评标价法填是否实质性响应），并清空 expertScores（重新评审时亦然）。输出映射另存一份空白评分表为 scores：专家评审表单的动态列表 scores 由此预填（各专家提交的 scores 只留在自己的任务中，流程中的 scores 始终是空白表）。' });
add({ id: 'expert_evaluation', kind: 'user', name: '专家独立评审', row: 3, col: 5, form: 'expert-evaluation', assignee: '=panelMember.username',
  mi: { coll: '=panel', el: 'panelMember', outColl: 'expertScores', outEl: '={expertCode: panelMember.code, scores: scores, opinion: evaluationOpinion}' },
  inputs: [['=scoreSheet', 'scores'], ['=null', 'evaluationOpinion']],
  headers: [['legalBasis', '政府采购法实施条例第41条；财政部令第87号第55条、第62条']],
  doc: '并行多实例：评标委员会每位专家一个任务（panel 中的 panelMember.username），独立评分，互不可见。表单动态列表 scores 为评分表 scoreSheet 的副本（输入映射 scores := scoreSheet 使之成为本任务的局部变量，专家提交的分数与意见只留在本任务，互不可见），另填评审意见 evaluationOpinion。各专家结果按 panel 顺序汇入 expertScores（[{expertCode, scores, opinion}]）。' });
add({ id: 'score_bids', kind: 'service', name: '汇总评分与排序', row: 3, col: 6, type: 'score-bids', retries: 3,
  doc: '汇总专家评分：价格分＝评标基准价/评标价×价格权重（基准价为满足要求的最低评标价），小微企业价格扣除，按总分（或评标价）排序并按既定规则处理同分；输出 ranking、第一中标候选人 firstCandidateBidId、候选人选项 candidateOptions 与评标报告数据。' });
add({ id: 'generate_evaluation_report', kind: 'service', name: '生成评标报告', row: 3, col: 7, type: 'generate-document', retries: 3, headers: [['templateId', 'evaluation-report'], ['dataVariable', 'evaluationReportData']],
  doc: '按模板 evaluation-report（文书 12 评标报告）生成并存档。' });
add({ id: 'compute_confirm_deadline', kind: 'service', name: '计算定标期限', row: 3, col: 8, type: 'compute-deadline', retries: 3, headers: [['rule', 'T9'], ['resultVariable', 'confirmDeadline']],
  doc: '按法定时限 T9（采购人自收到评标报告之日起5个工作日内确定中标人）计算 confirmDeadline 与 confirmDeadlineAt。' });
add({ id: 'confirm_winner', kind: 'user', name: '确定中标人', row: 3, col: 9, form: 'winner-confirmation', assignee: '=initiator', due: '=confirmDeadlineAt',
  outputs: [['=winnerBidId', 'winnerBidId'], ['=confirmationNote', 'confirmationNote'], ['=false', 'winnerDeemed']],
  headers: [['legalBasis', '政府采购法实施条例第43条；财政部令第87号第68条']],
  doc: '采购人在评标报告确定的中标候选人中按顺序确定中标人（winnerBidId，选项 candidateOptions），并可填写说明。期限 confirmDeadlineAt 内未确定又未说明理由的，视为确定排名第一的候选人。' });
add({ id: 'confirm_deadline_passed', kind: 'bTimer', name: '定标期满', row: 3, col: 9, attachedTo: 'confirm_winner', interrupting: true, timeDate: '=confirmDeadlineAt',
  doc: '定标期限届满（confirmDeadlineAt）：中止“确定中标人”。' });
add({ id: 'deem_first_candidate', kind: 'throw', name: '视为确定第一候选人', row: 3, col: 10, lane: 1,
  outputs: [['=firstCandidateBidId', 'winnerBidId'], ['=true', 'winnerDeemed']],
  doc: '逾期未确定：中标人为排名第一的中标候选人（winnerBidId := firstCandidateBidId，winnerDeemed := true）。' });
add({ id: 'gw_merge_confirmed', kind: 'gw', row: 3, col: 10 });
add({ id: 'record_award', kind: 'service', name: '登记中标结果', row: 3, col: 11, type: 'record-award', retries: 3,
  doc: '登记中标（award），计算质疑截止 challengeDeadlineAt（公告1个工作日内发布＋7个工作日质疑期）和合同签订期限 contractDeadlineAt（中标通知书发出之日起30日），输出中标公告和中标通知书数据。' });
add({ id: 'generate_award_notice', kind: 'service', name: '生成中标公告', row: 3, col: 12, type: 'generate-document', retries: 3, headers: [['templateId', 'award-notice'], ['dataVariable', 'awardNoticeData']],
  doc: '按模板 award-notice（文书 13 中标（成交）结果公告）生成并存档。' });
add({ id: 'generate_notice_of_award', kind: 'service', name: '生成中标通知书', row: 3, col: 13, type: 'generate-document', retries: 3, headers: [['templateId', 'notice-of-award'], ['dataVariable', 'noticeOfAwardData']],
  doc: '按模板 notice-of-award（文书 14 中标通知书）生成并存档。' });
add({ id: 'gw_merge_challenge_window', kind: 'gw', row: 3, col: 14 });
add({ id: 'gw_challenge_window', kind: 'evgw', name: '质疑期间', row: 3, col: 15,
  doc: '质疑期内每收到一件质疑（消息 challenge-filed，按 tenderKey 关联）即暂停，答复后（驳回时）回到等待；质疑期满（challengeDeadlineAt）进入合同阶段。' });
add({ id: 'challenge_window_closed', kind: 'timer', name: '质疑期满', row: 3, col: 16, timeDate: '=challengeDeadlineAt' });
add({ id: 'challenge_filed', kind: 'message', name: '收到质疑', row: 3, col: 16, lane: -1, message: 'msg_challenge_filed',
  doc: '投标供应商提出质疑（POST /api/tenders/:id/challenges），消息变量 challengeId、challengeReplyDueAt（收到后7个工作日）。' });
add({ id: 'answer_challenge', kind: 'user', name: '答复质疑', row: 3, col: 17, lane: -1, form: 'challenge-reply', users: AGENCY, due: '=challengeReplyDueAt',
  headers: [['legalBasis', '政府采购法第52条、第53条；政府采购法实施条例第53条；财政部令第94号第13—16条']],
  doc: '采购代理机构在收到质疑后7个工作日内书面答复：驳回；质疑成立须重新评审；质疑成立须废标。' });
add({ id: 'record_challenge_reply', kind: 'service', name: '登记质疑答复', row: 3, col: 18, lane: -1, type: 'record-challenge-reply', retries: 3,
  doc: '登记质疑答复及处理结果，输出质疑答复函数据 challengeReplyData。' });
add({ id: 'generate_challenge_reply', kind: 'service', name: '生成质疑答复函', row: 3, col: 19, lane: -1, type: 'generate-document', retries: 3, headers: [['templateId', 'challenge-letter-reply'], ['dataVariable', 'challengeReplyData']],
  doc: '按模板 challenge-letter-reply（文书 16 质疑答复函）生成并存档。' });
add({ id: 'gw_challenge_outcome', kind: 'gw', name: '质疑处理结果', row: 3, col: 20, lane: -1 });

flow({ id: 'flow_experts_drawn', from: 'draw_experts', to: 'generate_expert_selection_record' });
flow({ id: 'flow_draw_recorded', from: 'generate_expert_selection_record', to: 'gw_merge_evaluation' });
flow({ id: 'flow_to_prepare_evaluation', from: 'gw_merge_evaluation', to: 'prepare_evaluation' });
flow({ id: 'flow_sheet_ready', from: 'prepare_evaluation', to: 'expert_evaluation' });
flow({ id: 'flow_evaluated', from: 'expert_evaluation', to: 'score_bids' });
flow({ id: 'flow_scored', from: 'score_bids', to: 'generate_evaluation_report' });
flow({ id: 'flow_report_done', from: 'generate_evaluation_report', to: 'compute_confirm_deadline' });
flow({ id: 'flow_to_confirm', from: 'compute_confirm_deadline', to: 'confirm_winner' });
flow({ id: 'flow_confirmed', from: 'confirm_winner', to: 'gw_merge_confirmed' });
flow({ id: 'flow_confirm_late', from: 'confirm_deadline_passed', to: 'deem_first_candidate', exit: 'bottom', enter: 'left' });
flow({ id: 'flow_deemed', from: 'deem_first_candidate', to: 'gw_merge_confirmed', exit: 'top', enter: 'bottom' });
flow({ id: 'flow_to_award', from: 'gw_merge_confirmed', to: 'record_award' });
flow({ id: 'flow_awarded', from: 'record_award', to: 'generate_award_notice' });
flow({ id: 'flow_award_notice_done', from: 'generate_award_notice', to: 'generate_notice_of_award' });
flow({ id: 'flow_notice_of_award_done', from: 'generate_notice_of_award', to: 'gw_merge_challenge_window' });
flow({ id: 'flow_to_challenge_window', from: 'gw_merge_challenge_window', to: 'gw_challenge_window' });
flow({ id: 'flow_wait_challenge_deadline', from: 'gw_challenge_window', to: 'challenge_window_closed' });
flow({ id: 'flow_wait_challenge', from: 'gw_challenge_window', to: 'challenge_filed', exit: 'top', enter: 'left' });
flow({ id: 'flow_challenge_received', from: 'challenge_filed', to: 'answer_challenge' });
flow({ id: 'flow_challenge_answered', from: 'answer_challenge', to: 'record_challenge_reply' });
flow({ id: 'flow_reply_recorded', from: 'record_challenge_reply', to: 'generate_challenge_reply' });
flow({ id: 'flow_reply_done', from: 'generate_challenge_reply', to: 'gw_challenge_outcome' });
flow({ id: 'flow_challenge_rejected', from: 'gw_challenge_outcome', to: 'gw_merge_challenge_window', name: '驳回', cond: '=challengeOutcome = "rejected"', exit: 'top', via: [['y', Y(3) - 200]], enter: 'top' });
flow({ id: 'flow_challenge_reevaluate', from: 'gw_challenge_outcome', to: 'gw_merge_evaluation', name: '成立，重新评审', cond: '=challengeOutcome = "upheld_reevaluate"', exit: 'top', via: [['y', Y(3) - 230]], enter: 'top' });
flow({ id: 'flow_challenge_cancel', from: 'gw_challenge_outcome', to: 'gw_merge_failed', name: '成立，废标', cond: '=challengeOutcome = "upheld_cancel"', exit: 'right', via: [['x', RM(0)], ['y', Y(5) + 200]], enter: 'bottom' });
add({ id: 'complaint_decided_in_window', kind: 'message', name: '收到投诉处理决定', row: 3, col: 16, lane: 1, message: 'msg_complaint_decided',
  doc: '质疑期间财政部门作出投诉处理决定（流程 complaint 发送消息 complaint-decided，按 tenderKey 关联；只有影响采购结果的决定才发送：complaintEffect 为 reevaluate 或 cancel，变量 complaintId、complaintDecisionNo、complaintTenderId）。' });
flow({ id: 'flow_wait_complaint_decision', from: 'gw_challenge_window', to: 'complaint_decided_in_window', exit: 'bottom', enter: 'left' });
flow({ id: 'flow_complaint_decided_in_window', from: 'complaint_decided_in_window', to: 'gw_merge_complaint_effect', exit: 'bottom', via: [['y', Y(4) - 150], ['x', LM(3)]], enter: 'left' });
flow({ id: 'flow_to_contract', from: 'challenge_window_closed', to: 'gw_merge_contract', exit: 'right', via: [['x', X(16) + 60], ['y', Y(3) + 250]], enter: 'top' });

// ---------------------------------------------------------------- E 合同、验收、归档
add({ id: 'gw_merge_contract', kind: 'gw', row: 4, col: 0 });
add({ id: 'sign_contract', kind: 'user', name: '签订采购合同', row: 4, col: 1, form: 'contract-signing', assignee: '=initiator', due: '=contractDeadlineAt',
  headers: [['legalBasis', '政府采购法第46条；政府采购法实施条例第49条；财政部令第87号第71条、第73条']],
  doc: '采购人自中标通知书发出之日起30日内按招标文件和中标人投标文件订立书面合同：合同编号、签订日期、合同金额、付款方式、履约期限、验收要求、履约保证金（不超过合同金额的10%）。“登记合同”退回（CONTRACT_INVALID）时表单显示 contractProblems，重新填写后再次登记。' });
add({ id: 'contract_deadline_passed', kind: 'bTimer', name: '签约期限届满', row: 4, col: 1, attachedTo: 'sign_contract', interrupting: false, timeDate: '=contractDeadlineAt',
  doc: '非中断：签约期限（contractDeadlineAt）届满仍未签订时，报监管部门督办，签约任务保持开放。合同被退回重签时签约任务重新开始，定时器随之重新计时；期限已过则立即触发，由“是否已督办”避免重复督办。' });
add({ id: 'gw_contract_escalated', kind: 'gw', name: '是否已督办？', row: 4, col: 2, lane: 1, defaultFlow: 'flow_escalate_now',
  doc: '同一项目的签约逾期只督办一次：contractEscalated 为 true（已建立督办任务）时不再建立；合同被退回重签（CONTRACT_INVALID）后签约任务重新计时，期限已过的定时器立即触发，到此结束。' });
add({ id: 'mark_contract_escalated', kind: 'throw', name: '记录已督办', row: 4, col: 3, lane: 1, outputs: [['=true', 'contractEscalated']],
  doc: '建立督办任务前记下 contractEscalated := true。' });
add({ id: 'end_already_escalated', kind: 'end', name: '已督办，不再重复', row: 4, col: 2, lane: 2 });
add({ id: 'escalate_contract', kind: 'user', name: '合同逾期督办', row: 4, col: 4, lane: 1, form: 'contract-escalation', groups: 'supervisor',
  headers: [['legalBasis', '政府采购法第46条、第71条；政府采购法实施条例第67条']],
  doc: '监管部门对逾期未签订合同进行督办，记录督办措施。' });
add({ id: 'end_escalation_handled', kind: 'end', name: '督办完成', row: 4, col: 5, lane: 1 });
add({ id: 'record_contract', kind: 'service', name: '登记合同', row: 4, col: 2, type: 'record-contract', retries: 3,
  doc: '登记合同（contract），输出合同文本数据 contractData、合同公告数据 contractNoticeData 与公告期限 contractPublishDeadlineAt（签订之日起2个工作日）。合同金额超过中标金额或履约保证金超过合同金额10%等问题时抛出 CONTRACT_INVALID（contractProblems：[{path, reason}]），退回“签订采购合同”。' });
add({ id: 'record_contract_invalid', kind: 'bError', name: '合同信息不合规', row: 4, col: 2, attachedTo: 'record_contract', error: 'error_contract_invalid',
  doc: '合同信息不合规（CONTRACT_INVALID）：退回采购人重新填写，签约表单显示 contractProblems。' });
add({ id: 'generate_contract', kind: 'service', name: '生成采购合同', row: 4, col: 3, type: 'generate-document', retries: 3, headers: [['templateId', 'procurement-contract'], ['dataVariable', 'contractData']],
  doc: '按模板 procurement-contract（文书 18 政府采购合同）生成并存档。' });
add({ id: 'publish_contract', kind: 'user', name: '公告采购合同', row: 4, col: 4, form: 'contract-publication', assignee: '=initiator', due: '=contractPublishDeadlineAt',
  headers: [['legalBasis', '政府采购法实施条例第50条']],
  doc: '采购人自合同签订之日起2个工作日内在指定媒体公告合同（到期 contractPublishDeadlineAt）。' });
add({ id: 'generate_contract_notice', kind: 'service', name: '生成合同公告', row: 4, col: 5, type: 'generate-document', retries: 3, headers: [['templateId', 'contract-notice'], ['dataVariable', 'contractNoticeData']],
  inputs: [['=if publishedDate = null then contractNoticeData else context put(contractNoticeData, "noticeDate", publishedDate)', 'contractNoticeData']],
  doc: '按模板 contract-notice（文书 19 合同公告）生成并存档。公告日期 noticeDate 取“公告采购合同”表单填写的 publishedDate（输入映射 context put，只在本任务内生效）；未填时保留“登记合同”给出的日期。' });
add({ id: 'gw_merge_acceptance', kind: 'gw', row: 4, col: 6 });
add({ id: 'acceptance', kind: 'user', name: '履约验收', row: 4, col: 7, form: 'acceptance', assignee: '=initiator',
  headers: [['legalBasis', '政府采购法第41条；政府采购法实施条例第45条；财库〔2016〕205号']],
  doc: '采购人按合同的验收要求逐项验收（acceptanceResults），给出总体结论、验收日期、验收小组与问题；不合格的整改后重新验收。' });
add({ id: 'gw_acceptance_result', kind: 'gw', name: '验收是否合格？', row: 4, col: 8 });
add({ id: 'record_acceptance', kind: 'service', name: '登记验收结果', row: 4, col: 9, type: 'record-acceptance', retries: 3,
  doc: '登记验收结果，输出验收报告数据 acceptanceReportData。' });
add({ id: 'generate_acceptance_report', kind: 'service', name: '生成验收报告', row: 4, col: 10, type: 'generate-document', retries: 3, headers: [['templateId', 'acceptance-report'], ['dataVariable', 'acceptanceReportData']],
  doc: '按模板 acceptance-report（文书 20 履约验收报告）生成并存档。' });
add({ id: 'archive_project', kind: 'service', name: '项目归档', row: 4, col: 11, type: 'archive-project', retries: 3,
  doc: '采购文件（申请、审批、招标、投标、开标、评标、定标、质疑、合同、验收）归档，保存期限自采购结束之日起不少于15年（政府采购法第42条）。' });
add({ id: 'end_archived', kind: 'end', name: '项目完成归档', row: 4, col: 12, outputs: [['="archived"', 'outcome']] });

add({ id: 'complaint_decided_on_contract', kind: 'bMessage', name: '投诉处理决定', row: 4, col: 1, attachedTo: 'sign_contract', message: 'msg_complaint_decided', dx: -40,
  doc: '中断：签约前财政部门作出影响采购结果的投诉处理决定（消息 complaint-decided，complaintEffect 为 reevaluate 或 cancel），中止“签订采购合同”，按决定重新评审或废标（财政部令第94号第32条）。驳回投诉或不影响采购结果的决定不发送此消息，合同照常签订。' });
add({ id: 'procurement_suspended', kind: 'bMessage', name: '暂停采购活动', row: 4, col: 1, attachedTo: 'sign_contract', message: 'msg_procurement_suspended', interrupting: false, dx: -10, top: true,
  doc: '非中断：财政部门处理投诉期间书面通知暂停采购活动（消息 procurement-suspended，变量 suspendedUntil，最长30日，财政部令第94号第28条）。暂停期间服务端拒绝签收和办理本项目的任务（409 PROCUREMENT_SUSPENDED），签约任务保持开放。' });
add({ id: 'mark_procurement_suspended', kind: 'throw', name: '记录暂停', row: 4, col: 2, lane: -1, outputs: [['=true', 'procurementSuspended'], ['=suspendedUntil', 'suspendedUntil']],
  doc: '记下 procurementSuspended := true 及暂停截止时间 suspendedUntil（由投诉流程按法定时限 T18 计算）。' });
add({ id: 'end_suspension_noted', kind: 'end', name: '暂停已记录', row: 4, col: 3, lane: -1 });
add({ id: 'procurement_resumed', kind: 'bMessage', name: '恢复采购活动', row: 4, col: 1, attachedTo: 'sign_contract', message: 'msg_procurement_resumed', interrupting: false, dx: 30, top: true,
  doc: '非中断：投诉处理决定作出或暂停期满时恢复采购活动（消息 procurement-resumed）。' });
add({ id: 'mark_procurement_resumed', kind: 'throw', name: '记录恢复', row: 4, col: 4, lane: -1, outputs: [['=false', 'procurementSuspended']],
  doc: '记下 procurementSuspended := false。' });
add({ id: 'end_resumption_noted', kind: 'end', name: '恢复已记录', row: 4, col: 5, lane: -1 });
add({ id: 'gw_merge_complaint_effect', kind: 'gw', row: 4, col: 0, lane: 2 });
add({ id: 'gw_complaint_effect', kind: 'gw', name: '投诉处理决定的效力', row: 5, col: 0, lane: -1,
  doc: '投诉处理决定影响采购结果：reevaluate（责令重新评审/重新确定中标人）回到评标；cancel（认定中标结果无效、责令重新开展采购活动）废标。' });
flow({ id: 'flow_suspended', from: 'procurement_suspended', to: 'mark_procurement_suspended', exit: 'top', enter: 'left' });
flow({ id: 'flow_suspension_noted', from: 'mark_procurement_suspended', to: 'end_suspension_noted' });
flow({ id: 'flow_resumed', from: 'procurement_resumed', to: 'mark_procurement_resumed', exit: 'top', via: [['y', Y(4) - 170]], enter: 'top' });
flow({ id: 'flow_resumption_noted', from: 'mark_procurement_resumed', to: 'end_resumption_noted' });
flow({ id: 'flow_complaint_decided_on_contract', from: 'complaint_decided_on_contract', to: 'gw_merge_complaint_effect', exit: 'bottom', enter: 'right' });
flow({ id: 'flow_to_complaint_effect', from: 'gw_merge_complaint_effect', to: 'gw_complaint_effect', exit: 'bottom', enter: 'top' });
flow({ id: 'flow_complaint_reevaluate', from: 'gw_complaint_effect', to: 'gw_merge_evaluation', name: '投诉成立，重新评审', cond: '=complaintEffect = "reevaluate"', exit: 'left', via: [['x', LM(2)], ['y', Y(3) + 210]], enter: 'bottom' });
flow({ id: 'flow_complaint_cancel', from: 'gw_complaint_effect', to: 'gw_merge_failed', name: '投诉成立，废标', cond: '=complaintEffect = "cancel"', exit: 'right', enter: 'top' });
flow({ id: 'flow_to_sign_contract', from: 'gw_merge_contract', to: 'sign_contract' });
flow({ id: 'flow_contract_late', from: 'contract_deadline_passed', to: 'gw_contract_escalated', exit: 'bottom', enter: 'left' });
flow({ id: 'flow_escalate_now', from: 'gw_contract_escalated', to: 'mark_contract_escalated', name: '未督办' });
flow({ id: 'flow_already_escalated', from: 'gw_contract_escalated', to: 'end_already_escalated', name: '已督办', cond: '=contractEscalated = true', exit: 'bottom', enter: 'top' });
flow({ id: 'flow_escalation_marked', from: 'mark_contract_escalated', to: 'escalate_contract' });
flow({ id: 'flow_contract_invalid', from: 'record_contract_invalid', to: 'gw_merge_contract', name: '退回重签', exit: 'bottom', via: [['y', Y(4) + 75]], enter: 'bottom' });
flow({ id: 'flow_escalation_done', from: 'escalate_contract', to: 'end_escalation_handled' });
flow({ id: 'flow_signed', from: 'sign_contract', to: 'record_contract' });
flow({ id: 'flow_contract_recorded', from: 'record_contract', to: 'generate_contract' });
flow({ id: 'flow_contract_generated', from: 'generate_contract', to: 'publish_contract' });
flow({ id: 'flow_contract_published', from: 'publish_contract', to: 'generate_contract_notice' });
flow({ id: 'flow_contract_notice_done', from: 'generate_contract_notice', to: 'gw_merge_acceptance' });
flow({ id: 'flow_to_acceptance', from: 'gw_merge_acceptance', to: 'acceptance' });
flow({ id: 'flow_accepted_check', from: 'acceptance', to: 'gw_acceptance_result' });
flow({ id: 'flow_acceptance_pass', from: 'gw_acceptance_result', to: 'record_acceptance', name: '合格', cond: '=acceptanceOverall = "pass"' });
flow({ id: 'flow_acceptance_fail', from: 'gw_acceptance_result', to: 'gw_merge_acceptance', name: '不合格，整改后重验', cond: '=acceptanceOverall = "fail"', exit: 'bottom', via: [['y', Y(4) + 70]], enter: 'bottom' });
flow({ id: 'flow_acceptance_recorded', from: 'record_acceptance', to: 'generate_acceptance_report' });
flow({ id: 'flow_report_generated', from: 'generate_acceptance_report', to: 'archive_project' });
flow({ id: 'flow_archived', from: 'archive_project', to: 'end_archived' });

// ---------------------------------------------------------------- F 废标
add({ id: 'gw_merge_failed', kind: 'gw', row: 5, col: 1 });
add({ id: 'record_failed_tender', kind: 'service', name: '登记废标', row: 5, col: 2, type: 'record-failed-tender', retries: 3,
  doc: '按变量判断废标原因（投标人不足、合格投标人不足、质疑成立废标），本轮招标状态改为 failed，输出 failureReason 与废标公告数据 cancellationNoticeData。' });
add({ id: 'generate_cancellation_notice', kind: 'service', name: '生成废标公告', row: 5, col: 3, type: 'generate-document', retries: 3, headers: [['templateId', 'cancellation-notice'], ['dataVariable', 'cancellationNoticeData']],
  doc: '按模板 cancellation-notice（文书 15 废标（终止）公告）生成并存档。' });
add({ id: 'decide_after_failure', kind: 'user', name: '废标后处理', row: 5, col: 4, form: 'failed-tender-decision', assignee: '=initiator',
  headers: [['legalBasis', '政府采购法第36条、第37条；政府采购法实施条例第23条']],
  doc: '废标后，除采购任务取消外应重新组织招标；需采取其他采购方式的，须在采购活动开始前获得批准（变更方式后重新经过审批，需要时先报市财政）。' });
add({ id: 'gw_failure_decision', kind: 'gw', name: '下一步？', row: 5, col: 5 });
add({ id: 'apply_new_method', kind: 'throw', name: '变更采购方式', row: 5, col: 6, lane: -1, outputs: [['=newMethod', 'method']],
  doc: '采用新的采购方式（method := newMethod），重新经过金额换算、申请校验和审批（含市财政关口）。' });
add({ id: 'end_terminated', kind: 'end', name: '采购终止', row: 5, col: 6, outputs: [['="terminated"', 'outcome']] });

flow({ id: 'flow_to_record_failure', from: 'gw_merge_failed', to: 'record_failed_tender' });
flow({ id: 'flow_failure_recorded', from: 'record_failed_tender', to: 'generate_cancellation_notice' });
flow({ id: 'flow_cancellation_done', from: 'generate_cancellation_notice', to: 'decide_after_failure' });
flow({ id: 'flow_decided', from: 'decide_after_failure', to: 'gw_failure_decision' });
flow({ id: 'flow_retender', from: 'gw_failure_decision', to: 'gw_merge_tender', name: '重新招标', cond: '=nextAction = "retender"', exit: 'top', via: [['y', Y(5) - 230], ['x', LM(1)], ['y', Y(1) - 90]], enter: 'top' });
flow({ id: 'flow_change_method', from: 'gw_failure_decision', to: 'apply_new_method', name: '变更采购方式', cond: '=nextAction = "change_method"', exit: 'top', enter: 'left' });
flow({ id: 'flow_new_method', from: 'apply_new_method', to: 'gw_merge_before_city', exit: 'top', via: [['y', Y(5) - 260], ['x', LM(0)], ['y', Y(0) - 100]], enter: 'top' });
flow({ id: 'flow_terminate', from: 'gw_failure_decision', to: 'end_terminated', name: '终止', cond: '=nextAction = "terminate"' });

const PROCESS_DOC = `政府采购项目全流程（财政部门审批 → 招标 → 开标与资格审查 → 评标与定标 → 合同、验收与归档；废标后重新招标、变更采购方式或终止）。
A 申报与审批：采购人申报 → 生成项目编号 → 金额换算为分 → 校验采购申请 →（市财政审批）→ 主管部门审批 → 财政采购股审核 → 监督审批 → 生成审批表。任一审批“退回”或校验不通过（APPLICATION_INVALID）交发起人修改后重新提交或撤回。四个审批任务带任务头 approvalStage（city/dept/finance/supervisor）：发起人不得办理，同一人不得办理同一实例的两个不同审批环节；各审批任务把收件箱写入的服务端变量 completedBy、completedByName 映射为 cityApprover/deptApprover/financeApprover/supervisorApprover（及 …ApproverName），审批表据此署名。
B 招标：代理机构（agencyUsers）编制招标文件 → 检查评审设置 → 发布招标公告（不合规 TENDER_INVALID 退回修改）→ 生成招标公告与招标文件 → 等待投标截止（期间的澄清修改顺延截止时间）。
C 开标与资格审查：开标 → 投标人不足 minBids 废标 → 信用查询与资格审查 → 代理机构确认资格审查结论（结论有误 QUALIFICATION_INVALID 退回重新审查，显示 qualificationProblems）→ 合格投标人不足废标。
D 评标与定标：抽取专家 → 专家独立评审（多实例）→ 汇总排序与评标报告 → 采购人限期确定中标人（逾期视为第一候选人）→ 中标公告与通知书 → 质疑期（质疑答复：驳回、重新评审或废标）。\n投诉（流程 complaint，按 tenderKey 关联的消息）：财政部门的投诉处理决定影响采购结果时（complaint-decided，complaintEffect = reevaluate / cancel），质疑期内或签约前的本流程转入重新评审或废标；暂停采购活动（procurement-suspended / procurement-resumed）记入 procurementSuspended，暂停期间服务端拒绝办理本项目任务。
E 合同：30日内签订合同（逾期报监管部门督办，不中断，每个项目只督办一次：contractEscalated）→ 登记合同（金额超过中标金额、履约保证金超过10%等 CONTRACT_INVALID 退回重签，显示 contractProblems）→ 2个工作日内公告合同（合同公告的公告日期取公告表单的 publishedDate）→ 履约验收（不合格整改重验）→ 归档。
F 废标：登记废标与公告 → 采购人决定重新招标、变更采购方式（重新审批）或终止。
启动时由服务端写入的变量：initiator（发起人用户名）；cityApprovalThresholdFen（公开招标数额标准，单位：分，取自配置，按年度和行政级别版本化，不写死在模型中）；agencyOptions（在册代理机构选项）、purchaserOrgId、purchaserName。
模型中不写死任何期限或数额：截止时间、定标期限、质疑期、签约期限与公告期限均由工作者按工作日历和法定时限（附法律依据）计算后写入变量，由定时器（timeDate）和任务到期日引用。金额一律为整数“分”。
Whole government procurement chain (issue 4). Variables set at start by the server: initiator, cityApprovalThresholdFen (from configuration), agencyOptions, purchaserOrgId, purchaserName.`;


const DECLARATIONS = `  <bpmn:error id="error_application_invalid" name="申请不合规" errorCode="APPLICATION_INVALID" />
  <bpmn:error id="error_tender_invalid" name="招标设置不合规" errorCode="TENDER_INVALID" />
  <bpmn:error id="error_qualification_invalid" name="资格审查结论有误" errorCode="QUALIFICATION_INVALID" />
  <bpmn:error id="error_contract_invalid" name="合同信息不合规" errorCode="CONTRACT_INVALID" />
` + [
  ['msg_tender_amended', 'tender-amended'], ['msg_challenge_filed', 'challenge-filed'], ['msg_complaint_decided', 'complaint-decided'],
  ['msg_procurement_suspended', 'procurement-suspended'], ['msg_procurement_resumed', 'procurement-resumed'],
].map(([id, name]) => messageDeclaration(id!, name!, '=tenderKey')).join('');

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? path.join(here, '..', '..', '..', 'processes', 'procurement.bpmn');
fs.writeFileSync(out, modelXml({
  definitionsId: 'definitions_procurement', processId: 'procurement', processName: '政府采购项目全流程', versionTag: '2026.2',
  doc: PROCESS_DOC, declarations: DECLARATIONS, nodes: n, flows: f,
}));
console.log(`wrote ${out}: ${n.length} elements, ${f.length} flows`);
