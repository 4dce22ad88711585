/**
 * 采购代理机构库: the agency register. Agencies are listed by online registration (no qualification since 2014);
 * the record names the accounts (users with the agency role) who may act for the agency.
 * Access: any logged-in user reads the register (it is public on ccgp); the staff list is shown to the finance
 * bureau, the auditor and the agency itself; the bureau keeps it; an agency edits its own contact and staff.
 */
import { Op, type Sequelize, type Transaction } from 'sequelize';
import { z } from 'zod';
import { ROLES } from '../../auth/roles.ts';
import { defineAuthModels } from '../../auth/models.ts';
import type { AuthUser } from '../../auth/types.ts';
import { conflict, forbidden, validationFailed } from '../../errors.ts';
import { has, ownOrgId, REGISTER_KEEPERS } from '../access.ts';
import { checkOrganisationLink, creditCodeSchema, iso, nonEmpty, phoneSchema, updateSchemaOf } from '../common.ts';
import { cell, list } from '../csv.ts';
import type { Ctx, Plain, RegisterDef } from '../crud.ts';
import { registryModels, sequelizeOf } from '../models.ts';

const STATUSES = ['active', 'suspended', 'cancelled'] as const;
const STAFF_VISIBLE = [...REGISTER_KEEPERS, 'auditor', 'process_admin'] as const;

const fields = {
  creditCode: creditCodeSchema,
  name: nonEmpty(200),
  contactName: nonEmpty(64),
  contactPhone: phoneSchema,
  address: nonEmpty(300),
  staffUserIds: z.array(z.number().int().min(1)).max(200).default([]),
  status: z.enum(STATUSES).default('active'),
  organisationId: z.number().int().min(1).nullable().optional(),
};
const createSchema = z.object(fields);
const updateSchema = updateSchemaOf(fields);
const itemSchema = z.object({
  id: z.number().int(), creditCode: z.string(), name: z.string(), contactName: z.string(), contactPhone: z.string(), address: z.string(),
  staffVisible: z.boolean(),
  staff: z.array(z.object({ id: z.number().int(), username: z.string().nullable(), displayName: z.string().nullable() })).nullable(),
  status: z.enum(STATUSES), organisationId: z.number().int().nullable(), version: z.number().int(), updatedAt: z.string(), updatedBy: z.string(),
});

const isOwn = (u: AuthUser, row: Plain) => row.organisationId !== null && row.organisationId === ownOrgId(u);
const staffVisible = (u: AuthUser, row: Plain) => has(u, [...STAFF_VISIBLE]) || (u.roles.includes('agency') && isOwn(u, row));

/** Staff must be existing accounts holding the agency role. */
async function checkStaff(ctx: Ctx, ids: number[]) {
  if (!ids.length) return;
  const { User } = defineAuthModels(sequelizeOf(ctx.tx));
  const users = await User.findAll({ where: { id: { [Op.in]: ids } }, transaction: ctx.tx });
  const details = ids.flatMap((id, i) => {
    const u = users.find((x) => x.id === id);
    if (!u) return [{ path: `staffUserIds.${i}`, reason: `用户 ${id} 不存在 (no such user)` }];
    if (!u.roleList().includes('agency')) return [{ path: `staffUserIds.${i}`, reason: `用户 ${u.username} 不是代理机构账号 (user lacks the agency role)` }];
    // An agency names only its own people; the bureau may attach anyone with the role.
    if (!has(ctx.user, REGISTER_KEEPERS) && u.organisationId !== ownOrgId(ctx.user)) {
      return [{ path: `staffUserIds.${i}`, reason: `用户 ${u.username} 不属于本机构 (user belongs to another organisation)` }];
    }
    return [];
  });
  if (details.length) throw validationFailed('从业人员账号不正确 (invalid staff accounts)', details);
}

async function assertUnique(ctx: Ctx, values: { creditCode?: string; organisationId?: number | null }, selfId?: number) {
  const { Agency } = ctx.models;
  if (values.creditCode) {
    const other = await Agency.findOne({ where: { creditCode: values.creditCode }, transaction: ctx.tx });
    if (other && other.get('id') !== selfId) throw conflict(`统一社会信用代码 ${values.creditCode} 已登记为「${other.get('name')}」(credit code already registered)`, 'DUPLICATE');
  }
  if (values.organisationId) {
    const other = await Agency.findOne({ where: { organisationId: values.organisationId }, transaction: ctx.tx });
    if (other && other.get('id') !== selfId) throw conflict('该单位已有代理机构记录 (this organisation already has an agency record)', 'DUPLICATE');
  }
}

