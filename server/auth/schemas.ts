/** Request and response schemas of the auth routes. */
import { z } from 'zod';
import { ORGANISATION_KINDS, ROLES } from './roles.ts';

export const loginBody = z
  .object({
    username: z.string().trim().min(1, '请输入用户名 (user name required)').max(64),
    password: z.string().min(1, '请输入密码 (password required)').max(1024),
  })
  .strict();

export const organisationSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(ORGANISATION_KINDS),
});

export const userSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLES)),
  organisation: organisationSchema.nullable(),
});

export const loginResponse = z.object({ token: z.string(), expiresIn: z.string(), user: userSchema });
export const meResponse = z.object({ user: userSchema, roleLabels: z.record(z.string(), z.string()) });
