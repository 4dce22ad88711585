/**
 * The deployments API behind the modeller: process admins lint and deploy; admins, the supervisor and the auditor
 * read every version, its XML, its diff and export it as a .bpmn file.
 */
import { z } from 'zod';
import type { Role } from '../auth/roles.ts';
import { conflict } from '../errors.ts';
import { addRoute, type Api } from '../http/route.ts';
import {
  changeRequestDetailSchema, changeRequestListSchema, changeRequestQuery, changeRequestSchema, deployBody, deploymentDetailSchema, deploymentListSchema, deployResultSchema, diffParams, diffResultSchema, idParams,
  lintBody, lintResultSchema, listQuery,
} from './schemas.ts';
import { createChangeRequestService } from './change-requests.ts';
import { attachDeploymentRecorder, createDeploymentService, type DeploymentServiceDeps } from './service.ts';

export type DeploymentRouteDeps = DeploymentServiceDeps;

/** Who may read deployments and diffs: every change of every flow is visible to supervision and audit. */
export const DEPLOYMENT_READERS: readonly Role[] = ['process_admin', 'supervisor', 'auditor'];

export function registerDeploymentRoutes(api: Api, deps: DeploymentRouteDeps): void {
  attachDeploymentRecorder(deps.engine, deps.db);
  const service = createDeploymentService(deps);
  const changes = createChangeRequestService({ ...deps, deployments: service });

  // Before /api/deployments/:id, which would otherwise take "change-requests" for an id.
  addRoute(
    api,
    {
      method: 'get',
      path: '/api/deployments/change-requests',
      tags: ['deployments'],
      summary: '流程变更申请列表 (change requests)',
      description: '启用 PROCESS_CHANGE_APPROVAL 时，部署经监督审批（流程 process_change）。新的在前，最多 500 条。',
      access: DEPLOYMENT_READERS,
      query: changeRequestQuery,
      response: { description: '变更申请', schema: changeRequestListSchema },
    },
    async ({ query }) => ({ items: await changes.list({ status: query.status }) }),
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/deployments/change-requests/:id',
      tags: ['deployments'],
      summary: '流程变更申请详情 (change request with XML and diff)',
      access: DEPLOYMENT_READERS,
      params: idParams,
      response: { description: '变更申请', schema: changeRequestDetailSchema },
      errors: [404],
    },
    ({ params }) => changes.get(params.id),
  );

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/deployments/change-requests',
      tags: ['deployments'],
      summary: '提交流程变更审批 (request a deploy that the supervisor approves)',
      description:
        '仅在 PROCESS_CHANGE_APPROVAL=true 时可用（否则 409 CHANGE_APPROVAL_DISABLED，请直接部署）。先检查（422 LINT_FAILED），与当前版本相同 409 NO_CHANGES，' +
        '同一流程已有待审批变更 409 CHANGE_PENDING；通过后发起流程 process_change，由监督检查在待办中审批，通过即部署为新版本。',
      access: ['process_admin'],
      body: deployBody,
      response: { status: 201, description: '待审批的变更申请', schema: changeRequestSchema },
      errors: [409, 413],
    },
    ({ body, user }) => {
      if (!service.approvalRequired()) {
        throw conflict('未启用流程变更审批，请直接部署 (PROCESS_CHANGE_APPROVAL is off: deploy directly)', 'CHANGE_APPROVAL_DISABLED');
      }
      return changes.request({ xml: body.xml, comment: body.comment, resourceName: body.resourceName, username: user.username });
    },
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/deployments',
      tags: ['deployments'],
      summary: '流程部署版本列表 (every process and version)',
      description: '按流程标识、版本号（新的在前）排序；latest=true 的版本用于新发起的实例。',
      access: DEPLOYMENT_READERS,
      query: listQuery,
      response: { description: '部署版本', schema: deploymentListSchema },
    },
    async ({ query }) => ({ items: await service.list({ bpmnProcessId: query.bpmnProcessId }), approvalRequired: service.approvalRequired() }),
  );

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/deployments/lint',
      tags: ['deployments'],
      summary: '检查模型 (lint a model)',
      description:
        'bpmnlint（Camunda 8.8 兼容规则）、系统自有检查（任务类型有处理程序、表单存在、候选组为系统角色、文书模板存在）与引擎部署检查。' +
        '返回问题列表（元素、规则、级别、中英文说明）；XML 本身不可读（格式错误、DOCTYPE/实体、嵌套过深、根元素不是 definitions）时 422 INVALID_MODEL。',
      access: ['process_admin'],
      body: lintBody,
      response: { description: '检查结果', schema: lintResultSchema },
    },
    ({ body }) => service.lint(body.xml),
  );

  addRoute(
    api,
    {
      method: 'post',
      path: '/api/deployments',
      tags: ['deployments'],
      summary: '部署新版本 (deploy a model as a new version)',
      description:
        '先检查：有错误时 422 LINT_FAILED（details 按元素列出每个错误），不部署；警告不阻止部署并随结果返回。与当前版本完全相同时 409 NO_CHANGES。' +
        '运行中的实例留在原版本，新实例使用最新版本。请求体上限 1 MB。启用 PROCESS_CHANGE_APPROVAL 时 409 CHANGE_APPROVAL_REQUIRED（请提交变更审批）。',
      access: ['process_admin'],
      body: deployBody,
      response: { status: 201, description: '新版本、与上一版本的差异、被接受的警告', schema: deployResultSchema },
      errors: [409, 413],
    },
    ({ body, user }) => service.deploy({ xml: body.xml, comment: body.comment, resourceName: body.resourceName, username: user.username }),
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/deployments/:id',
      tags: ['deployments'],
      summary: '部署版本详情 (XML and metadata)',
      description: '含 XML、部署人、时间、说明、来源、与上一版本的差异、部署时接受的警告。',
      access: DEPLOYMENT_READERS,
      params: idParams,
      response: { description: '部署版本', schema: deploymentDetailSchema },
      errors: [404],
    },
    ({ params }) => service.get(params.id),
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/deployments/:id/diff/:otherId',
      tags: ['deployments'],
      summary: '两个版本的差异 (diff of two versions)',
      description: '从 :id 到 :otherId：新增、删除、修改的元素及修改的属性（含任务类型、候选组、表单、任务头、条件、定时器、消息等 Zeebe 扩展属性）。',
      access: DEPLOYMENT_READERS,
      params: diffParams,
      response: { description: '差异', schema: diffResultSchema },
      errors: [404],
    },
    ({ params }) => service.diff(params.id, params.otherId),
  );

  addRoute(
    api,
    {
      method: 'get',
      path: '/api/deployments/:id/xml',
      tags: ['deployments'],
      summary: '导出 .bpmn 文件 (export as a .bpmn download)',
      access: DEPLOYMENT_READERS,
      params: idParams,
      response: { description: 'BPMN 2.0 XML（application/xml 附件）', schema: z.string() },
      errors: [404],
    },
    async ({ params, res }) => {
      const d = await service.load(params.id);
      res.setHeader('Content-Type', 'application/xml; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${d.bpmnProcessId}-v${d.version}.bpmn"`);
      res.status(200).send(d.xml);
    },
  );
}
