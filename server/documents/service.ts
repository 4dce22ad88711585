/**
 * Storing documents: every generation renders and stores one new version in one transaction (document row,
 * version row with the data, the HTML, its SHA-256, the template id and version, who and when). Nothing is ever
 * overwritten: regenerating adds a version. A job key makes generation from a process idempotent: the second
 * delivery of the same job returns the version the first one stored.
 */
import { appendAudit } from '../audit/index.ts';
import crypto from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import type { CalendarService } from '../calendar/service.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { AppError, conflict, notFound } from '../errors.ts';
import { renderDocument } from './render.ts';

export interface DocumentDeps {
  db: Database;
  clock: Clock;
  /** Working days with the administrator's overrides; without it the package calendar is used. */
  calendar?: CalendarService;
}

export interface GenerateRequest {
  templateId: string;
  data: unknown;
  actor: string;
  ownerOrgId?: number | null;
  projectNumber?: string | null;
  instanceId?: string | null;
  /** Regenerate this document (a new version of it). */
  documentId?: number;
  /** Same instance step → same document (new version on every pass). */
  sourceKey?: string | null;
  /** Idempotency key of a job: a repeated delivery returns the stored version. */
  jobKey?: string | null;
}

export interface DocumentRecord {
  id: number;
  templateId: string;
  title: string;
  projectNumber: string | null;
  instanceId: string | null;
  ownerOrgId: number | null;
  createdBy: string;
  createdAt: string;
  latestVersion: number;
  updatedAt: string;
}

export interface VersionRecord {
  documentId: number;
  version: number;
  templateId: string;
  templateVersion: string;
  sha256: string;
  jobKey: string | null;
  createdBy: string;
  createdAt: string;
}

export interface VersionWithContent extends VersionRecord {
  data: unknown;
  html: string;
}

export interface GenerateResult {
  document: DocumentRecord;
  version: VersionRecord;
  /** false when a repeated job delivery found its earlier version. */
  created: boolean;
}

const iso = (v: unknown) => (v instanceof Date ? v : new Date(String(v))).toISOString();

type Row = Record<string, unknown>;

function toDocument(r: Row): DocumentRecord {
  return {
    id: Number(r.id),
    templateId: String(r.template_id),
    title: String(r.title),
    projectNumber: (r.project_number as string | null) ?? null,
    instanceId: (r.instance_id as string | null) ?? null,
    ownerOrgId: r.owner_org_id == null ? null : Number(r.owner_org_id),
    createdBy: String(r.created_by),
    createdAt: iso(r.created_at),
    latestVersion: Number(r.latest_version),
    updatedAt: iso(r.updated_at),
  };
}

function toVersion(r: Row): VersionRecord {
  return {
    documentId: Number(r.document_id),
    version: Number(r.version),
    templateId: String(r.template_id),
    templateVersion: String(r.template_version),
    sha256: String(r.sha256),
    jobKey: (r.job_key as string | null) ?? null,
    createdBy: String(r.created_by),
    createdAt: iso(r.created_at),
  };
}

/** documents.project_number is VARCHAR(64). */
const PROJECT_NUMBER_MAX = 64;

const VERSION_COLUMNS = 'document_id, version, template_id, template_version, sha256, job_key, created_by, created_at';

/** Another transaction added a version between our read and our write: retry from the start. */
class ConcurrentChange extends Error {}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { name?: string; parent?: { code?: string } };
  return (
    e?.name === 'SequelizeUniqueConstraintError' ||
    e?.parent?.code === 'ER_DUP_ENTRY' ||
    (e?.parent?.code === 'SQLITE_CONSTRAINT' && /UNIQUE/i.test(String((err as Error).message)))
  );
}

/** MariaDB chose this transaction as a deadlock victim (two first generations of one step locking the same gap). */
function isDeadlock(err: unknown): boolean {
  const e = err as { parent?: { code?: string; errno?: number } };
  return e?.parent?.code === 'ER_LOCK_DEADLOCK' || e?.parent?.errno === 1213;
}

