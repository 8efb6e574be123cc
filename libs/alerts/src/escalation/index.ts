export * from './escalation-policy';
export * from './escalation.ports';
export * from './escalation.service';
export * from './escalation.scheduler';
export * from './escalate-incident.job';
export * from './escalation.module';
