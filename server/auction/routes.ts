/**
 * Official-car auctions and shop leases over HTTP (/api/auctions…). Listing, announcement (checked against A1/A2),
 * registration and deposit confirmation, bids, the live event stream, relisting after 流拍 and the contract. The
 * steps after the announcement run in processes/asset-auction.bpmn (started here, message auction-contract-signed).
 */
import { z } from 'zod';
import type { Api } from '../http/route.ts';
import { addRoute } from '../http/route.ts';
import type { ComponentDeps } from '../http/component-deps.ts';
import type { AuthUser } from '../auth/types.ts';
import { businessDate } from '../calendar/deadlines.ts';
import { createCalendarService } from '../calendar/service.ts';
import { appendAudit } from '../audit/index.ts';
import { AppError, forbidden, unauthorized } from '../errors.ts';
import { auctionModels, fen, fenNum, iso, type Row } from './models.ts';
import { KINDS, closeAuction, isOverseer, loadAuction, phase, placeBid, presentAuction } from './service.ts';
import { defineAuthModels } from '../auth/models.ts';
import { createAuthService } from '../auth/service.ts';
import { checkTicket, emitAuctionEvent, issueTicket, onAuctionEvent } from './events.ts';
import './statistics.ts'; // 公车拍卖 and 国有门面招租 as transaction types of the statistics dashboard

const loose = z.record(z.string(), z.unknown());
const idParams = z.object({ id: z.coerce.number().int().positive() });
const fenInt = z.number().int('应为整数（分）(integer fen)').positive().max(99_999_999_999_999);
const instant = z.string().datetime({ offset: true });
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const HEARTBEAT_MS = 15_000;

const mayManage = (u: AuthUser, lot: Row) => u.roles.includes('agency') && !!u.organisation && u.organisation.id === lot.get('agencyOrgId');
function assertManager(u: AuthUser, lot: Row): void {
  if (!mayManage(u, lot)) throw forbidden('只有受托组织该竞价的代理机构可以办理 (only the agency running this auction may do this)');
}

