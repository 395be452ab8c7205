/** Small writers shared by the signalisation version adapters (requests are read with src/xml/element-tree.ts). */
export const iso = (d: Date): string => d.toISOString();
