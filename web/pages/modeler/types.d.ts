// Libraries of the modeller without TypeScript declarations; used through bpmn-js's service container.
declare module 'bpmn-js-properties-panel' {
  export const BpmnPropertiesPanelModule: unknown;
  export const BpmnPropertiesProviderModule: unknown;
  export const ZeebePropertiesProviderModule: unknown;
  export const ZeebeTooltipProvider: unknown;
}
declare module 'camunda-bpmn-js-behaviors/lib/camunda-cloud' {
  const module: unknown;
  export default module;
}
declare module 'bpmn-js-i18n-zh/lib/bpmn-js' {
  const strings: Record<string, string>;
  export default strings;
}
declare module 'bpmn-js-i18n-zh/lib/properties-panel' {
  const strings: Record<string, string>;
  export default strings;
}
declare module 'bpmn-js-i18n-zh/lib/zeebe-properties-panel' {
  const strings: Record<string, string>;
  export default strings;
}
declare module 'bpmn-js-i18n-zh/lib/camunda-properties-panel' {
  const strings: Record<string, string>;
  export default strings;
}