export function createDocumentService(deps: DocumentDeps) {
  const { db, clock } = deps;
  const q = db.sequelize;

  async function one(sql: string, replacements: Row, tx?: Transaction): Promise<Row | null> {
    const rows = await q.query<Row>(sql, { replacements, type: QueryTypes.SELECT, transaction: tx });
    return rows[0] ?? null;
  }

  async function getDocument(id: number, tx?: Transaction): Promise<DocumentRecord | null> {
    const r = await one('SELECT * FROM documents WHERE id = :id', { id }, tx);
    return r ? toDocument(r) : null;
  }

  // MariaDB runs generations of one document side by side: lock its row, so the next one waits and then builds on
  // the committed version instead of failing its guarded update. SQLite runs one write transaction at a time.
  const forUpdate = db.dialect === 'mysql' ? ' FOR UPDATE' : '';

  async function generateOnce(req: GenerateRequest, tx: Transaction): Promise<GenerateResult> {
    if (req.jobKey) {
      const seen = await one(`SELECT ${VERSION_COLUMNS} FROM document_versions WHERE job_key = :k`, { k: req.jobKey }, tx);
      if (seen) {
        const doc = await getDocument(Number(seen.document_id), tx);
        return { document: doc!, version: toVersion(seen), created: false };
      }
    }
    let doc: DocumentRecord | null = null;
    if (req.documentId !== undefined) {
      const r = await one(`SELECT * FROM documents WHERE id = :id${forUpdate}`, { id: req.documentId }, tx);
      doc = r ? toDocument(r) : null;
      if (!doc) throw notFound('文书 (document)', String(req.documentId));
      if (doc.templateId !== req.templateId) throw conflict('文书的模板不能更换 (a document keeps its template)');
    } else if (req.sourceKey) {
      const r = await one(`SELECT * FROM documents WHERE source_key = :k${forUpdate}`, { k: req.sourceKey }, tx);
      doc = r ? toDocument(r) : null;
    }
    const now = clock.now();
    const version = doc ? doc.latestVersion + 1 : 1;
    const projectNumber =
      req.projectNumber ?? doc?.projectNumber ?? ((req.data as { project?: { projectNumber?: string } })?.project?.projectNumber || null);
    const rendered = renderDocument(req.templateId, req.data, {
      version,
      generatedAt: now,
      calendar: deps.calendar ? await deps.calendar.calendar(tx) : undefined,
      limits: deps.calendar?.limits,
    });
    if (projectNumber && projectNumber.length > PROJECT_NUMBER_MAX) {
      // After the data's own checks. A process variable is not validated like a request body: refuse it here, before MariaDB refuses the INSERT.
      throw new AppError(422, 'DOCUMENT_DATA_INVALID', `项目编号超过 ${PROJECT_NUMBER_MAX} 个字符，未生成文书 (project number longer than ${PROJECT_NUMBER_MAX} characters)`, [
        { path: 'projectNumber', reason: `最多 ${PROJECT_NUMBER_MAX} 个字符 (at most ${PROJECT_NUMBER_MAX} characters)` },
      ]);
    }
    let documentId: number;
    if (doc) {
      // Guarded by the version read: a concurrent regeneration makes this update match nothing.
      const [, affected] = (await q.query(
        'UPDATE documents SET latest_version = :version, updated_at = :now WHERE id = :id AND latest_version = :prev',
        { replacements: { version, now, id: doc.id, prev: doc.latestVersion }, transaction: tx, type: QueryTypes.UPDATE },
      )) as unknown as [unknown, number];
      if (affected !== 1) throw new ConcurrentChange();
      documentId = doc.id;
    } else {
      // Every document has a unique source key: the step's, or a fresh one for a document made on demand.
      const sourceKey = req.sourceKey || `api:${crypto.randomUUID()}`;
      await q.query(
        'INSERT INTO documents (template_id, title, project_number, instance_id, source_key, owner_org_id, created_by, created_at, latest_version, updated_at) ' +
          'VALUES (:templateId, :title, :projectNumber, :instanceId, :sourceKey, :ownerOrgId, :actor, :now, 1, :now)',
        {
          replacements: {
            templateId: req.templateId,
            title: rendered.meta.title,
            projectNumber,
            instanceId: req.instanceId ?? null,
            sourceKey,
            ownerOrgId: req.ownerOrgId ?? null,
            actor: req.actor,
            now,
          },
          transaction: tx,
          type: QueryTypes.INSERT,
        },
      );
      const r = await one('SELECT id FROM documents WHERE source_key = :k', { k: sourceKey }, tx);
      documentId = Number(r!.id);
    }
    await q.query(
      'INSERT INTO document_versions (document_id, version, template_id, template_version, data_json, html, sha256, job_key, created_by, created_at) ' +
        'VALUES (:documentId, :version, :templateId, :templateVersion, :data, :html, :sha, :jobKey, :actor, :now)',
      {
        replacements: {
          documentId,
          version,
          templateId: req.templateId,
          templateVersion: rendered.templateVersion,
          data: JSON.stringify(req.data),
          html: rendered.html,
          sha: rendered.sha256,
          jobKey: req.jobKey ?? null,
          actor: req.actor,
          now,
        },
        transaction: tx,
        type: QueryTypes.INSERT,
      },
    );
    const document = (await getDocument(documentId, tx))!;
    const v = await one(`SELECT ${VERSION_COLUMNS} FROM document_versions WHERE document_id = :documentId AND version = :version`, { documentId, version }, tx);
    const stored = toVersion(v!);
    // In the same transaction as the version: a generated document without its audit entry cannot exist.
    await appendAudit(tx, {
      at: now, actor: req.actor ?? null, action: 'document.generated', objectType: 'document', objectId: String(documentId),
      instanceId: document.instanceId ?? null,
      summary: { templateId: document.templateId, version, projectNumber: document.projectNumber ?? null, sha256: stored.sha256 },
    });
    return { document, version: stored, created: true };
  }

  return {
    /** Validates, renders and stores a new version (or returns the version a repeated job stored). */
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.withTransaction((tx) => generateOnce(req, tx));
        } catch (err) {
          // Two deliveries of one job, or two generations of one document, racing: the loser retries and then finds
          // the winner's version (same job) or builds on it (next version number).
          if (attempt < 5 && (isUniqueViolation(err) || isDeadlock(err) || err instanceof ConcurrentChange)) continue;
          if (err instanceof ConcurrentChange) throw conflict('文书正在被他人重新生成，请重试 (document changed concurrently; retry)');
          throw err;
        }
      }
    },
    getDocument,
    /**
     * Documents by project, instance or template, newest first. `candidatesFor` narrows in SQL to what the caller
     * can possibly read (own, own organisation's, or linked to an instance — whose access the caller checks).
     */
    async listDocuments(filter: {
      projectNumber?: string;
      instanceId?: string;
      templateId?: string;
      candidatesFor?: { username: string; orgId: number | null };
      limit: number;
      offset: number;
    }) {
      const where: string[] = [];
      const r: Row = { limit: filter.limit, offset: filter.offset };
      if (filter.candidatesFor) {
        where.push('(created_by = :username OR owner_org_id = :orgId OR instance_id IS NOT NULL)');
        r.username = filter.candidatesFor.username;
        r.orgId = filter.candidatesFor.orgId ?? -1;
      }
      if (filter.projectNumber) (where.push('project_number = :projectNumber'), (r.projectNumber = filter.projectNumber));
      if (filter.instanceId) (where.push('instance_id = :instanceId'), (r.instanceId = filter.instanceId));
      if (filter.templateId) (where.push('template_id = :templateId'), (r.templateId = filter.templateId));
      const rows = await q.query<Row>(
        `SELECT * FROM documents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, id DESC LIMIT :limit OFFSET :offset`,
        { replacements: r, type: QueryTypes.SELECT },
      );
      return rows.map(toDocument);
    },
    async listVersions(documentId: number): Promise<VersionRecord[]> {
      const rows = await q.query<Row>(`SELECT ${VERSION_COLUMNS} FROM document_versions WHERE document_id = :documentId ORDER BY version DESC`, {
        replacements: { documentId },
        type: QueryTypes.SELECT,
      });
      return rows.map(toVersion);
    },
    async getVersion(documentId: number, version?: number): Promise<VersionWithContent | null> {
      const r = await one(
        version === undefined
          ? 'SELECT v.* FROM document_versions v JOIN documents d ON d.id = v.document_id AND d.latest_version = v.version WHERE v.document_id = :documentId'
          : 'SELECT * FROM document_versions WHERE document_id = :documentId AND version = :version',
        { documentId, version: version ?? null },
      );
      if (!r) return null;
      return { ...toVersion(r), data: JSON.parse(String(r.data_json)), html: String(r.html) };
    },
  };
}

export type DocumentService = ReturnType<typeof createDocumentService>;

/** One-shot form of `createDocumentService(deps).generate(req)` for other components. */
export function generateDocument(deps: DocumentDeps, req: GenerateRequest): Promise<GenerateResult> {
  return createDocumentService(deps).generate(req);
}
