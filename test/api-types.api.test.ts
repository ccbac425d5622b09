// The API contract as the web app sees it: one error schema for every error response, and the web's
// generated types (web/src/api-types.ts) equal to what the server's OpenAPI document says today.
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_TYPES_FILE, renderApiTypes, type OpenApiDocument } from '../scripts/api-types.js';
import { useTestServer } from './support/use-test-server.js';

let doc: OpenApiDocument;

const server = useTestServer();
beforeAll(async () => {
  doc = server.app.swagger() as unknown as OpenApiDocument;
});

describe('API contract', () => {
  it('answers every error status of every API route with the one ErrorBody schema', () => {
    const offenders: string[] = [];
    for (const [route, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const statuses = Object.keys(op.responses ?? {});
        expect(statuses, `${method} ${route}`).toEqual(expect.arrayContaining(['4XX', '5XX']));
        for (const status of statuses.filter((s) => /^[45]/.test(s))) {
          const schema = op.responses![status].content?.['application/json']?.schema;
          if (schema?.$ref !== '#/components/schemas/ErrorBody') offenders.push(`${method.toUpperCase()} ${route} ${status}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('lists every error code of the catalogue in the ErrorBody schema', async () => {
    const { errorCatalogue } = await import('../src/platform/errors/catalogue.js');
    const code = (doc.components!.schemas!.ErrorBody.properties!.error.properties!.code.enum ?? []) as string[];
    expect([...code].sort()).toEqual(Object.keys(errorCatalogue).sort());
  });

  it('has web/src/api-types.ts up to date with the OpenAPI document (else run npm run api:types)', () => {
    expect(fs.readFileSync(API_TYPES_FILE, 'utf8')).toBe(renderApiTypes(doc));
  });
});
