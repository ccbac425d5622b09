import { describe, expect, it } from 'vitest';
import type { Db } from '../platform/db/database.js';
import { loadConfig } from '../platform/config.js';
import { createRegistryGateway } from './registry.factory.js';

// The embedded gateway only touches the database when asked something, so none is needed here.
const noDb = {} as Db;

describe('createRegistryGateway', () => {
  it('chooses the embedded registry by default', () => {
    expect(createRegistryGateway(loadConfig({ NODE_ENV: 'test' }), noDb).kind).toBe('embedded');
  });

  it('chooses the http registry when REGISTRY_URL is set', () => {
    expect(createRegistryGateway(loadConfig({ NODE_ENV: 'test', REGISTRY_URL: 'http://127.0.0.1:4100' }), noDb).kind).toBe('http');
  });

  it('keeps the embedded registry when REGISTRY_PROVIDER=embedded says so despite a URL', () => {
    expect(createRegistryGateway(loadConfig({ NODE_ENV: 'test', REGISTRY_PROVIDER: 'embedded', REGISTRY_URL: 'http://127.0.0.1:4100' }), noDb).kind).toBe('embedded');
  });
});
