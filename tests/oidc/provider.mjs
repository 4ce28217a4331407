// OpenID providers for Tandem's tests: node-oidc-provider, one Provider per issuer, each on its own port
// on 127.0.0.1 over plain http. Started as `node tests/oidc/provider.mjs <config.json>`; prints one line
// `READY {"<name>": "http://127.0.0.1:<port>", ...}` once every issuer listens; exits on SIGTERM/SIGINT.
//
// Config: {"issuers": [{"name": "a", "port": 0, "clients": [{"client_id", "client_secret",
//   "redirect_uris": [...], ...other client metadata}], "accounts": {"<id>": {"email", "email_verified",
//   "name"}}, "id_token_claims_in_userinfo_only": false, "signing_jwk": {optional private RSA JWK}}]}
//
// Sign-in is an interaction of our own (no external fonts or scripts, unknown accounts refused):
// a login form (input `login`, button "Sign in"), then a consent form (buttons "Continue" and "Cancel").
// The pytest fixture sets TANDEM_OIDC_WATCH_STDIN=1: the process then also stops when its stdin closes.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import { Provider } from 'oidc-provider';

const HOST = '127.0.0.1';

function fail(message) {
  process.stderr.write(`provider.mjs: ${message}\n`);
  process.exit(2);
}

if (process.argv.length !== 3) fail('usage: node provider.mjs <config.json>');
let config;
try {
  config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
} catch (error) {
  fail(`cannot read config ${process.argv[2]}: ${error.message}`);
}
if (!Array.isArray(config.issuers) || config.issuers.length === 0) fail('config.issuers must be a non-empty list');

const escape = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main>${body}</main></body></html>`;
}

function send(res, status, html) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(html);
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > 65536) {
        reject(new Error('form too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function loginForm(uid, loginHint, message) {
  return page('Sign in', `
<h1>Sign in</h1>
${message ? `<p class="error" role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
  <label for="login">Account</label>
  <input id="login" type="text" name="login" required autofocus value="${escape(loginHint)}">
  <button type="submit">Sign in</button>
</form>`);
}

function consentForm(uid, clientId, scopes) {
  return page('Authorize', `
<h1>Authorize</h1>
<p>The application <strong class="client">${escape(clientId)}</strong> asks for:
${scopes.map((s) => `<span class="scope">${escape(s)}</span>`).join(' ')}</p>
<form method="post" action="/interaction/${escape(uid)}/confirm">
  <button type="submit" name="decision" value="allow">Continue</button>
</form>
<form method="post" action="/interaction/${escape(uid)}/abort">
  <button type="submit" name="decision" value="deny">Cancel</button>
</form>`);
}

