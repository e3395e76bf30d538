import convict from 'convict';

import { DURATION_FORMATS, type SettingFormat } from './duration';
import { showValue } from './errors';

/**
 * The convict formats the schema uses. Each `validate` throws an Error whose message names the
 * value and what was expected; the loader puts the key in front. Formats of secrets never echo
 * the value.
 */

function fail(message: string): never {
  throw new Error(message);
}

function httpUrl(example: string, allowEmpty: boolean): SettingFormat {
  return {
    validate(value) {
      if (allowEmpty && value === '') {
        return;
      }

      const expected = `expected an http(s) URL such as ${example}`;
      if (typeof value !== 'string' || !URL.canParse(value)) {
        fail(`${showValue(value)} is not a URL; ${expected}`);
      }
      if (!['http:', 'https:'].includes(new URL(value).protocol)) {
        fail(`${showValue(value)} is not an http(s) URL; ${expected}`);
      }
    },
  };
}

function stringList(what: string, pattern: RegExp, expected: string): SettingFormat {
  return {
    validate(value) {
      if (!Array.isArray(value)) {
        fail(
          `${showValue(value)} is not a list; expected a list of ${what}, e.g. [] or [${expected}]`,
        );
      }
      for (const item of value) {
        if (typeof item !== 'string' || !pattern.test(item)) {
          fail(`${showValue(item)} is not ${what}; expected e.g. ${expected}`);
        }
      }
    },
    coerce: (text) => (text.trim() === '' ? [] : text.split(',').map((item) => item.trim())),
  };
}

function token(prefix: string, setting: string): SettingFormat {
  return {
    validate(value) {
      if (typeof value !== 'string') {
        fail(`is not a string; expected ${setting}`);
      }
      if (value !== '' && !value.startsWith(prefix)) {
        fail(`does not start with "${prefix}"; expected ${setting} or "" (value not shown)`);
      }
    },
  };
}

function oneOf(values: readonly string[]): SettingFormat {
  return {
    validate(value) {
      if (typeof value !== 'string' || !values.includes(value)) {
        fail(`${showValue(value)} is not allowed; expected one of ${values.join(', ')}`);
      }
    },
    coerce: (text) => text.trim().toLowerCase(),
  };
}

const INTEGER = /^\s*\d+\s*$/;

const port: SettingFormat = {
  validate(value) {
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 65535) {
      fail(
        `${showValue(value)} is not a port; expected an integer from 0 to 65535 (0 picks a free one)`,
      );
    }
  },
  // Only whole numbers become numbers, so that a typo is reported as typed, not as NaN.
  coerce: (text) => (INTEGER.test(text) ? Number(text) : text),
};

const positiveInteger: SettingFormat = {
  validate(value) {
    if (!Number.isInteger(value) || (value as number) < 1) {
      fail(`${showValue(value)} is not a positive whole number; expected e.g. 3`);
    }
  },
  coerce: (text) => (INTEGER.test(text) ? Number(text) : text),
};

const nonEmptyString: SettingFormat = {
  validate(value) {
    if (typeof value !== 'string' || value.trim() === '') {
      fail(`${showValue(value)} is empty or not text; expected a non-empty string`);
    }
  },
};

const anyString: SettingFormat = {
  validate(value) {
    if (typeof value !== 'string') {
      fail(`${showValue(value)} is not text; expected a string (quote it in YAML)`);
    }
  },
};

const secret: SettingFormat = {
  validate(value) {
    if (typeof value !== 'string') {
      fail('is not text; expected a string (value not shown)');
    }
  },
};

const mention: SettingFormat = {
  validate(value) {
    if (typeof value !== 'string' || !/^(|@here|@channel|S[A-Z0-9]{2,})$/.test(value)) {
      fail(
        `${showValue(value)} is not a mention; expected "", "@here", "@channel" or a user group id such as S0123ABC`,
      );
    }
  },
};

const ruleMap: SettingFormat = {
  validate(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail(
        `${showValue(value)} is not a map; expected rule ids mapped to rules, e.g. cpu: { chart: system.cpu, ... }`,
      );
    }
  },
};

/** Every format the schema may name, by name. */
export const FORMATS = {
  ...DURATION_FORMATS,
  'http-url': httpUrl('http://127.0.0.1:19999', false),
  'http-url-or-empty': httpUrl('http://netdata.example.com:19999', true),
  'tcp-port': port,
  'positive-integer': positiveInteger,
  'non-empty-string': nonEmptyString,
  string: anyString,
  secret,
  'bot-token': token('xoxb-', 'a bot token (xoxb-...)'),
  'app-token': token('xapp-', 'an app-level token (xapp-...)'),
  'slack-mention': mention,
  'slack-id-list': stringList(
    'a Slack user or user group id',
    /^[UWS][A-Z0-9]{2,}$/,
    'U0123ABC, S0456DEF',
  ),
  'hostname-list': stringList('a hostname', /^\S+$/, 'web-1, db-1'),
  'log-level': oneOf(['error', 'warn', 'info', 'debug']),
  'log-format': oneOf(['json', 'pretty']),
  'rule-map': ruleMap,
} satisfies Record<string, SettingFormat>;

export type FormatName = keyof typeof FORMATS;

let registered = false;

/**
 * Registers every format with convict. Convict keeps formats in one process-wide table, so the
 * names are specific enough not to collide (`tcp-port` rather than the built-in `port`, which
 * turns a typo into NaN).
 */
export function registerFormats(): void {
  if (registered) {
    return;
  }

  for (const [name, format] of Object.entries(FORMATS)) {
    convict.addFormat({ name, ...format });
  }
  registered = true;
}
