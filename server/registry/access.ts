/**
 * Who reads and writes the registers, in one place (the routes and the tests use these lists).
 * STAFF are the roles of public bodies and the agency; suppliers and experts are outside parties who see only
 * what concerns them.
 */
import type { Role } from '../auth/roles.ts';
import type { AuthUser } from '../auth/types.ts';

export const STAFF: readonly Role[] = ['purchaser', 'dept_approver', 'finance_section', 'supervisor', 'city_finance', 'agency', 'process_admin', 'auditor'];
/** The finance bureau keeps the registers (财政部门 maintains supplier, agency, goods and credit data). */
export const REGISTER_KEEPERS: readonly Role[] = ['finance_section', 'supervisor'];
/** Expert identities: only the supervisor (who manages the pool) and agencies (who draw panels). */
export const EXPERT_IDENTITY: readonly Role[] = ['supervisor', 'agency'];
/** Expert pool without identities (statistics, audit). */
export const EXPERT_MASKED: readonly Role[] = ['finance_section', 'city_finance', 'auditor'];

export const isStaff = (u: AuthUser) => u.roles.some((r) => STAFF.includes(r));
export const has = (u: AuthUser, roles: readonly Role[]) => u.roles.some((r) => roles.includes(r));
/** A caller acting only as a supplier (no staff role): limited to its own organisation's records. */
export const onlySupplier = (u: AuthUser) => u.roles.includes('supplier') && !isStaff(u);
export const ownOrgId = (u: AuthUser) => u.organisation?.id ?? -1;
