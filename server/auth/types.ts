/** Who is calling: set on `req.user` by requireAuth. */
import type { Role, OrganisationKind } from './roles.ts';

export interface OrganisationRef {
  id: number;
  name: string;
  kind: OrganisationKind;
}

export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  organisation: OrganisationRef | null;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: AuthUser;
      /** The verified token's id and expiry (set by requireAuth; POST /api/auth/logout revokes it). */
      token?: { jti: string | null; expiresAt: Date };
    }
  }
}
