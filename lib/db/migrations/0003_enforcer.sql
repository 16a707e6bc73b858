-- SPDX-License-Identifier: BSD-2-Clause
-- The enforcer's data: policies (kasp.xml), zones (zonelist.xml), keys with their four
-- key-state records, successor dependencies, the pool of HSM keys handed to zones, signconf
-- versions, the signing work they queue, and the leader lease with its fencing epoch.
-- Times of the key-state model are seconds on the cluster clock (bigint), not timestamptz:
-- the cluster clock can be leapt forward in testing, and the engine works in seconds.

-- One row: who leads, and the epoch every key-state write checks (FOR SHARE) before it
-- writes. A new leader bumps the epoch, which waits for in-flight fenced transactions and
-- makes every later one of the old leader fail.
CREATE TABLE enforcer_leader (
	id int PRIMARY KEY CHECK (id = 1),
	epoch bigint NOT NULL DEFAULT 0,
	instance text NOT NULL DEFAULT '',
	endpoint text NOT NULL DEFAULT '',
	since timestamptz
);
INSERT INTO enforcer_leader (id) VALUES (1);

CREATE TABLE policy (
	id bigserial PRIMARY KEY,
	name text NOT NULL UNIQUE CHECK (name <> ''),
	description text NOT NULL DEFAULT '',
	passthrough boolean NOT NULL DEFAULT false,
	sig_resign_s bigint NOT NULL,
	sig_refresh_s bigint NOT NULL,
	sig_validity_default_s bigint NOT NULL,
	sig_validity_denial_s bigint NOT NULL,
	sig_validity_keyset_s bigint NOT NULL DEFAULT 0,
	sig_jitter_s bigint NOT NULL,
	sig_inception_offset_s bigint NOT NULL,
	sig_max_zone_ttl_s bigint NOT NULL DEFAULT 0,
	denial smallint NOT NULL CHECK (denial IN (1, 2)),   -- 1 NSEC, 2 NSEC3
	nsec3_ttl_s bigint NOT NULL DEFAULT 0,
	nsec3_optout boolean NOT NULL DEFAULT false,
	nsec3_resalt_s bigint NOT NULL DEFAULT 0,
	nsec3_algorithm int NOT NULL DEFAULT 1,
	nsec3_iterations int NOT NULL DEFAULT 0,
	nsec3_salt_length int NOT NULL DEFAULT 0,
	nsec3_salt text NOT NULL DEFAULT '' CHECK (nsec3_salt ~ '^([0-9a-f]{2})*$'),
	nsec3_salt_last_change bigint NOT NULL DEFAULT 0,
	keys_ttl_s bigint NOT NULL,
	keys_retire_safety_s bigint NOT NULL,
	keys_publish_safety_s bigint NOT NULL,
	keys_share boolean NOT NULL DEFAULT false,
	keys_purge_s bigint,                                 -- NULL: no Purge
	zone_propagation_delay_s bigint NOT NULL,
	zone_soa_ttl_s bigint NOT NULL,
	zone_soa_minimum_s bigint NOT NULL,
	zone_soa_serial smallint NOT NULL,                   -- enum kasp_serial
	parent_propagation_delay_s bigint NOT NULL,
	parent_registration_delay_s bigint NOT NULL DEFAULT 0,
	parent_ds_ttl_s bigint NOT NULL,
	parent_soa_ttl_s bigint NOT NULL,
	parent_soa_minimum_s bigint NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE policy_key (
	id bigserial PRIMARY KEY,
	policy_id bigint NOT NULL REFERENCES policy (id) ON DELETE CASCADE,
	seq int NOT NULL,                                    -- document order in kasp.xml
	role smallint NOT NULL CHECK (role IN (1, 2, 3)),    -- ENF_ROLE_*: 1 KSK, 2 ZSK, 3 CSK
	algorithm int NOT NULL CHECK (algorithm BETWEEN 0 AND 255),
	bits int NOT NULL,
	lifetime_s bigint NOT NULL,
	repository text NOT NULL,
	standby int NOT NULL DEFAULT 0,
	manual_rollover boolean NOT NULL DEFAULT false,
	rfc5011 boolean NOT NULL DEFAULT false,
	rolltype smallint NOT NULL,                          -- enum kasp_rolltype
	UNIQUE (policy_id, seq)
);

CREATE TABLE zone (
	id bigserial PRIMARY KEY,
	name text NOT NULL UNIQUE CHECK (name <> '' AND name = lower(name)),
	policy_id bigint NOT NULL REFERENCES policy (id),
	signconf_path text NOT NULL DEFAULT '',
	input_type text NOT NULL DEFAULT 'File',
	input_path text NOT NULL DEFAULT '',
	output_type text NOT NULL DEFAULT 'File',
	output_path text NOT NULL DEFAULT '',
	suspended boolean NOT NULL DEFAULT false,
	next_change bigint,                                  -- NULL: nothing scheduled
	ttl_end_ds bigint NOT NULL DEFAULT 0,
	ttl_end_dk bigint NOT NULL DEFAULT 0,
	ttl_end_rs bigint NOT NULL DEFAULT 0,
	ttl_ds_s bigint NOT NULL DEFAULT 0,
	ttl_dk_s bigint NOT NULL DEFAULT 0,
	ttl_rs_s bigint NOT NULL DEFAULT 0,
	roll_ksk_now boolean NOT NULL DEFAULT false,
	roll_zsk_now boolean NOT NULL DEFAULT false,
	roll_csk_now boolean NOT NULL DEFAULT false,
	next_ksk_roll bigint,
	next_zsk_roll bigint,
	next_csk_roll bigint,
	signconf_needs_writing boolean NOT NULL DEFAULT true,
	signconf_version bigint NOT NULL DEFAULT 0,
	notified_roll bigint NOT NULL DEFAULT 0,             -- RolloverNotification logged for
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX zone_next_change ON zone (next_change) WHERE next_change IS NOT NULL;
CREATE INDEX zone_policy ON zone (policy_id);

-- Which HSM keys belong to which policy key, and whether a zone uses them (hsmKey of
-- upstream). The keystore owns hsm_key; the enforcer owns this table.
CREATE TABLE key_pool (
	hsm_key_id bigint PRIMARY KEY REFERENCES hsm_key (id) ON DELETE CASCADE,
	policy_id bigint NOT NULL REFERENCES policy (id) ON DELETE CASCADE,
	role smallint NOT NULL CHECK (role IN (1, 2, 3)),
	state smallint NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),  -- 0 unused, 1 private,
	                                                                   -- 2 shared, 3 delete
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX key_pool_unused ON key_pool (policy_id, role) WHERE state = 0;

-- A key of a zone (keyData + its four keyState rows). Record states are enum enf_state.
CREATE TABLE key (
	id bigserial PRIMARY KEY,
	zone_id bigint NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
	hsm_key_id bigint NOT NULL REFERENCES hsm_key (id),
	role smallint NOT NULL CHECK (role IN (1, 2, 3)),
	algorithm int NOT NULL,
	bits int NOT NULL,
	repository text NOT NULL,
	introducing boolean NOT NULL DEFAULT true,
	ds_at_parent smallint NOT NULL DEFAULT 0 CHECK (ds_at_parent BETWEEN 0 AND 5),
	minimize smallint NOT NULL DEFAULT 0,
	keytag int NOT NULL CHECK (keytag BETWEEN 0 AND 65535),
	inception bigint NOT NULL,
	has_records boolean NOT NULL DEFAULT false,
	ds_state smallint NOT NULL DEFAULT 0,
	ds_last bigint NOT NULL DEFAULT 0,
	ds_ttl bigint NOT NULL DEFAULT 0,
	dnskey_state smallint NOT NULL DEFAULT 0,
	dnskey_last bigint NOT NULL DEFAULT 0,
	dnskey_ttl bigint NOT NULL DEFAULT 0,
	rrsigdnskey_state smallint NOT NULL DEFAULT 0,
	rrsigdnskey_last bigint NOT NULL DEFAULT 0,
	rrsigdnskey_ttl bigint NOT NULL DEFAULT 0,
	rrsig_state smallint NOT NULL DEFAULT 0,
	rrsig_last bigint NOT NULL DEFAULT 0,
	rrsig_ttl bigint NOT NULL DEFAULT 0,
	-- DS submit/retract command bookkeeping: the last failure, retried on the next run
	ds_cmd_error text NOT NULL DEFAULT '',
	UNIQUE (zone_id, hsm_key_id)
);
CREATE INDEX key_zone ON key (zone_id);
CREATE INDEX key_hsm_key ON key (hsm_key_id);

CREATE TABLE key_dependency (
	zone_id bigint NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
	from_key bigint NOT NULL REFERENCES key (id) ON DELETE CASCADE,
	to_key bigint NOT NULL REFERENCES key (id) ON DELETE CASCADE,
	record smallint NOT NULL CHECK (record BETWEEN 0 AND 3),
	PRIMARY KEY (from_key, to_key, record)
);
CREATE INDEX key_dependency_zone ON key_dependency (zone_id);

-- What the signer reads: the OpenDNSSEC signconf.xml document of each version.
CREATE TABLE signconf (
	zone_id bigint NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
	version bigint NOT NULL,
	xml text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (zone_id, version)
);

-- Signing work. The enforcer queues a 'sign' job when a signconf version appears; the signer
-- workers claim jobs with FOR UPDATE SKIP LOCKED under a lease (their issue extends this).
CREATE TABLE job (
	id bigserial PRIMARY KEY,
	zone_id bigint NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
	kind text NOT NULL,
	reason text NOT NULL DEFAULT '',
	signconf_version bigint NOT NULL DEFAULT 0,
	state text NOT NULL DEFAULT 'queued'
		CHECK (state IN ('queued', 'running', 'done', 'failed', 'parked')),
	not_before timestamptz NOT NULL DEFAULT now(),
	attempts int NOT NULL DEFAULT 0,
	lease_owner text,
	lease_until timestamptz,
	error text NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_queued ON job (not_before) WHERE state = 'queued';
CREATE INDEX job_zone ON job (zone_id);
