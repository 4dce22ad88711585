/**
 * The random expert draw (专家随机抽取, 令87 Art. 47–48; 政府采购法实施条例 Art. 9, 39; 财库〔2016〕198号).
 *
 * Eligible: an expert of the register who is `active`, has a user account that exists, is enabled and has the
 * expert role (the expert must be able to score in the system), has a specialty matching the project's category
 * (below) and is not recused. Recusal (回避), every reason recorded:
 *  - works for the purchaser: the expert's employer is the purchaser's name, or the expert's account belongs to the
 *    purchaser's organisation (purchaserOrgId), or a declared `employer` conflict names the purchaser;
 *  - works for, or declared a conflict with, any bidder or consortium member (expertConflicts of the registry:
 *    declared supplier credit code, declared employer name, own employer = the party's name);
 *  - agency staff: the account is staff of the project's agency (agencyId), or among `agencyUsers`, or the
 *    employer is the agency (令87 Art. 47);
 *  - finance staff supervising procurement: the account has the supervisor, finance_section or city_finance role
 *    (财库〔2016〕198号: 财政部门政府采购监管人员不得作为评审专家).
 *
 * Specialty matching: specialties and project categories are codes of 《政府采购品目分类目录》 (letter + pairs of
 * digits). An expert matches at level 0 when a specialty and the category lie on one branch — the specialty is the
 * category or one of its parents (A0201 covers A02010104), or one of its children (A0201010401 for A02010104).
 * Fall-back: when fewer eligible experts than the panel needs match at level 0, the category is widened to its
 * parent, one level (two digits) at a time, never above the first level under the letter (A02, C02): at a wider
 * prefix P an expert matches when a specialty starts with P or P starts with the specialty. The prefix used is
 * recorded with the draw. Still too few → the draw fails (plain error: retries, then an incident for the agency).
 *
 * Selection (algorithm `hmac-sha256-v1`): seed = 32 random bytes (crypto); the eligible pool is snapshotted sorted
 * by expert code; each expert's key = HMAC-SHA256(seed, expertCode) in hex; the pool sorted by key ascending gives
 * the panel (first panelSize) and the reserves (next ones). verifyExpertDraw recomputes this from the recorded seed
 * and snapshot.
 */
import crypto from 'node:crypto';
import type { Transaction } from 'sequelize';
import { defineAuthModels } from '../auth/models.ts';
import { agenciesOfUser, expertConflicts, expertPool } from '../registry/index.ts';
import { sequelizeOf } from '../registry/models.ts';
import { evaluationModels } from './models.ts';

export const DRAW_ALGORITHM = 'hmac-sha256-v1';
const FINANCE_ROLES = ['supervisor', 'finance_section', 'city_finance'];

export interface Party {
  name: string;
  creditCode: string;
}

export interface DrawContext {
  categoryCode: string;
  panelSize: number;
  reserveCount: number;
  purchaserName: string | null;
  purchaserOrgId: number | null;
  agencyId: number | null;
  agencyName: string | null;
  agencyUsers: string[];
  /** bidders and consortium members */
  parties: Party[];
  /** The expert database: 'gp' 政府采购评审专家库 (default) or 'works' 综合评标专家库 (works tenders, 条例46). */
  pool?: 'gp' | 'works';
}

export const POOL_NAMES: Record<'gp' | 'works', string> = { gp: '政府采购评审专家库', works: '综合评标专家库' };

export interface PoolEntry {
  expertId: number;
  code: string;
  userId: number;
  username: string;
  specialty: string;
}

export interface Exclusion {
  expertId: number;
  code: string;
  reasons: string[];
}

export interface DrawnExpert extends PoolEntry {
  key: string;
  reserve: boolean;
}

export interface DrawOutcome {
  matchedPrefix: string;
  pool: PoolEntry[];
  exclusions: Exclusion[];
  /** experts whose specialty did not match at the prefix used (not listed one by one) */
  notMatchingCount: number;
  /** the expert database drawn from, and how many experts of the register are not in it */
  expertPool: 'gp' | 'works';
  notInPoolCount: number;
  panel: DrawnExpert[];
  reserves: DrawnExpert[];
}

