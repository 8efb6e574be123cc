export * from './common.dto';
export * from './auth.dto';
export * from './incidents.dto';
export * from './devices.dto';
export * from './kpi.dto';
export * from './field-reports.dto';
export * from './silences.dto';
export * from './exercises.dto';
