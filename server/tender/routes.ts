/**
 * HTTP routes of the tender component: published tenders, sealed bids and bid files, amendments, challenges.
 * Confidentiality before the opening (令87 Art. 27/39, Law Art. 35): a supplier sees only its own bids and receipts;
 * nobody else sees bids, their number or their bidders until open-bids has run. Amendments: only the tender's agency
 * staff, before the deadline. Challenges: only a supplier whose bid was opened, after the award, before the
 * challenge deadline.
 */
import { z } from 'zod';
import type { Api } from '../http/route.ts';
import { addRoute } from '../http/route.ts';
import type { ComponentDeps } from '../http/component-deps.ts';
import type { AuthUser } from '../auth/types.ts';
import { createCalendarService } from '../calendar/service.ts';
import { AppError, forbidden, notFound, validationFailed } from '../errors.ts';
import { BID_FILE_LIMIT_BYTES, ownBids, submitBid, submitBidSchema, uploadBidFile, windowClosed, withdrawBid } from './bids.ts';
import { parseDeadlineInput } from './dates.ts';
import { createAmendment, openedBidsOf, presentAmendment, presentChallenge, tenderCancelListener, tenderSummary } from './lifecycle.ts';
import { lockOf, tenderModels, type Row } from './models.ts';
import { aad, configureSealing, unsealOpened } from './sealing.ts';

const idParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) }).strict();
const bidParams = idParams.extend({ bidId: z.coerce.number().int().min(1).max(2_147_483_647) }).strict();
const loose = z.object({}).passthrough();

const agencyUsersOf = (t: Row) => JSON.parse(t.get('agencyUsers') as string) as string[];
const isTenderAgency = (u: AuthUser, t: Row) => u.roles.includes('agency') && agencyUsersOf(t).includes(u.username);
const isTenderPurchaser = (u: AuthUser, t: Row) => u.roles.includes('purchaser') && !!u.organisation && u.organisation.name === t.get('purchaserName');
const isOverseer = (u: AuthUser) => u.roles.includes('supervisor') || u.roles.includes('auditor');

const tenderSchema = z.object({
  tenderId: z.number(), tenderKey: z.string(), instanceId: z.string(), round: z.number(), projectNumber: z.string(), projectName: z.string(),
  purchaserName: z.string().nullable(), agencyName: z.string().nullable(), method: z.string(), procurementType: z.string(),
  status: z.enum(['open', 'opened', 'failed', 'awarded', 'canceled']), publishedAt: z.string(), bidDeadlineAt: z.string(), bidDeadlineMinAt: z.string(),
  bidDeadlineBasis: z.string(), minBids: z.number(), budgetFen: z.number(), maxPriceFen: z.number().nullable(), depositFen: z.number(),
  openingPlace: z.string().nullable(), openedAt: z.string().nullable(),
  bidCount: z.number().nullable().describe('开标后才公开 (null before the opening)'), failureReason: z.string().nullable(),
  awardedBidId: z.number().nullable(), awardedAt: z.string().nullable(), challengeDeadlineAt: z.string().nullable(),
  evaluation: loose, biddingOpen: z.boolean(),
}).passthrough();

const receiptSchema = z.object({
  bidId: z.number(), tenderId: z.number(), sha256: z.string(), submittedAt: z.string(), salt: z.string(),
  files: z.array(z.object({ fileId: z.number(), sha256: z.string() })), replaces: z.number().nullable(),
});

const listening = new WeakSet<object>();

