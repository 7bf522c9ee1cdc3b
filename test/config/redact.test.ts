import { describe, expect, it } from 'vitest';
import { hasTokenPrefix, holdsSecret, MASK, redactArgs, redactRecordText, redactText, registerSecretsOf, secretArgs, tokenShaped } from '../../src/config/redact.js';
import { scheduleProblem } from '../../src/config/schedule.js';

describe('redactText', () => {
  it('masks URL credentials: the password of user:password@, a bare token@ whole', () => {
    expect(redactText('http http://admin:hunter2@127.0.0.1:80/health')).toBe('http http://admin:***@127.0.0.1:80/health');
    expect(redactText('clone https://ghp_abcdef@github.com/x/y')).toBe('clone https://***@github.com/x/y');
  });

  it('masks the password of a URL that a path resolution collapsed to one slash (a cwd of https://u:pw@x)', () => {
    expect(redactText('tiers.web.cwd: expected an existing folder, got "/tmp/p/https:/u:secretpw8@x"')).toBe(
      'tiers.web.cwd: expected an existing folder, got "/tmp/p/https:/u:***@x"',
    );
    // Without a password, a one-slash form is a path like any other.
    expect(redactText('/srv/c:/user@host/x')).toBe('/srv/c:/user@host/x');
  });

  it('masks secret-named query values and --options, and Bearer tokens; leaves the others', () => {
    expect(redactText('http://h/x?api_key=abc123&page=2&token=zz;sig=q')).toBe('http://h/x?api_key=***&page=2&token=***;sig=***');
    expect(redactText('exec curl --token=abcdef --retry=3 -H "Authorization: Bearer xyz.123"')).toBe(
      'exec curl --token=*** --retry=3 -H "Authorization: Bearer ***"',
    );
  });

  it('masks Basic credentials (base64 of user:password) as it masks Bearer tokens; Basic as a word stays', () => {
    const basic = btoa('admin:hunter22');
    expect(redactText(`upstream said 401 to -H "Authorization: Basic ${basic}"`)).toBe('upstream said 401 to -H "Authorization: Basic ***"');
    expect(redactText(`proxy-authorization: basic ${btoa('u:p').replace(/=+$/, '')} then`)).toBe('proxy-authorization: basic *** then');
    for (const plain of ['Basic setup done', 'Basic auth failed for bob', `Basic ${btoa('no colon here')}`]) expect(redactText(plain)).toBe(plain);
    expect(holdsSecret(`Basic ${basic}`)).toBe(true);
    expect(holdsSecret('Basic setup')).toBe(false);
  });

  it("masks a scheme's credential in a child's record in one pass, a secret pair's value included", () => {
    const basic = btoa('admin:hunter22');
    expect(redactRecordText(`request failed: Authorization: Basic ${basic} (401)`)).toBe('request failed: Authorization: Basic *** (401)');
    expect(redactRecordText(`{"authorization":"Basic ${basic}"}`)).toBe('{"authorization":"Basic ***"}');
    // A secret-named pair whose value is a scheme and its credential: the pair's value is the scheme's word, and the
    // credential after it is masked all the same.
    for (const scheme of [`Basic ${basic}`, 'Bearer eyJhbGciOi.x-y']) expect(redactRecordText(`token: ${scheme} ok`)).toBe('token: *** *** ok');
  });

  it('masks a secret-named key=value after a word start, and JSON "password":"x", in free text', () => {
    expect(redactText('GET /x?token=abc123&a=1 | bare token=abc123 | password=hunter22')).toBe('GET /x?token=***&a=1 | bare token=*** | password=***');
    expect(redactText('(token=abc) [api_key=xyz], client_secret="two words" {"password":"hunter 22","user":"bob"}')).toBe(
      '(token=***) [api_key=***], client_secret="***" {"password":"***","user":"bob"}',
    );
    // A name that holds a secret word only in part, and ordinary prose, stay readable.
    for (const plain of ['tokenizer=fast keyPrefix=ab', 'passwords are stored hashed', 'the token expired', 'user=bob page=2']) expect(redactText(plain)).toBe(plain);
    // land's own messages name a key and then say what was wrong with it: the word after the colon is no secret.
    expect(redactText('tiers.api.env.API_TOKEN: expected a string')).toBe('tiers.api.env.API_TOKEN: expected a string');
  });

  it("masks `name: value` in a child's record text too", () => {
    expect(redactRecordText('login failed, password: hunter22 user: bob')).toBe('login failed, password: *** user: bob');
    expect(redactRecordText("token: 'a b' sig:q")).toBe("token: '***' sig:***");
    expect(redactRecordText('passwords: are stored hashed')).toBe('passwords: are stored hashed');
  });

  it('leaves plain KEY=value text alone (error messages use it)', () => {
    expect(redactText('profiles/debug.env:2: expected KEY=value, got "oops"')).toBe('profiles/debug.env:2: expected KEY=value, got "oops"');
  });

  it('masks PostHog keys and the registered values of secret-named variables, in the forms node prints them', () => {
    expect(redactText('key phc_abcdef0123')).toBe('key phc_***');
    registerSecretsOf({ API_TOKEN: 'tok-s3cret\u0000tail-part', PLAIN: 'visible-value' });
    expect(redactText("Received 'tok-s3cret\\x00tail-part'")).toBe("Received '***'");
    expect(redactText('"tok-s3cret\\u0000tail-part"')).toBe('"***"');
    expect(redactText('pieces tok-s3cret and tail-part')).toBe('pieces *** and ***');
    expect(redactText('visible-value')).toBe('visible-value');
  });

  it('runs in linear time on a long line', () => {
    for (const line of [`${' '.repeat(200_000)}x=${'a'.repeat(200_000)}`, 'a.'.repeat(100_000), '?a'.repeat(100_000), 'h://'.repeat(50_000)]) {
      expect(redactText(line)).toBe(line);
    }
  });

  it('remembers the values of _PASS, _PWD and _KEY variables, not the shell\'s PWD', () => {
    registerSecretsOf({ DB_PASS: 'pw-D1b-pass', MYSQL_PWD: 'pw-My5-pwd', JWT_KEY: 'k-Jw7-key', ENCRYPTION_KEY: 'k-En9-key', PWD: '/home/alice/app', OLDPWD: '/home/alice' });
    expect(redactText('pw-D1b-pass pw-My5-pwd k-Jw7-key k-En9-key in /home/alice/app')).toBe('*** *** *** *** in /home/alice/app');
  });

  it('masks the word after a secret option inside one text (a shell string), not after other options', () => {
    expect(redactText('app --token abc123 --port 80 -password  pw9 --api-key ak1')).toBe('app --token *** --port 80 -password  *** --api-key ***');
    expect(redactText('--secret s1')).toBe('--secret ***');
    const line = '-a '.repeat(100_000);
    expect(redactText(line)).toBe(line);
  });

  it("masks the text JSON.parse's message quotes (a config parsing a secret variable's JSON quoted its start)", () => {
    const messageOf = (text: string) => {
      try {
        JSON.parse(text);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('parsed');
    };
    // Around the break (…"…"...), the whole of a short text, and a quote or a line break inside what is quoted.
    for (const text of ['{"k": sk_live_abcdef123456, "z": 1}', 'sk_live_ab', '{"key":\n sk"live_ab12}']) {
      const shown = redactText(messageOf(text));
      expect(shown).toMatch(/^Unexpected token '.', "\*\*\*" is not valid JSON$/);
      expect(shown).not.toContain('live');
    }
    expect(redactText(messageOf('[1,2'))).toBe(messageOf('[1,2'));
    const line = `Unexpected token 'a', "${'"'.repeat(100_000)}`;
    expect(redactText(line)).toBe(line);
  });
});


describe('secretArgs (what land export moves out of a command)', () => {
  it('marks each argument holding a secret and the value after a bare secret-named option; never the program', () => {
    const argv = ['curl', '-H', 'Authorization: Bearer b-123456', '--password', 'pw-123456', '--api-key=k-123456', 'http://u:p@h/?token=t1', '-v', 'plain', 'sh -c app --token tok-1'];
    expect(secretArgs(argv)).toEqual([false, false, true, false, true, true, true, false, false, true]);
    expect(secretArgs(['--token'])).toEqual([false]);
  });

  it('holdsSecret takes an option given apart inside one text (a shell line), not a harmless one', () => {
    expect(holdsSecret('echo stopping --token tok-sekrit-777')).toBe(true);
    expect(holdsSecret('app --workers 4 --ssl-keyfile /etc/k')).toBe(false);
  });
});

describe("curl's -u user:password", () => {
  it('is masked, moved by export (the password), and only curl\'s: docker\'s -u uid:gid is no secret', () => {
    expect(redactText('curl -fsS -u user:pw-123 http://x; curl --user=u:pw-456 y; curl -Uproxy:pw-789 z')).toBe('curl -fsS -u user:*** http://x; curl --user=u:*** y; curl -Uproxy:*** z');
    expect(holdsSecret('sh -c "curl --user \'user:pw-123\' http://x"')).toBe(true);
    expect(holdsSecret('docker run -u 1000:1000 img')).toBe(false);
    expect(secretArgs(['curl', '-u', 'user:pw-123', '--user=u:pw', 'http://x:80/'])).toEqual([false, false, true, true, false]);
    expect(secretArgs(['docker', 'run', '-u', '1000:1000', 'img'])).toEqual([false, false, false, false, false]);
    expect(secretArgs(['curl', '-u', 'user', 'http://x'])).toEqual([false, false, false, false]);
  });

  it('after curl flags combined with it (-su, -fsSLu, -suuser:pw), as curl reads them; not after an option that takes a value (-ou)', () => {
    expect(redactText('curl -su user:pw-123 http://x; curl -fsSLu u:pw-456 y; curl -suuser:pw-789 z')).toBe('curl -su user:*** http://x; curl -fsSLu u:*** y; curl -suuser:*** z');
    expect(holdsSecret("sh -c 'curl -sSU proxy:pw-123 http://x'")).toBe(true);
    expect(secretArgs(['curl', '-su', 'user:pw-123', '-fsuuser:pw', 'http://x:80/'])).toEqual([false, false, true, true, false]);
    expect(redactArgs(['curl', '-su', 'user:pw-123'])).toEqual(['curl', '-su', 'user:***']);
    // -o takes the u as its file name: user:x is the URL curl fetches, no password.
    expect(secretArgs(['curl', '-ou', 'user:x'])).toEqual([false, false, false]);
    expect(holdsSecret('curl -ou user:x')).toBe(false);
  });
});

describe('scheduleProblem', () => {
  it("leaves out of croner's reason the expression, or a field of it, that may be a secret", () => {
    expect(scheduleProblem('token=secretpw5 * * *')).toBe("invalid configuration format ('…'), exactly five, six, or seven space separated parts are required.");
    expect(scheduleProblem('* * * * secretpw5')).toBe('configuration entry 5 (…) contains illegal characters.');
    // What is no secret stays quoted: it says what is wrong.
    expect(scheduleProblem('61 * * * *')).toBe('Invalid value for minute: 61');
  });
});

describe('tokenShaped (one rule for a URL\'s user and a config\'s load error)', () => {
  it('takes a known prefix, or 20+ letters and digits mixed (a JWT\'s dots, base64\'s +=), not a name or a path', () => {
    expect(MASK).toBe('***');
    for (const word of ['ghp_abc', 'sk_live_51H', 'xoxb-1', 'AKIAIOSFODNN7EXAMPLE', 'a8Fk29dLq0ZpX7wBnM3v', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0', 'abcdefghij0123456789+=']) {
      expect(tokenShaped(word), word).toBe(true);
    }
    for (const word of ['production', 'undefinedHelperForServices', '12345678901234567890', '/tmp/x/tok12345678901234567890']) expect(tokenShaped(word), word).toBe(false);
    expect(hasTokenPrefix('ghp_abc')).toBe(true);
    expect(hasTokenPrefix('a8Fk29dLq0ZpX7wBnM3v')).toBe(false);
    // The same rule for a URL's user in what `land export` moves to the 0600 files.
    expect(holdsSecret('https://abcdefghij0123456789+=@git.example/x')).toBe(true);
    expect(holdsSecret('https://ghp_abc@github.com/x')).toBe(true);
    expect(holdsSecret('postgres://postgres@localhost/app')).toBe(false);
  });
});
