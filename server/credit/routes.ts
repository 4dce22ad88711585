/**
 * Credit over HTTP: the records (CRUD, CSV, evidence files), the records in force for a credit code on a date, and
 * credit checks (run and stored as evidence, listed per subject or project).
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { forbidden, notFound, validationFailed } from '../errors.ts';
import { addRoute, type Api } from '../http/route.ts';
import { businessDate } from '../calendar/deadlines.ts';
import { onlySupplier, STAFF } from '../registry/access.ts';
import { creditCodeSchema, dateString, pageQuery, pageSchema } from '../registry/common.ts';
import { registerCrudRoutes } from '../registry/crud.ts';
import { checkCredit, creditCheckSchema, presentCheck, recordSnapshot, recordsInForce } from './check.ts';
import { creditModels } from './models.ts';
import { creditRecordRegister, evidenceMeta, ownCreditCode, subjectVisible } from './records.ts';
import { sourceUnits } from './source-units.ts';
import type { Role } from '../auth/roles.ts';

export const EVIDENCE_LIMIT_BYTES = 5 * 1024 * 1024;
/** Accepted evidence files and the bytes they start with (a renamed file is refused). */
const EVIDENCE_TYPES: Record<string, (b: Buffer) => boolean> = {
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
};
const CHECK_RUNNERS: readonly Role[] = ['purchaser', 'agency', 'finance_section', 'supervisor'];
const CHECK_READERS: readonly Role[] = [...CHECK_RUNNERS, 'dept_approver', 'city_finance', 'auditor'];
const idParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

