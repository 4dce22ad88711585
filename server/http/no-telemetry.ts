/** Imported before swagger-ui-express: switch off Scarf telemetry (ESM evaluates imports in order). */
process.env.SCARF_ANALYTICS = 'false';
export {};
