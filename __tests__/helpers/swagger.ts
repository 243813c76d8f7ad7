/**
 * JSON Schema validation against the official swagger (azure-rest-api-specs, mfe.json 2024-10-01).
 * Swagger 2.0 polymorphism (`discriminator` + `x-ms-discriminator-value` + `allOf`) has no JSON
 * Schema twin, so each polymorphic base becomes a dispatcher that picks the subtype by its
 * discriminator value; unknown properties are refused (`unevaluatedProperties: false`), so a
 * misspelt or invented field fails validation.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { repoRoot } from '../harness/index.js';

export const sharedFixtures = join(repoRoot, '..', 'shared', 'fixtures');
export const specsDir = join(sharedFixtures, 'azure-rest-api-specs');
const swaggerDir = join(specsDir, 'swagger', 'machinelearningservices', 'resource-manager', 'Microsoft.MachineLearningServices', 'stable', '2024-10-01');
const commonTypes = join(specsDir, 'swagger', 'common-types', 'resource-management', 'v3', 'types.json');

export const haveSharedFixtures = existsSync(join(swaggerDir, 'mfe.json'));

type Schema = Record<string, unknown>;

function convert(defs: Record<string, Schema>, external: Record<string, Schema>): Record<string, Schema> {
  // subtype lists per polymorphic base
  const subtypes: Record<string, Array<{ value: string; name: string }>> = {};
  for (const [name, d] of Object.entries(defs)) {
    const value = d['x-ms-discriminator-value'] as string | undefined;
    for (const a of (d.allOf as Schema[] | undefined) ?? []) {
      const ref = a.$ref as string | undefined;
      if (!ref?.startsWith('#/definitions/')) continue;
      const base = ref.slice('#/definitions/'.length);
      if (defs[base]?.discriminator) (subtypes[base] ??= []).push({ value: value ?? name, name });
    }
  }
  const rewrite = (node: unknown, inAllOf: boolean): unknown => {
    if (Array.isArray(node)) return node.map((n) => rewrite(n, inAllOf));
    if (typeof node !== 'object' || node === null) return node;
    const out: Schema = {};
    for (const [k, v] of Object.entries(node as Schema)) {
      if (k === '$ref' && typeof v === 'string') {
        if (v.startsWith('#/definitions/')) {
          const name = v.slice('#/definitions/'.length);
          out.$ref = defs[name]?.discriminator && !inAllOf ? `#/$defs/${name}__poly` : `#/$defs/${name}`;
          // swagger's additionalProperties:false means "no field outside this type and its bases"
          if (!inAllOf && defs[name]?.additionalProperties === false) out.unevaluatedProperties = false;
        } else if (v.includes('common-types') && external[v.split('#/definitions/')[1]] !== undefined) {
          out.$ref = `#/$defs/common_${v.split('#/definitions/')[1]}`;
        } else {
          out.$ref = '#/$defs/__any';
        }
      } else if (k === 'allOf') {
        out.allOf = rewrite(v, true);
      } else if (k.startsWith('x-') || k === 'discriminator' || k === 'example' || k === 'readOnly' || (k === 'additionalProperties' && v === false)) {
        continue;
      } else if (k === 'properties') {
        const props: Schema = {};
        for (const [pk, pv] of Object.entries(v as Schema)) props[pk] = rewrite(pv, false);
        out.properties = props;
      } else {
        out[k] = rewrite(v, false);
      }
    }
    if (out.type === 'object' && (node as Schema)['x-nullable'] === true) out.type = ['object', 'null'];
    if (typeof out.type === 'string' && (node as Schema)['x-nullable'] === true) out.type = [out.type, 'null'];
    return out;
  };
  const result: Record<string, Schema> = { __any: {} };
  for (const [name, d] of Object.entries(defs)) {
    result[name] = rewrite(d, false) as Schema;
    const subs = subtypes[name];
    if (d.discriminator && subs) {
      const field = d.discriminator as string;
      result[`${name}__poly`] = {
        type: 'object',
        required: [field],
        properties: { [field]: { enum: subs.map((s) => s.value) } },
        allOf: subs.map((s) => ({ if: { properties: { [field]: { const: s.value } }, required: [field] }, then: { $ref: `#/$defs/${s.name}` } })),
        unevaluatedProperties: false,
      };
    } else if (d.discriminator) {
      result[`${name}__poly`] = { $ref: `#/$defs/${name}` };
    }
  }
  for (const [name, d] of Object.entries(external)) result[`common_${name}`] = rewrite(d, false) as Schema;
  return result;
}

let ajvDefs: Record<string, Schema> | undefined;

function loadDefs(): Record<string, Schema> {
  if (!ajvDefs) {
    const mfe = JSON.parse(readFileSync(join(swaggerDir, 'mfe.json'), 'utf8')) as { definitions: Record<string, Schema> };
    const common = JSON.parse(readFileSync(commonTypes, 'utf8')) as { definitions: Record<string, Schema> };
    ajvDefs = convert(mfe.definitions, common.definitions);
  }
  return ajvDefs;
}

const cache = new Map<string, ValidateFunction>();

/**
 * A validator for `definition` (e.g. `JobBaseResource`, with `properties` of the concrete job type
 * given as `properties`: `CommandJob`). Unknown properties anywhere under it are refused.
 */
export function validatorFor(definition: string, propertiesDefinition?: string): ValidateFunction {
  const key = `${definition}/${propertiesDefinition ?? ''}`;
  let v = cache.get(key);
  if (!v) {
    const defs = loadDefs();
    const root: Schema = propertiesDefinition
      ? {
          type: 'object',
          properties: { properties: { $ref: `#/$defs/${propertiesDefinition}`, unevaluatedProperties: false } },
          required: ['properties'],
          additionalProperties: false,
        }
      : { $ref: `#/$defs/${definition}` };
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const compiled = ajv.compile({ ...root, $defs: defs });
    cache.set(key, compiled);
    return compiled;
  }
  return v;
}

export function describeErrors(v: ValidateFunction): string {
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`).join('\n');
}
