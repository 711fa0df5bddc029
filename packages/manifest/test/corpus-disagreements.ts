/**
 * The one table of files where our URL set differs from the corpus oracle's, each with its reason (see the oracle's
 * known limits in ../shared/corpus/README.md). A file listed here must still differ, or the corpus test fails.
 */
export const CORPUS_DISAGREEMENTS: Readonly<Record<string, string>> = {};
