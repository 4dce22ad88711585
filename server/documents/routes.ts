/**
 * Templates and documents: the catalogue with its JSON Schemas (for the form generator), documents made on demand
 * by purchasers and agencies, their versions, and the HTML / PDF / DOCX of any version. Template data is validated
 * against the template's schema: a 422 lists every problem and nothing is stored.
 */
import type { Response } from 'express';
import { z } from 'zod';
import type { AuthUser } from '../auth/types.ts';
import type { CalendarService } from '../calendar/service.ts';
import type { Clock } from '../clock.ts';
import type { EnginePort } from '../engine/port.ts';
import type { Task } from '../engine/task-projection.ts';
import { forbidden, notFound, validationFailed } from '../errors.ts';
import { addRoute, type Api } from '../http/route.ts';
import { hasAnyRole } from '../auth/middleware.ts';
import { documentAccess, DOCUMENT_READERS, DOCUMENT_WRITERS } from './access.ts';
import { catalogue, templateInfo } from './catalogue.ts';
import { htmlToDocx } from './docx.ts';
import { htmlToPdf } from './pdf.ts';
import { renderDocument } from './render.ts';
import {
  createBody, documentListSchema, previewBody, documentParams, generatedSchema, listQuery, regenerateBody, templateDetailSchema,
  templateListSchema, templateParams, versionDetailSchema, versionListSchema, versionParams, versionQuery,
} from './schemas.ts';
import type { DocumentRecord, DocumentService } from './service.ts';

export interface DocumentRouteDeps {
  documents: DocumentService;
  clock: Clock;
  calendar?: CalendarService;
  engine: EnginePort;
  Task: typeof Task;
}

const LIST_BATCH = 2000;

/** The stored HTML may only style itself: no scripts, no requests, even when opened directly. */
const DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

function sendHtml(res: Response, html: string): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Security-Policy', DOCUMENT_CSP);
  res.setHeader('Cache-Control', 'private, no-store');
  res.status(200).send(html);
}

/** The plain-ASCII fallback name: a project number from a process variable may hold any character. */
function fileName(doc: DocumentRecord, version: number, ext: string): string {
  const project = (doc.projectNumber ?? 'document').replace(/[^A-Za-z0-9._-]/g, '_');
  return `${project}-${doc.templateId}-v${version}.${ext}`;
}

/** RFC 5987 value: encodeURIComponent leaves ' ( ) * ! as they are, which the ext-value grammar does not allow. */
const rfc5987 = (s: string) => encodeURIComponent(s).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function sendFile(res: Response, body: Buffer, type: string, name: string, displayName: string): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${name}"; filename*=UTF-8''${rfc5987(displayName)}`);
  res.setHeader('Cache-Control', 'private, no-store');
  res.status(200).send(body);
}

