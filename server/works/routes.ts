/**
 * HTTP routes of works tenders (招标投标法):
 *   POST /api/tenders/:id/objections   supplier: 异议 to the tender documents (≥ 10 days before the bid deadline) or
 *                                      to the evaluation result (during the 中标候选人公示, bidders only) → 201
 * The objections are listed with the tender's challenges (GET /api/tenders/:id/challenges, field `kind`).
 */
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { ComponentDeps } from '../http/component-deps.ts';
import { addRoute, type Api } from '../http/route.ts';
import { fileObjection, OBJECTION_MESSAGE } from './objections.ts';

const idParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) }).strict();
const item = z.object({
  item: z.string().trim().min(2).max(200).describe('异议事项'),
  request: z.string().trim().min(1).max(2000).describe('请求'),
  facts: z.string().trim().min(1).max(5000).describe('事实和理由'),
  law: z.string().trim().min(1).max(2000).describe('法律依据'),
}).strict();

export function registerWorksRoutes(api: Api, deps: ComponentDeps): void {
  const { db, clock, engine, logger } = deps;
  addRoute(api, {
    method: 'post', path: '/api/tenders/:id/objections', tags: ['tenders'],
    summary: '提出异议（工程招标）(file an objection in a works tender)',
    description:
      'stage=documents：潜在投标人对招标文件的异议，应在投标截止时间10日前提出（W2，招标投标法实施条例第二十二条）；stage=candidates：本项目已开标的投标人在中标候选人公示期间对评标结果的异议（条例第五十四条）。' +
      '答复期限3日（W2a/W3c）。保存后向流程发送消息 documents-objection-filed / candidates-objection-filed（关联键 tenderKey，变量 objectionId、objectionReplyDueAt），答复前招标投标活动暂停。政府采购项目 409 NOT_A_WORKS_TENDER。',
    access: ['supplier'], params: idParams,
    body: z.object({ stage: z.enum(['documents', 'candidates']), items: z.array(item).min(1).max(20) }).strict(),
    response: { status: 201, description: '已受理', schema: z.object({}).passthrough() }, errors: [403, 404, 409],
  }, async ({ params, body, user }) => {
    const filed = await fileObjection(db, clock, user, params.id, body);
    const ttl = Math.max(0, new Date(filed.replyDeadline.dueAt).getTime() - clock.now().getTime());
    try {
      await engine.publishMessage({
        name: OBJECTION_MESSAGE[filed.stage], correlationKey: String(params.id), timeToLiveMs: ttl, messageId: `objection-filed:${filed.objectionId}`,
        variables: { objectionId: filed.objectionId, objectionReplyDueAt: filed.replyDeadline.dueAt },
      });
    } catch (err) {
      logger.error({ err, tenderId: params.id, objectionId: filed.objectionId }, 'objection message not delivered');
      throw new AppError(503, 'ENGINE_UNAVAILABLE', `异议已保存（第 ${filed.objectionId} 号），但未能通知流程，请联系管理员 (objection stored, process not notified)`);
    }
    return filed;
  });
}
