export { createNodes, createNodesV2 } from './src/plugins/plugin';
export type { OmPluginOptions } from './src/plugins/targets';
