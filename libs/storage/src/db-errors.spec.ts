import { isDataRejection, isTransientDbError } from './db-errors';

describe('isTransientDbError', () => {
  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['broken pipe', { code: 'EPIPE' }],
    ['timeout', { code: 'ETIMEDOUT' }],
    ['SQLSTATE 08006 connection failure', { code: '08006' }],
    ['SQLSTATE 53300 too many connections', { code: '53300' }],
    ['SQLSTATE 57P01 admin shutdown', { code: '57P01' }],
    ['SQLSTATE 57P03 cannot connect now', { code: '57P03' }],
    ['serialization failure', { code: '40001' }],
    ['deadlock', { code: '40P01' }],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    ['connection terminated', new Error('Connection terminated unexpectedly')],
    [
      'dual-stack refusal (AggregateError)',
      new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], 'connect failed'),
    ],
    ['wrapped cause', new Error('DB_UNAVAILABLE', { cause: { code: '57P01' } })],
  ])('%s is transient', (_, err) => {
    expect(isTransientDbError(err)).toBe(true);
  });

  it.each([
    ['unique violation', { code: '23505' }],
    ['syntax error', { code: '42601' }],
    ['undefined table', { code: '42P01' }],
    ['query canceled by statement timeout (57014)', { code: '57014' }],
    ['plain error', new Error('boom')],
    ['string', 'ECONNREFUSED'],
    ['null', null],
  ])('%s is not transient', (_, err) => {
    expect(isTransientDbError(err)).toBe(false);
  });
});

describe('isDataRejection', () => {
  it.each([
    ['22003', true], // numeric value out of range
    ['22P02', true], // invalid text representation
    ['23502', true], // not-null violation
    ['54000', true], // program limit exceeded
    ['42P05', false], // prepared statement already exists: session state, not the data
    ['08006', false],
    ['57P01', false],
    ['XX000', false],
  ])('%s → %s', (code, expected) => {
    expect(isDataRejection(Object.assign(new Error('x'), { code }))).toBe(expected);
  });

  it('is false for errors without a SQLSTATE', () => {
    expect(isDataRejection(new Error('Connection terminated'))).toBe(false);
    expect(isDataRejection(undefined)).toBe(false);
  });
});
