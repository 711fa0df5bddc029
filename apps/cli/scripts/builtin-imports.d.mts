/** See builtin-imports.mjs. */
export declare function readBuiltinsDirectly(code: string): string;
