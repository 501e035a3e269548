/**
 * PCA lives in lib/eval/pca.ts (`pcaProject`, one implementation for analysis and plots); this
 * file only re-exports it for lib/plot's importers until lib/plot/mod.ts drops the line.
 * @module
 */
export { type PcaOptions, pcaProject, type PcaResult } from "../eval/pca.ts";
