/** Shared data of the tender tests: a publish-tender job, bids, supplier accounts, and a scan of every table. */
import crypto from 'node:crypto';
import { QueryTypes } from 'sequelize';
import type { Database } from '../../server/db.ts';
import { defineAuthModels } from '../../server/auth/models.ts';
import { hashPassword } from '../../server/auth/password.ts';
import type { AuthUser } from '../../server/auth/types.ts';
import type { Job, Variables } from '../../server/engine/port.ts';
import { creditCodeCheckChar } from '../../server/registry/credit-code.ts';

export const MASTER_KEY = crypto.createHash('sha256').update('tender tests master key').digest();
export const cc = (first17: string) => first17 + creditCodeCheckChar(first17);

let seq = 0;
export function job(type: string, variables: Variables, over: Partial<Job> = {}): Job {
  seq += 1;
  return {
    key: `inst-${seq}:${type}:1`, type, instanceId: over.instanceId ?? 'inst-1', bpmnProcessId: 'procurement', elementId: type.replace(/-/g, '_'),
    businessKey: null, variables, headers: {}, retries: 3, ...over,
  };
}

/** An open tender as the model hands it to publish-tender: 100 teaching PCs and 20 laptops, 1,000,000.00 元. */
export function tenderVars(over: Variables = {}): Variables {
  return {
    projectNumber: 'FCZC-2026-0101', projectName: '涪城区教育局2026年教学计算机采购项目', categoryCode: 'A02010104', procurementType: 'goods', method: '公开招标',
    budgetFen: 100_000_000, maxPriceFen: 95_000_000, organisationForm: '分散采购', smeReserved: false, importedProducts: false,
    deliveryDate: '2026-12-31', deliveryPlace: '涪城区教育局及所属学校', description: '教学用台式计算机100台、便携式计算机20台，含安装调试和三年质保。',
    itemsFen: [
      { itemCode: 'A02010104', itemName: '台式计算机（教学用）', quantity: 100, unit: '台', unitPriceFen: 520_000, lineTotalFen: 52_000_000 },
      { itemCode: 'A02010105', itemName: '便携式计算机', quantity: 20, unit: '台', unitPriceFen: 620_000, lineTotalFen: 12_400_000 },
    ],
    agencyName: '四川某某招标代理有限公司', agencyUsers: ['agency'], purchaserName: '涪城区教育局', initiator: 'purchaser',
    evaluationMethod: 'comprehensive', priceWeightPercent: 30, technicalWeightPercent: 50, businessWeightPercent: 20, smeDeductionPercent: 10,
    qualificationRequirements: '具有信息系统集成及服务资质\n近三年无重大违法记录', scoringCriteria: '技术参数满足程度、售后服务方案',
    bidDeadline: '2026-03-25T09:30', openingPlace: '涪城区公共资源交易中心开标一室', depositYuan: '10000',
    ...over,
  };
}

/** A bid whose numbers and words appear nowhere else: the confidentiality scans look for them. */
export function bidContent(unitPc = 487_653, unitLaptop = 598_761, over: Record<string, unknown> = {}) {
  return {
    priceSchedule: [
      { itemCode: 'A02010104', itemName: '台式计算机（教学用）', quantity: 100, unitPriceFen: unitPc, lineTotalFen: unitPc * 100 },
      { itemCode: 'A02010105', itemName: '便携式计算机', quantity: '20', unitPriceFen: unitLaptop, lineTotalFen: unitLaptop * 20 },
    ],
    totalPriceFen: unitPc * 100 + unitLaptop * 20,
    deliveryPeriod: '合同签订后37日内交货安装',
    warrantyMonths: 36,
    validityDays: 90,
    sme: { declared: true, scale: 'small' },
    consortium: [],
    deviations: [],
    fileIds: [],
    ...over,
  };
}

export interface SupplierAccount {
  username: string;
  organisationId: number;
  creditCode: string;
  bidder: { creditCode: string; name: string; legalRep: string; contactName: string; contactPhone: string; address: string };
}

/** A supplier organisation and its user (not in the register: its first bid creates the record). */
export async function addSupplier(db: Database, username: string, name: string, first17: string, password: string): Promise<SupplierAccount> {
  const { Organisation, User } = defineAuthModels(db.sequelize);
  const creditCode = cc(first17);
  const org = await Organisation.create({ name, kind: 'supplier', creditCode });
  await User.create({ username, displayName: `${name}经办`, passwordHash: await hashPassword(password), roles: 'supplier', organisationId: org.id });
  return {
    username, organisationId: org.id, creditCode,
    bidder: { creditCode, name, legalRep: '张三', contactName: '李四', contactPhone: '0816-2000000', address: '绵阳市涪城区某路1号' },
  };
}

export async function addUser(db: Database, username: string, role: string, orgName: string, password: string): Promise<void> {
  const { Organisation, User } = defineAuthModels(db.sequelize);
  const [org] = await Organisation.findOrCreate({ where: { name: orgName }, defaults: { name: orgName, kind: role === 'agency' ? 'agency' : 'centre', creditCode: null } });
  await User.create({ username, displayName: username, passwordHash: await hashPassword(password), roles: role, organisationId: org.id });
}

/** The AuthUser of a stored account, for calling the service functions directly. */
export async function authUser(db: Database, username: string): Promise<AuthUser> {
  const { Organisation, User } = defineAuthModels(db.sequelize);
  const u = await User.findOne({ where: { username } });
  if (!u) throw new Error(`no user ${username}`);
  const org = u.organisationId ? await Organisation.findByPk(u.organisationId) : null;
  return { id: u.id, username: u.username, displayName: u.displayName, roles: u.roleList(), organisation: org ? { id: org.id, name: org.name, kind: org.kind } : null };
}

/**
 * Every cell of every table as text (BLOBs as latin1 and utf8, i.e. their bytes as they are), for "nowhere in the
 * database" checks; `blobs` are the raw BLOB values for byte searches (keys). Hex of random ciphertext is left out:
 * a six-digit number turns up in enough random hex by chance (~1 in 1,000 runs).
 */
export async function dumpDatabase(db: Database): Promise<string> {
  const tables = db.dialect === 'mysql'
    ? (await db.sequelize.query<Record<string, string>>('SHOW TABLES', { type: QueryTypes.SELECT })).map((r) => Object.values(r)[0])
    : (await db.sequelize.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'", { type: QueryTypes.SELECT })).map((r) => r.name);
  const parts: string[] = [];
  for (const t of tables) {
    const rows = await db.sequelize.query<Record<string, unknown>>(`SELECT * FROM ${db.dialect === 'mysql' ? `\`${t}\`` : `"${t}"`}`, { type: QueryTypes.SELECT });
    for (const row of rows) {
      for (const v of Object.values(row)) {
        if (Buffer.isBuffer(v)) parts.push(v.toString('latin1'), v.toString('utf8'));
        else if (v != null) parts.push(String(v));
      }
    }
  }
  return parts.join('\n');
}