export function expertKey(seed: Buffer, code: string): string {
  return crypto.createHmac('sha256', seed).update(code).digest('hex');
}

/** The draw itself: pool sorted by HMAC key; the first `size` are the panel, the next `reserves` the reserves. */
export function selectPanel(seed: Buffer, pool: PoolEntry[], size: number, reserves: number): { panel: DrawnExpert[]; reserves: DrawnExpert[] } {
  const ordered = pool.map((p) => ({ ...p, key: expertKey(seed, p.code) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    panel: ordered.slice(0, size).map((p) => ({ ...p, reserve: false })),
    reserves: ordered.slice(size, size + reserves).map((p) => ({ ...p, reserve: true })),
  };
}

/** The prefixes tried, narrowest first: the category itself, then its parents down to one level under the letter. */
export function categoryPrefixes(categoryCode: string): string[] {
  const out = [categoryCode];
  for (let p = categoryCode; p.length > 3; ) {
    p = p.slice(0, p.length - 2);
    out.push(p);
  }
  return out;
}

/** The specialty of `specialties` that matches the category (level 0) or the wider prefix, or null. */
export function matchingSpecialty(specialties: string[], categoryCode: string, prefix: string): string | null {
  const onBranch = (s: string, c: string) => c.startsWith(s) || s.startsWith(c);
  if (prefix === categoryCode) return specialties.find((s) => onBranch(s, categoryCode)) ?? null;
  return specialties.find((s) => onBranch(s, prefix)) ?? null;
}

const same = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.trim() === b.trim();

/** Raised when the pool is too small: a clear message for the agency (the job fails, retries, then an incident). */
export class NotEnoughExpertsError extends Error {
  constructor(readonly needed: number, readonly eligible: number, readonly prefix: string, readonly pool: 'gp' | 'works' = 'gp') {
    super(
      `符合条件的评审专家不足：${POOL_NAMES[pool]}中需要 ${needed} 人，专业 ${prefix} 范围内回避后仅有 ${eligible} 人，请补充专家库${pool === 'gp' ? '或报财政部门同意后另行确定' : ''} ` +
        `(not enough eligible experts in the ${pool} pool: ${needed} needed, ${eligible} eligible in specialty ${prefix} after recusals; extend the expert pool)`,
    );
    this.name = 'NotEnoughExpertsError';
  }
}

/** Finds the eligible pool with every exclusion and draws the panel. Reads only; the caller records it. */
export async function drawPanel(tx: Transaction, ctx: DrawContext, seed: Buffer): Promise<DrawOutcome> {
  const sequelize = sequelizeOf(tx);
  const { User } = defineAuthModels(sequelize);
  const poolName = ctx.pool ?? 'gp';
  const register = await expertPool(tx);
  // Only the experts of the database the law names (GP: the finance department's; works: 综合评标专家库).
  const experts = register.filter((e) => e.pools.includes(poolName));
  const notInPoolCount = register.length - experts.length;
  const userIds = experts.map((e) => e.userId).filter((id): id is number => id !== null);
  const users = new Map((userIds.length ? await User.findAll({ where: { id: userIds }, transaction: tx }) : []).map((u) => [u.id, u]));
  const agencyStaff = new Set<number>();
  for (const id of userIds) {
    if (ctx.agencyId !== null && (await agenciesOfUser(sequelize, id, tx)).some((a) => a.id === ctx.agencyId)) agencyStaff.add(id);
  }

  // Reasons that exclude an expert whatever the specialty.
  const reasonsOf = new Map<number, string[]>();
  for (const e of experts) {
    const reasons: string[] = [];
    if (e.status !== 'active') reasons.push(`专家状态为 ${e.status}，不在可抽取范围 (expert not active)`);
    const u = e.userId !== null ? users.get(e.userId) : undefined;
    if (!u || u.disabled || !u.roleList().includes('expert')) reasons.push('没有可用的评审专家账号 (no enabled expert account)');
    if (same(e.employer, ctx.purchaserName) || (u && ctx.purchaserOrgId !== null && u.organisationId === ctx.purchaserOrgId)) {
      reasons.push('任职于采购人，回避 (works for the purchaser)');
    }
    if (e.conflicts.some((c) => c.kind === 'employer' && same(c.value, ctx.purchaserName))) reasons.push('声明与采购人存在利害关系，回避 (declared conflict with the purchaser)');
    if (ctx.parties.length) {
      for (const hit of await expertConflicts(tx, e.id, ctx.parties)) reasons.push(`与投标人 ${hit.name} 存在利害关系：${hit.reason}`);
    }
    if ((u && (agencyStaff.has(u.id) || ctx.agencyUsers.includes(u.username))) || same(e.employer, ctx.agencyName)) {
      reasons.push('本项目代理机构工作人员，回避 (staff of the project\'s agency)');
    }
    if (u && u.roleList().some((r) => FINANCE_ROLES.includes(r))) reasons.push('财政部门政府采购监管人员不得担任评审专家 (finance supervision staff)');
    reasonsOf.set(e.id, reasons);
  }

  let last: DrawOutcome | null = null;
  for (const prefix of categoryPrefixes(ctx.categoryCode)) {
    const pool: PoolEntry[] = [];
    const exclusions: Exclusion[] = [];
    let notMatching = 0;
    for (const e of experts) {
      const specialty = matchingSpecialty(e.specialties, ctx.categoryCode, prefix);
      if (!specialty) {
        notMatching++;
        continue;
      }
      const reasons = reasonsOf.get(e.id)!;
      if (reasons.length) exclusions.push({ expertId: e.id, code: e.code, reasons });
      else pool.push({ expertId: e.id, code: e.code, userId: e.userId!, username: users.get(e.userId!)!.username, specialty });
    }
    pool.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    const picked = selectPanel(seed, pool, ctx.panelSize, ctx.reserveCount);
    last = { matchedPrefix: prefix, pool, exclusions, notMatchingCount: notMatching, expertPool: poolName, notInPoolCount, ...picked };
    if (pool.length >= ctx.panelSize) return last;
  }
  throw new NotEnoughExpertsError(ctx.panelSize, last?.pool.length ?? 0, last?.matchedPrefix ?? ctx.categoryCode, poolName);
}

export interface DrawVerification {
  ok: boolean;
  drawId: number;
  algorithm: string;
  seedHex: string;
  panel: { expertId: number; code: string; key: string }[];
  reserves: { expertId: number; code: string; key: string }[];
  problems: string[];
}

/** Re-runs a recorded draw from its seed and pool snapshot and compares with the recorded panel. */
export async function verifyExpertDraw(tx: Transaction | undefined, drawId: number, sequelize = tx ? sequelizeOf(tx) : undefined): Promise<DrawVerification> {
  if (!sequelize) throw new Error('verifyExpertDraw needs a transaction or a Sequelize instance');
  const row = await evaluationModels(sequelize).ExpertDraw.findByPk(drawId, { transaction: tx });
  if (!row) throw new Error(`抽取记录 ${drawId} 不存在 (no expert draw ${drawId})`);
  const recorded = row.get('panel') as DrawnExpert[];
  const pool = row.get('pool') as PoolEntry[];
  const seedHex = row.get('seedHex') as string;
  const algorithm = row.get('algorithm') as string;
  const problems: string[] = [];
  if (algorithm !== DRAW_ALGORITHM) problems.push(`未知的抽取算法 ${algorithm} (unknown algorithm)`);
  const sorted = [...pool].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  if (sorted.some((p, i) => p.code !== pool[i].code)) problems.push('专家池快照未按编号排序 (pool snapshot not sorted)');
  const size = recorded.filter((p) => !p.reserve).length;
  const again = selectPanel(Buffer.from(seedHex, 'hex'), pool, size, recorded.length - size);
  const recomputed = [...again.panel, ...again.reserves];
  const same = recomputed.length === recorded.length && recomputed.every((p, i) => p.code === recorded[i].code && p.key === recorded[i].key && p.reserve === recorded[i].reserve);
  if (!same) problems.push('按记录的种子和专家池重新计算的结果与记录的抽取结果不一致 (recomputed panel differs from the recorded one)');
  const view = (p: DrawnExpert) => ({ expertId: p.expertId, code: p.code, key: p.key });
  return { ok: problems.length === 0, drawId, algorithm, seedHex, panel: again.panel.map(view), reserves: again.reserves.map(view), problems };
}
