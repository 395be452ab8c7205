-- e-SAV en ligne (issue 21, DOMAIN.md A1, A5, O1): the people of an operator who use the web portal, the one-time
-- links that let them set their password and second factor (invitation, reset), and their sessions — in PostgreSQL
-- so that several gateway instances share them (ARCHITECTURE.md §6).

-- A person belongs to one operator. functions and offers are their profile (A5), named as the web services'
-- operations and the catalogue's offers (src/domain/profile.ts), so that one function has one name in both access
-- modes. password_hash is an argon2id PHC string; totp_secret the base32 TOTP secret (RFC 6238), set at enrolment.
-- state: invited (no password yet), active, disabled. failed_attempts counts consecutive failed sign-ins; past the
-- threshold locked_until says until when sign-in is refused (src/domain/portal-access.ts).
CREATE TABLE portal_user (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  operator_id      bigint NOT NULL REFERENCES operator(id),
  login            text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
  full_name        text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 100),
  email            text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  functions        text[] NOT NULL CHECK (cardinality(functions) > 0),
  offers           text[] NOT NULL CHECK (cardinality(offers) > 0),
  state            text NOT NULL CHECK (state IN ('invited', 'active', 'disabled')),
  password_hash    text,
  totp_secret      text,
  totp_last_step   bigint,
  failed_attempts  integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  locked_until     timestamptz,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  last_sign_in_at  timestamptz,
  CHECK (state <> 'active' OR (password_hash IS NOT NULL AND totp_secret IS NOT NULL))
);
CREATE INDEX portal_user_operator ON portal_user (operator_id, login);

-- One-time links: only the SHA-256 of the token is kept; used_at is set when it is used (once).
CREATE TABLE portal_link (
  token_sha256  text PRIMARY KEY CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  user_id       bigint NOT NULL REFERENCES portal_user(id),
  operator_id   bigint NOT NULL REFERENCES operator(id),
  purpose       text NOT NULL CHECK (purpose IN ('invitation', 'reset')),
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  used_at       timestamptz
);
CREATE INDEX portal_link_user ON portal_link (user_id) WHERE used_at IS NULL;

-- A session: only the SHA-256 of the cookie's value is kept. stage 'password': the password was right, the TOTP
-- code is awaited; 'complete': signed in. Idle and absolute expiry are both in expires_at (moved at each request,
-- never past absolute_expires_at).
CREATE TABLE portal_session (
  id_sha256            text PRIMARY KEY CHECK (id_sha256 ~ '^[0-9a-f]{64}$'),
  user_id              bigint NOT NULL REFERENCES portal_user(id),
  operator_id          bigint NOT NULL REFERENCES operator(id),
  stage                text NOT NULL CHECK (stage IN ('password', 'complete')),
  created_at           timestamptz NOT NULL,
  last_seen_at         timestamptz NOT NULL,
  expires_at           timestamptz NOT NULL,
  absolute_expires_at  timestamptz NOT NULL,
  ended_at             timestamptz,
  ended_reason         text
);
CREATE INDEX portal_session_user ON portal_session (user_id) WHERE ended_at IS NULL;

-- Secrets every instance of the portal shares (the CSRF cookie's signing key), made once by the first instance
-- that needs one, unless the configuration gives its own (ESAV_PORTAL_COOKIE_SECRET).
CREATE TABLE portal_secret (
  name        text PRIMARY KEY CHECK (name ~ '^[a-z][a-z-]{0,39}$'),
  value       text NOT NULL CHECK (length(value) >= 32),
  created_at  timestamptz NOT NULL DEFAULT now()
);
