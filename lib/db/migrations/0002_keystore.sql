-- Keys the keystore made, in every repository. The private half stays on the token (PKCS#11)
-- or, for software repositories, is stored sealed in `sealed`. The public key is kept here so
-- every replica can answer GetPublicKey without the token, and SkipPublicKey costs nothing.
CREATE TABLE hsm_key (
	id bigserial PRIMARY KEY,
	repository text NOT NULL,
	locator text NOT NULL UNIQUE CHECK (locator ~ '^[0-9a-f]+$'),
	algorithm int NOT NULL CHECK (algorithm BETWEEN 1 AND 255),
	bits int NOT NULL CHECK (bits > 0),
	public_key bytea NOT NULL,
	public_on_token boolean NOT NULL DEFAULT true,
	backup smallint NOT NULL DEFAULT 0 CHECK (backup BETWEEN 0 AND 3),
	sealed bytea,
	created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hsm_key_repository ON hsm_key (repository);