export function registerCreditRoutes(api: Api, deps: { db: Database; clock: Clock }): void {
  const { db, clock } = deps;
  registerCrudRoutes(api, creditRecordRegister, deps);
  const models = () => creditModels(db.sequelize);

  async function readableRecord(id: number, user: Parameters<typeof creditRecordRegister.canRead>[0]) {
    const row = await models().CreditRecord.findByPk(id);
    if (!row) throw notFound('信用记录 (credit record)', String(id));
    if (!(await creditRecordRegister.canRead(user, row.get({ plain: true }), db))) throw forbidden('无权查看该信用记录 (not allowed to read this record)');
    // An expert's decision document names the expert: only those who may know experts' identities download it.
    if (!subjectVisible(user, row.get({ plain: true }))) throw forbidden('评审专家的身份仅监督和代理机构可见，不能下载该证据 (expert identities: supervisor and agencies only)');
    return row;
  }

  addRoute(
    api,
    {
      method: 'put', path: '/api/credit-records/:id/evidence', tags: ['credit'], summary: '上传信用记录证据文件 (upload the evidence file)',
      description: '请求体为文件本身（PDF、PNG 或 JPEG），文件名放在查询参数 filename；替换原有文件。保存 sha256。仅财政部门（采购股、监督）。',
      access: ['finance_section', 'supervisor'], params: idParams,
      query: z.object({ filename: z.string().trim().min(1).max(200).regex(/^[^/\\:*?"<>|]+$/, '文件名不能包含路径或特殊字符 (file name without path or special characters)') }).strict(),
      rawBody: { contentTypes: Object.keys(EVIDENCE_TYPES), as: 'bytes', limitBytes: EVIDENCE_LIMIT_BYTES, description: '证据文件（PDF/PNG/JPEG）' },
      response: { description: '文件信息', schema: evidenceMeta }, errors: [404],
    },
    async ({ params, query, req, res, user }) => {
      const bytes = res.locals.rawBody as Buffer | undefined;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw validationFailed('证据文件为空 (empty file)', [{ path: 'body', reason: 'empty' }]);
      const mime = String(req.headers['content-type']).split(';')[0].trim().toLowerCase();
      if (!EVIDENCE_TYPES[mime]?.(bytes)) throw validationFailed(`文件内容不是 ${mime} (file content does not match its type)`, [{ path: 'body', reason: `not a ${mime} file` }]);
      const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
      const now = clock.now();
      const meta = { filename: query.filename, mime, size: bytes.length, sha256, uploadedBy: user.username, uploadedAt: now };
      await db.withTransaction(async (tx) => {
        const { CreditRecord, CreditEvidence } = models();
        if (!(await CreditRecord.findByPk(params.id, { transaction: tx }))) throw notFound('信用记录 (credit record)', String(params.id));
        await CreditEvidence.destroy({ where: { recordId: params.id }, transaction: tx });
        await CreditEvidence.create({ recordId: params.id, ...meta, bytes }, { transaction: tx });
      });
      return { ...meta, uploadedAt: now.toISOString() };
    },
  );

  addRoute(
    api,
    {
      method: 'get', path: '/api/credit-records/:id/evidence', tags: ['credit'], summary: '下载信用记录证据文件 (download the evidence file)',
      description: '工作人员可下载；供应商只能下载关于本单位的记录的证据。', access: [...STAFF, 'supplier'], params: idParams,
      response: { description: '文件（响应头 X-Content-SHA256）', schema: z.string(), contentType: 'application/octet-stream' }, errors: [404],
    },
    async ({ params, user, res }) => {
      await readableRecord(params.id, user);
      const ev = await models().CreditEvidence.findByPk(params.id);
      if (!ev) throw notFound('证据文件 (evidence file) of record', String(params.id));
      const name = ev.get('filename') as string;
      res.setHeader('Content-Type', ev.get('mime') as string);
      res.setHeader('Content-Disposition', `attachment; filename="evidence-${params.id}"; filename*=UTF-8''${encodeURIComponent(name)}`);
      res.setHeader('X-Content-SHA256', ev.get('sha256') as string);
      res.status(200).send(Buffer.from(ev.get('bytes') as Buffer));
    },
  );

  addRoute(
    api,
    {
      method: 'get', path: '/api/credit-source-units', tags: ['credit'], summary: '信用信息来源单位 (member bureaus supplying credit records)',
      access: 'authenticated',
      response: { description: '来源单位（server/credit/source-units.json）', schema: z.object({ units: z.array(z.object({ key: z.string(), name: z.string(), short: z.string(), active: z.boolean() })) }) },
    },
    () => ({ units: sourceUnits() }),
  );

  addRoute(
    api,
    {
      method: 'get', path: '/api/credit/:creditCode', tags: ['credit'], summary: '某日有效的信用记录 (credit records in force on a date)',
      description: '返回该统一社会信用代码在指定日期（默认今天，上海时间）有效的全部记录（红名单、黑名单、其他）。供应商只能查询本单位。',
      access: [...STAFF, 'supplier'],
      params: z.object({ creditCode: creditCodeSchema }),
      query: z.object({ date: dateString.optional() }).strict(),
      response: { description: '有效记录', schema: z.object({ creditCode: z.string(), date: z.string(), records: z.array(recordSnapshot), blacklisted: z.boolean() }) },
    },
    async ({ params, query, user }) => {
      if (onlySupplier(user) && (await ownCreditCode(user, db.sequelize)) !== params.creditCode) {
        throw forbidden('供应商只能查询本单位的信用记录 (suppliers may query only their own credit code)');
      }
      const date = query.date ?? businessDate(clock.now());
      const records = await recordsInForce(db.sequelize, params.creditCode, date);
      return { creditCode: params.creditCode, date, records, blacklisted: records.some((r) => r.kind === 'black') };
    },
  );

  addRoute(
    api,
    {
      method: 'post', path: '/api/credit-checks', tags: ['credit'], summary: '信用核查并留存记录 (run a credit check and store it)',
      description: '按核查日期有效的规则（server/credit/policy.json）判断：有效期内的黑名单记录 → fail。结果、决定性记录快照、核查人和时间作为"供应商信用信息查询记录"留存。',
      access: CHECK_RUNNERS,
      body: z.object({
        creditCode: creditCodeSchema,
        date: dateString.optional(),
        purpose: z.string().trim().min(2, '请写明核查用途，如 资格审查 (purpose, e.g. qualification review)').max(100),
        projectRef: z.string().trim().min(1).max(64).optional(),
      }).strict(),
      response: { status: 201, description: '核查结果（已留存）', schema: creditCheckSchema },
    },
    async ({ body, user }) => {
      const at = clock.now();
      return db.withTransaction((tx) =>
        checkCredit(tx, { creditCode: body.creditCode, date: body.date ?? businessDate(at), purpose: body.purpose, projectRef: body.projectRef ?? null, checkedBy: user.username, at }),
      );
    },
  );

  addRoute(
    api,
    {
      method: 'get', path: '/api/credit-checks', tags: ['credit'], summary: '信用核查记录 (stored credit checks)',
      access: CHECK_READERS,
      query: pageQuery.omit({ q: true }).extend({ creditCode: z.string().trim().toUpperCase().max(32).optional(), projectRef: z.string().trim().max(64).optional() }).strict(),
      response: { description: '最新在前', schema: pageSchema(creditCheckSchema) },
    },
    async ({ query }) => {
      const where = { ...(query.creditCode ? { subjectCode: query.creditCode } : {}), ...(query.projectRef ? { projectRef: query.projectRef } : {}) };
      const { rows, count } = await models().CreditCheck.findAndCountAll({ where, order: [['checkedAt', 'DESC'], ['id', 'DESC']], offset: query.offset, limit: query.limit });
      return { items: rows.map(presentCheck), total: count, offset: query.offset, limit: query.limit };
    },
  );

  addRoute(
    api,
    {
      method: 'get', path: '/api/credit-checks/:id', tags: ['credit'], summary: '一条信用核查记录 (one stored credit check)',
      access: CHECK_READERS, params: idParams,
      response: { description: '核查记录', schema: creditCheckSchema }, errors: [404],
    },
    async ({ params }) => {
      const row = await models().CreditCheck.findByPk(params.id);
      if (!row) throw notFound('信用核查记录 (credit check)', String(params.id));
      return presentCheck(row);
    },
  );
}
