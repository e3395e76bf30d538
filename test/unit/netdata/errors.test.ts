import { NetdataError, isNetdataError, safeUrl } from '../../../src/netdata/errors';

describe('safeUrl', () => {
  it.each([
    ['http://127.0.0.1:19999/api/v1/info', 'http://127.0.0.1:19999/api/v1/info'],
    [
      'https://user:secret@proxy.example/netdata/api/v1/info',
      'https://proxy.example/netdata/api/v1/info',
    ],
    ['http://host/api/v1/data?chart=system.cpu#frag', 'http://host/api/v1/data?chart=system.cpu'],
    ['not a url//user:secret@host/x', 'not a url//host/x'],
  ])('shows %s as %s', (input, shown) => {
    expect(safeUrl(input)).toBe(shown);
  });
});

describe('NetdataError', () => {
  it('carries its kind, url, status and cause', () => {
    const cause = new Error('boom');
    const error = new NetdataError('msg', {
      kind: 'http_error',
      url: 'http://x',
      status: 500,
      cause,
    });

    expect(error).toBeInstanceOf(Error);
    expect(isNetdataError(error)).toBe(true);
    expect(isNetdataError(cause)).toBe(false);
    expect([error.name, error.kind, error.url, error.status, error.cause]).toEqual([
      'NetdataError',
      'http_error',
      'http://x',
      500,
      cause,
    ]);
  });
});
