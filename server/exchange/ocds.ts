/**
 * OCDS 1.1 vocabulary of the exchange: what a procurement looks like as release sections (planning, tender, awards,
 * contracts with their implementation, parties), built from the facts the chain stores (server/exchange/facts.ts).
 * Pure functions: no database. Money is exact CNY from integer fen; times are Shanghai ISO (+08:00).
 */
import crypto from 'node:crypto';
import { canonicalJson } from '../audit/chain.ts';
import { shanghaiIso } from '../tender/dates.ts';

export type Json = Record<string, unknown>;

export const OCDS_VERSION = '1.1';
export const PUBLISHER = { name: '绵阳市涪城区公共资源交易中心' };

/** Exact CNY from integer fen: `12345` → 123.45 (the decimal is written from the integer, never divided in floating point). */
export function cny(fen: number | bigint): { amount: number; currency: 'CNY' } {
  const f = BigInt(fen);
  const neg = f < 0n;
  const abs = neg ? -f : f;
  const text = `${neg ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
  return { amount: Number(text), currency: 'CNY' };
}

/** `2026-04-07T10:00:00+08:00`. */
export const ocdsDate = (d: Date | string): string => shanghaiIso(new Date(d));

/** A Shanghai calendar date (`YYYY-MM-DD`) as the start of that day. */
export const ocdsDay = (date: string): string => `${date}T00:00:00+08:00`;

/** 采购方式 → OCDS procurementMethod (closed codelist): open, selective, limited, direct. */
const METHOD: Record<string, 'open' | 'selective' | 'limited' | 'direct'> = {
  公开招标: 'open',
  邀请招标: 'selective',
  竞争性谈判: 'limited',
  竞争性磋商: 'limited',
  询价: 'limited',
  框架协议采购: 'selective',
  单一来源: 'direct',
};
export const procurementMethodOf = (method: string | null): string | undefined => (method ? METHOD[method] : undefined);

const CATEGORY: Record<string, string> = { goods: 'goods', services: 'services', works: 'works' };

export const sha256 = (v: unknown): string => crypto.createHash('sha256').update(canonicalJson(v)).digest('hex');

// ── facts (read from the database by facts.ts) ─────────────────────────────────────────────────────────────────
export interface PartyFact {
  /** 统一社会信用代码 when known */
  creditCode: string | null;
  /** fallback id within this system, e.g. `org-3` */
  localId: string;
  name: string;
}

export interface TenderFact {
  id: number;
  round: number;
  status: string; // open | opened | failed | awarded | canceled
  title: string;
  method: string;
  procurementType: string;
  publishedAt: Date;
  bidDeadlineAt: Date;
  budgetFen: number;
  maxPriceFen: number | null;
  items: { itemCode: string; itemName: string; quantity: string; unit: string; unitPriceFen: number }[];
  amendments: { number: number; title: string; publishedAt: Date; substantive: boolean }[];
  /** after the opening only (bids are sealed before) */
  opened: boolean;
  /** bids at the deadline (also when too few to open) */
  bidCount: number | null;
  /** the bid this round is awarded to (a re-evaluation moves it; a cancellation fails the round) */
  awardedBidId: number | null;
  tenderers: PartyFact[];
  failureReason: string | null;
}

export interface ProcurementFacts {
  projectNumber: string;
  projectName: string;
  status: string;
  method: string | null;
  budgetFen: number | null;
  buyer: PartyFact | null;
  procuringEntity: PartyFact | null;
  tender: TenderFact | null;
  award: { bidId: number; supplier: PartyFact; amountFen: number; awardedAt: string } | null;
  contract: { contractNumber: string; signedDate: string; amountFen: number; performancePeriod: string; paymentTerms: string } | null;
  acceptance: { acceptanceDate: string; overall: string } | null;
  archived: boolean;
}

/** What the previous release left published; the next one compares against it. */
export interface PublishedState {
  digests: Partial<Record<Section, string>>;
  tenderId?: string;
  amendments?: number;
  awardIds?: string[];
  count: number;
}

export type Section = 'planning' | 'related' | 'tender' | 'awards' | 'contract' | 'implementation';

export const partyId = (p: PartyFact) => (p.creditCode ? `CN-USCC-${p.creditCode}` : `FC-${p.localId}`);

function party(p: PartyFact, roles: string[]): Json {
  return {
    id: partyId(p),
    name: p.name,
    ...(p.creditCode ? { identifier: { scheme: 'CN-USCC', id: p.creditCode, legalName: p.name } } : {}),
    roles,
  };
}

const ref = (p: PartyFact) => ({ id: partyId(p), name: p.name });

/** Every party with all its roles (roles are replaced whole when releases are merged, so each release carries all). */
export function partiesOf(f: ProcurementFacts): Json[] {
  const byId = new Map<string, { p: PartyFact; roles: Set<string> }>();
  const add = (p: PartyFact | null | undefined, role: string) => {
    if (!p) return;
    const id = partyId(p);
    const e = byId.get(id) ?? { p, roles: new Set<string>() };
    e.roles.add(role);
    byId.set(id, e);
  };
  add(f.buyer, 'buyer');
  add(f.procuringEntity, 'procuringEntity');
  if (f.tender?.opened) for (const t of f.tender.tenderers) add(t, 'tenderer');
  if (f.award) add(f.award.supplier, 'supplier');
  return [...byId.values()].map((e) => party(e.p, [...e.roles]));
}

const APPROVED = new Set(['tendering', 'evaluating', 'awarded', 'contracting', 'accepting', 'archived', 'failed']);

/**
 * The sections as they stand now (absent: nothing to publish yet). `previousOcid`: the process of the round before,
 * when this one is a re-tender (each tender round is its own contracting process, see releases.ts).
 */
export function sectionsOf(f: ProcurementFacts, ctx: { publishedAwardIds: string[]; previousOcid?: string }): Partial<Record<Section, Json>> {
  const publishedAwardIds = ctx.publishedAwardIds;
  const out: Partial<Record<Section, Json>> = {};
  // Nothing is public before the approvals end (an application may still be withdrawn or returned).
  if (!APPROVED.has(f.status) && !f.tender) return out;
  out.planning = {
    budget: {
      id: f.projectNumber,
      description: f.projectName,
      ...(f.budgetFen != null ? { amount: cny(f.budgetFen) } : {}),
    },
  };
  const t = f.tender;
  if (t && t.round > 1 && ctx.previousOcid) {
    out.related = { relatedProcesses: [{ id: '1', relationship: ['unsuccessfulProcess'], title: f.projectName, scheme: 'ocid', identifier: ctx.previousOcid }] };
  }
  if (t) {
    const terminated = f.status === 'terminated' || f.status === 'withdrawn';
    // A procurement ended without a contract cancels its tender, a failed one included.
    const status = (terminated && !f.contract) || t.status === 'canceled' ? 'cancelled' : t.status === 'failed' ? 'unsuccessful' : t.status === 'awarded' ? 'complete' : 'active';
    out.tender = {
      id: `${f.projectNumber}-${t.round}`,
      title: t.title,
      // Why it failed (废标原因); OCDS 1.1 has no tender.statusDetails.
      ...(t.status === 'failed' && t.failureReason ? { description: `废标：${t.failureReason}` } : {}),
      status,
      ...(f.procuringEntity ? { procuringEntity: ref(f.procuringEntity) } : {}),
      items: t.items.map((i, n) => ({
        id: String(n + 1),
        description: i.itemName,
        quantity: Number(i.quantity),
        unit: { name: i.unit, value: cny(i.unitPriceFen) },
      })),
      value: cny(t.maxPriceFen ?? t.budgetFen),
      ...(procurementMethodOf(t.method) ? { procurementMethod: procurementMethodOf(t.method) } : {}),
      procurementMethodDetails: t.method,
      ...(CATEGORY[t.procurementType] ? { mainProcurementCategory: CATEGORY[t.procurementType] } : {}),
      submissionMethod: ['electronicSubmission'],
      tenderPeriod: { startDate: ocdsDate(t.publishedAt), endDate: ocdsDate(t.bidDeadlineAt) },
      // Who bid is public from the opening; a tender that failed for too few bids tells only how many (never opened).
      ...(t.opened ? { numberOfTenderers: t.tenderers.length, tenderers: t.tenderers.map(ref) } : t.status === 'failed' && t.bidCount !== null ? { numberOfTenderers: t.bidCount } : {}),
      ...(t.amendments.length
        ? { amendments: t.amendments.map((a) => ({ id: String(a.number), date: ocdsDate(a.publishedAt), description: a.title, rationale: a.substantive ? '实质性澄清或修改' : '非实质性澄清或修改' })) }
        : {}),
    };
  }
  const awards: Json[] = [];
  const currentAwardId = f.award ? `${f.projectNumber}-award-${f.award.bidId}` : null;
  if (f.award) {
    // The award stands while its round is awarded to that bid; a challenge upheld with cancellation fails the round,
    // a termination without a contract ends it (a re-evaluation's new winner is a new award, see below).
    const ended = (f.status === 'terminated' || f.status === 'withdrawn') && !f.contract;
    const cancelled = ended || (t !== null && (t.status !== 'awarded' || t.awardedBidId !== f.award.bidId));
    awards.push({
      id: currentAwardId,
      title: `${f.projectName} 中标（成交）结果`,
      status: cancelled ? 'cancelled' : 'active',
      date: ocdsDate(f.award.awardedAt),
      value: cny(f.award.amountFen),
      suppliers: [ref(f.award.supplier)],
    });
  }
  // An award published before and no longer the current one (challenge upheld → re-evaluation) is cancelled.
  for (const id of publishedAwardIds) if (id !== currentAwardId) awards.push({ id, status: 'cancelled' });
  if (awards.length) out.awards = { awards };
  if (f.contract && currentAwardId) {
    out.contract = {
      id: f.contract.contractNumber,
      awardID: currentAwardId,
      title: `${f.projectName} 政府采购合同`,
      description: [f.contract.performancePeriod, f.contract.paymentTerms].filter(Boolean).join(' '),
      status: f.archived ? 'terminated' : 'active',
      value: cny(f.contract.amountFen),
      dateSigned: ocdsDay(f.contract.signedDate),
    };
    if (f.acceptance) {
      const met = f.acceptance.overall === 'pass' || f.acceptance.overall === '验收合格';
      out.implementation = {
        milestones: [{
          id: 'acceptance',
          title: '履约验收',
          type: 'delivery',
          status: met ? 'met' : 'notMet',
          ...(met ? { dateMet: ocdsDay(f.acceptance.acceptanceDate) } : {}),
          dateModified: ocdsDay(f.acceptance.acceptanceDate),
        }],
      };
    }
  }
  return out;
}

/** The tags of a release that carries the changed sections. */
export function tagsOf(changed: Section[], now: Partial<Record<Section, Json>>, prev: PublishedState): string[] {
  const tags: string[] = [];
  const first = (s: Section) => prev.digests[s] === undefined;
  for (const s of changed) {
    if (s === 'planning') tags.push(first(s) ? 'planning' : 'planningUpdate');
    if (s === 'tender') {
      const t = now.tender!;
      if (first(s) || t.id !== prev.tenderId) tags.push('tender');
      else if (t.status === 'cancelled') tags.push('tenderCancellation');
      else if (((t.amendments as unknown[] | undefined)?.length ?? 0) > (prev.amendments ?? 0)) tags.push('tenderAmendment');
      else tags.push('tenderUpdate');
    }
    if (s === 'awards') {
      const list = now.awards!.awards as Json[];
      if (first(s) || list.some((a) => !(prev.awardIds ?? []).includes(String(a.id)))) tags.push('award');
      else if (list.every((a) => a.status === 'cancelled')) tags.push('awardCancellation');
      else tags.push('awardUpdate');
    }
    if (s === 'contract') tags.push(first(s) ? 'contract' : now.contract!.status === 'terminated' ? 'contractTermination' : 'contractUpdate');
    if (s === 'implementation') tags.push(first(s) ? 'implementation' : 'implementationUpdate');
  }
  return [...new Set(tags)];
}

/** One release: the changed sections, the buyer and every party. */
export function releaseOf(a: { ocid: string; id: string; date: Date; tags: string[]; sections: Partial<Record<Section, Json>>; changed: Section[]; facts: ProcurementFacts }): Json {
  const has = (s: Section) => a.changed.includes(s);
  const r: Json = {
    ocid: a.ocid,
    id: a.id,
    date: ocdsDate(a.date),
    tag: a.tags,
    initiationType: 'tender',
    language: 'zh',
    parties: partiesOf(a.facts),
  };
  if (a.facts.buyer) r.buyer = ref(a.facts.buyer);
  if (has('planning')) r.planning = a.sections.planning;
  if (has('related')) r.relatedProcesses = a.sections.related!.relatedProcesses;
  if (has('tender')) r.tender = a.sections.tender;
  if (has('awards')) r.awards = a.sections.awards!.awards;
  if (has('contract') || has('implementation')) {
    const c = a.sections.contract!;
    r.contracts = [{ ...(has('contract') ? c : { id: c.id, awardID: c.awardID }), ...(has('implementation') ? { implementation: a.sections.implementation } : {}) }];
  }
  return r;
}

export function releasePackage(releases: Json[], uri: string, publishedDate: Date, next?: string): Json {
  return {
    uri,
    version: OCDS_VERSION,
    publishedDate: ocdsDate(publishedDate),
    publisher: PUBLISHER,
    releases,
    ...(next ? { links: { next } } : {}),
  };
}