export function registerTenderRoutes(api: Api, deps: ComponentDeps): void {
  const { db, clock, engine, logger } = deps;
  configureSealing(db.sequelize, deps.config.bidSeal);
  if (!listening.has(engine)) {
    listening.add(engine);
    engine.onChange(tenderCancelListener);
  }
  const models = () => tenderModels(db.sequelize);
  const calendar = createCalendarService(db, clock);

  async function tenderOr404(id: number): Promise<Row> {
    const t = await models().Tender.findByPk(id);
    if (!t) throw notFound('招标项目 (tender)', String(id));
    return t;
  }

  /** Did the caller's organisation take part (a bid that was not withdrawn)? */
  async function isBidder(u: AuthUser, tenderId: number): Promise<boolean> {
    if (!u.organisation) return false;
    const n = await models().Bid.count({ where: { tenderId, organisationId: u.organisation.id, status: ['submitted', 'opened'] } });
    return n > 0;
  }

  addRoute(api, {
    method: 'get', path: '/api/tenders', tags: ['tenders'], summary: '已发布的招标项目 (published tenders, open first)',
    description: '任何已登录用户可见：公告信息、截止时间及法定依据。开标前不显示投标数量。', access: 'authenticated',
    query: z.object({ status: z.enum(['open', 'opened', 'failed', 'awarded', 'canceled']).optional() }).strict(),
    response: { description: '招标项目列表', schema: z.object({ tenders: z.array(tenderSchema) }) },
  }, async ({ query }) => {
    const where: Record<string, unknown> = {};
    if (query.status) where.status = query.status;
    const rows = await models().Tender.findAll({ where, order: [['publishedAt', 'DESC'], ['id', 'DESC']], limit: 500 });
    const now = clock.now().getTime();
    const open = (t: Row) => t.get('status') === 'open' && (t.get('bidDeadlineAt') as Date).getTime() > now;
    const sorted = [...rows.filter(open), ...rows.filter((t) => !open(t))];
    return { tenders: sorted.map((t) => ({ ...tenderSummary(t), biddingOpen: open(t) })) };
  });

  addRoute(api, {
    method: 'get', path: '/api/tenders/:id', tags: ['tenders'], summary: '招标项目详情 (a tender: notice, documents, deadlines, amendments)',
    description: '开标后，开标记录（投标人与报价）对代理机构、监督、审计、本项目采购人及投标人可见；其他人只见投标数量。', access: 'authenticated', params: idParams,
    response: { description: '招标项目', schema: tenderSchema.extend({ items: z.array(loose), tenderNoticeData: loose, tenderDocumentsData: loose, amendments: z.array(loose), openingRecord: loose.nullable() }) }, errors: [404],
  }, async ({ params, user }) => {
    const t = await tenderOr404(params.id);
    const pub = JSON.parse(t.get('publicJson') as string) as Record<string, unknown>;
    const amendments = await models().Amendment.findAll({ where: { tenderId: params.id }, order: [['number', 'ASC']] });
    const summary = tenderSummary(t);
    let openingRecord: unknown = null;
    if (t.get('openJobKey') && (isTenderAgency(user, t) || isOverseer(user) || isTenderPurchaser(user, t) || (await isBidder(user, params.id)))) {
      openingRecord = (JSON.parse(t.get('openingJson') as string) as { bidOpeningRecordData: unknown }).bidOpeningRecordData;
    }
    return {
      ...summary,
      biddingOpen: t.get('status') === 'open' && (t.get('bidDeadlineAt') as Date).getTime() > clock.now().getTime(),
      items: pub.items, tenderNoticeData: pub.tenderNoticeData, tenderDocumentsData: pub.tenderDocumentsData,
      amendments: amendments.map(presentAmendment), openingRecord,
    };
  });

  addRoute(api, {
    method: 'post', path: '/api/tenders/:id/bid-files', tags: ['tenders'], summary: '上传投标文件（PDF，即时密封）(upload a bid file, sealed at once)',
    description: '请求体为 PDF 文件本身（≤10 MB），文件名放在查询参数 filename。文件以本项目的数据密钥加密保存，开标前任何人不可读。返回 fileId、sha256（明文文件的摘要，供投标回执核对）与大小。',
    access: ['supplier'], params: idParams,
    query: z.object({ filename: z.string().trim().min(1).max(200).regex(/^[^/\\:*?"<>|]+$/, '文件名不能包含路径或特殊字符 (file name without path or special characters)') }).strict(),
    rawBody: { contentTypes: ['application/pdf'], as: 'bytes', limitBytes: BID_FILE_LIMIT_BYTES, description: '投标文件（PDF）' },
    response: { status: 201, description: '已密封保存', schema: z.object({ fileId: z.number(), sha256: z.string(), size: z.number(), uploadedAt: z.string() }) }, errors: [404, 409],
  }, async ({ params, query, res, user }) => {
    const bytes = res.locals.rawBody as Buffer | undefined;
    if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw validationFailed('投标文件为空 (empty file)', [{ path: 'body', reason: 'empty' }]);
    return uploadBidFile(db, clock, user, params.id, query.filename, bytes);
  });

  addRoute(api, {
    method: 'post', path: '/api/tenders/:id/bids', tags: ['tenders'], summary: '递交或替换投标（密封）(submit or replace a sealed bid)',
    description: '投标截止前递交；同一供应商再次递交即替换原投标。内容（报价明细、总价、交货期、质保、有效期、中小企业声明、联合体、偏离、文件）立即以 AES-256-GCM 加密。回执：sha256 = SHA-256(规范化 JSON {v:1, tenderId, content, salt, files, submittedAt})，salt 随回执返回且在库中加密保存。截止后 409 BID_WINDOW_CLOSED。',
    access: ['supplier'], params: idParams, body: submitBidSchema,
    response: { status: 201, description: '投标回执 (receipt)', schema: receiptSchema }, errors: [403, 404, 409],
  }, async ({ params, body, user }) => submitBid(db, clock, user, params.id, body));

  addRoute(api, {
    method: 'get', path: '/api/tenders/:id/bids', tags: ['tenders'], summary: '投标 (bids: own with receipts; others only after the opening)',
    description: '供应商：本单位的投标及回执（任何时候；内容开标前不可解密）。代理机构（本项目经办）、监督、审计：开标后的投标内容；开标前 403 BIDS_SEALED，不透露投标数量。',
    access: ['supplier', 'agency', 'supervisor', 'auditor'], params: idParams,
    response: { description: '投标', schema: z.object({ bids: z.array(loose) }) }, errors: [404],
  }, async ({ params, user }) => {
    const t = await tenderOr404(params.id);
    if (user.roles.includes('supplier') && !user.roles.some((r) => ['agency', 'supervisor', 'auditor'].includes(r))) return { bids: await ownBids(db, user, params.id) };
    if (user.roles.includes('agency') && !isOverseer(user) && !isTenderAgency(user, t)) throw new AppError(403, 'NOT_TENDER_AGENCY', '只有本项目代理机构经办人员可以查看 (only the tender\'s agency staff)');
    if (!t.get('openedAt')) throw new AppError(403, 'BIDS_SEALED', '尚未开标，投标文件处于密封状态，任何人不可查看 (bids are sealed until the opening)');
    const bids = await db.withTransaction(async (tx) => openedBidsOf(tx, params.id));
    return { bids };
  });

  addRoute(api, {
    method: 'get', path: '/api/tenders/:id/bid-files/:fileId', tags: ['tenders'], summary: '下载投标文件（开标后）(download a bid file after the opening)',
    description: '开标前任何人（包括上传者）都不能下载：服务器在开标前无法解密。开标后：上传单位；本项目代理机构经办、监督、审计可下载已开标投标所附的文件。响应头 X-Content-SHA256 为文件摘要。',
    access: ['supplier', 'agency', 'supervisor', 'auditor'], params: idParams.extend({ fileId: z.coerce.number().int().min(1).max(2_147_483_647) }).strict(),
    response: { description: 'PDF 文件', schema: z.string(), contentType: 'application/pdf' }, errors: [404],
  }, async ({ params, user, res }) => {
    const t = await tenderOr404(params.id);
    const file = await models().BidFile.findByPk(params.fileId);
    if (!file || file.get('tenderId') !== params.id) throw notFound('投标文件 (bid file)', String(params.fileId));
    const own = !!user.organisation && file.get('organisationId') === user.organisation.id;
    const staff = isTenderAgency(user, t) || isOverseer(user);
    if (!own && !staff) throw notFound('投标文件 (bid file)', String(params.fileId));
    if (!t.get('openedAt')) throw new AppError(403, 'BIDS_SEALED', '尚未开标，投标文件处于密封状态，任何人不可下载 (bid files are sealed until the opening)');
    const plain = await db.withTransaction(async (tx) => {
      if (!own) {
        const opened = await openedBidsOf(tx, params.id);
        if (!opened.some((b) => b.content.fileIds.includes(params.fileId))) throw notFound('投标文件 (bid file)', String(params.fileId));
      }
      return unsealOpened(db.sequelize, tx, params.id, aad.file(params.id, params.fileId), {
        ciphertext: Buffer.from(file.get('ciphertext') as Buffer), iv: Buffer.from(file.get('iv') as Buffer), tag: Buffer.from(file.get('authTag') as Buffer),
      }, `投标文件 ${params.fileId} (bid file)`);
    });
    const headerLen = plain.readUInt32BE(0);
    const { filename } = JSON.parse(plain.subarray(4, 4 + headerLen).toString('utf8')) as { filename: string };
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="bid-file-${params.fileId}.pdf"; filename*=UTF-8''${encodeURIComponent(filename)}`);
    res.setHeader('X-Content-SHA256', file.get('sha256') as string);
    res.status(200).send(plain.subarray(4 + headerLen));
  });

  addRoute(api, {
    method: 'delete', path: '/api/tenders/:id/bids/:bidId', tags: ['tenders'], summary: '撤回投标 (withdraw a bid before the deadline)',
    access: ['supplier'], params: bidParams,
    response: { description: '已撤回', schema: z.object({ bidId: z.number(), status: z.literal('withdrawn'), withdrawnAt: z.string() }) }, errors: [404, 409],
  }, async ({ params, user }) => withdrawBid(db, clock, user, params.id, params.bidId));

  addRoute(api, {
    method: 'get', path: '/api/tenders/:id/amendments', tags: ['tenders'], summary: '澄清或修改 (amendments of a tender)',
    access: 'authenticated', params: idParams, response: { description: '澄清或修改', schema: z.object({ amendments: z.array(loose) }) }, errors: [404],
  }, async ({ params }) => {
    await tenderOr404(params.id);
    const rows = await models().Amendment.findAll({ where: { tenderId: params.id }, order: [['number', 'ASC']] });
    return { amendments: rows.map(presentAmendment) };
  });

  addRoute(api, {
    method: 'post', path: '/api/tenders/:id/amendments', tags: ['tenders'], summary: '发布澄清或修改 (publish an amendment; T4 may move the deadline)',
    description: '仅本项目代理机构经办人员，投标截止前。影响投标文件编制（substantive）且距截止不足15日的，截止时间顺延至发出之日起至少15日后（T4：实施条例 Art.31；令87 Art.27），同一时刻。newBidDeadline（北京时间 YYYY-MM-DDTHH:mm）可指定更晚的截止时间。保存后向流程发送消息 tender-amended（关联键 tenderKey，有效期至截止时间）。',
    access: ['agency'], params: idParams,
    body: z.object({
      title: z.string().trim().min(2).max(200).default('澄清或修改'),
      changes: z.array(z.object({ item: z.string().trim().min(1).max(200), original: z.string().trim().min(1).max(2000), revised: z.string().trim().min(1).max(2000) }).strict()).min(1).max(30),
      substantive: z.boolean(),
      newBidDeadline: z.string().trim().max(40).optional(),
    }).strict(),
    response: { status: 201, description: '已发布', schema: loose }, errors: [403, 404, 409],
  }, async ({ params, body, user }) => {
    let proposed: Date | null = null;
    if (body.newBidDeadline) {
      proposed = parseDeadlineInput(body.newBidDeadline);
      if (!proposed) throw validationFailed('新的投标截止时间格式不正确 (newBidDeadline: Shanghai local YYYY-MM-DDTHH:mm)', [{ path: 'newBidDeadline', reason: '应为 YYYY-MM-DDTHH:mm（北京时间）' }]);
    }
    const result = await db.withTransaction(async (tx) => {
      const t = await models().Tender.findByPk(params.id, { transaction: tx, lock: lockOf(tx) });
      if (!t) throw notFound('招标项目 (tender)', String(params.id));
      if (!isTenderAgency(user, t)) throw new AppError(403, 'NOT_TENDER_AGENCY', '只有本项目代理机构经办人员可以发布澄清或修改 (only the tender\'s agency staff may amend it)');
      if (t.get('status') !== 'open' || clock.now().getTime() >= (t.get('bidDeadlineAt') as Date).getTime()) throw windowClosed();
      if (proposed && proposed.getTime() <= clock.now().getTime()) throw validationFailed('新的投标截止时间应晚于现在 (newBidDeadline must be in the future)', [{ path: 'newBidDeadline', reason: 'past' }]);
      const { amendment, effect } = await createAmendment(db, clock, tx, t, user.username, { title: body.title, changes: body.changes, substantive: body.substantive, newBidDeadline: proposed });
      return { a: presentAmendment(amendment), deadline: effect.newDeadline };
    });
    // After the commit: the embedded engine runs the process in its own transaction.
    const ttl = Math.max(0, result.deadline.getTime() - clock.now().getTime());
    try {
      await engine.publishMessage({ name: 'tender-amended', correlationKey: String(params.id), variables: { amendmentId: result.a.amendmentId }, timeToLiveMs: ttl, messageId: `tender-amended:${result.a.amendmentId}` });
    } catch (err) {
      logger.error({ err, tenderId: params.id, amendmentId: result.a.amendmentId }, 'tender-amended message not delivered');
      throw new AppError(503, 'ENGINE_UNAVAILABLE', `澄清已保存（第 ${result.a.number} 号），但未能通知流程，请联系管理员 (amendment stored, process not notified)`);
    }
    return { ...result.a, bidDeadlineAt: result.deadline.toISOString() };
  });

  addRoute(api, {
    method: 'post', path: '/api/tenders/:id/challenges', tags: ['tenders'], summary: '提出质疑 (file a challenge after the award)',
    description: '仅参与本项目投标（已开标）的供应商，在中标公告后、质疑期（challengeDeadlineAt，T11+T13）届满前。答复期限按 T14（7个工作日）计算。保存后向流程发送消息 challenge-filed（关联键 tenderKey，变量 challengeId、challengeReplyDueAt）。',
    access: ['supplier'], params: idParams,
    body: z.object({
      challengedDocument: z.enum(['采购文件', '采购过程', '中标（成交）结果']).default('中标（成交）结果'),
      items: z.array(z.object({ item: z.string().trim().min(2).max(200), request: z.string().trim().min(1).max(2000), facts: z.string().trim().min(1).max(5000), law: z.string().trim().min(1).max(2000) }).strict()).min(1).max(20),
    }).strict(),
    response: { status: 201, description: '已受理', schema: loose }, errors: [403, 404, 409],
  }, async ({ params, body, user }) => {
    const saved = await db.withTransaction(async (tx) => {
      const t = await models().Tender.findByPk(params.id, { transaction: tx, lock: lockOf(tx) });
      if (!t) throw notFound('招标项目 (tender)', String(params.id));
      if (t.get('regime') === 'works') throw new AppError(409, 'WORKS_TENDER_OBJECTION', '工程建设项目招标适用异议程序：对评标结果的异议应在中标候选人公示期间提出（POST /api/tenders/:id/objections，招标投标法实施条例第五十四条）(a works tender takes objections, not challenges)');
      const now = clock.now();
      const bid = user.organisation ? await models().Bid.findOne({ where: { tenderId: params.id, organisationId: user.organisation.id, status: 'opened' }, transaction: tx }) : null;
      if (!bid) throw new AppError(403, 'NOT_A_BIDDER', '只有参与本项目投标的供应商可以质疑 (only a supplier whose bid was opened may challenge)');
      if (t.get('status') !== 'awarded' || !t.get('challengeDeadlineAt')) throw new AppError(409, 'NOT_AWARDED', '中标结果尚未公告，暂不能对结果提出质疑 (no award yet)');
      if (now.getTime() >= (t.get('challengeDeadlineAt') as Date).getTime()) throw new AppError(409, 'CHALLENGE_WINDOW_CLOSED', '质疑期已届满 (the challenge period has ended)');
      const due = await calendar.deadline('T14', now, tx);
      const c = await models().Challenge.create({
        tenderId: params.id, supplierId: bid.get('supplierId'), organisationId: user.organisation!.id, submittedBy: user.username,
        challengedDocument: body.challengedDocument, itemsJson: JSON.stringify(body.items), receivedAt: now, replyDueAt: new Date(due.dueAt), status: 'filed',
      }, { transaction: tx });
      return { c: presentChallenge(c), due };
    });
    const ttl = Math.max(0, new Date(saved.due.dueAt).getTime() - clock.now().getTime());
    try {
      await engine.publishMessage({ name: 'challenge-filed', correlationKey: String(params.id), variables: { challengeId: saved.c.challengeId, challengeReplyDueAt: saved.due.dueAt }, timeToLiveMs: ttl, messageId: `challenge-filed:${saved.c.challengeId}` });
    } catch (err) {
      logger.error({ err, tenderId: params.id, challengeId: saved.c.challengeId }, 'challenge-filed message not delivered');
      throw new AppError(503, 'ENGINE_UNAVAILABLE', `质疑已保存（第 ${saved.c.challengeId} 号），但未能通知流程，请联系管理员 (challenge stored, process not notified)`);
    }
    return { ...saved.c, replyDeadline: { ruleId: saved.due.ruleId, basis: saved.due.basis, dueDate: saved.due.dueDate, dueAt: saved.due.dueAt } };
  });

  addRoute(api, {
    method: 'get', path: '/api/tenders/:id/challenges', tags: ['tenders'], summary: '质疑及答复 (challenges of a tender)',
    description: '供应商：本单位的质疑；本项目代理机构经办、本项目采购人、监督、审计：全部。',
    access: ['supplier', 'agency', 'purchaser', 'supervisor', 'auditor'], params: idParams,
    response: { description: '质疑', schema: z.object({ challenges: z.array(loose) }) }, errors: [404],
  }, async ({ params, user }) => {
    const t = await tenderOr404(params.id);
    const all = isOverseer(user) || isTenderAgency(user, t) || isTenderPurchaser(user, t);
    if (!all && !user.roles.includes('supplier')) throw forbidden('只有本项目代理机构、采购人、监督和审计可以查看全部质疑 (not a party of this tender)');
    const where: Record<string, unknown> = { tenderId: params.id };
    if (!all) where.organisationId = user.organisation?.id ?? -1;
    const rows = await models().Challenge.findAll({ where, order: [['id', 'ASC']] });
    return { challenges: rows.map(presentChallenge) };
  });

}
