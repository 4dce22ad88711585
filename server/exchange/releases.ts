/**
 * Publishing: `publishReleases(tx, instanceId, at)` compares what the procurement's facts say now with what its last
 * release left published (a digest per section) and, when a section changed, appends ONE release carrying the changed
 * sections — and its outbox row — in the caller's transaction. Calling it again without a change does nothing, so
 * every place that may move a procurement can call it (the engine change listener, the chain's workers).
 * A published release is never changed: the table refuses UPDATE and DELETE (migration 0015).
 *
 * Each tender round is its own contracting process, as OCDS has a re-tender: round 1 (and the planning before any
 * tender) is `<prefix><project number>`, round n > 1 `<prefix><project number>-<n>`, whose releases name the round
 * before in `relatedProcesses` (unsuccessfulProcess). The award, contract and implementation belong to the round
 * that is current.
 */
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { lockedProject, procurementFacts, sequelizeOf } from './facts.ts';
import { releaseOf, sectionsOf, sha256, tagsOf, type Json, type PublishedState, type Section } from './ocds.ts';

export const DEFAULT_OCID_PREFIX = 'ocds-xxxxxx-';
const SECTIONS: Section[] = ['planning', 'related', 'tender', 'awards', 'contract', 'implementation'];

const prefixes = new WeakMap<Sequelize, string>();

/** The ocid prefix for a database's releases (config OCDS_OCID_PREFIX; set by system.ts and the routes). */
export function configureExchange(sequelize: Sequelize, settings: { ocidPrefix: string }): void {
  prefixes.set(sequelize, settings.ocidPrefix);
}

export const ocidOf = (sequelize: Sequelize, projectNumber: string, round = 1) =>
  `${prefixes.get(sequelize) ?? DEFAULT_OCID_PREFIX}${projectNumber}${round > 1 ? `-${round}` : ''}`;

async function lastState(tx: Transaction, ocid: string): Promise<PublishedState> {
  const mysql = sequelizeOf(tx).getDialect() === 'mysql';
  const [row] = await sequelizeOf(tx).query<{ state: string }>(
    `SELECT state FROM ocds_releases WHERE ocid = :ocid ORDER BY seq DESC LIMIT 1${mysql ? ' FOR UPDATE' : ''}`,
    { replacements: { ocid }, type: QueryTypes.SELECT, transaction: tx },
  );
  return row ? (JSON.parse(row.state) as PublishedState) : { digests: {}, count: 0 };
}

/** Appends the release (and its outbox row) when the procurement's published picture changed. Returns it, or null. */
export async function publishReleases(tx: Transaction, instanceId: string, at: Date): Promise<Json | null> {
  const project = await lockedProject(tx, instanceId);
  if (!project?.projectNumber) return null;
  const facts = await procurementFacts(tx, project);
  const sequelize = sequelizeOf(tx);
  const round = facts.tender?.round ?? 1;
  const ocid = ocidOf(sequelize, project.projectNumber, round);
  const prev = await lastState(tx, ocid);
  const sections = sectionsOf(facts, { publishedAwardIds: prev.awardIds ?? [], previousOcid: round > 1 ? ocidOf(sequelize, project.projectNumber, round - 1) : undefined });
  const digests: Partial<Record<Section, string>> = {};
  const changed: Section[] = [];
  for (const s of SECTIONS) {
    if (!sections[s]) continue;
    digests[s] = sha256(sections[s]);
    if (digests[s] !== prev.digests[s]) changed.push(s);
  }
  if (!changed.length) return null;

  const n = prev.count + 1;
  // The id (also the push's idempotency key) ends with a digest of the content: after a restore from an older backup
  // a release published again with other content gets a new key instead of being dropped as a duplicate.
  const draft = releaseOf({ ocid, id: '', date: at, tags: tagsOf(changed, sections, prev), sections, changed, facts });
  const id = `${ocid}-${String(n).padStart(4, '0')}-${sha256(draft).slice(0, 8)}`;
  const release: Json = { ...draft, id };
  const awards = (sections.awards?.awards as Json[] | undefined) ?? [];
  const state: PublishedState = {
    digests: { ...prev.digests, ...digests },
    tenderId: (sections.tender?.id as string | undefined) ?? prev.tenderId,
    amendments: ((sections.tender?.amendments as unknown[] | undefined) ?? []).length,
    awardIds: [...new Set([...(prev.awardIds ?? []), ...awards.map((a) => String(a.id))])],
    count: n,
  };
  // The head row's lock queues publishers until commit (MariaDB; SQLite writers are serial anyway): releases become
  // visible in seq order, so the feed's cursor never passes over one that commits later.
  await sequelize.query('UPDATE ocds_head SET releases = releases + 1 WHERE id = 1', { transaction: tx });
  await sequelize.query(
    'INSERT INTO ocds_releases (release_id, ocid, instance_id, tags, date, body, state) VALUES (:id, :ocid, :instanceId, :tags, :date, :body, :state)',
    { replacements: { id, ocid, instanceId, tags: (release.tag as string[]).join(','), date: at, body: JSON.stringify(release), state: JSON.stringify(state) }, transaction: tx },
  );
  const [seqRow] = await sequelize.query<{ seq: number | string }>('SELECT seq FROM ocds_releases WHERE release_id = :id', {
    replacements: { id }, type: QueryTypes.SELECT, transaction: tx,
  });
  // The push is queued in the same transaction: a release is never published without its delivery being owed.
  await sequelize.query(
    "INSERT INTO ocds_outbox (release_seq, idempotency_key, state, attempts, next_attempt_at, created_at) VALUES (:seq, :key, 'pending', 0, :now, :now)",
    { replacements: { seq: Number(seqRow!.seq), key: id, now: new Date() }, transaction: tx },
  );
  return release;
}

export interface StoredRelease {
  seq: number;
  release: Json;
}

/** Releases after `since` (the feed's cursor), oldest first. */
export async function releasesSince(sequelize: Sequelize, since: number, limit: number): Promise<StoredRelease[]> {
  const rows = await sequelize.query<{ seq: number | string; body: string }>(
    'SELECT seq, body FROM ocds_releases WHERE seq > :since ORDER BY seq LIMIT :limit',
    { replacements: { since, limit }, type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ seq: Number(r.seq), release: JSON.parse(r.body) as Json }));
}

/** Every release of one contracting process, in publication order. */
export async function releasesOfOcid(sequelize: Sequelize, ocid: string): Promise<Json[]> {
  const rows = await sequelize.query<{ body: string }>('SELECT body FROM ocds_releases WHERE ocid = :ocid ORDER BY seq', {
    replacements: { ocid }, type: QueryTypes.SELECT,
  });
  return rows.map((r) => JSON.parse(r.body) as Json);
}
