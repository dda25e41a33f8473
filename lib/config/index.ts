// The one place configuration is read, checked and typed: the public API of lib/config/.
// model.ts (types), names.ts (fixed names), schema.ts (keys), reader.ts (coercion and problems),
// network/clusters/workloads/egress/fqdn/check.ts (validators by domain), parse.ts (parseLabConfig).
export * from "./model";
export { CLIENT_ROLE_LABEL, DEMO_NAMESPACE, EXPIRY_TAG, GATEWAY_NODE_LABEL, GATEWAY_POOL_NAME, RESERVED_LABEL_PREFIX } from "./names";
export { CONFIG_SCHEMA, ConfigKeySpec, ConfigType, schemaDefaults } from "./schema";
export { ConfigError, ConfigProblem, projectConfig, RawConfig } from "./reader";
export { FORBIDDEN_RANGES } from "./network";
export { expiresAtProblem } from "./check";
export { parseLabConfig, ParseOptions } from "./parse";
export { clientPodLabels } from "./workloads";
