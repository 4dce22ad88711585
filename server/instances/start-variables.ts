/**
 * Variables the server sets when an instance starts; a client may not supply them (they decide routing, e.g.
 * whether 市财政审批 is needed, or who the applicant and the purchaser are, so an applicant must not be able to choose
 * them):
 *   initiator                 the starting user (assignee of the purchaser's steps; never an approver: segregation of duties)
 *   cityApprovalThresholdFen  the open-tender threshold in force today (server/procurement/thresholds.json)
 *   agencyOptions             [{label, value}] of the active agencies of the register (the application form's select)
 *   purchaserOrgId, purchaserName   the initiator's organisation (the 采购人)
 */
import type { Sequelize } from 'sequelize';
import { validationFailed } from '../errors.ts';
import type { Variables } from '../engine/port.ts';
import { openTenderThreshold } from '../procurement/thresholds.ts';
import { registryModels } from '../registry/models.ts';

export const SERVER_START_VARIABLES = ['initiator', 'cityApprovalThresholdFen', 'agencyOptions', 'purchaserOrgId', 'purchaserName'] as const;

export interface StartContext {
  username: string;
  now: Date;
  /** The starting user's organisation (null: none registered). */
  organisation?: { id: number; name: string } | null;
  /** To read the agency register; without it agencyOptions is empty. */
  sequelize?: Sequelize;
}

/** The active agencies of the register as select options, by name. */
export async function agencyOptions(sequelize: Sequelize): Promise<{ label: string; value: number }[]> {
  const rows = await registryModels(sequelize).Agency.findAll({ where: { status: 'active' }, attributes: ['id', 'name'], order: [['name', 'ASC'], ['id', 'ASC']] });
  return rows.map((r) => ({ label: r.get('name') as string, value: r.get('id') as number }));
}

export async function startVariables(clientVariables: Variables, ctx: StartContext): Promise<Variables> {
  const forged = Object.keys(clientVariables).filter((k) => (SERVER_START_VARIABLES as readonly string[]).includes(k));
  if (forged.length) {
    throw validationFailed(
      `这些变量由服务端设置，不能提交 (set by the server): ${forged.join(', ')}`,
      forged.map((k) => ({ path: `variables.${k}`, reason: 'set by the server; must not be supplied' })),
    );
  }
  return {
    ...clientVariables,
    initiator: ctx.username,
    cityApprovalThresholdFen: openTenderThreshold(ctx.now).goodsServicesFen,
    agencyOptions: ctx.sequelize ? await agencyOptions(ctx.sequelize) : [],
    purchaserOrgId: ctx.organisation?.id ?? null,
    purchaserName: ctx.organisation?.name ?? null,
  };
}