export const agencyRegister: RegisterDef = {
  register: 'agency',
  basePath: '/api/agencies',
  tag: 'registers',
  label: '代理机构 (agency)',
  model: (s) => registryModels(s).Agency,
  itemSchema,
  createSchema,
  updateSchema,
  filters: z.object({ status: z.enum(STATUSES).optional() }),
  filterWhere: (q) => (q.status ? { status: q.status } : null),
  access: { read: ROLES, create: REGISTER_KEEPERS, update: [...REGISTER_KEEPERS, 'agency'], import: REGISTER_KEEPERS, export: [...REGISTER_KEEPERS, 'auditor'] },
  accessNote: '所有登录用户可查看名录；从业人员名单仅财政部门、审计、流程管理员和本机构可见；财政部门维护，代理机构可修改本机构联系方式和从业人员。',
  searchColumns: () => ['name', 'credit_code', 'address'],
  order: [['name', 'ASC'], ['id', 'ASC']],
  scope: () => null,
  canRead: () => true,
  canUpdate: (user, row) => has(user, REGISTER_KEEPERS) || (user.roles.includes('agency') && isOwn(user, row)),
  async enrich(rows, db) {
    const ids = [...new Set(rows.flatMap((r) => r.staffUserIds as number[]))];
    if (!ids.length) return;
    const { User } = defineAuthModels(db.sequelize);
    const users = await User.findAll({ where: { id: { [Op.in]: ids } } });
    for (const r of rows) {
      r.staff = (r.staffUserIds as number[]).map((id) => {
        const u = users.find((x) => x.id === id);
        return { id, username: u?.username ?? null, displayName: u?.displayName ?? null };
      });
    }
  },
  present(row, user) {
    const visible = staffVisible(user, row);
    return {
      id: row.id, creditCode: row.creditCode, name: row.name, contactName: row.contactName, contactPhone: row.contactPhone,
      address: row.address, staffVisible: visible,
      staff: visible ? ((row.staff as unknown[]) ?? (row.staffUserIds as number[]).map((id) => ({ id, username: null, displayName: null }))) : null,
      status: row.status, organisationId: row.organisationId ?? null, version: row.version, updatedAt: iso(row.updatedAt), updatedBy: row.updatedBy,
    };
  },
  async prepareCreate(ctx, input: z.output<typeof createSchema>) {
    await checkStaff(ctx, input.staffUserIds);
    if (input.organisationId) await checkOrganisationLink(ctx.tx, input.organisationId, 'agency', input.creditCode);
    await assertUnique(ctx, input);
    return { ...input, organisationId: input.organisationId ?? null };
  },
  async prepareUpdate(ctx, row, patch: Partial<z.output<typeof createSchema>>) {
    if (!has(ctx.user, REGISTER_KEEPERS)) {
      const locked = (['creditCode', 'status', 'organisationId', 'name'] as const).filter((k) => patch[k] !== undefined && patch[k] !== row[k]);
      if (locked.length) throw forbidden(`代理机构不能修改：${locked.join('、')} (agencies cannot change these fields)`);
    }
    if (patch.staffUserIds) await checkStaff(ctx, patch.staffUserIds);
    const organisationId = patch.organisationId === undefined ? (row.organisationId as number | null) : patch.organisationId;
    if (organisationId && (patch.organisationId !== undefined || patch.creditCode !== undefined)) {
      await checkOrganisationLink(ctx.tx, organisationId, 'agency', patch.creditCode ?? (row.creditCode as string));
    }
    await assertUnique(ctx, patch, row.id as number);
    return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  },
  naturalKey: (v) => ({ creditCode: v.creditCode }),
  csv: {
    filename: 'agencies',
    columns: [
      { key: 'creditCode', label: '统一社会信用代码', required: true, get: (r) => r.creditCode as string },
      { key: 'name', label: '机构名称', required: true, get: (r) => r.name as string },
      { key: 'contactName', label: '联系人', required: true, get: (r) => r.contactName as string },
      { key: 'contactPhone', label: '联系电话', required: true, get: (r) => r.contactPhone as string },
      { key: 'address', label: '地址', required: true, get: (r) => r.address as string },
      { key: 'staffUserIds', label: '从业人员账号ID', get: (r) => ((r.staff as { id: number }[] | null) ?? []).map((s) => s.id).join(';') },
      { key: 'status', label: '状态', get: (r) => r.status as string },
    ],
    fromRow: (v) => ({
      creditCode: v.creditCode ?? '', name: v.name ?? '', contactName: v.contactName ?? '', contactPhone: v.contactPhone ?? '',
      address: v.address ?? '', staffUserIds: list(v.staffUserIds).map((s) => (/^\d+$/.test(s) ? Number(s) : s)), status: cell(v.status),
    }),
  },
};

/** The agencies a user may act for (active records listing the user as staff). */
export async function agenciesOfUser(sequelize: Sequelize, userId: number, tx?: Transaction): Promise<{ id: number; name: string; creditCode: string }[]> {
  const rows = await registryModels(sequelize).Agency.findAll({ where: { status: 'active' }, transaction: tx });
  return rows
    .filter((r) => (r.get('staffUserIds') as number[]).includes(userId))
    .map((r) => ({ id: r.get('id') as number, name: r.get('name') as string, creditCode: r.get('creditCode') as string }));
}
