/**
 * A valid procurement application (form `procurement-application`, CHAIN.md part A) for tests that file one, and
 * the server-set start variables that go with it. The agency must be one of the register with staff accounts
 * (check-application refuses others): seed the demo data (seedDemo) and take `demoAgencyId`, or create one.
 */
import { demoApplicationOpenTender } from '../../server/seed/chain-demo.ts';
import type { Sequelize } from 'sequelize';
import { registryModels } from '../../server/registry/models.ts';
import { agencyOptions } from '../../server/instances/start-variables.ts';

export type Variables = Record<string, unknown>;

/** The demo seed's agency (四川某某招标代理有限公司, staff account `agency`). */
export const DEMO_AGENCY_NAME = '四川某某招标代理有限公司';

export async function demoAgencyId(sequelize: Sequelize): Promise<number> {
  const row = await registryModels(sequelize).Agency.findOne({ where: { name: DEMO_AGENCY_NAME, status: 'active' } });
  if (!row) throw new Error(`no active agency "${DEMO_AGENCY_NAME}": seed the demo data first (seedDemo)`);
  return row.get('id') as number;
}

/**
 * Every field of the application form, valid for open tender (公开招标, goods): 40 desktop computers under 品目
 * A02010104 (in the demo goods catalogue), 208,000 元 of items within a 220,000 元 budget.
 */
export function applicationVariables(agencyId: number, over: Variables = {}): Variables {
  // The demo seed's open-tender application, with a fixed delivery date for the tests' fixed clock.
  return { ...demoApplicationOpenTender('2026-04-03'), deliveryDate: '2026-08-31', agencyId, ...over };
}

/**
 * What the server sets at start (server/instances/start-variables.ts), for tests that start `procurement` on the
 * engine directly instead of through the API.
 */
export async function serverStartVariables(sequelize: Sequelize, initiator: string, cityApprovalThresholdFen = 200_000_000): Promise<Variables> {
  return { initiator, cityApprovalThresholdFen, agencyOptions: await agencyOptions(sequelize), purchaserOrgId: null, purchaserName: '涪城区教育局' };
}
