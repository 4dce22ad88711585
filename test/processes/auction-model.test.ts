/**
 * processes/asset-auction.bpmn (公车拍卖与国有门面招租): Camunda 8 flavour, every service task with a registered worker,
 * documents through generate-document with a dataVariable, timers only over computed variables (biddingStartAt,
 * closesAt; no literal durations), the close loop back to the closing timer while the round is extended, a diagram
 * for everything. The runs themselves are in test/api/auction.test.ts (embedded engine, real workers).
 */
import { expect } from 'chai';
import { WORKER_TYPES } from '../../server/workers/index.ts';
import { templateIds } from '../../server/documents/catalogue.ts';
import fs from 'node:fs';
import path from 'node:path';
import { ROLES } from '../../server/auth/roles.ts';
import { lintModel } from '../../server/modeler/lint.ts';
import { FORMS_DIR, parseModel, readModel, type El, type ParsedModel } from './model-helpers.ts';

describe('processes/asset-auction.bpmn', function () {
  let m: ParsedModel;
  const byType = (type: string) => m.elements.filter((e) => e.$type === type);
  const el = (id: string): El => m.elements.find((e) => e.id === id)!;
  before(async function () {
    m = await parseModel(readModel('asset-auction.bpmn'));
  });

  it('parses with the zeebe moddle without warnings; id and Chinese name', function () {
    expect(m.warnings).to.deep.equal([]);
    expect(m.process.id).to.equal('asset-auction');
    expect(m.process.name).to.equal('公车拍卖与国有门面招租（网络竞价）');
    expect(m.process.isExecutable).to.equal(true);
  });

  it('every service task has a registered worker; documents name an existing template and their data', function () {
    const types = new Set<string>();
    for (const t of byType('bpmn:ServiceTask')) {
      const info = m.info(t);
      types.add(info.taskType!);
      expect(WORKER_TYPES, t.id).to.include(info.taskType);
      if (info.taskType === 'generate-document') {
        expect(templateIds(), t.id).to.include(info.headers.templateId);
        expect(info.headers.dataVariable, t.id).to.match(/^\w+Data$/);
      }
    }
    expect([...types].sort()).to.deep.equal(['auction-close', 'auction-document-data', 'auction-refund-deposits', 'generate-document']);
    const templates = byType('bpmn:ServiceTask').map((t) => m.info(t).headers.templateId).filter(Boolean).sort();
    expect(templates).to.deep.equal(['auction-confirmation', 'auction-notice', 'lease-contract']);
  });

  it('no literal time limits: timers are FEEL over biddingStartAt and closesAt', function () {
    expect(readModel('asset-auction.bpmn')).to.not.match(/timeDuration|timeCycle|P\d+D|PT\d+/);
    const timers: Record<string, string> = {};
    for (const e of m.elements) {
      for (const d of (e.eventDefinitions as Array<{ $type: string; timeDate?: { body: string } }> | undefined) ?? []) {
        if (d.$type === 'bpmn:TimerEventDefinition') timers[e.id] = d.timeDate!.body;
      }
    }
    expect(timers).to.deep.equal({ bidding_opens: '=biddingStartAt', closing_due: '=closesAt' });
  });

  it('the close loops back to the closing timer while extended; sold → confirmation, unsold → refunds and 流拍', function () {
    const exits = (id: string) => Object.fromEntries(el(id).outgoing!.map((f) => [f.targetRef!.id, f.conditionExpression!.body]));
    expect(exits('gw_closed')).to.deep.equal({ gw_merge_close: '=auctionClosed = false', gw_sold: '=auctionClosed = true' });
    expect(el('gw_merge_close').outgoing![0].targetRef!.id).to.equal('closing_due');
    expect(exits('gw_sold')).to.deep.equal({ prepare_confirmation: '=auctionSold = true', refund_unsold: '=auctionSold = false' });
    expect(exits('gw_kind')).to.deep.equal({ prepare_lease_contract: '=kind = "shop_lease"', end_contracted: '=kind = "car"' });
    expect(m.info(el('refund_unsold')).taskType).to.equal('auction-refund-deposits');
  });

  it('passes the modeller lint (the check a process admin deploy runs) without errors or warnings', async function () {
    const r = await lintModel(readModel('asset-auction.bpmn'), {
      taskTypes: () => [...WORKER_TYPES], formExists: (id) => fs.existsSync(path.join(FORMS_DIR, `${id}.form`)), templateIds, roles: ROLES,
    });
    expect(r.problems.map((p) => `${p.severity} ${p.rule} ${p.elementId}: ${p.message}`)).to.deep.equal([]);
    expect(r.bpmnProcessId).to.equal('asset-auction');
  });

  it('diverging gateways condition every flow; every element and flow is in the diagram', function () {
    for (const g of byType('bpmn:ExclusiveGateway')) {
      if ((g.outgoing ?? []).length < 2) continue;
      for (const f of g.outgoing!) expect(f.conditionExpression?.body, f.id).to.be.a('string');
    }
    const shown = new Set(m.shapes.map((s) => s.bpmnElement.id));
    for (const e of m.elements) expect(shown.has(e.id), e.id).to.equal(true);
    const edges = new Set(m.edges.map((s) => s.bpmnElement.id));
    for (const f of m.flows) expect(edges.has(f.id), f.id).to.equal(true);
  });
});
