// asl-validator 4 ships no type declarations for its entry point.
declare module "asl-validator" {
  export default function validator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): { isValid: boolean; errors: unknown[]; errorsText: (separator?: string) => string };
}