export function registerAuctionRoutes(api: Api, deps: ComponentDeps): void {
  const { db, engine, clock, config, logger } = deps;
  const calendar = createCalendarService(db, clock);
  const models = () => auctionModels(db.sequelize);
  const auth = createAuthService(defineAuthModels(db.sequelize), config, clock);

  async function detail(id: number, user: AuthUser) {
    const { Registration, Bid, Result } = models();
    const { a, lot } = await loadAuction(db, id);
    const now = clock.now();
    const regs = await Registration.findAll({ where: { auctionId: id }, order: [['id', 'ASC']] });
    const paddle = new Map(regs.map((r) => [r.get('id') as number, r.get('paddleNo') as string]));
    const mine = regs.find((r) => r.get('username') === user.username) ?? null;
    const leader = a.get('leaderRegistrationId') as number | null;
    const bids = await Bid.findAll({ where: { auctionId: id }, order: [['seq', 'DESC']], limit: 20 });
    const myBids = mine ? await Bid.count({ where: { auctionId: id, registrationId: mine.get('id') } }) : 0;
    const result = await Result.findOne({ where: { auctionId: id } });
    const insider = mayManage(user, lot) || isOverseer(user);
    const winnerId = (result?.get('winnerRegistrationId') as number | null) ?? null;
    const winner = winnerId ? regs.find((r) => r.get('id') === winnerId) : undefined;
    return {
      ...presentAuction(a, lot, user, now),
      myRegistration: mine && {
        registrationId: mine.get('id') as number, paddleNo: mine.get('paddleNo') as string, status: mine.get('status') as string,
        depositFen: fenNum(mine.get('depositFen')), refundedAt: iso(mine.get('refundedAt')), refundDueDate: (mine.get('refundDueDate') as string | null) ?? null,
        standing: leader !== null && leader === mine.get('id') ? 'leading' : myBids > 0 ? 'outbid' : 'none', myBidCount: myBids,
      },
      leaderPaddleNo: leader ? paddle.get(leader) ?? null : null,
      bids: bids.map((b) => ({ seq: b.get('seq') as number, paddleNo: paddle.get(b.get('registrationId') as number) ?? '', amountFen: fenNum(b.get('amountFen')), at: iso(b.get('at')) })),
      registrations: insider
        ? regs.map((r) => ({
            registrationId: r.get('id') as number, paddleNo: r.get('paddleNo') as string, bidderName: r.get('bidderName') as string, username: r.get('username') as string,
            status: r.get('status') as string, depositFen: fenNum(r.get('depositFen')), confirmedAt: iso(r.get('confirmedAt')),
            refundDueDate: (r.get('refundDueDate') as string | null) ?? null, refundedAt: iso(r.get('refundedAt')), refundFen: fenNum(r.get('refundFen')),
          }))
        : null,
      result: result && {
        outcome: result.get('outcome') as string, priceFen: fenNum(result.get('priceFen')), closedAt: iso(result.get('closedAt')),
        winnerPaddleNo: winner ? (winner.get('paddleNo') as string) : null,
        winnerName: winner && (insider || winner.get('username') === user.username) ? (winner.get('bidderName') as string) : null,
        confirmationNo: (result.get('confirmationNo') as string | null) ?? null,
        contract: result.get('contractJson') ? (JSON.parse(String(result.get('contractJson'))) as Record<string, unknown>) : null,
      },
      mayManage: mayManage(user, lot),
    };
  }

  addRoute(api, {
    method: 'post', path: '/api/auctions', tags: ['auctions'], summary: '挂牌：公车拍卖或门面招租 (list a lot)',
    description: '代理机构（交易中心）登记标的：类别 car（公务用车）或 shop_lease（国有门面，竞价标的为年租金，另填租期）、评估价、保留价（保密，拍卖法第28条）、' +
      '起拍价、加价幅度、保证金，金额一律为整数分。创建第1轮竞价（状态 listed），公告后开始报名。',
    access: ['agency'],
    body: z.object({
      kind: z.enum(KINDS),
      title: z.string().trim().min(2).max(200),
      consignorName: z.string().trim().min(2).max(200).describe('委托方（处置或出租单位）'),
      details: z.record(z.string(), z.union([z.string().max(500), z.number()])).default({}).describe('车辆：号牌、VIN、型号、登记日期、里程；门面：地址、面积、用途限制'),
      appraisalFen: fenInt, reserveFen: fenInt, startFen: fenInt, incrementFen: fenInt, depositFen: fenInt,
      leaseTermYears: z.number().int().min(1).max(20).optional().describe('租期（年），仅门面招租'),
    }).strict(),
    response: { status: 201, description: '已挂牌', schema: loose }, errors: [409],
  }, async ({ body, user }) => {
    if (body.kind === 'shop_lease' && !body.leaseTermYears) throw new AppError(422, 'VALIDATION_FAILED', '门面招租须填写租期（年） (a shop lease needs leaseTermYears)', [{ path: 'leaseTermYears', reason: 'required for shop_lease' }]);
    if (body.kind === 'car' && body.leaseTermYears) throw new AppError(422, 'VALIDATION_FAILED', '车辆拍卖没有租期 (leaseTermYears is for shop leases)', [{ path: 'leaseTermYears', reason: 'only for shop_lease' }]);
    if (!user.organisation) throw forbidden('代理机构账号须属于一个单位 (agency user without organisation)');
    const { Lot, Auction } = models();
    const now = clock.now();
    const id = await db.withTransaction(async (tx) => {
      const lot = await Lot.create({
        lotNo: `tmp-${now.getTime()}-${Math.random().toString(36).slice(2, 10)}`, kind: body.kind, title: body.title, consignorName: body.consignorName,
        detailsJson: JSON.stringify(body.details), appraisalFen: String(body.appraisalFen), reserveFen: String(body.reserveFen),
        leaseTermYears: body.leaseTermYears ?? null, agencyOrgId: user.organisation!.id, createdBy: user.username, createdAt: now,
      }, { transaction: tx });
      const lotNo = `FC${body.kind === 'car' ? 'PM' : 'ZZ'}-${businessDate(now).slice(0, 4)}-${String(lot.get('id')).padStart(4, '0')}`;
      await lot.update({ lotNo }, { transaction: tx });
      const a = await Auction.create({
        lotId: lot.get('id'), roundNo: 1, status: 'listed', startFen: String(body.startFen), incrementFen: String(body.incrementFen), depositFen: String(body.depositFen),
        bidSeq: 0, extensions: 0, createdBy: user.username, createdAt: now, updatedAt: now,
      }, { transaction: tx });
      await appendAudit(tx, {
        at: now, actor: user.username, roles: user.roles, action: 'auction.listed', objectType: 'auction', objectId: String(a.get('id')),
        summary: { after: { lotNo, kind: body.kind, appraisalFen: body.appraisalFen, startFen: body.startFen } },
      });
      return a.get('id') as number;
    });
    return detail(id, user);
  });

  addRoute(api, {
    method: 'get', path: '/api/auctions', tags: ['auctions'], summary: '竞价列表 (auctions)',
    description: '所有已登录用户：公告中、竞价中和已结束的竞价（未公告的只有代理机构、监督和审计可见）；保留价只对代理机构、监督和审计显示。',
    access: 'authenticated',
    query: z.object({ kind: z.enum(KINDS).optional() }).strict(),
    response: { description: '竞价', schema: z.object({ auctions: z.array(loose) }) },
  }, async ({ query, user }) => {
    const { Auction, Lot } = models();
    const rows = await Auction.findAll({ order: [['id', 'DESC']], limit: 500 });
    const lots = new Map((await Lot.findAll({ where: { id: [...new Set(rows.map((r) => r.get('lotId') as number))] } })).map((l) => [l.get('id') as number, l]));
    const now = clock.now();
    const visible = rows.filter((a) => {
      const lot = lots.get(a.get('lotId') as number)!;
      if (query.kind && lot.get('kind') !== query.kind) return false;
      return a.get('status') !== 'listed' || mayManage(user, lot) || isOverseer(user);
    });
    return { auctions: visible.map((a) => presentAuction(a, lots.get(a.get('lotId') as number)!, user, now)) };
  });

  addRoute(api, {
    method: 'get', path: '/api/auctions/:id', tags: ['auctions'], summary: '竞价详情 (one auction)',
    description: '当前价、出价记录（竞买号，不显示名称）、我的报名与排位（leading / outbid）、截止时间（含延时）、结果与合同。报名名单只对该竞价的代理机构、监督和审计显示。',
    access: 'authenticated', params: idParams,
    response: { description: '竞价', schema: loose }, errors: [404],
  }, async ({ params, user }) => {
    const { a, lot } = await loadAuction(db, params.id);
    if (a.get('status') === 'listed' && !mayManage(user, lot) && !isOverseer(user)) throw new AppError(404, 'NOT_FOUND', `竞价 (auction) ${params.id} not found`);
    return detail(params.id, user);
  });

  addRoute(api, {
    method: 'post', path: '/api/auctions/:id/announce', tags: ['auctions'], summary: '发布竞价公告 (announce)',
    description: '公告发布之日至竞价开始不少于7日（A1，拍卖法第45条），展示（看样）期不少于2日（A2，拍卖法第48条）且在竞价开始前结束；' +
      '报名至竞价开始时截止。违反时 422 TIME_LIMIT 并写明规则。之后由流程 asset-auction 按时开启、截止（含延时）、确认成交、退还保证金。',
    access: ['agency'], params: idParams,
    body: z.object({ viewingFrom: instant, viewingTo: instant, startsAt: instant, closesAt: instant }).strict(),
    response: { description: '已公告', schema: loose }, errors: [404, 409, 503],
  }, async ({ params, body, user }) => {
    const { a, lot } = await loadAuction(db, params.id);
    assertManager(user, lot);
    if (a.get('status') !== 'listed') throw new AppError(409, 'ALREADY_ANNOUNCED', '该轮竞价已公告 (already announced)');
    const now = clock.now();
    const [vf, vt, st, ct] = [body.viewingFrom, body.viewingTo, body.startsAt, body.closesAt].map((s) => new Date(s)) as [Date, Date, Date, Date];
    const a1 = await calendar.deadline('A1', st);
    const limit = (path: string, msg: string, d: { ruleId: string; basis: string; dueDate: string }) =>
      new AppError(422, 'TIME_LIMIT', `${msg}（${d.ruleId}，${d.basis}）`, [{ path, reason: `${d.ruleId}: ${d.dueDate}` }]);
    if (businessDate(now) > a1.dueDate) throw limit('startsAt', `公告须在竞价开始前至少${a1.value}日发布：本次最迟 ${a1.dueDate} 公告 (the notice must be published by ${a1.dueDate})`, a1);
    if (vf.getTime() < now.getTime() || vt.getTime() <= vf.getTime() || vt.getTime() > st.getTime()) {
      throw new AppError(422, 'VALIDATION_FAILED', '展示期须在公告之后、竞价开始之前 (viewing must lie between the notice and the start of bidding)', [{ path: 'viewingTo', reason: 'order' }]);
    }
    const a2 = await calendar.deadline('A2', vf);
    if (businessDate(vt) < a2.dueDate) throw limit('viewingTo', `展示期不少于${a2.value}日：最早至 ${a2.dueDate} (viewing must last until ${a2.dueDate})`, a2);
    if (ct.getTime() <= st.getTime()) throw new AppError(422, 'VALIDATION_FAILED', '截止时间须晚于开始时间 (closesAt must be after startsAt)', [{ path: 'closesAt', reason: 'order' }]);
    await db.withTransaction(async (tx) => {
      await a.update({ status: 'announced', announcedAt: now, viewingFrom: vf, viewingTo: vt, startsAt: st, plannedCloseAt: ct, closesAt: ct, updatedAt: now }, { transaction: tx });
      await appendAudit(tx, {
        at: now, actor: user.username, roles: user.roles, action: 'auction.announced', objectType: 'auction', objectId: String(params.id),
        summary: { after: { startsAt: st.toISOString(), closesAt: ct.toISOString(), a1: a1.dueDate, a2: a2.dueDate } },
      });
    });
    try {
      const ref = await engine.startInstance({
        bpmnProcessId: 'asset-auction', startedBy: user.username, businessKey: `auction-${params.id}`,
        variables: {
          auctionId: params.id, auctionKey: `auction-${params.id}`, lotNo: lot.get('lotNo') as string, kind: lot.get('kind') as string, initiator: user.username,
          biddingStartAt: st.toISOString(), closesAt: ct.toISOString(), announcementDeadline: a1, viewingDeadline: a2,
        },
      });
      await a.update({ instanceId: ref.instanceId });
    } catch (err) {
      logger.error({ err, auctionId: params.id }, 'asset-auction process not started');
      await a.update({ status: 'listed', announcedAt: null, updatedAt: clock.now() });
      throw new AppError(503, 'ENGINE_UNAVAILABLE', '竞价流程未能启动，请稍后重试 (auction process not started)');
    }
    emitAuctionEvent({ type: 'announced', auctionId: params.id, status: 'announced', closesAt: ct.toISOString(), at: now.toISOString() });
    return detail(params.id, user);
  });

  addRoute(api, {
    method: 'post', path: '/api/auctions/:id/registrations', tags: ['auctions'], summary: '报名竞买 (register to bid)',
    description: '公告后、竞价开始前报名；保证金按公告金额，由代理机构确认到账后方可出价。每个账号一次。',
    access: ['supplier'], params: idParams, body: z.object({}).strict(),
    response: { status: 201, description: '已报名，待确认保证金', schema: loose }, errors: [404, 409],
  }, async ({ params, user }) => {
    const { Registration } = models();
    const { a } = await loadAuction(db, params.id);
    const now = clock.now();
    if (phase(a, now) !== 'registration') throw new AppError(409, 'REGISTRATION_CLOSED', `不在报名期内（报名至竞价开始 ${iso(a.get('startsAt')) ?? '—'} 截止） (registration is not open)`);
    await db.withTransaction(async (tx) => {
      if (await Registration.findOne({ where: { auctionId: params.id, username: user.username }, transaction: tx })) {
        throw new AppError(409, 'ALREADY_REGISTERED', '已报名该竞价 (already registered)');
      }
      const n = await Registration.count({ where: { auctionId: params.id }, transaction: tx });
      const r = await Registration.create({
        auctionId: params.id, username: user.username, bidderName: user.organisation?.name ?? user.displayName, paddleNo: `J${String(n + 1).padStart(3, '0')}`,
        depositFen: String(a.get('depositFen')), status: 'pending', registeredAt: now,
      }, { transaction: tx });
      await appendAudit(tx, { at: now, actor: user.username, roles: user.roles, action: 'auction.registered', objectType: 'auction_registration', objectId: String(r.get('id')), summary: { after: { auctionId: params.id } } });
    });
    return detail(params.id, user);
  });

  addRoute(api, {
    method: 'post', path: '/api/auctions/:id/registrations/:registrationId/confirm', tags: ['auctions'], summary: '确认保证金到账 (confirm deposit)',
    description: '该竞价的代理机构确认竞买人的保证金已到账，竞买人取得出价资格。',
    access: ['agency'], params: z.object({ id: z.coerce.number().int().positive(), registrationId: z.coerce.number().int().positive() }), body: z.object({}).strict(),
    response: { description: '已确认', schema: loose }, errors: [404, 409],
  }, async ({ params, user }) => {
    const { Registration } = models();
    const { a, lot } = await loadAuction(db, params.id);
    assertManager(user, lot);
    const now = clock.now();
    if (!['registration', 'bidding'].includes(phase(a, now))) throw new AppError(409, 'AUCTION_CLOSED', '竞价已结束 (the auction is over)');
    await db.withTransaction(async (tx) => {
      const r = await Registration.findOne({ where: { id: params.registrationId, auctionId: params.id }, transaction: tx });
      if (!r) throw new AppError(404, 'NOT_FOUND', `报名 (registration) ${params.registrationId} not found`);
      if (r.get('status') !== 'pending') throw new AppError(409, 'NOT_PENDING', `该报名状态为 ${String(r.get('status'))} (registration is not pending)`);
      await r.update({ status: 'confirmed', confirmedAt: now, confirmedBy: user.username }, { transaction: tx });
      await appendAudit(tx, { at: now, actor: user.username, roles: user.roles, action: 'auction.deposit_confirmed', objectType: 'auction_registration', objectId: String(r.get('id')), summary: { after: { auctionId: params.id, depositFen: String(r.get('depositFen')) } } });
    });
    emitAuctionEvent({ type: 'registration', auctionId: params.id, at: now.toISOString() });
    return detail(params.id, user);
  });

  addRoute(api, {
    method: 'post', path: '/api/auctions/:id/bids', tags: ['auctions'], summary: '出价 (bid)',
    description: '保证金已确认的竞买人在竞价期内出价：须不低于当前价加加价幅度（首次出价不低于起拍价），已是最高出价者不能再出价。' +
      '同一竞价的出价在数据库事务内逐一处理并按顺序号排序；同价出价以先被接受者为准，后到者因不再高于当前价被拒绝（409 BID_TOO_LOW）。' +
      '截止前N分钟内的出价使截止时间顺延至该出价后N分钟（A3）；截止后出价 409 AUCTION_CLOSED 并写明截止时间。',
    access: ['supplier'], params: idParams,
    body: z.object({ amountFen: fenInt.describe('出价（分）；门面招租为年租金') }).strict(),
    response: { status: 201, description: '出价已接受', schema: loose }, errors: [404, 409],
  }, async ({ params, body, user }) => placeBid(db, clock, params.id, user, body.amountFen));

  addRoute(api, {
    method: 'post', path: '/api/auctions/:id/events-ticket', tags: ['auctions'], summary: '实时推送票据 (SSE ticket)',
    description: 'EventSource 不能携带 Authorization 头：先凭令牌取得60秒内有效、只能打开该竞价推送的票据，再以 ?ticket= 打开 GET /api/auctions/:id/events。',
    access: 'authenticated', params: idParams, body: z.object({}).strict(),
    response: { description: '票据', schema: z.object({ ticket: z.string(), expiresAt: z.string(), url: z.string() }) }, errors: [404],
  }, async ({ params, user }) => {
    const { a, lot } = await loadAuction(db, params.id);
    if (a.get('status') === 'listed' && !mayManage(user, lot) && !isOverseer(user)) throw new AppError(404, 'NOT_FOUND', `竞价 (auction) ${params.id} not found`);
    const t = issueTicket(config.jwt.secret, params.id, user.id, clock.now());
    return { ...t, url: `/api/auctions/${params.id}/events?ticket=${encodeURIComponent(t.ticket)}` };
  });

  addRoute(api, {
    method: 'get', path: '/api/auctions/:id/events', tags: ['auctions'], summary: '实时推送 (server-sent events)',
    description: 'text/event-stream：连接时 event: snapshot（与 GET /api/auctions/:id 相同），之后每次出价 event: bid（顺序号、当前价、竞买号、截止时间）、' +
      '截止 event: closed；每15秒一次心跳注释。凭 POST /api/auctions/:id/events-ticket 的票据（?ticket=）认证，无效或过期 401。',
    access: 'public', params: idParams, query: z.object({ ticket: z.string().max(400) }).strict(),
    response: { description: '事件流', schema: z.string(), contentType: 'text/event-stream' }, errors: [401, 404],
  }, async ({ params, query, req, res }) => {
    const checked = checkTicket(config.jwt.secret, query.ticket, params.id, clock.now());
    if ('refused' in checked) throw unauthorized(`${checked.refused}`);
    // The user as the bearer token would load it now: a disabled account opens nothing.
    const loaded = await auth.loadUser(checked.userId);
    if (!loaded || loaded.disabled) throw unauthorized('票据用户不存在或已停用 (ticket user unknown or disabled)');
    const user = loaded.user;
    const snapshot = await detail(params.id, user);
    if (snapshot.status === 'listed' && !snapshot.mayManage && !isOverseer(user)) throw new AppError(404, 'NOT_FOUND', `竞价 (auction) ${params.id} not found`);
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('snapshot', snapshot);
    const off = onAuctionEvent(params.id, (e) => send(e.type, e));
    const beat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      off();
      clearInterval(beat);
    });
  });

  addRoute(api, {
    method: 'post', path: '/api/auctions/:id/relist', tags: ['auctions'], summary: '流拍后重新挂牌 (relist at a lower start)',
    description: '仅流拍（unsold）的竞价：以低于上一轮的起拍价创建新一轮（可同时降低保留价，须经委托方同意），状态 listed，再行公告。',
    access: ['agency'], params: idParams,
    body: z.object({ startFen: fenInt, reserveFen: fenInt.optional(), incrementFen: fenInt.optional(), depositFen: fenInt.optional() }).strict(),
    response: { status: 201, description: '新一轮竞价', schema: loose }, errors: [404, 409],
  }, async ({ params, body, user }) => {
    const { Auction } = models();
    const { a, lot } = await loadAuction(db, params.id);
    assertManager(user, lot);
    if (a.get('status') !== 'unsold') throw new AppError(409, 'NOT_UNSOLD', '只有流拍的竞价可以重新挂牌 (only an unsold round can be relisted)');
    if (BigInt(body.startFen) >= fen(a.get('startFen'))!) {
      throw new AppError(422, 'VALIDATION_FAILED', `新一轮起拍价须低于上一轮（${fenNum(a.get('startFen'))} 分） (the new start must be lower)`, [{ path: 'startFen', reason: 'not lower' }]);
    }
    if (body.reserveFen !== undefined && BigInt(body.reserveFen) > fen(lot.get('reserveFen'))!) {
      throw new AppError(422, 'VALIDATION_FAILED', '保留价不得提高 (the reserve may not rise)', [{ path: 'reserveFen', reason: 'higher' }]);
    }
    const now = clock.now();
    const id = await db.withTransaction(async (tx) => {
      if (await Auction.findOne({ where: { lotId: lot.get('id'), roundNo: (a.get('roundNo') as number) + 1 }, transaction: tx })) {
        throw new AppError(409, 'ALREADY_RELISTED', '该标的已重新挂牌 (already relisted)');
      }
      if (body.reserveFen !== undefined) await lot.update({ reserveFen: String(body.reserveFen) }, { transaction: tx });
      const next = await Auction.create({
        lotId: lot.get('id'), roundNo: (a.get('roundNo') as number) + 1, status: 'listed', startFen: String(body.startFen),
        incrementFen: String(body.incrementFen ?? a.get('incrementFen')), depositFen: String(body.depositFen ?? a.get('depositFen')),
        bidSeq: 0, extensions: 0, createdBy: user.username, createdAt: now, updatedAt: now,
      }, { transaction: tx });
      await appendAudit(tx, {
        at: now, actor: user.username, roles: user.roles, action: 'auction.relisted', objectType: 'auction', objectId: String(next.get('id')),
        summary: { before: { auctionId: params.id, startFen: String(a.get('startFen')) }, after: { startFen: body.startFen, roundNo: next.get('roundNo') as number } },
      });
      return next.get('id') as number;
    });
    return detail(id, user);
  });

  addRoute(api, {
    method: 'post', path: '/api/auctions/:id/contract', tags: ['auctions'], summary: '登记合同 (record the contract)',
    description: '成交后登记合同：车辆为成交价；门面为租赁合同（年租金即成交价、租期、起止日期、租金总额，买受人保证金转为履约保证金）。通知流程生成合同文书。',
    access: ['agency'], params: idParams,
    body: z.object({ contractNo: z.string().trim().min(2).max(40), signedDate: day, leaseStartDate: day.optional() }).strict(),
    response: { description: '合同', schema: loose }, errors: [404, 409],
  }, async ({ params, body, user }) => {
    const { Result, Registration } = models();
    const { a, lot } = await loadAuction(db, params.id);
    assertManager(user, lot);
    const result = await Result.findOne({ where: { auctionId: params.id } });
    if (!result || result.get('outcome') !== 'sold') throw new AppError(409, 'NOT_SOLD', '该竞价未成交，无合同可登记 (not sold)');
    if (result.get('contractJson')) throw new AppError(409, 'CONTRACT_EXISTS', '合同已登记 (contract already recorded)');
    const lease = lot.get('kind') === 'shop_lease';
    if (lease && !body.leaseStartDate) throw new AppError(422, 'VALIDATION_FAILED', '租赁合同须填写起租日期 (leaseStartDate required)', [{ path: 'leaseStartDate', reason: 'required' }]);
    const winner = await Registration.findByPk(result.get('winnerRegistrationId') as number);
    const price = fen(result.get('priceFen'))!;
    const term = (lot.get('leaseTermYears') as number | null) ?? 0;
    const endDate = lease ? (() => { const d = new Date(`${body.leaseStartDate}T00:00:00Z`); d.setUTCFullYear(d.getUTCFullYear() + term); d.setUTCDate(d.getUTCDate() - 1); return d.toISOString().slice(0, 10); })() : null;
    const contract = {
      contractNo: body.contractNo, type: lease ? 'lease' : 'sale', signedDate: body.signedDate, lotNo: lot.get('lotNo') as string, title: lot.get('title') as string,
      lessorOrSeller: lot.get('consignorName') as string, buyer: winner?.get('bidderName') as string, priceFen: Number(price),
      ...(lease ? { rentPerYearFen: Number(price), termYears: term, leaseStartDate: body.leaseStartDate, leaseEndDate: endDate, totalRentFen: (price * BigInt(term)).toString(), securityDepositFen: fenNum(winner?.get('depositFen')) } : { depositAppliedFen: fenNum(winner?.get('depositFen')) }),
    };
    const now = clock.now();
    await db.withTransaction(async (tx) => {
      await result.update({ contractNo: body.contractNo, contractJson: JSON.stringify(contract), contractSignedAt: now }, { transaction: tx });
      await a.update({ status: 'contracted', updatedAt: now }, { transaction: tx });
      await appendAudit(tx, { at: now, actor: user.username, roles: user.roles, action: 'auction.contract_recorded', objectType: 'auction', objectId: String(params.id), summary: { after: { contractNo: body.contractNo, priceFen: String(price) } } });
    });
    if (a.get('instanceId')) {
      try {
        await engine.publishMessage({ name: 'auction-contract-signed', correlationKey: `auction-${params.id}`, variables: { contract }, timeToLiveMs: 30 * 86_400_000, messageId: `auction-contract-signed:${params.id}` });
      } catch (err) {
        logger.error({ err, auctionId: params.id }, 'auction-contract-signed not published');
      }
    }
    return detail(params.id, user);
  });

  // Used by the workers and tests through the service; the route only exists for the agency to close a round whose
  // timer has not run yet (e.g. after downtime): the same rule, nothing is closed before its time.
  addRoute(api, {
    method: 'post', path: '/api/auctions/:id/close', tags: ['auctions'], summary: '截止结算 (close when due)',
    description: '截止时间（含延时）已过时确定结果：最高出价不低于保留价者成交，否则流拍。未到截止时间 409 AUCTION_OPEN。通常由流程定时完成。',
    access: ['agency'], params: idParams, body: z.object({}).strict(),
    response: { description: '结果', schema: loose }, errors: [404, 409],
  }, async ({ params, user }) => {
    const { lot } = await loadAuction(db, params.id);
    assertManager(user, lot);
    const out = await closeAuction(db, clock, params.id);
    if (!out.closed) throw new AppError(409, 'AUCTION_OPEN', `竞价截止时间为 ${out.closesAt}，尚未截止 (bidding closes at ${out.closesAt})`);
    return detail(params.id, user);
  });
}
