// The layers ARCHITECTURE.md ("Start and shutdown") describes, read from the source: routes → services →
// stores, every service built once in the composition root, config the only reader of the environment,
// the registry's tables behind its gateway.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve('src');

function sourceFiles(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const files = sourceFiles().map((file) => ({ name: path.relative(SRC, file).split(path.sep).join('/'), text: fs.readFileSync(file, 'utf8') }));
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
const where = (predicate: (f: { name: string; text: string }) => boolean) => files.filter(predicate).map((f) => f.name);

describe('layers', () => {
  it('reads the source it checks', () => {
    expect(files.filter((f) => f.name.endsWith('.routes.ts')).length).toBeGreaterThan(10);
    expect(files.some((f) => f.name === 'server.ts')).toBe(true);
  });

  it('no route plugin builds a service or imports a store: the composition root hands it its services', () => {
    expect(where((f) => f.name.endsWith('.routes.ts') && /new [A-Z]\w*(Service|Blocks|Attempts|Locks)\(/.test(code(f.text)))).toEqual([]);
    expect(where((f) => f.name.endsWith('.routes.ts') && /from '[^']*\.store\.js'/.test(f.text))).toEqual([]);
  });

  it('services are built in server.ts only (the CLIs are their own composition roots)', () => {
    const services = /new (RegistrationService|VideoCheckService|StepUpService|ModerationService|StaffService|AssistantService|SessionService|SigninService|PasskeyService|DigitalIdBlocks|ProfileService|PhoneChangeService|GrantService|InteractionService|OtpService|IinAttempts|VideoCheckLocks)\(/;
    expect(where((f) => f.name !== 'server.ts' && !f.name.startsWith('cli/') && services.test(code(f.text)))).toEqual([]);
  });

  it('only config.ts reads process.env (and the demo relying party, a program of its own, its DEMO_* settings)', () => {
    expect(where((f) => /process\.env/.test(code(f.text)))).toEqual(['cli/demo-rp.ts', 'platform/config.ts']);
  });

  it("only the registry's own files import its store (the rest use RegistryGateway)", () => {
    expect(where((f) => /from '[^']*registry\/registry\.store\.js'|from '\.\/registry\.store\.js'/.test(f.text) && !f.name.startsWith('registry/') && !f.name.startsWith('cli/'))).toEqual([]);
  });
});
