// A setting is missing or invalid: the service refuses to start and names the variable.
export class ConfigError extends Error {}