function makeProvider(spec, issuer) {
  const accounts = spec.accounts || {};
  // The pytest fixture passes a key it made once per test session (`signing_jwk`): generating RSA keys here,
  // in every process of every test, was the slowest part of a start. By hand, a fresh key per run.
  const privateJwk = spec.signing_jwk
    || generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const clients = (spec.clients || []).map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  }));

  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [{ ...privateJwk, kid: `${spec.name}-${randomBytes(4).toString('hex')}`, use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: ['openid', 'email', 'profile'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // true: in the code flow the ID token carries no scope-requested claims (only sub and the protocol's
    // own), so the client must call userinfo. false: email, email_verified and name are in the ID token.
    conformIdTokenClaims: Boolean(spec.id_token_claims_in_userinfo_only),
    // PKCE for every client and every request; v9 supports only S256 (plain is always refused).
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, sub) {
      if (!Object.hasOwn(accounts, sub)) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { ...accounts[sub], sub };
        },
      };
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Error', `
<h1 class="oidc-error">Error</h1>
<dl>${Object.entries(out).map(([k, v]) => `<dt>${escape(k)}</dt><dd class="${escape(k)}">${escape(v)}</dd>`).join('')}</dl>`);
    },
  });
  // Nothing in between: the provider sees the client's own http requests on 127.0.0.1.
  provider.proxy = false;
  return { provider, accounts };
}

async function interaction(provider, accounts, req, res, uid, action) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (error) {
    send(res, 400, page('Error', `<h1 class="oidc-error">Error</h1><p class="error_description">${escape(error.message)}</p>`));
    return;
  }
  if (details.uid !== uid) {
    send(res, 400, page('Error', '<h1 class="oidc-error">Error</h1><p class="error_description">interaction mismatch</p>'));
    return;
  }
  const { prompt, params, session, grantId } = details;

  if (req.method === 'GET' && !action) {
    if (prompt.name === 'login') {
      send(res, 200, loginForm(uid, params.login_hint || '', ''));
    } else if (prompt.name === 'consent') {
      send(res, 200, consentForm(uid, params.client_id, String(params.scope || '').split(' ')));
    } else {
      send(res, 501, page('Error', `<h1 class="oidc-error">Error</h1><p>prompt ${escape(prompt.name)}</p>`));
    }
    return;
  }
  if (req.method !== 'POST') {
    send(res, 405, page('Error', '<h1 class="oidc-error">Error</h1><p>method not allowed</p>'));
    return;
  }
  const form = await readForm(req);

  if (action === 'login') {
    if (prompt.name !== 'login') {
      send(res, 400, page('Error', '<h1 class="oidc-error">Error</h1><p>not at the login step</p>'));
      return;
    }
    const login = (form.get('login') || '').trim();
    if (!Object.hasOwn(accounts, login)) {
      send(res, 200, loginForm(uid, login, `Unknown account: ${login}`));
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    return;
  }

  if (action === 'confirm') {
    if (prompt.name !== 'consent') {
      send(res, 400, page('Error', '<h1 class="oidc-error">Error</h1><p>not at the consent step</p>'));
      return;
    }
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    if (prompt.details.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, {
      mergeWithLastSubmission: true,
    });
    return;
  }

  if (action === 'abort') {
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'End-User aborted interaction',
    }, { mergeWithLastSubmission: false });
    return;
  }

  send(res, 404, page('Error', '<h1 class="oidc-error">Error</h1><p>not found</p>'));
}

const INTERACTION = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/;

function listen(spec) {
  return new Promise((resolve, reject) => {
    let handler = null;
    const server = createServer((req, res) => {
      if (!handler) {
        res.statusCode = 503;
        res.end();
        return;
      }
      handler(req, res).catch((error) => {
        process.stderr.write(`provider.mjs [${spec.name}]: ${error.stack || error}\n`);
        if (!res.headersSent) send(res, 500, page('Error', '<h1 class="oidc-error">Error</h1><p>server error</p>'));
        else res.end();
      });
    });
    server.on('error', reject);
    server.listen(Number(spec.port || 0), HOST, async () => {
      const issuer = `http://${HOST}:${server.address().port}`;
      let provider;
      let accounts;
      try {
        ({ provider, accounts } = makeProvider(spec, issuer));
        // Static clients are only checked when first used: check them now, so a bad config fails the start.
        for (const { client_id: clientId } of spec.clients || []) {
          if (!await provider.Client.find(String(clientId))) throw new Error(`client ${clientId} not found`);
        }
      } catch (error) {
        server.close();
        reject(new Error(`issuer ${spec.name}: ${error.message}${error.error_description ? ` (${error.error_description})` : ''}`));
        return;
      }
      provider.on('server_error', (ctx, error) => {
        process.stderr.write(`provider.mjs [${spec.name}] server_error: ${error.stack || error}\n`);
      });
      const callback = provider.callback();
      handler = async (req, res) => {
        const { pathname } = new URL(req.url, issuer);
        const match = INTERACTION.exec(pathname);
        if (match) {
          await interaction(provider, accounts, req, res, match[1], match[2]);
        } else {
          await callback(req, res);
        }
      };
      resolve({ name: spec.name, issuer, server });
    });
  });
}

const names = new Set();
for (const spec of config.issuers) {
  if (!spec.name || names.has(spec.name)) fail(`issuer names must be given and unique (${spec.name})`);
  names.add(spec.name);
}

let servers = [];
try {
  servers = await Promise.all(config.issuers.map(listen));
} catch (error) {
  fail(`cannot start: ${error.stack || error}`);
}

let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  let open = servers.length;
  if (open === 0) process.exit(0);
  for (const { server } of servers) {
    server.close(() => {
      open -= 1;
      if (open === 0) process.exit(0);
    });
    server.closeAllConnections();
  }
  // The servers close at once (no connection is kept open); never linger, whatever happens.
  setTimeout(() => process.exit(0), 1000);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
// The pytest fixture sets TANDEM_OIDC_WATCH_STDIN=1 and holds our stdin open: when it goes away (even
// killed), stdin ends and we stop too, so a provider never outlives the test run.
if (process.env.TANDEM_OIDC_WATCH_STDIN === '1') {
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
}

const ready = Object.fromEntries(servers.map(({ name, issuer }) => [name, issuer]));
process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
