import path from 'node:path';
import { displayPath } from '../../src/config/display-path.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { listProfiles, readProfile } from '../../src/config/profiles.js';
import { makeTempProject, type TempProject } from './temp-project.js';

let project: TempProject;
beforeEach(() => {
  project = makeTempProject('land-profiles-');
});
afterEach(() => {
  project.remove();
});

describe('profiles', () => {
  it('lists <profilesDir>/*.env by name, sorted, ignoring other files and folders', () => {
    project.write('profiles/release.env', 'Mode=release\n');
    project.write('profiles/debug.env', 'Spawn=true\n');
    project.write('profiles/debug-kernel.env', 'Spawn=false\n');
    project.write('profiles/notes.txt', 'not a profile');
    project.write('profiles/old.env.bak', 'Spawn=true\n');
    project.write('profiles/nested.env/inner.env', 'X=1\n');
    expect(listProfiles({ profilesDir: path.join(project.dir, 'profiles') })).toEqual(['debug', 'debug-kernel', 'release']);
  });

  it('lists nothing when the folder does not exist', () => {
    expect(listProfiles({ profilesDir: path.join(project.dir, 'none') })).toEqual([]);
  });

  it('reads a profile', () => {
    const file = project.write('profiles/debug-kernel.env', '# kernel\nSpawn=false\nRender=false\n');
    expect(readProfile({ profilesDir: path.join(project.dir, 'profiles') }, 'debug-kernel')).toEqual({
      name: 'debug-kernel',
      file,
      env: { Spawn: 'false', Render: 'false' },
    });
  });

  it('names the known profiles when asked for an unknown one, and never reads outside the folder', () => {
    project.write('profiles/debug.env', 'Spawn=true\n');
    project.write('profiles/release.env', 'Mode=release\n');
    project.write('secret.env', 'Authorize=phc_secret\n');
    const config = { profilesDir: path.join(project.dir, 'profiles') };
    expect(() => readProfile(config, 'debgu')).toThrow(new InputError('unknown profile "debgu" (known profiles: debug, release)'));
    expect(() => readProfile(config, '../secret')).toThrow(InputError);
  });

  it('says so when there are no profiles at all', () => {
    const profilesDir = path.join(project.dir, 'profiles');
    expect(() => readProfile({ profilesDir }, 'debug')).toThrow(new InputError(`unknown profile "debug" (there are no *.env files in ${displayPath(profilesDir)})`));
  });
});
