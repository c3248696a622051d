// A setting is missing or invalid: the service refuses to start and names the variable.
import { readFileSync } from 'node:fs';
export class ConfigError extends Error {}

/** A whole-number setting within bounds; unset or empty gives the fallback. */
export function integerSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

/**
 * A secret given inline (`NAME`) or in a file (`NAME_FILE`, e.g. a mounted secret), not both; the
 * variable it came from names it in later errors. Unset or empty: undefined.
 */
export function secretSetting(env: NodeJS.ProcessEnv, name: string): { text: string; from: string } | undefined {
  const inline = env[name]?.trim() ? env[name] : undefined;
  const file = env[`${name}_FILE`]?.trim() || undefined;
  if (inline && file) throw new ConfigError(`Set either ${name} or ${name}_FILE, not both`);
  if (inline !== undefined) return { text: inline, from: name };
  if (file === undefined) return undefined;
  try {
    return { text: readFileSync(file, 'utf8'), from: `${name}_FILE` };
  } catch (error) {
    throw new ConfigError(`${name}_FILE cannot be read: ${(error as Error).message}`);
  }
}
