/** The roles of the system (exact strings, also used as BPMN candidate groups) and their zh-CN labels. */
export const ROLES = [
  'purchaser',
  'dept_approver',
  'finance_section',
  'supervisor',
  'city_finance',
  'agency',
  'expert',
  'supplier',
  'process_admin',
  'auditor',
  // 行业主管部门 of works tenders (住建局): 招标备案, 异议 oversight, written reports, complaints (招标投标法第7条, 条例4、60)
  'works_supervisor',
] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  purchaser: '采购人经办',
  dept_approver: '主管部门审批',
  finance_section: '财政局政府采购股',
  supervisor: '监督检查',
  city_finance: '市财政局',
  agency: '采购代理机构',
  expert: '评审专家',
  supplier: '供应商',
  process_admin: '流程管理员',
  auditor: '审计查询',
  works_supervisor: '行业主管部门（住建）',
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export const ORGANISATION_KINDS = [
  'purchaser_unit',
  'department',
  'finance_bureau',
  'supervision',
  'industry_supervision',
  'city_finance',
  'agency',
  'supplier',
  'expert_panel',
  'centre',
] as const;

export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];
