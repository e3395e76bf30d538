/** The Netdata side of the bridge: a REST client, chart discovery, and sample reduction. */
export { NetdataClient, type NetdataClientOptions } from './client';
export { ChartCatalog, matchCharts, type ChartCatalogOptions } from './discovery';
export { NetdataError, isNetdataError, safeUrl, type NetdataErrorKind } from './errors';
export { reduceSample, type Reduction } from './reduce';
export type { AgentInfo, ChartRequest, ChartSample, ChartSummary, NodeTarget } from './types';
