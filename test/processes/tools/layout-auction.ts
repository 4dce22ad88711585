/**
 * Layout aid for processes/asset-auction.bpmn (公车拍卖 / 国有门面招租, 网络竞价): element table → semantics + BPMNDI
 * through bpmn-layout.ts, as layout-complaint.ts does.
 *   npx tsx test/processes/tools/layout-auction.ts [outDir]
 * Running it overwrites the file: port changes made in the modeller here first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { messageDeclaration, modelXml, Y, type Flow, type Node } from './bpmn-layout.ts';

const n: Node[] = [];
const f: Flow[] = [];
const add = (x: Node) => n.push(x);
const flow = (x: Flow) => f.push(x);

add({ id: 'start_announced', kind: 'start', name: '竞价公告已发布', row: 0, col: 0,
  doc: 'POST /api/auctions/:id/announce 核验公告期（A1：竞价开始前≥7日，拍卖法第45条）和展示期（A2：≥2日，拍卖法第48条）后启动本流程。启动变量：auctionId、auctionKey、lotNo、kind、biddingStartAt、closesAt、announcementDeadline、viewingDeadline。公告期内报名并交纳保证金，代理机构确认到账。' });
add({ id: 'prepare_notice', kind: 'service', name: '整理竞价公告', row: 0, col: 1, type: 'auction-document-data', retries: 3, headers: [['document', 'notice']],
  doc: '按标的与公告时间整理竞价公告数据 auctionNoticeData（模板 auction-notice，文书 21）。' });
add({ id: 'generate_notice', kind: 'service', name: '生成竞价公告', row: 0, col: 2, type: 'generate-document', retries: 3,
  headers: [['templateId', 'auction-notice'], ['dataVariable', 'auctionNoticeData'], ['resultVariable', 'auctionNoticeDocument']],
  doc: '按模板 auction-notice（文书 21 网络竞价公告）生成并存档。' });
add({ id: 'bidding_opens', kind: 'timer', name: '竞价开始', row: 0, col: 3, timeDate: '=biddingStartAt',
  doc: '报名截止、竞价开始（biddingStartAt，公告所定）。竞价期内出价经 POST /api/auctions/:id/bids 逐一处理。' });
add({ id: 'gw_merge_close', kind: 'gw', row: 0, col: 4 });
add({ id: 'closing_due', kind: 'timer', name: '到截止时间', row: 0, col: 5, timeDate: '=closesAt',
  doc: '截止时间 closesAt：截止前N分钟内（A3，time-limits.json）有出价的，截止时间顺延至该出价后N分钟，由结算任务读回新的 closesAt 再等待。' });
add({ id: 'close_auction', kind: 'service', name: '截止结算', row: 0, col: 6, type: 'auction-close', retries: 3,
  doc: '截止时间已过：最高出价不低于保留价者成交（拍卖法第50—51条），否则流拍；未成交竞买人保证金退还期限按 A4 计算。未到（已延时）：返回新的 closesAt。输出 auctionClosed、auctionSold、closesAt、dealPriceFen。' });
add({ id: 'gw_closed', kind: 'gw', name: '已截止？', row: 0, col: 7 });
add({ id: 'gw_sold', kind: 'gw', name: '是否成交？', row: 0, col: 8 });
add({ id: 'prepare_confirmation', kind: 'service', name: '整理成交确认书', row: 0, col: 9, type: 'auction-document-data', retries: 3, headers: [['document', 'confirmation']],
  doc: '按结果整理成交确认书数据 auctionConfirmationData（拍卖法第52条）。' });
add({ id: 'generate_confirmation', kind: 'service', name: '生成成交确认书', row: 0, col: 10, type: 'generate-document', retries: 3,
  headers: [['templateId', 'auction-confirmation'], ['dataVariable', 'auctionConfirmationData'], ['resultVariable', 'auctionConfirmationDocument']],
  doc: '按模板 auction-confirmation（文书 22 成交确认书）生成并存档。' });
add({ id: 'refund_deposits', kind: 'service', name: '退还未成交保证金', row: 0, col: 11, type: 'auction-refund-deposits', retries: 3,
  doc: '登记退还未成交竞买人的保证金（按报名逐笔记录）；买受人的保证金转为价款（车辆）或履约保证金（门面租赁）。' });
add({ id: 'contract_signed', kind: 'message', name: '合同已签订', row: 0, col: 12, message: 'message_contract_signed',
  doc: '代理机构登记合同（POST /api/auctions/:id/contract）：车辆买卖以成交确认书为据办理交接过户；门面为租赁合同（年租金、租期）。消息 auction-contract-signed 按 auctionKey 关联。' });
add({ id: 'gw_kind', kind: 'gw', name: '门面租赁？', row: 0, col: 13 });
add({ id: 'prepare_lease_contract', kind: 'service', name: '整理租赁合同', row: 0, col: 14, type: 'auction-document-data', retries: 3, headers: [['document', 'lease-contract']],
  doc: '按登记的合同整理租赁合同数据 leaseContractData（年租金、租期、起止日期、租金总额、履约保证金）。' });
add({ id: 'generate_lease_contract', kind: 'service', name: '生成租赁合同', row: 0, col: 15, type: 'generate-document', retries: 3,
  headers: [['templateId', 'lease-contract'], ['dataVariable', 'leaseContractData'], ['resultVariable', 'leaseContractDocument']],
  doc: '按模板 lease-contract（文书 23 国有门面租赁合同）生成并存档。' });
add({ id: 'end_leased', kind: 'end', name: '出租并签约', row: 0, col: 16 });
add({ id: 'end_contracted', kind: 'end', name: '成交并过户', row: 0, col: 14, lane: 1 });
add({ id: 'refund_unsold', kind: 'service', name: '退还保证金（流拍）', row: 0, col: 9, lane: 1, type: 'auction-refund-deposits', retries: 3,
  doc: '流拍：退还全部竞买人保证金。代理机构可以较低起拍价重新挂牌（POST /api/auctions/:id/relist，新一轮重新公告）。' });
add({ id: 'end_unsold', kind: 'end', name: '流拍', row: 0, col: 10, lane: 1 });

flow({ id: 'flow_start', from: 'start_announced', to: 'prepare_notice' });
flow({ id: 'flow_notice_ready', from: 'prepare_notice', to: 'generate_notice' });
flow({ id: 'flow_notice_filed', from: 'generate_notice', to: 'bidding_opens' });
flow({ id: 'flow_opened', from: 'bidding_opens', to: 'gw_merge_close' });
flow({ id: 'flow_wait_close', from: 'gw_merge_close', to: 'closing_due' });
flow({ id: 'flow_due', from: 'closing_due', to: 'close_auction' });
flow({ id: 'flow_settled', from: 'close_auction', to: 'gw_closed' });
flow({ id: 'flow_extended', from: 'gw_closed', to: 'gw_merge_close', name: '已延时', cond: '=auctionClosed = false', exit: 'top', via: [['y', Y(0) - 110]], enter: 'top' });
flow({ id: 'flow_closed', from: 'gw_closed', to: 'gw_sold', name: '已截止', cond: '=auctionClosed = true' });
flow({ id: 'flow_sold', from: 'gw_sold', to: 'prepare_confirmation', name: '成交', cond: '=auctionSold = true' });
flow({ id: 'flow_unsold', from: 'gw_sold', to: 'refund_unsold', name: '流拍', cond: '=auctionSold = false', exit: 'bottom', enter: 'left' });
flow({ id: 'flow_confirmation_ready', from: 'prepare_confirmation', to: 'generate_confirmation' });
flow({ id: 'flow_confirmation_filed', from: 'generate_confirmation', to: 'refund_deposits' });
flow({ id: 'flow_refunded', from: 'refund_deposits', to: 'contract_signed' });
flow({ id: 'flow_contracted', from: 'contract_signed', to: 'gw_kind' });
flow({ id: 'flow_lease', from: 'gw_kind', to: 'prepare_lease_contract', name: '门面租赁', cond: '=kind = "shop_lease"' });
flow({ id: 'flow_car', from: 'gw_kind', to: 'end_contracted', name: '车辆', cond: '=kind = "car"', exit: 'bottom', enter: 'left' });
flow({ id: 'flow_lease_ready', from: 'prepare_lease_contract', to: 'generate_lease_contract' });
flow({ id: 'flow_lease_filed', from: 'generate_lease_contract', to: 'end_leased' });
flow({ id: 'flow_unsold_refunded', from: 'refund_unsold', to: 'end_unsold' });

const DOC = `公车拍卖（中办发〔2014〕40号；拍卖法第45、48、50—52条）与国有门面招租（财政部令第35/36号；国务院令第738号）的网络竞价（挂网竞价）。
挂牌（评估价、保留价）→ 公告（≥7日，A1）→ 展示（≥2日，A2）→ 报名并交纳保证金（代理机构确认）→ 网络增价竞价（每次加价不少于加价幅度；截止前N分钟内出价顺延N分钟，A3）→ 截止结算：最高出价不低于保留价者成交，否则流拍（可降低起拍价重新挂牌，新一轮）→ 退还未成交保证金（A4）→ 成交确认书（文书 22）→ 合同（门面：租赁合同，年租金、租期，文书 23）。公告为文书 21。
期限一律来自 server/calendar/time-limits.json，模型中不写死；定时器只用 biddingStartAt、closesAt。`;

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2] ?? path.join(here, '..', '..', '..', 'processes');
fs.writeFileSync(path.join(dir, 'asset-auction.bpmn'), modelXml({
  definitionsId: 'definitions_asset_auction', processId: 'asset-auction', processName: '公车拍卖与国有门面招租（网络竞价）', versionTag: '2026.1',
  doc: DOC, declarations: messageDeclaration('message_contract_signed', 'auction-contract-signed', '=auctionKey'), nodes: n, flows: f,
}));
console.log(`wrote ${dir}/asset-auction.bpmn (${n.length} elements, ${f.length} flows)`);
