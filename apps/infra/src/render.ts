/**
 * JSON text with some values replaced by raw Terraform expressions. A JSON document passed to Terraform as a
 * string can hold `${…}` references inside string values only; a number (the Map's MaxConcurrency) or a list
 * (the secrets a policy names) from a variable must appear unquoted. Placeholders make that explicit and the tests
 * check that no placeholder survives.
 */

import type { DeployTimeValue } from "@vod-harvest/workflow";

const PLACEHOLDER = /"@@tf:([a-z_]+)@@"/g;

/** A value to put where a raw expression belongs; `expressions[name]` supplies the expression. */
export function rawExpression(name: string): DeployTimeValue {
  return `@@tf:${name}@@`;
}

export function renderJson(value: unknown, expressions: Readonly<Record<string, string>>): string {
  return JSON.stringify(value).replace(PLACEHOLDER, (_match, name: string) => {
    const expression = expressions[name];
    if (expression === undefined)
      throw new RangeError(`no Terraform expression given for placeholder ${name}`);
    return expression;
  });
}
