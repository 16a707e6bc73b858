-- The signer: each zone's contents and signatures, its serial bookkeeping, and the job queue's
-- chunks. Zone data is kept per RRset, keyed by the canonical sort key of its owner
-- (lib/dns/sortkey.h) so that ORDER BY sortkey is DNSSEC's canonical order and a chunk of a
-- zone is a range scan. A restarted or different worker finds every signature still valid
-- here and reuses it.

-- Per zone: what the stored data was last built from and what was last published.
CREATE TABLE signer_zone (
	zone_id bigint PRIMARY KEY REFERENCES zone (id) ON DELETE CASCADE,
	signconf_version bigint NOT NULL DEFAULT 0,  -- the version the stored data follows
	inbound_serial bigint,                       -- SOA serial of the last input read
	outbound_serial bigint,                      -- serial last published
	published_at timestamptz,
	last_stats text NOT NULL DEFAULT '',
	last_error text NOT NULL DEFAULT '',
	updated_at timestamptz NOT NULL DEFAULT now()
);

-- RRsets. origin 0: read from the input, with the signconf's published DNSKEYs merged into
-- the input's DNSKEY RRset; 1: made by the signer (NSEC3PARAM, NSEC, NSEC3). rdata holds the RRset's records, each a 2-byte big-endian length
-- and the wire rdata. signed: false for glue, occluded data and a delegation's NS. sigs holds
-- the RRSIG rdatas in the same length-prefixed form; refresh_at is when the first of them
-- falls into the Refresh window (cluster seconds), keyset which key set decided them.
CREATE TABLE rrset (
	zone_id bigint NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
	sortkey bytea NOT NULL,
	type int NOT NULL CHECK (type BETWEEN 1 AND 65535),
	origin smallint NOT NULL DEFAULT 0 CHECK (origin IN (0, 1)),
	owner bytea NOT NULL,
	ttl bigint NOT NULL CHECK (ttl BETWEEN 0 AND 2147483647),
	rdata bytea NOT NULL,
	signed boolean NOT NULL DEFAULT true,
	sigs bytea,
	refresh_at bigint NOT NULL DEFAULT 0,
	nsigs int NOT NULL DEFAULT 0,
	keyset text NOT NULL DEFAULT '',
	PRIMARY KEY (zone_id, sortkey, type)
);

-- Jobs: a 'sign' job reads the input, rebuilds the denial chain and splits the zone into
-- 'chunk' jobs (parent_id, sort key range [lo, hi), hi NULL = to the end) that any worker
-- signs; the worker finishing the last chunk publishes. A sign job waits in 'waiting' while
-- its chunks run. At most one sign job per zone is running or waiting.
ALTER TABLE job DROP CONSTRAINT job_state_check;
ALTER TABLE job ADD CONSTRAINT job_state_check
	CHECK (state IN ('queued', 'running', 'waiting', 'done', 'failed', 'parked'));
ALTER TABLE job ADD COLUMN parent_id bigint REFERENCES job (id) ON DELETE CASCADE;
ALTER TABLE job ADD COLUMN lo bytea;
ALTER TABLE job ADD COLUMN hi bytea;
ALTER TABLE job ADD COLUMN serial bigint;          -- sign --serial N
ALTER TABLE job ADD COLUMN done_by text NOT NULL DEFAULT '';
ALTER TABLE job ADD COLUMN stats text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX job_one_sign ON job (zone_id)
	WHERE kind = 'sign' AND state IN ('running', 'waiting');
CREATE INDEX job_parent ON job (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX job_running ON job (lease_until) WHERE state = 'running';
-- A sign job runs twice: phase 'load' (input, denial, chunks) and, once its chunks are done,
-- phase 'publish' (serial, output).
ALTER TABLE job ADD COLUMN phase text NOT NULL DEFAULT 'load' CHECK (phase IN ('load', 'publish'));
