/**
 * Demo data for a NEW database (no users yet): the units of 绵阳市涪城区 taking part in a procurement and
 * one user per role (user name = role name, password = DEMO_PASSWORD). Running it again changes nothing.
 */
import type { Database } from '../db.ts';
import { defineAuthModels } from '../auth/models.ts';
import { hashPassword } from '../auth/password.ts';
import { seedRegisters } from './registers.ts';
import { seedDocuments } from './documents.ts';
import { ROLE_LABELS, type OrganisationKind, type Role } from '../auth/roles.ts';

interface DemoOrganisation {
  key: string;
  name: string;
  kind: OrganisationKind;
}

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  { key: 'edu', name: '涪城区教育局', kind: 'purchaser_unit' },
  { key: 'eduDept', name: '涪城区教育局（主管部门审批）', kind: 'department' },
  { key: 'financeProcurement', name: '涪城区财政局 政府采购股', kind: 'finance_bureau' },
  { key: 'financeSupervision', name: '涪城区财政局 监督检查股', kind: 'supervision' },
  { key: 'cityFinance', name: '绵阳市财政局', kind: 'city_finance' },
  { key: 'agency', name: '四川某某招标代理有限公司', kind: 'agency' },
  { key: 'supplier', name: '绵阳某某信息技术有限公司', kind: 'supplier' },
  { key: 'experts', name: '涪城区政府采购评审专家库', kind: 'expert_panel' },
  { key: 'centre', name: '涪城区公共资源交易中心', kind: 'centre' },
  { key: 'housing', name: '涪城区住房和城乡建设局', kind: 'industry_supervision' },
];

export const DEMO_USERS: { role: Role; displayName: string; organisation: string }[] = [
  { role: 'purchaser', displayName: '张采购（教育局经办）', organisation: 'edu' },
  { role: 'dept_approver', displayName: '李审批（教育局主管部门）', organisation: 'eduDept' },
  { role: 'finance_section', displayName: '王科员（财政局政府采购股）', organisation: 'financeProcurement' },
  { role: 'supervisor', displayName: '赵监督（财政局监督检查股）', organisation: 'financeSupervision' },
  { role: 'city_finance', displayName: '刘处长（绵阳市财政局）', organisation: 'cityFinance' },
  { role: 'agency', displayName: '陈代理（招标代理）', organisation: 'agency' },
  { role: 'expert', displayName: '孙专家（评审专家）', organisation: 'experts' },
  { role: 'supplier', displayName: '周经理（供应商）', organisation: 'supplier' },
  { role: 'process_admin', displayName: '吴管理员（交易中心）', organisation: 'centre' },
  { role: 'auditor', displayName: '郑审计（交易中心）', organisation: 'centre' },
  { role: 'works_supervisor', displayName: '何科长（区住建局招投标监管）', organisation: 'housing' },
];

export interface DemoAccount {
  username: string;
  role: Role;
  roleLabel: string;
  displayName: string;
  organisation: string;
}

/** Seeds when the database has no users; returns the accounts created (empty when nothing was done). */
export async function seedDemo(db: Database, opts: { password: string }): Promise<DemoAccount[]> {
  const { Organisation, User } = defineAuthModels(db.sequelize);
  if ((await User.count()) > 0) return [];
  // Hash outside the transaction: scrypt is slow and SQLite has one writer.
  const hashes = await Promise.all(DEMO_USERS.map(() => hashPassword(opts.password)));
  const accounts = await db.withTransaction(async (transaction) => {
    if ((await User.count({ transaction })) > 0) return [];
    const orgIds = new Map<string, { id: number; name: string }>();
    for (const o of DEMO_ORGANISATIONS) {
      const [org] = await Organisation.findOrCreate({
        where: { name: o.name },
        defaults: { name: o.name, kind: o.kind, creditCode: null },
        transaction,
      });
      orgIds.set(o.key, { id: org.id, name: org.name });
    }
    const accounts: DemoAccount[] = [];
    for (const [i, u] of DEMO_USERS.entries()) {
      const org = orgIds.get(u.organisation)!;
      await User.create(
        {
          username: u.role,
          displayName: u.displayName,
          passwordHash: hashes[i],
          roles: u.role,
          organisationId: org.id,
        },
        { transaction },
      );
      accounts.push({ username: u.role, role: u.role, roleLabel: ROLE_LABELS[u.role], displayName: u.displayName, organisation: org.name });
    }
    await seedRegisters(transaction); // suppliers, agencies, goods, experts, credit (server/seed/registers.ts)
    return accounts;
  });
  if (accounts.length) await seedDocuments(db); // after the users exist, in its own transactions (server/seed/documents.ts)
  return accounts;
}

/** The table main prints once after the first seed. */
export function formatDemoAccounts(accounts: DemoAccount[], password: string): string {
  const lines = accounts.map((a) => `  ${a.username.padEnd(16)} ${a.roleLabel.padEnd(10, '　')} ${a.organisation}`);
  return [
    '已创建演示账号 (demo accounts created), 密码 (password): ' + password,
    ...lines,
    '生产环境请设置 SEED_DEMO=false 并修改密码 (set SEED_DEMO=false in production).',
  ].join('\n');
}
