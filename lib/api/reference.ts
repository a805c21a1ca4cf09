/*
 * Reading the OpenAPI document's schemas as people read them, for the reference page /docs/api: a field's type in a
 * few words ("string", "integer", "one of DANA, OVO", "Payout or null", "array of Payout"), and an object's fields.
 */

export type JsonSchema = { [key: string]: unknown };

const refName = (ref: string) => ref.split("/").pop() ?? ref;

function resolve(schema: JsonSchema, schemas: Record<string, JsonSchema>): { name: string | null; schema: JsonSchema } {
  if (typeof schema.$ref === "string") {
    const name = refName(schema.$ref);
    return { name, schema: schemas[name] ?? {} };
  }
  return { name: null, schema };
}

/** A schema's type in words. */
export function describeSchema(schema: JsonSchema, schemas: Record<string, JsonSchema>): string {
  if (typeof schema.$ref === "string") return refName(schema.$ref);
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(variants)) return variants.map((variant) => describeSchema(variant, schemas)).join(" or ");
  if (Array.isArray(schema.enum)) return `one of ${(schema.enum as unknown[]).map(String).join(", ")}`;
  if ("const" in schema) return JSON.stringify(schema.const);
  if (schema.type === "array") return `array of ${describeSchema((schema.items as JsonSchema | undefined) ?? {}, schemas)}`;
  if (Array.isArray(schema.type)) return (schema.type as string[]).join(" or ");
  if (typeof schema.type === "string") return schema.format ? `${schema.type} (${String(schema.format)})` : schema.type;
  return "any";
}

export type Field = { name: string; type: string; required: boolean; description: string };

/** An object schema's fields (following one $ref), with the schema's name when it has one. */
export function fieldsOf(schema: JsonSchema, schemas: Record<string, JsonSchema>): { name: string | null; fields: Field[] } {
  const { name, schema: target } = resolve(schema, schemas);
  const properties = (target.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((target.required ?? []) as string[]);
  return {
    name,
    fields: Object.entries(properties).map(([field, property]) => ({
      name: field,
      type: describeSchema(property, schemas),
      required: required.has(field),
      description: typeof property.description === "string" ? property.description : "",
    })),
  };
}
