/**
 * bpmn-js set up for Camunda 8: the Modeler with the Zeebe properties panel and Camunda-cloud behaviours, the
 * read-only NavigatedViewer for diffs, zh-CN labels (bpmn-js-i18n-zh plus our own entries for Zeebe panel strings it
 * lacks), and the markers/overlays that show lint problems and diff results on diagram elements.
 */
import Modeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ZeebePropertiesProviderModule } from 'bpmn-js-properties-panel';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import zhBpmn from 'bpmn-js-i18n-zh/lib/bpmn-js';
import zhPanel from 'bpmn-js-i18n-zh/lib/properties-panel';
import zhZeebe from 'bpmn-js-i18n-zh/lib/zeebe-properties-panel';
import zhCamunda from 'bpmn-js-i18n-zh/lib/camunda-properties-panel';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';
import i18next from 'i18next';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import './modeler.css';

/** Zeebe panel strings that bpmn-js-i18n-zh does not translate (checked against bpmn-js-properties-panel 5.x). */
const ZEEBE_PANEL_ZH: Record<string, string> = {
  General: '常规',
  Name: '名称',
  ID: '标识 (ID)',
  Documentation: '文档',
  'Element documentation': '元素文档',
  'Process documentation': '流程文档',
  'Version tag': '版本标签',
  Executable: '可执行',
  'Task definition': '任务定义',
  'Job type': '任务类型',
  Retries: '重试次数',
  Assignment: '分配',
  Assignee: '处理人',
  'Candidate groups': '候选组（系统角色）',
  'Candidate users': '候选用户',
  Form: '表单',
  'Form ID': '表单 ID',
  'Form type': '表单类型',
  'Linked Camunda Form': '链接的 Camunda 表单',
  'Embedded Camunda Form': '嵌入的 Camunda 表单',
  'Custom form key': '自定义表单 key',
  'Camunda Form (linked)': 'Camunda 表单（链接）',
  'Camunda Form (embedded)': 'Camunda 表单（嵌入）',
  'Custom form': '自定义表单',
  'External reference': '外部引用',
  Inputs: '输入映射',
  Outputs: '输出映射',
  'Input mapping': '输入映射',
  'Output mapping': '输出映射',
  'Local variable name': '本地变量名',
  'Process variable name': '流程变量名',
  'Variable assignment value': '变量赋值',
  Headers: '任务头',
  Header: '任务头',
  Key: '键',
  Value: '值',
  Condition: '条件',
  'Condition expression': '条件表达式',
  Timer: '定时器',
  'Timer type': '定时器类型',
  Date: '日期',
  Duration: '持续时间',
  Cycle: '周期',
  Message: '消息',
  'Global message reference': '全局消息引用',
  'Subscription correlation key': '订阅关联键',
  'Correlation key': '关联键',
  'Multi-instance': '多实例',
  'Input collection': '输入集合',
  'Input element': '输入元素',
  'Output collection': '输出集合',
  'Output element': '输出元素',
  'Completion condition': '完成条件',
  'Extension properties': '扩展属性',
  'Execution listeners': '执行监听器',
  'Task listeners': '任务监听器',
  'Task schedule': '任务期限',
  'Due date': '到期日',
  'Follow up date': '跟进日',
  Priority: '优先级',
  'Job priority': '作业优先级',
  Implementation: '实现方式',
  'Job worker': '作业处理程序 (job worker)',
  'Error': '错误',
  'Global error reference': '全局错误引用',
  Code: '代码',
  Escalation: '升级',
  Signal: '信号',
  'Called element': '被调用元素',
  'Process ID': '流程标识',
  'Start form': '开始表单',
  'Create new ...': '新建…',
  '<none>': '<无>',
  'Add': '添加',
  'Delete': '删除',
  'Open minimap': '打开小地图',
  'Close minimap': '关闭小地图',
  'Properties panel': '属性面板',
  'Outputs propagation': '输出传播',
  'Propagate all variables': '传播全部变量',
  'User task implementation': '用户任务实现',
  'Zeebe user task': 'Camunda 用户任务',
};

const ZH: Record<string, string> = { ...zhBpmn, ...zhPanel, ...zhCamunda, ...zhZeebe, ...ZEEBE_PANEL_ZH };

function customTranslate(template: string, replacements: Record<string, string> = {}): string {
  const text = i18next.language === 'en' ? template : (ZH[template] ?? template);
  return text.replace(/{([^}]+)}/g, (_, key: string) => replacements[key] ?? `{${key}}`);
}

const TranslateModule = { translate: ['value', customTranslate] };

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Diagram = { get<T = any>(name: string): T; importXML(xml: string): Promise<{ warnings: unknown[] }>; saveXML(opts?: { format?: boolean }): Promise<{ xml?: string }>; destroy(): void; on(event: string, fn: (...a: any[]) => void): void };

export function createModeler(container: HTMLElement, panel: HTMLElement): Diagram {
  return new Modeler({
    container,
    propertiesPanel: { parent: panel },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ZeebePropertiesProviderModule, ZeebeBehaviorsModule, TranslateModule],
    moddleExtensions: { zeebe: zeebeModdle },
  } as any) as unknown as Diagram;
}

export function createViewer(container: HTMLElement): Diagram {
  return new NavigatedViewer({ container, additionalModules: [TranslateModule], moddleExtensions: { zeebe: zeebeModdle } } as any) as unknown as Diagram;
}

/** A blank Camunda 8 process: one start event, executable, targeting Zeebe 8.8 like the shipped models. */
export function newProcessXml(): string {
  const suffix = Math.random().toString(36).slice(2, 8);
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_${suffix}" targetNamespace="http://fucheng.gov.cn/eprocurement" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
  <bpmn:process id="Process_${suffix}" name="新流程" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" name="开始" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_${suffix}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

export interface LintProblem {
  elementId: string | null;
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  messageEn: string;
}

/** Replaces the lint markers and badges on the diagram with those of `problems`. */
export function showLint(diagram: Diagram, problems: LintProblem[]): void {
  const overlays = diagram.get('overlays');
  const canvas = diagram.get('canvas');
  const registry = diagram.get('elementRegistry');
  overlays.remove({ type: 'lint' });
  for (const el of registry.getAll()) {
    canvas.removeMarker(el.id, 'lint-error');
    canvas.removeMarker(el.id, 'lint-warning');
  }
  const byElement = new Map<string, LintProblem[]>();
  for (const p of problems) if (p.elementId && registry.get(p.elementId)) byElement.set(p.elementId, [...(byElement.get(p.elementId) ?? []), p]);
  for (const [id, list] of byElement) {
    const errors = list.filter((p) => p.severity === 'error').length;
    canvas.addMarker(id, errors ? 'lint-error' : 'lint-warning');
    const badge = document.createElement('div');
    badge.className = `lint-badge ${errors ? 'error' : 'warning'}`;
    badge.dataset.testid = `lint-badge-${id}`;
    badge.textContent = String(list.length);
    badge.title = list.map((p) => (i18next.language === 'en' ? p.messageEn : p.message)).join('\n');
    overlays.add(id, 'lint', { position: { top: -10, right: 10 }, html: badge });
  }
}

/** Colours elements of a diff: added (green), removed (red), changed (orange). */
export function markDiff(diagram: Diagram, ids: string[], kind: 'added' | 'removed' | 'changed'): void {
  const canvas = diagram.get('canvas');
  const registry = diagram.get('elementRegistry');
  for (const id of ids) if (registry.get(id)) canvas.addMarker(id, `diff-${kind}`);
}
