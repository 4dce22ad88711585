/**
 * zh-CN wording for bpmnlint reports. camunda-compat reports carry a machine-readable `data.type` (its ERROR_TYPES)
 * with the property or element involved; bpmnlint's core rules are known by rule name. Anything unknown keeps the
 * English text behind a Chinese prefix, so no report is ever dropped.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Data = Record<string, any> | undefined;

const PROPERTY_ZH: Record<string, string> = {
  type: '任务类型 (type)',
  formId: '表单 (formId)',
  formKey: '表单 (formKey)',
  candidateGroups: '候选组 (candidateGroups)',
  candidateUsers: '候选人 (candidateUsers)',
  assignee: '处理人 (assignee)',
  correlationKey: '关联键 (correlationKey)',
  conditionExpression: '流转条件 (conditionExpression)',
  messageRef: '消息引用 (messageRef)',
  errorRef: '错误引用 (errorRef)',
  errorCode: '错误代码 (errorCode)',
  name: '名称 (name)',
  source: '来源表达式 (source)',
  target: '目标变量 (target)',
  retries: '重试次数 (retries)',
  timeDuration: '持续时间 (timeDuration)',
  timeDate: '日期 (timeDate)',
  timeCycle: '周期 (timeCycle)',
  inputCollection: '输入集合 (inputCollection)',
  processId: '被调用流程 (processId)',
  dueDate: '到期日 (dueDate)',
  followUpDate: '跟进日 (followUpDate)',
  key: '键 (key)',
};

const prop = (p: unknown): string => {
  const list = Array.isArray(p) ? p : [p];
  return list.map((x) => PROPERTY_ZH[String(x)] ?? `<${String(x)}>`).join('、');
};

const CORE_RULES: Record<string, string> = {
  'start-event-required': '流程缺少开始事件',
  'end-event-required': '流程缺少结束事件',
  'no-disconnected': '元素未与流程连接',
  'no-duplicate-sequence-flows': '存在重复的顺序流',
  'label-required': '元素缺少名称（标签）',
  'no-implicit-split': '隐式分支：多个出口流请用网关表示',
  'no-implicit-start': '隐式开始：元素没有入口流',
  'no-implicit-end': '隐式结束：元素没有出口流',
  'fake-join': '伪合并：多个入口流请用网关合并',
  'superfluous-gateway': '多余的网关（只有一个入口和一个出口）',
  'no-gateway-join-fork': '同一网关既合并又分支，请拆成两个网关',
  'single-blank-start-event': '只能有一个空白开始事件',
  'single-event-definition': '事件只能有一个事件定义',
  'no-complex-gateway': '不支持复杂网关',
  'event-sub-process-typed-start-event': '事件子流程的开始事件必须有类型',
  'sub-process-blank-start-event': '子流程必须以空白开始事件开始',
  'conditional-flows': '条件流缺少条件',
};

/** The zh-CN message of one bpmnlint report. */
export function lintMessageZh(rule: string, message: string, data: Data): string {
  const core = CORE_RULES[rule.replace(/^bpmnlint\//, '')];
  if (core) return core;
  switch (data?.type) {
    case 'camunda.extensionElementRequired':
      return `缺少必需的扩展元素 ${[data.requiredExtensionElement].flat().join(' 或 ')}`;
    case 'camunda.extensionElementNotAllowed':
      return `不允许的扩展元素 ${data.extensionElement?.$type ?? ''}`;
    case 'camunda.propertyRequired':
      return `缺少必需的属性 ${prop(data.requiredProperty)}`;
    case 'camunda.propertyDependentRequired':
      return `设置了 ${prop(data.property)} 时必须同时设置 ${prop(data.dependentRequiredProperty)}`;
    case 'camunda.propertyNotAllowed':
      return `不允许的属性 ${prop(data.property)}`;
    case 'camunda.propertyValueNotAllowed':
      return `属性 ${prop(data.property)} 的取值不允许`;
    case 'camunda.propertyValueRequired':
      return `属性 ${prop(data.property)} 必须为 ${String(data.requiredValue)}`;
    case 'camunda.propertyTypeNotAllowed':
      return `属性 ${prop(data.property)} 的类型不允许`;
    case 'camunda.propertyValueDuplicated':
    case 'camunda.elementPropertyValueDuplicated':
      return `属性 ${prop(data.duplicatedProperty)} 的值 "${String(data.duplicatedPropertyValue ?? '')}" 重复`;
    case 'camunda.propertiesValuesDuplicated':
      return '属性取值重复';
    case 'camunda.feelExpressionInvalid':
      return `属性 ${prop(data.property)} 不是有效的 FEEL 表达式`;
    case 'camunda.feelExpressionUnsupportedFunction':
      return `属性 ${prop(data.property)} 使用了不支持的 FEEL 函数`;
    case 'camunda.expressionRequired':
      return `缺少表达式 ${prop(data.property)}`;
    case 'camunda.expressionValueNotAllowed':
      return `表达式 ${prop(data.property)} 的取值不允许`;
    case 'camunda.expressionNotAllowed':
      return `不允许使用表达式 ${prop(data.property)}`;
    case 'camunda.elementTypeNotAllowed':
      return 'Camunda 8 不支持此元素类型';
    case 'camunda.childElementTypeNotAllowed':
      return 'Camunda 8 不支持此子元素类型';
    case 'camunda.childElementOfTypeRequired':
      return '缺少必需的子元素';
    case 'camunda.elementMultipleNotAllowed':
      return '此元素只能有一个';
    case 'camunda.elementCollapsedNotAllowed':
      return '不支持折叠的子流程';
    case 'camunda.eventBasedGatewayTargetNotAllowed':
      return '事件网关的目标必须是中间捕获事件或接收任务';
    case 'camunda.loopNotAllowed':
      return '不允许无等待的循环';
    case 'camunda.attachedToRefElementTypeNotAllowed':
      return '边界事件不能附着在此类元素上';
    case 'camunda.propertyDeprecated':
      return `属性 ${prop(data.property)} 已弃用`;
    default:
      return `Camunda 8 兼容性检查未通过：${message}`;
  }
}
