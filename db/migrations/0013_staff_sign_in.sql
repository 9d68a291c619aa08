-- Staff sign in with a username and password (docs/operations.md "Signing in (staff)").
-- A username is optional: users without one sign in with API keys only.
ALTER TABLE users ADD username text;
--> statement-breakpoint
CREATE UNIQUE INDEX users_username ON users (username);
--> statement-breakpoint
-- The password of a user, apart from the users row so that no read of users can carry it:
-- `hash` is "scrypt$N$r$p$<salt>$<key>" (parameters kept with each hash so they can change).
-- must_change: the password was set by an administrator (one-time) and must be changed first.
CREATE TABLE user_passwords (
  user_id integer PRIMARY KEY NOT NULL REFERENCES users(id),
  hash text NOT NULL,
  must_change integer NOT NULL,
  set_at text NOT NULL,
  set_by integer
);
--> statement-breakpoint
-- Browser sessions: only the SHA-256 of the cookie's random token is stored. A session ends by
-- sign-out, idle or absolute expiry, a password change or reset, or the user's deactivation.
CREATE TABLE staff_sessions (
  id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  token_hash text NOT NULL,
  user_id integer NOT NULL REFERENCES users(id),
  csrf_token text NOT NULL,
  created_at text NOT NULL,
  last_seen_at text NOT NULL,
  expires_at text NOT NULL,
  ended_at text,
  end_reason text,
  ip text
);
--> statement-breakpoint
CREATE UNIQUE INDEX staff_sessions_token ON staff_sessions (token_hash);
--> statement-breakpoint
CREATE INDEX staff_sessions_open ON staff_sessions (user_id) WHERE ended_at IS NULL;
