import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { evolve, INCIDENT_TYPES, type IncidentRecord } from '@ioc/domain';
import { isIocError } from '@ioc/platform';
import { decide, DEFAULT_LIFECYCLE_POLICY } from '../incident.decider';
import { defaultSopDir, loadSopCatalog, sopProgress } from './sop.catalog';
import { attachable, parseSop } from './sop.schema';

const MIN = 60_000;
const T0 = Date.UTC(2026, 9, 20, 11, 0, 0);

const VALID = `
id: sop-bin-fire
incidentType: bin-fire
version: 2
title: { vi: Cháy thùng rác, en: Bin fire }
instruction: { vi: Tránh xa, en: Keep away }
cap:
  event: { vi: Cháy thùng rác, en: Bin fire }
  categories: [Fire]
  responseTypes: [Avoid]
  certainty: Observed
steps:
  - id: confirm
    text: { vi: Xác nhận, en: Confirm }
    owner: operator
    dueWithinMin: 3
  - id: call-fire
    text: { vi: Gọi 114, en: Call 114 }
    owner: operator
    dueWithinMin: 5
  - id: field-check
    text: { vi: Kiểm tra, en: Check }
    owner: field-team
    dueWithinMin: 30
`;

function sopError(text: string): string {
  try {
    parseSop(text, 'bin-fire.yaml');
  } catch (err) {
    expect(isIocError(err, 'SOP_INVALID')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected SOP_INVALID');
}

describe('SOPs', () => {
  it('every incident type has a valid SOP in seeds/sops, with Vietnamese and English text', () => {
    const catalog = loadSopCatalog();
    expect(catalog.types()).toEqual([...INCIDENT_TYPES].sort());
    for (const type of INCIDENT_TYPES) {
      const sop = catalog.require(type);
      expect(sop.id).toBe(`sop-${type}`);
      expect(sop.version).toBeGreaterThanOrEqual(1);
      for (const step of sop.steps) {
        expect(step.text.vi).not.toBe(step.text.en);
        expect(step.dueWithinMin).toBeGreaterThan(0);
      }
      // Vietnamese text is Vietnamese (diacritics), not a copy of the English.
      expect(sop.instruction.vi).toMatch(/[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]/i);
    }
  });

  it('parses a valid SOP', () => {
    const sop = parseSop(VALID, 'bin-fire.yaml');
    expect(sop).toMatchObject({
      id: 'sop-bin-fire',
      version: 2,
      incidentType: 'bin-fire',
      cap: { categories: ['Fire'] },
    });
    expect(sop.steps.map((s) => [s.id, s.owner, s.dueWithinMin])).toEqual([
      ['confirm', 'operator', 3],
      ['call-fire', 'operator', 5],
      ['field-check', 'field-team', 30],
    ]);
    expect(attachable(sop)).not.toHaveProperty('cap');
  });

  it('names the file and the field in validation errors', () => {
    expect(sopError(VALID.replace('owner: field-team', 'owner: janitor'))).toMatch(
      /^bin-fire\.yaml: steps\.2\.owner: /,
    );
    expect(sopError(VALID.replace('dueWithinMin: 5', 'dueWithinMin: -5'))).toMatch(/steps\.1\.dueWithinMin/);
    expect(sopError(VALID.replace('version: 2', 'version: "two"'))).toMatch(/version/);
    expect(sopError(VALID.replace('incidentType: bin-fire', 'incidentType: volcano'))).toMatch(/incidentType/);
    expect(sopError(VALID.replace('id: call-fire', 'id: confirm'))).toMatch(
      /steps\.1\.id: duplicate step id "confirm"/,
    );
    expect(sopError(VALID.replace('{ vi: Gọi 114, en: Call 114 }', '{ vi: Gọi 114 }'))).toMatch(/steps\.1\.text\.en/);
    expect(sopError(VALID.replace('categories: [Fire]', 'categories: [Flames]'))).toMatch(/cap\.categories\.0/);
    expect(sopError(VALID + 'extra: 1\n')).toMatch(/extra/);
    expect(sopError('steps: [\n')).toMatch(/not valid YAML/);
  });

  it('refuses a file whose name is not its incident type, and two SOPs for one type', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sops-'));
    writeFileSync(path.join(dir, 'bin-overflow.yaml'), VALID);
    expect(() => loadSopCatalog(dir)).toThrow(/bin-overflow\.yaml: incidentType bin-fire does not match/);
    const dir2 = mkdtempSync(path.join(tmpdir(), 'sops-'));
    writeFileSync(path.join(dir2, 'bin-fire.yaml'), VALID);
    writeFileSync(path.join(dir2, 'bin-fire.yml'), VALID.replace('id: sop-bin-fire', 'id: sop-bin-fire-2'));
    expect(() => loadSopCatalog(dir2)).toThrow(/two SOPs for bin-fire/);
    // the shipped files stay readable as text (UTF-8, Vietnamese)
    expect(readFileSync(path.join(defaultSopDir(), 'urban-flooding.yaml'), 'utf8')).toContain('Ngập úng đô thị');
  });

  it('attaches the SOP version at open and computes overdue steps from injected time', () => {
    const sop = parseSop(VALID, 'bin-fire.yaml');
    const ctx = (now: number) => ({ now, policy: DEFAULT_LIFECYCLE_POLICY });
    const [opened] = decide(
      {
        kind: 'apply-signal',
        exercise: false,
        newIncidentId: 'i1',
        sop: attachable(sop),
        signal: {
          op: 'raise',
          key: 'bin-fire:bin-p1-0001',
          type: 'bin-fire',
          ruleId: 'waste.bin-fire',
          zone: { kind: 'device', id: 'bin-p1-0001' },
          severity: 'major',
          at: T0,
          evidence: [],
          title: { vi: 'Cháy', en: 'Fire' },
        },
      },
      undefined,
      ctx(T0),
    );
    let incident: IncidentRecord = evolve(undefined, opened);
    expect(incident.sop).toMatchObject({ id: 'sop-bin-fire', version: 2 });

    expect(sopProgress(incident, T0 + 2 * MIN).map((s) => s.overdue)).toEqual([false, false, false]);
    expect(sopProgress(incident, T0 + 3 * MIN + 1).map((s) => s.overdue)).toEqual([true, false, false]);

    const [done] = decide({ kind: 'complete-sop-step', stepId: 'confirm', by: 'op-lan' }, incident, ctx(T0 + 4 * MIN));
    incident = evolve(incident, done);
    const progress = sopProgress(incident, T0 + 6 * MIN);
    expect(progress[0]).toEqual({
      id: 'confirm',
      owner: 'operator',
      dueAt: T0 + 3 * MIN,
      doneAt: T0 + 4 * MIN,
      doneBy: 'op-lan',
      overdue: false,
    });
    expect(progress[1]).toMatchObject({ id: 'call-fire', overdue: true, dueAt: T0 + 5 * MIN });
    expect(progress[2]).toMatchObject({ id: 'field-check', overdue: false });
  });
});
