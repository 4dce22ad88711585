/**
 * The Bidding Law's wording for the data of the shared tender documents (templates 05, 06) when a works tender
 * (招标投标法, 实施条例 国务院令613) publishes: the procurement builders cite the GP Law, 令87 and 财库 notices, which
 * do not govern a works tender. Publish-tender overlays these on the builders' output for `regime = 'works'`.
 */
import type { Variables } from '../engine/port.ts';

export const WORKS_MEDIUM = '四川省公共资源交易信息网、涪城区公共资源交易中心网站（依法必须招标项目的招标公告，发改委令第10号）';
const WORKS_LAW = '具备承担招标项目的能力，资格条件符合国家有关规定和招标文件要求（招标投标法第二十六条）';
const CREDIT = '招标人于资格审查时通过“信用中国”网站、全国建筑市场监管公共服务平台查询投标人的信用记录和资质，查询结果留存归档；被列入失信被执行人名单或被依法暂停、取消投标资格的，其投标无效（招标投标法实施条例第五十一条、第六十七条起）。';

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** Qualification lines of a works tender: the Bidding Law's condition, the required grade, the agency's extra lines. */
export function worksQualifications(v: Variables, agencyLines: string[]): string[] {
  const grade = str(v.qualificationRequirement);
  return [WORKS_LAW, ...(grade ? [grade.slice(0, 500)] : []), ...agencyLines.slice(1)].slice(0, 20);
}

/** Overlay for the tender notice (template 05) data. */
export function worksNoticeOverlay(v: Variables, notice: { qualifications: string[] }): Record<string, unknown> {
  const days = typeof v.plannedPeriodDays === 'number' ? v.plannedPeriodDays : null;
  return {
    regime: 'works',
    medium: WORKS_MEDIUM,
    contractPeriod: days ? `计划工期 ${days} 日历天${str(v.deliveryDate) ? `，计划竣工日期 ${str(v.deliveryDate)}` : ''}` : '按合同约定',
    smeOnly: false,
    qualifications: worksQualifications(v, notice.qualifications),
    documentsPlace: '涪城区公共资源交易中心电子招标投标交易平台网上获取（发售期不少于5日，招标投标法实施条例第十六条）',
    creditRule: CREDIT,
  };
}

/** Overlay for the tender documents (template 06) data. */
export function worksDocumentsOverlay(v: Variables, documents: { qualifications: string[] }): Record<string, unknown> {
  const days = typeof v.plannedPeriodDays === 'number' ? v.plannedPeriodDays : null;
  return {
    regime: 'works',
    qualifications: worksQualifications(v, documents.qualifications),
    policyRequirements: '投标人应具备招标文件规定的施工资质和安全生产许可证；项目经理应为本单位注册建造师且无在建工程（建筑业企业资质管理规定；注册建造师管理规定）。',
    acceptance: '工程竣工后，招标人按国家有关工程建设标准、设计文件和合同约定组织竣工验收（建设工程质量管理条例第十六条）。',
    deliveryTime: days ? `计划工期 ${days} 日历天${str(v.deliveryDate) ? `，计划竣工日期 ${str(v.deliveryDate)}` : ''}` : '按合同约定',
    paymentTerms: '按合同约定的工程进度款、竣工结算款支付（建设工程价款结算暂行办法）；质量保证金按合同约定预留。',
    creditCheck: `查询渠道：“信用中国”网站、全国建筑市场监管公共服务平台；截止时点：投标截止时间；使用规则：${CREDIT}`,
    contractTerms: '工程范围、工期、质量标准、合同价款及支付、变更与索赔、竣工验收、质量保修、履约担保（不超过中标合同金额的10%）、违约责任、争议解决；中标通知书发出之日起30日内按招标文件和中标人的投标文件订立书面合同（招标投标法第四十六条；实施条例第五十七条、第五十八条）。',
  };
}

/** The industry supervisory department of the district's works tenders (招标投标法第七条; 条例第四条). */
export const SUPERVISOR_NAME = '绵阳市涪城区住房和城乡建设局';

/** Where objections go during a works tender: the system's objection route, addressed to the tenderer/agency. */
export function worksObjectionChannel(agencyName: string): string {
  return `投标人或者其他利害关系人对评标结果有异议的，应当在中标候选人公示期间通过涪城区公共资源交易中心电子招标投标交易平台（“异议”功能）向招标人${agencyName ? `（招标代理机构：${agencyName}）` : ''}书面提出；招标人自收到异议之日起3日内作出答复，作出答复前暂停招标投标活动（招标投标法实施条例第五十四条）。对异议答复不满意的，可以自知道或者应当知道之日起10日内向${SUPERVISOR_NAME}投诉（实施条例第六十条）。`;
}