export function registerDocumentRoutes(api: Api, deps: DocumentRouteDeps): void {
  const { documents } = deps;

  async function readable(id: number, user: AuthUser): Promise<DocumentRecord> {
    const doc = await documents.getDocument(id);
    if (!doc) throw notFound('文书 (document)', String(id));
    if (!(await documentAccess(deps, user).canRead(doc))) throw forbidden(`无权查看文书 ${id} (not allowed to read this document)`);
    return doc;
  }

  async function content(id: number, version: number | undefined, user: AuthUser) {
    const doc = await readable(id, user);
    const v = await documents.getVersion(id, version);
    if (!v) throw notFound('文书版本 (document version)', `${id} v${version}`);
    return { doc, v };
  }

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/templates',
      tags: ['documents'],
      summary: '文书模板列表 (document templates)',
      description: '20 种标准文书模板，按编号排序，含标题、产生环节、法律依据和数据的 JSON Schema（用于生成表单）。',
      access: 'authenticated',
      response: { description: '模板列表', schema: templateListSchema },
    },
    () => ({ templates: [...catalogue().templates.values()].map((t) => ({ ...templateInfo(t), schema: t.formSchema })) }),
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/templates/:id',
      tags: ['documents'],
      summary: '文书模板详情 (one template)',
      access: 'authenticated',
      params: templateParams,
      response: { description: '模板、JSON Schema 和示例数据', schema: templateDetailSchema },
      errors: [404],
    },
    ({ params }) => {
      const t = catalogue().templates.get(params.id);
      if (!t) throw notFound('模板 (template)', params.id);
      return { ...templateInfo(t), schema: t.formSchema, sample: t.sample, keyFields: t.keyFields };
    },
  );

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/templates/:id/preview',
      tags: ['documents'],
      summary: '预览文书（不保存）(preview without storing)',
      description: '按模板校验并渲染数据，返回 HTML，不保存任何内容。数据不符合 JSON Schema 时 422 并列出每一处问题。',
      access: DOCUMENT_WRITERS,
      params: templateParams,
      body: previewBody,
      response: { description: 'text/html', schema: z.string() },
      errors: [404],
    },
    async ({ params, body, res }) => {
      const rendered = renderDocument(params.id, body.data, { generatedAt: deps.clock.now(), calendar: await deps.calendar?.calendar(), limits: deps.calendar?.limits });
      sendHtml(res, rendered.html);
    },
  );

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/documents',
      tags: ['documents'],
      summary: '生成文书 (generate a document)',
      description:
        '按模板和数据生成并保存文书（第 1 版）。数据不符合模板 JSON Schema 时 422，details 列出每一处问题，不保存任何内容。' +
        '可关联项目编号或流程实例（须有权查看该实例；项目编号取自实例变量 projectNumber）。',
      access: DOCUMENT_WRITERS,
      body: createBody,
      response: { status: 201, description: '已保存的文书及其版本', schema: generatedSchema },
      errors: [403, 404],
    },
    async ({ body, user }) => {
      let projectNumber = body.projectNumber ?? null;
      if (body.instanceId) {
        const view = await deps.engine.getInstance(body.instanceId);
        if (!view) throw notFound('流程实例 (instance)', body.instanceId);
        if (!(await documentAccess(deps, user).instanceReadable(body.instanceId))) {
          throw forbidden(`无权将文书关联到流程实例 ${body.instanceId} (not involved in this instance)`);
        }
        const instanceNumber = typeof view.variables.projectNumber === 'string' ? view.variables.projectNumber : null;
        if (projectNumber && instanceNumber && projectNumber !== instanceNumber) {
          throw validationFailed('项目编号与流程实例不一致 (project number does not match the instance)', [
            { path: 'projectNumber', reason: `流程实例的项目编号为 ${instanceNumber} (the instance's project number is ${instanceNumber})` },
          ]);
        }
        projectNumber ??= instanceNumber;
      }
      const { document, version } = await documents.generate({
        templateId: body.templateId,
        data: body.data,
        actor: user.username,
        ownerOrgId: user.organisation?.id ?? null,
        projectNumber,
        instanceId: body.instanceId ?? null,
      });
      return { document, version };
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/documents',
      tags: ['documents'],
      summary: '文书列表 (documents)',
      description: '按项目编号（project）、流程实例或模板筛选；只列出调用者有权查看的文书，最近更新的在前；total 为可查看的总数。',
      access: 'authenticated',
      query: listQuery,
      response: { description: '文书列表', schema: documentListSchema },
    },
    async ({ query, user }) => {
      const access = documentAccess(deps, user);
      const filter = {
        projectNumber: query.project,
        instanceId: query.instanceId,
        templateId: query.templateId,
        candidatesFor: hasAnyRole(user, DOCUMENT_READERS) ? undefined : { username: user.username, orgId: user.organisation?.id ?? null },
      };
      // Access to instance-linked documents is decided per row, so paging happens after it. Candidates are read in
      // batches to the end: a cap here would hide the caller's own documents behind others' newer ones and miscount.
      const visible: DocumentRecord[] = [];
      for (let offset = 0; ; offset += LIST_BATCH) {
        const batch = await documents.listDocuments({ ...filter, limit: LIST_BATCH, offset });
        for (const d of batch) if (await access.canRead(d)) visible.push(d);
        if (batch.length < LIST_BATCH) break;
      }
      return { documents: visible.slice(query.offset, query.offset + query.limit), total: visible.length };
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/documents/:id.pdf',
      tags: ['documents'],
      summary: '文书 PDF (document as PDF)',
      description: 'A4 PDF，由服务器上的 Chromium 生成；未安装 Chromium 时 503 并说明缺少的程序。?version= 取指定版本。',
      access: 'authenticated',
      params: documentParams,
      query: versionQuery,
      response: { description: 'application/pdf', schema: z.string() },
      errors: [404, 503],
    },
    async ({ params, query, user, res }) => {
      const { doc, v } = await content(params.id, query.version, user);
      const pdf = await htmlToPdf(v.html, `${doc.title} ${doc.projectNumber ?? ''} 第${v.version}版`);
      sendFile(res, pdf, 'application/pdf', fileName(doc, v.version, 'pdf'), `${doc.title}-${doc.projectNumber ?? doc.id}-第${v.version}版.pdf`);
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/documents/:id.docx',
      tags: ['documents'],
      summary: '文书 Word 文件 (document as DOCX)',
      access: 'authenticated',
      params: documentParams,
      query: versionQuery,
      response: { description: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', schema: z.string() },
      errors: [404],
    },
    async ({ params, query, user, res }) => {
      const { doc, v } = await content(params.id, query.version, user);
      const docx = await htmlToDocx(v.html, doc.title);
      sendFile(
        res,
        docx,
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        fileName(doc, v.version, 'docx'),
        `${doc.title}-${doc.projectNumber ?? doc.id}-第${v.version}版.docx`,
      );
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/documents/:id/versions',
      tags: ['documents'],
      summary: '文书及其全部版本 (a document and its versions)',
      access: 'authenticated',
      params: documentParams,
      response: { description: '文书与版本（新版本在前）', schema: versionListSchema },
      errors: [404],
    },
    async ({ params, user }) => {
      const document = await readable(params.id, user);
      return { document, versions: await documents.listVersions(params.id) };
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/documents/:id/versions/:version',
      tags: ['documents'],
      summary: '文书某一版本的元数据和数据 (one version with its data)',
      access: 'authenticated',
      params: versionParams,
      response: { description: '版本及生成它的数据', schema: versionDetailSchema },
      errors: [404],
    },
    async ({ params, user }) => {
      const { v } = await content(params.id, params.version, user);
      const { html: _html, ...rest } = v;
      return rest;
    },
  );

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/documents/:id/versions',
      tags: ['documents'],
      summary: '重新生成文书（新版本）(regenerate: a new version)',
      description: '用新数据（不提供则沿用最新版本的数据）按当前模板生成新版本；旧版本保留不变。',
      access: DOCUMENT_WRITERS,
      params: documentParams,
      body: regenerateBody,
      response: { status: 201, description: '新版本', schema: generatedSchema },
      errors: [403, 404, 409],
    },
    async ({ params, body, user }) => {
      const doc = await readable(params.id, user);
      if (!documentAccess(deps, user).canWrite(doc)) {
        throw forbidden(`只有文书所属单位或流程管理员可以重新生成文书 ${doc.id} (only the owner organisation may regenerate)`);
      }
      const data = body.data ?? (await documents.getVersion(doc.id))!.data;
      const { document, version } = await documents.generate({ templateId: doc.templateId, data, actor: user.username, documentId: doc.id });
      return { document, version };
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/documents/:id',
      tags: ['documents'],
      summary: '文书 HTML (document as HTML)',
      description: '完整的 A4 HTML 页面（内联打印样式）。?version= 取指定版本，默认最新版本。响应头 X-Document-Sha256 为该版本 HTML 的 SHA-256。',
      access: 'authenticated',
      params: documentParams,
      query: versionQuery,
      response: { description: 'text/html', schema: z.string() },
      errors: [404],
    },
    async ({ params, query, user, res }) => {
      const { v } = await content(params.id, query.version, user);
      res.setHeader('X-Document-Version', String(v.version));
      res.setHeader('X-Document-Sha256', v.sha256);
      sendHtml(res, v.html);
    },
  );
}
