import { roleMay, SILENCE_READ_ROLES, SILENCE_WRITE_ROLES } from './roles';

describe('roles shared by the server and the console', () => {
  it('lets admin do everything, trainers read silences only, integrators neither', () => {
    expect(roleMay('admin', SILENCE_WRITE_ROLES)).toBe(true);
    expect(roleMay('supervisor', SILENCE_WRITE_ROLES)).toBe(true);
    expect(roleMay('trainer', SILENCE_READ_ROLES)).toBe(true);
    expect(roleMay('trainer', SILENCE_WRITE_ROLES)).toBe(false);
    expect(roleMay('integrator', SILENCE_READ_ROLES)).toBe(false);
  });
});
