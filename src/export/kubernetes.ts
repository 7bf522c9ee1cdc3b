import type { EngineExport, ExportModel } from './model.js';
export function exportKubernetes(model: ExportModel, options: { image?: string } = {}): EngineExport {
  return { engine: 'kubernetes', files: [], warnings: model.warnings, next: [String(options.image)] };
}
