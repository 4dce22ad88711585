/**
 * Demo documents: four of the standard documents of one past project (FCZC-2025-0107, the智慧教室 sample data),
 * made by the demo purchaser and agency, so the 文书 pages have something to show. Idempotent (one source key per
 * seeded document); a 2025 number so it never meets a number the demo will hand out.
 */
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import type { Database } from '../db.ts';
import { defineAuthModels } from '../auth/models.ts';
import { findTemplate } from '../documents/catalogue.ts';
import { createDocumentService } from '../documents/service.ts';

export const DEMO_PROJECT_NUMBER = 'FCZC-2025-0107';

const SEEDED: Array<{ templateId: string; by: string }> = [
  { templateId: 'project-application', by: 'purchaser' },
  { templateId: 'requirements-specification', by: 'purchaser' },
  { templateId: 'tender-notice', by: 'agency' },
  { templateId: 'award-notice', by: 'agency' },
];

export async function seedDocuments(db: Database, clock: Clock = systemClock): Promise<number> {
  const { User } = defineAuthModels(db.sequelize);
  const service = createDocumentService({ db, clock });
  let created = 0;
  for (const { templateId, by } of SEEDED) {
    const user = await User.findOne({ where: { username: by } });
    if (!user) continue;
    const data = structuredClone(findTemplate(templateId)!.sample) as { project: { projectNumber: string } };
    data.project.projectNumber = DEMO_PROJECT_NUMBER;
    const r = await service.generate({
      templateId,
      data,
      actor: by,
      ownerOrgId: user.organisationId,
      projectNumber: DEMO_PROJECT_NUMBER,
      sourceKey: `seed:${templateId}`,
      jobKey: `seed:${templateId}:1`,
    });
    if (r.created) created++;
  }
  return created;
}
