export * from './incident.errors';
export * from './incident.decider';
export * from './sop/sop.schema';
export * from './sop/sop.catalog';
export * from './incident.service';
export * from './incidents.module';
