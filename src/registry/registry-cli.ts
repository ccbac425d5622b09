// What the registry tools print: summaries and problems, never a full IIN or phone.
import type { Config } from '../platform/config.js';
import type { RowProblem } from './registry.rules.js';
import type { ImportSummary } from './registry-import.service.js';

/** The registry tools write the embedded tables; say so when the server would not read them. */
export function warnIfRegistryIsRemote(config: Config): void {
  if (config.registry.provider === 'http') {
    console.warn('Note: REGISTRY_PROVIDER=http, so the server reads the registry at REGISTRY_URL, not these tables.');
  }
}

export function formatProblems(problems: RowProblem[], limit = 200): string {
  const lines = problems.slice(0, limit).map((p) => `  ${p.line > 0 ? `line ${p.line}` : 'file'}${p.field ? `, ${p.field}` : ''}: ${p.reason}`);
  if (problems.length > limit) lines.push(`  … and ${problems.length - limit} more`);
  return lines.join('\n');
}

export function formatSummary(s: ImportSummary): string {
  return [
    `persons: ${s.persons.created} imported, ${s.persons.updated} updated`,
    `BMG bindings: ${s.bindings.created} imported, ${s.bindings.updated} moved to another IIN, ${s.bindings.unchanged} unchanged`,
    `photos stored: ${s.photos}; face descriptors stored: ${s.descriptors}`,
  ].join('\n');
}
