import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROLES } from '../../server/auth/roles.ts';
import { lintModel, type LintContext } from '../../server/modeler/lint.ts';
import { templateIdsIn } from '../../server/modeler/service.ts';
import { fileURLToPath } from 'node:url';

const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

const BASE = fs.readFileSync(path.join(fixturesDir, 'api-approval.bpmn'), 'utf8');
const ctx = (over: Partial<LintContext> = {}): LintContext => ({
  taskTypes: () => ['generate-document'],
  formExists: (id) => id === 'api-approval',
  templateIds: () => ['tender-announcement'],
  roles: ROLES,
  ...over,
});
const withService = (headers: string) =>
  BASE.replace('<bpmn:endEvent id="end"', `<bpmn:serviceTask id="doc" name="生成公告"><bpmn:extensionElements><zeebe:taskDefinition type="generate-document" />${headers}</bpmn:extensionElements></bpmn:serviceTask><bpmn:endEvent id="end"`);

describe('modeller lint', () => {
  it('passes the fixture model', async () => {
    const r = await lintModel(BASE, ctx());
    expect(r.errorCount).to.equal(0);
  });

  it('checks the template id of generate-document tasks', async () => {
    const ok = await lintModel(withService('<zeebe:taskHeaders><zeebe:header key="templateId" value="tender-announcement" /></zeebe:taskHeaders>'), ctx());
    expect(ok.problems.filter((p) => p.rule === 'app/template-exists')).to.deep.equal([]);
    const missing = await lintModel(withService('<zeebe:taskHeaders><zeebe:header key="templateId" value="no-such" /></zeebe:taskHeaders>'), ctx());
    expect(missing.problems.find((p) => p.rule === 'app/template-exists')).to.include({ elementId: 'doc', severity: 'error' });
    const none = await lintModel(withService(''), ctx());
    expect(none.problems.find((p) => p.rule === 'app/template-exists')!.message).to.contain('缺少任务头 templateId');
  });

  it('refuses a task type without a worker', async () => {
    const r = await lintModel(withService(''), ctx({ taskTypes: () => [] }));
    expect(r.problems.find((p) => p.rule === 'app/worker-registered')).to.include({ elementId: 'doc', severity: 'error' });
  });

  it('checks candidate groups, also the string literals of a FEEL list, and warns about dynamic ones', async () => {
    const feel = await lintModel(BASE.replace('candidateGroups="finance_section"', 'candidateGroups="=[&#34;finance_section&#34;, &#34;chief&#34;]"'), ctx());
    const group = feel.problems.filter((p) => p.rule === 'app/candidate-group-role');
    expect(group).to.have.length(1);
    expect(group[0]).to.include({ severity: 'error', elementId: 'finance_review' });
    expect(group[0].messageEn).to.contain('chief');
    const dynamic = await lintModel(BASE.replace('candidateGroups="finance_section"', 'candidateGroups="=reviewGroup"'), ctx());
    expect(dynamic.problems.find((p) => p.rule === 'app/candidate-group-role')).to.include({ severity: 'warning' });
    expect(dynamic.errorCount).to.equal(0);
  });

  it('reports Camunda 8 rules with a Chinese message and the element', async () => {
    const r = await lintModel(withService('').replace('<zeebe:taskDefinition type="generate-document" />', ''), ctx());
    const impl = r.problems.find((p) => p.rule === 'camunda-compat/implementation');
    expect(impl).to.include({ elementId: 'doc', severity: 'error' });
    expect(impl!.message).to.contain('缺少必需的扩展元素 zeebe:TaskDefinition');
    const feel = await lintModel(BASE.replace('=dueDate', '=due('), ctx());
    expect(feel.problems.find((p) => p.rule === 'camunda-compat/feel')!.message).to.contain('不是有效的 FEEL 表达式');
  });

  it('includes the engine checks, on the element they name', async () => {
    const r = await lintModel(BASE, ctx({ validateModel: async () => [{ path: 'finance_review (财政采购股审核).input[0]', reason: 'mapping without target' }] }));
    expect(r.problems).to.deep.include({ elementId: 'finance_review', rule: 'engine/deploy-check', severity: 'error', message: '流程引擎无法运行：mapping without target', messageEn: 'the engine cannot run this: finance_review (财政采购股审核).input[0]: mapping without target' });
  });

  it('a new Linter per lint: linting twice gives the same result', async () => {
    const a = await lintModel(BASE, ctx());
    const b = await lintModel(BASE, ctx());
    expect(b).to.deep.equal(a);
  });

  it('reads template ids with the documents naming rule NN-<id>.hbs', () => {
    const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'tpl-'));
    for (const f of ['01-tender-announcement.hbs', '02-award-notice.hbs', 'README.md', '03-award-notice.schema.json']) fs.writeFileSync(path.join(dir, f), '');
    expect(templateIdsIn(dir).sort()).to.deep.equal(['award-notice', 'tender-announcement']);
    expect(templateIdsIn(path.join(dir, 'missing'))).to.deep.equal([]);
  });
});
