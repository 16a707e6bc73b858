-- SPDX-License-Identifier: BSD-2-Clause
-- Base schema: the cluster-wide singleton row (cluster clock offset for `time leap`) and the
-- registry of running service instances behind the health view. Migrations run inside the
-- migrator's transaction: no BEGIN/COMMIT, nothing that needs its own transaction.

CREATE TABLE cluster (
	id int PRIMARY KEY CHECK (id = 1),
	clock_offset_s bigint NOT NULL DEFAULT 0,
	created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO cluster (id) VALUES (1);

CREATE TABLE service_instance (
	id bigserial PRIMARY KEY,
	service text NOT NULL,
	hostname text NOT NULL,
	pid int NOT NULL,
	started_at timestamptz NOT NULL DEFAULT now(),
	last_seen timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX service_instance_last_seen_idx ON service_instance (last_seen);
